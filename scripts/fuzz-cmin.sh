#!/usr/bin/env bash
# Minimises the committed fuzz corpus (fuzz/corpus/<target>/) to a few tens of inputs per target:
#
#   scripts/fuzz-cmin.sh TARGET…
#
# Takes the committed corpus plus what `make fuzz` found (target/fuzz/corpus/<target>/) and keeps a
# smallest set (libFuzzer's -set_cover_merge) that covers every edge of the library (and, for
# emulator_request, of the emulator).
# Edges of the dependencies (serde_json, base64, num-bigint) are not counted: they are fuzzed upstream
# and would need hundreds of inputs (every JSON escape and number form); nor are the harness's own
# (every combination of its input shapes). For that the targets are built a second time into
# target/fuzz-cmin with coverage instrumentation on the library and emulator crates only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# As RUSTC_WRAPPER: instrument only the library and emulator crates.
if [ "${FUZZ_CMIN_WRAPPER:-}" = 1 ]; then
  rustc="$1"
  shift
  case " $* " in
    *" --crate-name cognito_wasm "* | *" --crate-name cognito_emulator "*)
      exec "$rustc" "$@" -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
        -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table ;;
    *) exec "$rustc" "$@" ;;
  esac
fi

triple="$(rustc -vV | awk '/^host:/ {print $2}')"
cd "$ROOT/fuzz"
FUZZ_CMIN_WRAPPER=1 RUSTC_WRAPPER="$ROOT/scripts/fuzz-cmin.sh" RUSTFLAGS="--cfg fuzzing -Cdebug-assertions" \
  cargo build --release --target "$triple" --target-dir "$ROOT/target/fuzz-cmin" --bins
bin="$ROOT/target/fuzz-cmin/$triple/release"
for target in "$@"; do
  kept="$(mktemp -d)"
  inputs=("$ROOT/fuzz/corpus/$target")
  [ -d "$ROOT/target/fuzz/corpus/$target" ] && inputs+=("$ROOT/target/fuzz/corpus/$target")
  "$bin/$target" -set_cover_merge=1 -use_counters=0 "$kept" "${inputs[@]}" 2>&1 |
    grep -E '^MERGE-OUTER: [0-9]+ new' | sed "s/^/cmin: $target: /"
  rm -rf "$ROOT/fuzz/corpus/$target"
  mkdir -p "$ROOT/fuzz/corpus/$target"
  cp "$kept"/* "$ROOT/fuzz/corpus/$target/"
  rm -rf "$kept"
  echo "cmin: $target: $(ls "$ROOT/fuzz/corpus/$target" | wc -l) inputs kept"
done
