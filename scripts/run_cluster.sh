#!/usr/bin/env bash
# Runs several Rasa servers that share one PostgreSQL tracker store and one Redis lock store, the action
# server, nginx in front of them on $CLUSTER_PORT (cluster/nginx.conf.template: round-robin for REST and
# Kakao, sticky for socket.io), the chat page pointing at nginx, and the console (when an admin exists)
# publishing to every server. Called by `make run-cluster`.
set -euo pipefail
cd "$(dirname "$0")/.."

export TRACKER_STORE_URL="$CLUSTER_TRACKER_STORE_URL"
export LOCK_STORE_TYPE=redis
export WEB_CHAT_SOCKET_URL="$CLUSTER_WEB_CHAT_SOCKET_URL"
# The Rasa command lines are written once, in rasa_runtime/launcher.py.
launch=(.venv/bin/python -m rasa_runtime.launcher)
nginx=/usr/sbin/nginx
mkdir -p logs

.venv/bin/python -m paybot.preflight
if [ ! -x "$nginx" ]; then
  echo "Cannot start: $nginx is missing; run \`make cluster-setup\` (apt-get install nginx-light)." >&2
  exit 1
fi

# nginx's configuration, pid file, logs and (unused) temp folders: all in the run folder, never /etc.
run_dir="$(realpath -m "$CLUSTER_RUN_DIR")"
mkdir -p "$run_dir/tmp"
upstreams=""
for port in $CLUSTER_PORTS; do
  upstreams+="        server 127.0.0.1:$port max_fails=1 fail_timeout=10s;"$'\n'
done
CLUSTER_RUN_DIR="$run_dir" CLUSTER_UPSTREAM_SERVERS="$upstreams" \
  envsubst '${CLUSTER_RUN_DIR} ${CLUSTER_PORT} ${CLUSTER_UPSTREAM_SERVERS}' \
  <cluster/nginx.conf.template >"$run_dir/nginx.conf"
nginx_flags=(-p "$run_dir" -c "$run_dir/nginx.conf" -e "$run_dir/nginx-error.log")
"$nginx" -t -q "${nginx_flags[@]}"

# wait_until_up and start_console.
source scripts/lib.sh

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
"${launch[@]}" actions --port "$ACTION_PORT" >logs/actions.log 2>&1 &
pids+=($!)
rasa_pids=()
for port in $CLUSTER_PORTS; do
  "${launch[@]}" server --port "$port" --api-token "${RASA_API_TOKEN:-}" >"logs/rasa-$port.log" 2>&1 &
  pids+=($!)
  rasa_pids+=($!)
done
"$nginx" "${nginx_flags[@]}" &
nginx_pid=$!
pids+=($!)
.venv/bin/python -m web.serve >"logs/web-$WEB_CHAT_PORT.log" 2>&1 &
web_pid=$!
pids+=($!)

index=0
for port in $CLUSTER_PORTS; do
  wait_until_up "Rasa server on :$port" "http://127.0.0.1:$port/" "${rasa_pids[$index]}" "logs/rasa-$port.log" 180
  echo "Rasa server: http://127.0.0.1:$port  (log: logs/rasa-$port.log)"
  index=$((index + 1))
done
wait_until_up "load balancer" "http://127.0.0.1:$CLUSTER_PORT/health" "$nginx_pid" "$run_dir/nginx-error.log" 180
wait_until_up "chat page server" "http://127.0.0.1:$WEB_CHAT_PORT/" "$web_pid" "logs/web-$WEB_CHAT_PORT.log" 180
# The console publishes to every server of the cluster (each with the API on when RASA_API_TOKEN is set).
CONSOLE_RASA_URLS="$(for port in $CLUSTER_PORTS; do printf 'http://127.0.0.1:%s,' "$port"; done)"
export CONSOLE_RASA_URLS
start_console
if [ -n "$console_pid" ]; then pids+=("$console_pid"); fi
cat <<TXT
Load balancer (nginx): http://127.0.0.1:${CLUSTER_PORT}  (REST and Kakao round-robin, socket.io sticky;
  config and logs: ${run_dir}/)
Chat page: http://127.0.0.1:${WEB_CHAT_PORT}/  (its socket.io URL: ${WEB_CHAT_SOCKET_URL})
Conversations: ${TRACKER_STORE_URL}; locks: Redis ${REDIS_HOST}:${REDIS_PORT}. Try:
  curl -s -XPOST localhost:${CLUSTER_PORT}/webhooks/rest/webhook -d '{"sender":"u1","message":"고객센터 전화번호 알려주세요"}'
Stop with Ctrl-C.
TXT
# A Rasa server that dies leaves the others serving behind nginx; Ctrl-C stops them all.
while [ -n "$(jobs -rp)" ]; do
  if wait -n; then status=0; else status=$?; fi
  echo "A cluster process exited (status $status); the others keep serving. Logs: logs/, ${run_dir}/" >&2
done
