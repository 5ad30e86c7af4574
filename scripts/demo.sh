#!/usr/bin/env bash
# `make demo` (after the package and the emulator are built): start the emulator seeded with the demo
# pool, app client and user, serve www/ + pkg/ with the page's config.json, print the URL and the demo
# credentials, stay in the foreground until Ctrl-C, then stop both servers.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

EMU_PORT="${DEMO_EMULATOR_PORT:-9229}"
HTTP_PORT="${DEMO_HTTP_PORT:-8080}"
SEED="${DEMO_SEED:-emulator/seed/demo.json}"
BIN="${COGNITO_EMULATOR_BIN:-$ROOT/target/debug/cognito-emulator}"

[ -f "$SEED" ] || { echo "demo: seed file $SEED not found" >&2; exit 1; }
[ -x "$BIN" ] || { echo "demo: $BIN not built" >&2; exit 1; }
[ -f pkg/cognito_wasm_session_bg.wasm ] || { echo "demo: pkg/ not built (make pkg)" >&2; exit 1; }

pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'echo; echo "demo: stopping"; exit 0' INT TERM

# wait_for_line FILE PATTERN PID WHAT: wait (max 30 s) until FILE has a line matching PATTERN.
wait_for_line() {
  for _ in $(seq 1 300); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { echo "demo: $4 exited:" >&2; cat "$1" >&2; return 1; }
    sleep 0.1
  done
  echo "demo: $4 did not start within 30 s:" >&2; cat "$1" >&2; return 1
}

logdir="$(mktemp -d -t cognito-demo.XXXXXX)"
"$BIN" --host 127.0.0.1 --port "$EMU_PORT" --seed "$SEED" >"$logdir/emulator.log" 2>&1 &
pids+=($!)
wait_for_line "$logdir/emulator.log" '^cognito-emulator listening on ' "${pids[0]}" emulator
EMU_URL="$(sed -n 's/^cognito-emulator listening on \(http:[^ ]*\).*/\1/p' "$logdir/emulator.log" | head -n1)"
EMU_URL="${EMU_URL%/}/"

# The page's config.json: DEMO_CONFIG when given (edit it freely, it is read on every request), else one
# written to target/demo/config.json from the seed's first pool and public client.
if [ -n "${DEMO_CONFIG:-}" ]; then
  config_args=(--config "$DEMO_CONFIG")
else
  config_args=(--config target/demo/config.json --seed "$SEED" --emulator "$EMU_URL")
fi
python3 scripts/serve.py --host 127.0.0.1 --port "$HTTP_PORT" "${config_args[@]}" \
  --quiet >"$logdir/serve.log" 2>&1 &
pids+=($!)
wait_for_line "$logdir/serve.log" '^serving on ' "${pids[1]}" "static server"
PAGE_URL="$(sed -n 's/^serving on \(http:[^ ]*\).*/\1/p' "$logdir/serve.log" | head -n1)"

read -r DEMO_USER DEMO_PASS < <(python3 scripts/seed_info.py "$SEED" credentials)

cat <<EOF

  cognito-wasm demo
  -----------------
  Page:      $PAGE_URL
  Config:    ${DEMO_CONFIG:-target/demo/config.json}
  App:       ${PAGE_URL}app-demo.html  (a same-origin app the page redirects back to)
  Emulator:  $EMU_URL   (logs: $logdir/)
  Username:  $DEMO_USER
  Password:  $DEMO_PASS

  Open the page, sign in with the credentials above (a wrong password is refused).
  Press Ctrl-C to stop both servers.

EOF

# Stay in the foreground; if either server dies, stop.
while kill -0 "${pids[0]}" 2>/dev/null && kill -0 "${pids[1]}" 2>/dev/null; do
  sleep 1
done
echo "demo: a server exited unexpectedly; logs in $logdir" >&2
cat "$logdir/emulator.log" "$logdir/serve.log" >&2
exit 1
