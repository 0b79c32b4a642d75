# Shell functions shared by scripts/run.sh and scripts/run_cluster.sh (sourced, never run on its own).

# wait_until_up NAME URL PID LOG [SECONDS]: waits for URL to answer; stops with LOG's tail if PID died first.
wait_until_up() {
  local seconds="${5:-60}"
  for _ in $(seq 1 $((seconds * 2))); do
    if curl -sf "$2" >/dev/null; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then
      echo "The $1 did not start; see $4:" >&2
      tail -n 20 "$4" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "The $1 did not answer at $2 within ${seconds} s; see $4." >&2
  exit 1
}

# start_console: the support-team console (docs/console.md) on ${CONSOLE_HOST}:${CONSOLE_PORT}, only when an
# admin exists or CONSOLE_ADMIN_USER/CONSOLE_ADMIN_PASSWORD name one; otherwise `console check` says how to
# create one and the bot runs without it. Sets console_pid ("" when not started).
start_console() {
  console_pid=""
  if .venv/bin/python -m console check; then
    .venv/bin/python -m console serve >logs/console.log 2>&1 &
    console_pid=$!
    wait_until_up "console" "http://${CONSOLE_HOST}:${CONSOLE_PORT}/health" "$console_pid" logs/console.log
    echo "Console: http://${CONSOLE_HOST}:${CONSOLE_PORT}/ (support staff: sign in there)"
    if [ -z "${RASA_API_TOKEN:-}" ]; then
      echo "  Publishing a model from the console needs Rasa's API: start with RASA_API_TOKEN=<a secret>."
    fi
  fi
}
