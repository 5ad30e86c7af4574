#!/usr/bin/env bash
# `make fuzz`: runs each cargo-fuzz target (fuzz/) for a while on top of the committed corpus.
#
#   scripts/fuzz.sh SECONDS TARGET…
#
# The committed corpus (fuzz/corpus/<target>/) is read, never written: new inputs go to
# target/fuzz/corpus/<target>/ and crashes to target/fuzz/artifacts/<target>/. To keep a crash as a
# regression test, fix it, then copy the file to fuzz/regressions/<target>/ (tests/fuzz_regressions.rs
# replays it in `cargo test`); to grow the committed corpus, `cargo fuzz cmin` the two together.
#
# No sanitizer (`-s none`): the native build of the library has no unsafe code (the only `unsafe` is the
# wasm32 SIMD path, which a native build does not compile), so AddressSanitizer would only slow the runs
# down; what is looked for is panics, which debug assertions and overflow checks (cargo-fuzz's default)
# turn every arithmetic overflow into. It also keeps cargo-fuzz on the stable toolchain (no -Z flags).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="$1"
shift

cd "$ROOT/fuzz"
cargo fuzz build -s none
failed=()
for target in "$@"; do
  new="$ROOT/target/fuzz/corpus/$target" artifacts="$ROOT/target/fuzz/artifacts/$target/"
  mkdir -p "$new" "$artifacts"
  echo "fuzz: $target for ${seconds}s"
  log="$ROOT/target/fuzz/$target.log"
  if cargo fuzz run -s none "$target" "$new" "$ROOT/fuzz/corpus/$target" -- \
      -max_total_time="$seconds" -timeout=20 -artifact_prefix="$artifacts" -print_final_stats=1 >"$log" 2>&1; then
    grep -E '^Done [0-9]+ runs' "$log" | sed "s/^/fuzz: $target: /"
  else
    echo "fuzz: $target FAILED — input in $artifacts, log $log"
    grep -E 'panicked at|^SUMMARY' "$log" | head -5 || true
    failed+=("$target")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: crashes in ${failed[*]}"
  exit 1
fi
echo "fuzz: all $# targets ran ${seconds}s without a crash"
