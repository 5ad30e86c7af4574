#!/usr/bin/env bash
# `make bench` (a command, not a test): build pkg/ and a `bench`-feature build of the same wasm (same profile
# and wasm-opt flags, plus the BenchSrpClient export that times the bare SRP maths), then run bench/run.mjs:
# one headless Chromium page, every library, results in target/bench/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

PKG_OUT=target/bench/pkg scripts/build-pkg.sh   # = `make pkg`, into a copy no other build rewrites mid-run
# A separate target dir: the feature build must not overwrite the package's artifact.
CARGO_TARGET_DIR=target/bench-build PKG_OUT=target/bench/pkg-bench PKG_FEATURES=bench scripts/build-pkg.sh
# The page imports BenchSrpClient from that build's glue as wasm-bindgen wrote it (the package bundles it away).
cp target/bench-build/glue/target_bench_pkg-bench/cognito_wasm.js target/bench/pkg-bench/glue.js

node bench/run.mjs
