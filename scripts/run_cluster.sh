#!/usr/bin/env bash
# Runs several Rasa servers that share one PostgreSQL tracker store and one Redis lock store, plus the
# action server: a conversation may hit any of them. Called by `make run-cluster`.
set -euo pipefail
cd "$(dirname "$0")/.."

export TRACKER_STORE_URL="$CLUSTER_TRACKER_STORE_URL"
export LOCK_STORE_TYPE=redis
rasa=.venv/bin/rasa
mkdir -p logs

.venv/bin/python -m paybot.preflight

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
"$rasa" run actions --actions actions --port "$ACTION_PORT" >logs/actions.log 2>&1 &
pids+=($!)
for port in $CLUSTER_PORTS; do
  "$rasa" run --port "$port" --credentials credentials.yml --endpoints endpoints.yml >"logs/rasa-$port.log" 2>&1 &
  pids+=($!)
done

for port in $CLUSTER_PORTS; do
  until curl -sf "http://127.0.0.1:$port/" >/dev/null; do sleep 1; done
  echo "Rasa server: http://127.0.0.1:$port  (log: logs/rasa-$port.log)"
done
cat <<TXT
Conversations: ${TRACKER_STORE_URL}; locks: Redis ${REDIS_HOST}:${REDIS_PORT}. Any server can take any
message of any conversation; put a load balancer (or the web page's socket.io URL) in front of them.
Stop with Ctrl-C.
TXT
# A server that dies leaves the others serving (as behind a load balancer); Ctrl-C stops them all.
while [ -n "$(jobs -rp)" ]; do
  if wait -n; then status=0; else status=$?; fi
  echo "A cluster process exited (status $status); the others keep serving. Logs: logs/" >&2
done
