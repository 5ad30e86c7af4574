#!/usr/bin/env bash
# `make pkg`: build the npm package `cognito-wasm` into pkg/. The crate builds into two wasm modules, chosen by
# cargo feature (src/wasm/mod.rs): the session core every page loads, and the sign-in core the sign-in worker
# loads on first use. For each:
#   cargo (wasm-release profile) → wasm-bindgen --target web → wasm-opt -Oz (npm binaryen)
# then pkg-template/* on top, the .js bundled and minified, each file with its source map (scripts/bundle-pkg.mjs), and a check
# that the package loads in Node.
# scripts/bench.sh reuses it for the `bench`-feature build: PKG_FEATURES (added to the sign-in core's
# features), PKG_OUT and CARGO_TARGET_DIR.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# Both builds write this one artifact (named after the crate): wasm-bindgen reads each before the next build.
WASM=${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/cognito_wasm.wasm
OUT=${PKG_OUT:-pkg}
# Features rustc enables by default for wasm32-unknown-unknown; wasm-opt must accept all of them.
WASM_OPT_FEATURES=(--enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue
  --enable-simd)  # src/srp/montgomery.rs uses wasm SIMD (simd128) for its inner products

WASM_OPT="$(command -v wasm-opt || true)"
case "$WASM_OPT" in
  "$ROOT"/node_modules/.bin/wasm-opt) ;;
  *) echo "build-pkg: wasm-opt must come from the npm binaryen package (run scripts/setup.sh node); found '${WASM_OPT:-none}'" >&2; exit 1 ;;
esac

rm -rf "$OUT"
mkdir -p "$OUT"
summary=()
# module NAME FEATURES: builds the module with only FEATURES into $OUT/NAME.js and $OUT/NAME_bg.wasm.
module() {
  local name=$1 features=$2
  cargo build --lib --target wasm32-unknown-unknown --profile wasm-release --no-default-features --features "$features"
  wasm-bindgen --target web --out-dir "$OUT" --out-name "$name" "$WASM"
  local wasm="$OUT/${name}_bg.wasm" raw opt gz
  raw=$(stat -c %s "$wasm")
  # --converge repeats -Oz until it stops shrinking: ~10 s more for 1.5% of the gzipped size.
  wasm-opt -Oz --converge "${WASM_OPT_FEATURES[@]}" --strip-debug --strip-producers "$wasm" -o "$wasm.opt"
  mv "$wasm.opt" "$wasm"
  opt=$(stat -c %s "$wasm")
  gz=$(gzip -9 -c "$wasm" | wc -c)
  summary+=("${name}_bg.wasm ${opt} bytes (gzip -9: ${gz}; before wasm-opt: ${raw})")
}
module cognito_wasm_session session-core
module cognito_wasm_sign_in "sign-in-core${PKG_FEATURES:+,$PKG_FEATURES}"

# The glue as wasm-bindgen wrote it, for the tests of the boundary (tests/node/boundary.test.mjs,
# transport.test.mjs): the package ships it bundled, the session core's inside the page's chunks.
GLUE_OUT="${CARGO_TARGET_DIR:-target}/glue/${OUT//\//_}"
rm -rf "$GLUE_OUT"
mkdir -p "$GLUE_OUT"
cp "$OUT"/cognito_wasm_*.js "$OUT"/cognito_wasm_*.d.ts "$GLUE_OUT/"

cp -R pkg-template/. "$OUT/"
rm -f "$OUT/.gitignore"   # wasm-bindgen writes none for --target web, but never ship one
node scripts/bundle-pkg.mjs "$OUT"
# The session core's glue is bundled into the page's code and not shipped on its own: its declarations would
# describe no file.
rm "$OUT"/cognito_wasm_session.d.ts "$OUT"/cognito_wasm_session_bg.wasm.d.ts

# The package must load (and initialise itself) in Node.
node --input-type=module -e "
  const m = await import('$ROOT/$OUT/node.js');
  if (typeof m.CognitoClient !== 'function') throw new Error('pkg: CognitoClient is not exported');
" || { echo "build-pkg: pkg/node.js failed to load" >&2; exit 1; }

printf 'build-pkg: %s/ ready\n' "$OUT"
printf '  %s\n' "${summary[@]}"
