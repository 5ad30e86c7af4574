#!/usr/bin/env bash
# `make pkg`: build the npm package `cognito-wasm` into pkg/. The crate builds into one wasm module with two
# classes (src/wasm/mod.rs), split at function level into four modules that share one instance:
#   cargo (wasm-release profile, relocations kept) → wasm-bindgen --target web → wasm-opt -Oz
#   → scripts/wasm-split, three times: the account module (`SignInCore.account`: the account operations) off
#     the whole, the sign-in module (`SignInCore`, SRP, the flows) off the rest, then the refresh module
#     (`Core.refresh`: a refresh's requests and replies) off the session module (the rest of the page's
#     `Core`: every page loads it). Each later module imports the session module's memory, tables and stack
#     pointer and calls the earlier modules' functions through the function table; they are loaded on first
#     use, in the order refresh, sign-in, account, by attachRefresh, attachSignIn and attachAccount
#     (scripts/glue-attach.js).
# then pkg-template/* on top, the .js bundled and minified, each file with its source map (scripts/bundle-pkg.mjs), and a check
# that the package loads in Node.
# scripts/bench.sh reuses it for the `bench`-feature build: PKG_FEATURES, PKG_OUT and CARGO_TARGET_DIR.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# The linker's output (named after the crate), with its relocations: wasm-split reads which code refers to
# which data there.
WASM=${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm-release/cognito_wasm.wasm
OUT=${PKG_OUT:-pkg}
# Features rustc enables by default for wasm32-unknown-unknown; wasm-opt must accept all of them.
WASM_OPT_FEATURES=(--enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue
  --enable-simd)  # src/srp/montgomery.rs uses wasm SIMD (simd128) for its inner products
# What wasm-opt may assume of the code. --low-memory-unused: nothing is read or written
# below address 1024, so a constant part of an address can move into the load's offset. True of this module:
# rustc links the stack first (it grows down from 1 MiB towards 0) and the data and heap above it, so only a
# stack 1 MiB deep would reach there. 89 B gzipped off the session module, 194 off the sign-in module.
WASM_OPT_ASSUMPTIONS=(--low-memory-unused)

WASM_OPT="$(command -v wasm-opt || true)"
case "$WASM_OPT" in
  "$ROOT"/node_modules/.bin/wasm-opt) ;;
  *) echo "build-pkg: wasm-opt must come from the npm binaryen package (run scripts/setup.sh node); found '${WASM_OPT:-none}'" >&2; exit 1 ;;
esac

rm -rf "$OUT"
mkdir -p "$OUT"
# The splitter, a build tool of its own (scripts/wasm-split/), built once into target/tools.
cargo build --quiet --release --manifest-path scripts/wasm-split/Cargo.toml --target-dir "$ROOT/target/tools"
WASM_SPLIT="$ROOT/target/tools/release/wasm-split"

# --emit-relocs keeps the relocations in the linked module; the code it links is the same.
cargo rustc --lib --crate-type cdylib --target wasm32-unknown-unknown --profile wasm-release \
  ${PKG_FEATURES:+--features "$PKG_FEATURES"} -- -C link-arg=--emit-relocs
# wasm-bindgen would carry the relocations, stale, into its output.
"$WASM_SPLIT" strip-relocs "$WASM" "$OUT/linked.wasm"
wasm-bindgen --target web --no-demangle --out-dir "$OUT" --out-name cognito_wasm "$OUT/linked.wasm"
rm "$OUT/linked.wasm"
whole="$OUT/cognito_wasm_bg.wasm"
raw=$(stat -c %s "$whole")
# --converge repeats -Oz until it stops shrinking: ~10 s more for 1.5% of the gzipped size. --flatten
# --rereloop rebuilds each function's control flow before the second -Oz: ~15 s more, and 130 B gzipped off
# the session module, 230 off the sign-in module (2026-12-05; on the parts too it shrank the sign-in module
# by 40 B more but grew the session module by 30). -g keeps the function names, by which wasm-split finds
# each function in the linked module.
wasm-opt -Oz --flatten --rereloop -Oz --converge -g "${WASM_OPT_FEATURES[@]}" "${WASM_OPT_ASSUMPTIONS[@]}" "$whole" -o "$whole.opt"
# The account module: SignInCore's account method and what only it reaches.
account_exports=signincore_account
# The sign-in module: SignInCore's other exports (and make bench's BenchSrpClient's) and what only they reach,
# of what the account module left.
secondary=$(sed -n 's/^export const \(\(__wbg_\)\?\(signincore\|benchsrpclient\)_[A-Za-z0-9_]*\):.*/\1/p' \
  "$OUT/cognito_wasm_bg.wasm.d.ts" | grep -vx "$account_exports" | paste -sd, -)
# The refresh module: Core's refresh method and what only it reaches, of what the sign-in module left.
refresh_exports=core_refresh
session="$OUT/cognito_wasm_session_bg.wasm" refresh="$OUT/cognito_wasm_refresh_bg.wasm"
sign_in="$OUT/cognito_wasm_sign_in_bg.wasm" account="$OUT/cognito_wasm_account_bg.wasm"
rest="$OUT/cognito_wasm_rest.split" rest2="$OUT/cognito_wasm_rest2.split"
# Each rest keeps its names, by which the next split finds its functions in the linked module. A function
# both the account and the sign-in modules call lands in the sign-in module: the account module is attached
# after it.
"$WASM_SPLIT" --keep-names --linked "$WASM" --secondary-exports "$account_exports" "$whole.opt" "$rest" "$account.split"
"$WASM_SPLIT" --keep-names --linked "$WASM" --secondary-exports "$secondary" "$rest" "$rest2" "$sign_in.split"
"$WASM_SPLIT" --linked "$WASM" --secondary-exports "$refresh_exports" "$rest2" "$session.split" "$refresh.split"
# Each part once more on its own (1.3% smaller gzipped, both), then the splitter's checks again on what ships:
# each later module against the rest it was split from, the session and refresh modules against the last rest.
for part in "$session" "$refresh" "$sign_in" "$account"; do
  wasm-opt -Oz --converge "${WASM_OPT_FEATURES[@]}" "${WASM_OPT_ASSUMPTIONS[@]}" --strip-debug --strip-producers "$part.split" -o "$part"
  rm "$part.split"
done
"$WASM_SPLIT" check --keep-names --linked "$WASM" --secondary-exports "$account_exports" "$whole.opt" "$rest" "$account"
"$WASM_SPLIT" check --keep-names --linked "$WASM" --secondary-exports "$secondary" "$rest" "$rest2" "$sign_in"
"$WASM_SPLIT" check --linked "$WASM" --secondary-exports "$refresh_exports" "$rest2" "$session" "$refresh"
rm "$whole" "$whole.opt" "$rest" "$rest2" "$OUT/cognito_wasm_bg.wasm.d.ts"
cat scripts/glue-attach.js >> "$OUT/cognito_wasm.js"
for attach in Refresh SignIn Account; do
  printf 'export function attach%s(module: WebAssembly.Module): void;\n' "$attach" >> "$OUT/cognito_wasm.d.ts"
done
summary=()
for name in cognito_wasm_session cognito_wasm_refresh cognito_wasm_sign_in cognito_wasm_account; do
  wasm="$OUT/${name}_bg.wasm"
  summary+=("${name}_bg.wasm $(stat -c %s "$wasm") bytes (gzip -9: $(gzip -9 -c "$wasm" | wc -c))")
done
summary+=("(one module before wasm-opt and the split: ${raw} bytes)")

# The glue as wasm-bindgen wrote it, for the tests of the boundary (tests/node/boundary.test.mjs,
# transport.test.mjs, and make bench's page): the package ships it bundled into its chunks.
GLUE_OUT="${CARGO_TARGET_DIR:-target}/glue/${OUT//\//_}"
rm -rf "$GLUE_OUT"
mkdir -p "$GLUE_OUT"
cp "$OUT"/cognito_wasm.js "$OUT"/cognito_wasm.d.ts "$GLUE_OUT/"

cp -R pkg-template/. "$OUT/"
rm -f "$OUT/.gitignore"   # wasm-bindgen writes none for --target web, but never ship one
node scripts/bundle-pkg.mjs "$OUT"
# The glue is bundled into the package's code and not shipped on its own: its declarations would describe no
# file.
rm "$OUT"/cognito_wasm.d.ts

# The package must load (and initialise itself) in Node.
node --input-type=module -e "
  const m = await import('$ROOT/$OUT/node.js');
  if (typeof m.CognitoClient !== 'function') throw new Error('pkg: CognitoClient is not exported');
" || { echo "build-pkg: pkg/node.js failed to load" >&2; exit 1; }

printf 'build-pkg: %s/ ready\n' "$OUT"
printf '  %s\n' "${summary[@]}"
