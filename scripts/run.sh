#!/usr/bin/env bash
# Starts the action server, waits for its /health, then Rasa (server, or `shell` for the terminal).
# In server mode it also serves the web chat page (web/serve.py) on 127.0.0.1:$WEB_CHAT_PORT.
# Called by `make run` / `make shell` with the settings exported by the Makefile.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-server}"
rasa=.venv/bin/rasa
mkdir -p logs

"$rasa" run actions --actions actions --port "$ACTION_PORT" >logs/actions.log 2>&1 &
actions_pid=$!
web_pid=""
trap 'kill "$actions_pid" $web_pid 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 60); do
  if curl -sf "http://127.0.0.1:${ACTION_PORT}/health" >/dev/null; then break; fi
  if ! kill -0 "$actions_pid" 2>/dev/null; then
    echo "The action server did not start; see logs/actions.log:" >&2
    tail -n 20 logs/actions.log >&2
    exit 1
  fi
  sleep 0.5
done
echo "Action server: http://127.0.0.1:${ACTION_PORT}/health"

if [ "$mode" = "shell" ]; then
  "$rasa" shell --endpoints endpoints.yml
  exit 0
fi

.venv/bin/python -m web.serve >logs/web.log 2>&1 &
web_pid=$!
for _ in $(seq 1 20); do
  if curl -sf "http://127.0.0.1:${WEB_CHAT_PORT}/" >/dev/null; then break; fi
  if ! kill -0 "$web_pid" 2>/dev/null; then
    echo "The chat page server did not start; see logs/web.log:" >&2
    tail -n 20 logs/web.log >&2
    exit 1
  fi
  sleep 0.25
done
echo "Chat page: http://127.0.0.1:${WEB_CHAT_PORT}/ (open it in a browser once Rasa is up)"

cat <<TXT
Starting Rasa on http://127.0.0.1:${RASA_PORT} (channels: rest, socketio, kakao). Talk to it with:
  curl -s -XPOST localhost:${RASA_PORT}/webhooks/rest/webhook -d '{"sender":"u1","message":"고객센터 전화번호 알려주세요"}'
Stop with Ctrl-C.
TXT
"$rasa" run --port "$RASA_PORT" --credentials credentials.yml --endpoints endpoints.yml
