#!/usr/bin/env bash
# `make pkg`: build the npm package `cognito-wasm` into pkg/.
#   cargo (wasm-release profile) → wasm-bindgen --target web → wasm-opt -Oz (npm binaryen) → pkg-template/*
# then check that the package loads in Node.
# scripts/bench.sh reuses it for the `bench`-feature build: PKG_FEATURES, PKG_OUT and CARGO_TARGET_DIR.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

WASM=${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/cognito_wasm.wasm
OUT=${PKG_OUT:-pkg}
# Features rustc enables by default for wasm32-unknown-unknown; wasm-opt must accept all of them.
WASM_OPT_FEATURES=(--enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue
  --enable-simd)  # src/srp/montgomery.rs uses wasm SIMD (simd128) for its inner products

cargo build --lib --target wasm32-unknown-unknown --profile wasm-release ${PKG_FEATURES:+--features "$PKG_FEATURES"}

rm -rf "$OUT"
wasm-bindgen --target web --out-dir "$OUT" --out-name cognito_wasm "$WASM"

WASM_OPT="$(command -v wasm-opt || true)"
case "$WASM_OPT" in
  "$ROOT"/node_modules/.bin/wasm-opt) ;;
  *) echo "build-pkg: wasm-opt must come from the npm binaryen package (run scripts/setup.sh node); found '${WASM_OPT:-none}'" >&2; exit 1 ;;
esac
raw=$(stat -c %s "$OUT/cognito_wasm_bg.wasm")
# --converge repeats -Oz until it stops shrinking: ~10 s more for 1.5% of the gzipped size.
wasm-opt -Oz --converge "${WASM_OPT_FEATURES[@]}" --strip-debug --strip-producers \
  "$OUT/cognito_wasm_bg.wasm" -o "$OUT/cognito_wasm_bg.opt.wasm"
mv "$OUT/cognito_wasm_bg.opt.wasm" "$OUT/cognito_wasm_bg.wasm"

cp -R pkg-template/. "$OUT/"
rm -f "$OUT/.gitignore"   # wasm-bindgen writes none for --target web, but never ship one

# The package must load (and initialise itself) in Node.
node --input-type=module -e "
  const m = await import('$ROOT/$OUT/node.js');
  if (typeof m.CognitoClient !== 'function') throw new Error('pkg: CognitoClient is not exported');
" || { echo "build-pkg: pkg/node.js failed to load" >&2; exit 1; }

opt=$(stat -c %s "$OUT/cognito_wasm_bg.wasm")
gz=$(gzip -9 -c "$OUT/cognito_wasm_bg.wasm" | wc -c)
echo "build-pkg: pkg/ ready — cognito_wasm_bg.wasm ${opt} bytes (gzip -9: ${gz}; before wasm-opt: ${raw})"
