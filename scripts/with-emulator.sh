#!/usr/bin/env bash
# Start the Cognito emulator on 127.0.0.1 with a free port, run a command with the emulator's address in
# the environment, then stop the emulator (also when the command fails or is interrupted).
#
#   scripts/with-emulator.sh [--seed FILE] [--port N] -- COMMAND [ARGS…]
#
# The command sees COGNITO_EMULATOR_ENDPOINT=http://127.0.0.1:PORT/ (trailing slash, as passed to the
# client's `endpoint`) and COGNITO_EMULATOR_PORT=PORT. With --seed, also COGNITO_EMULATOR_SEED=FILE.
# Exit status: the command's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${COGNITO_EMULATOR_BIN:-$ROOT/target/debug/cognito-emulator}"
port=0
args=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --seed) args+=(--seed "$2"); export COGNITO_EMULATOR_SEED="$(realpath "$2")"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "with-emulator: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$#" -gt 0 ] || { echo "with-emulator: no command given" >&2; exit 2; }
[ -x "$BIN" ] || { echo "with-emulator: $BIN not built (make emulator)" >&2; exit 1; }

log="$(mktemp -t cognito-emulator.XXXXXX.log)"
"$BIN" --host 127.0.0.1 --port "$port" "${args[@]}" >"$log" 2>&1 &
emu_pid=$!
cleanup() {
  kill "$emu_pid" 2>/dev/null || true
  wait "$emu_pid" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

url=""
for _ in $(seq 1 300); do
  url="$(sed -n 's/^cognito-emulator listening on \(http:\/\/[^ ]*\).*$/\1/p' "$log" | head -n1)"
  [ -n "$url" ] && break
  if ! kill -0 "$emu_pid" 2>/dev/null; then
    echo "with-emulator: the emulator exited early:" >&2; cat "$log" >&2; exit 1
  fi
  sleep 0.1
done
[ -n "$url" ] || { echo "with-emulator: no 'listening' line after 30 s:" >&2; cat "$log" >&2; exit 1; }
url="${url%/}"
export COGNITO_EMULATOR_ENDPOINT="$url/"
export COGNITO_EMULATOR_PORT="${url##*:}"
echo "with-emulator: emulator at $COGNITO_EMULATOR_ENDPOINT (pid $emu_pid)"
set +e
"$@"
status=$?
set -e
exit "$status"
