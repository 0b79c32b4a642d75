#!/usr/bin/env bash
# Starts the action server, waits for its /health, then Rasa (server, or `shell` for the terminal).
# In server mode it also serves the web chat page (web/serve.py) on 127.0.0.1:$WEB_CHAT_PORT.
# Called by `make run` / `make shell`; runs on its own too.
set -euo pipefail
cd "$(dirname "$0")/.."
# Every setting: the environment's value, else its default from settings.defaults (paybot/settings.py).
eval "$(.venv/bin/python -m paybot.settings)"

mode="${1:-server}"
# The command lines are written once, in rasa_runtime/launcher.py.
launch=(.venv/bin/python -m rasa_runtime.launcher)
mkdir -p logs

# wait_until_up and start_console.
source scripts/lib.sh

# PostgreSQL or Redis named by the settings but unreachable: one clear line instead of a traceback.
.venv/bin/python -m paybot.preflight

"${launch[@]}" actions --port "$ACTION_PORT" >logs/actions.log 2>&1 &
actions_pid=$!
web_pid=""
trap 'kill "$actions_pid" $web_pid 2>/dev/null || true' EXIT INT TERM

wait_until_up "action server" "http://127.0.0.1:${ACTION_PORT}/health" "$actions_pid" logs/actions.log
echo "Action server: http://127.0.0.1:${ACTION_PORT}/health"

if [ "$mode" = "shell" ]; then
  "${launch[@]}" shell
  exit 0
fi

.venv/bin/python -m web.serve >logs/web.log 2>&1 &
web_pid=$!
wait_until_up "chat page server" "http://127.0.0.1:${WEB_CHAT_PORT}/" "$web_pid" logs/web.log
echo "Chat page: http://127.0.0.1:${WEB_CHAT_PORT}/ (open it in a browser once Rasa is up)"

start_console
trap 'kill "$actions_pid" $web_pid $console_pid 2>/dev/null || true' EXIT INT TERM

cat <<TXT
Starting Rasa on http://127.0.0.1:${RASA_PORT} (channels: rest, socketio, kakao). Talk to it with:
  curl -s -XPOST localhost:${RASA_PORT}/webhooks/rest/webhook -d '{"sender":"u1","message":"고객센터 전화번호 알려주세요"}'
Stop with Ctrl-C.
TXT
# Rasa's HTTP API (conversations, model, ...) stays off unless RASA_API_TOKEN is set, and then needs it.
if [ -n "${RASA_API_TOKEN:-}" ]; then
  echo "Rasa's HTTP API is on; every call needs ?token=<RASA_API_TOKEN>."
fi
"${launch[@]}" server --port "$RASA_PORT" --api-token "${RASA_API_TOKEN:-}"
