#!/usr/bin/env bash
# `make test`: run every test suite, keep going when one fails, print a summary, exit non-zero if any failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

suites=(${TEST_SUITES:-test-rust test-wasm test-python test-node test-size})
declare -A result elapsed
failed=0
for s in "${suites[@]}"; do
  printf '\n===== %s =====\n' "$s"
  start=$SECONDS
  if make --no-print-directory "$s"; then result[$s]=ok; else result[$s]=FAILED; failed=$((failed + 1)); fi
  elapsed[$s]=$((SECONDS - start))
done

printf '\n===== make test summary =====\n'
for s in "${suites[@]}"; do
  printf '  %-12s %-7s %4ss\n' "$s" "${result[$s]}" "${elapsed[$s]}"
done
if [ "$failed" -gt 0 ]; then
  echo "make test: $failed of ${#suites[@]} suites failed"
  exit 1
fi
echo "make test: all ${#suites[@]} suites passed"
