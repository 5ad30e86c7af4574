#!/usr/bin/env bash
# Idempotent installer for everything `make demo` and `make test` need.
#
#   scripts/setup.sh demo   # Rust wasm target, wasm-bindgen CLI, npm dev deps (wasm-opt)
#   scripts/setup.sh test   # all of the above + wasm-pack, Chromium + ChromeDriver, Firefox ESR,
#                           # WebKitWebDriver + Xvfb, Python venv
#   scripts/setup.sh fuzz   # cargo-fuzz, for `make fuzz` only (`make test` never needs it)
#   scripts/setup.sh STEP…  # individual steps: rust-target openssl wasm-bindgen wasm-pack chromium engines node python
#                           # cargo-fuzz
#
# Every step checks first and is skipped when already satisfied, so a second run takes about a second.
# Nothing here downloads prebuilt binaries from outside the package registries: wasm-bindgen and
# wasm-pack come from crates.io, wasm-opt from the npm `binaryen` package, Chromium, Firefox and WebKit from Debian.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $*"; fi
}

step_rust_target() {
  command -v rustup >/dev/null 2>&1 || die "rustup not found (the machine's Rust toolchain is expected)"
  if rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
    say "rust target wasm32-unknown-unknown: present"
  else
    say "rust target wasm32-unknown-unknown: installing"
    rustup target add wasm32-unknown-unknown
  fi
  # make test-rust lints the shipped builds (clippy.toml keeps format! out of them).
  if rustup component list --installed | grep -q '^clippy'; then
    say "rust component clippy: present"
  else
    say "rust component clippy: installing"
    rustup component add clippy
  fi
}

# The exact wasm-bindgen version the library is locked to (Cargo.lock), e.g. 0.2.130.
wasm_bindgen_locked_version() {
  if [ ! -f Cargo.lock ]; then
    cargo metadata --format-version 1 >/dev/null 2>&1 || cargo generate-lockfile >/dev/null
  fi
  awk '
    /^\[\[package\]\]/ { name = "" }
    /^name = / { gsub(/"/, "", $3); name = $3 }
    /^version = / && name == "wasm-bindgen" { gsub(/"/, "", $3); print $3; exit }
  ' Cargo.lock
}

step_wasm_bindgen() {
  local want have=""
  want="$(wasm_bindgen_locked_version)"
  [ -n "$want" ] || die "could not find the wasm-bindgen version in Cargo.lock"
  if command -v wasm-bindgen >/dev/null 2>&1; then
    have="$(wasm-bindgen --version | awk '{print $2}')"
  fi
  if [ "$have" = "$want" ]; then
    say "wasm-bindgen CLI $want: present"
  else
    say "wasm-bindgen CLI: have '${have:-none}', need $want: cargo install (takes a few minutes)"
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

step_wasm_pack() {
  if command -v wasm-pack >/dev/null 2>&1; then
    say "wasm-pack: present ($(wasm-pack --version))"
  else
    say "wasm-pack: cargo install (takes a few minutes)"
    cargo install wasm-pack
  fi
}

# apt-get install, after one apt-get update per run of this script.
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    apt_updated=yes
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# The emulator verifies passkeys with webauthn-rs-core, which links the system OpenSSL (openssl-sys finds
# it through pkg-config).
step_openssl() {
  if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists openssl; then
    say "libssl-dev + pkg-config: present"
  else
    say "libssl-dev + pkg-config: apt-get install"
    apt_install libssl-dev pkg-config
  fi
}

step_chromium() {
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    say "chromium + chromedriver: present"
  else
    say "chromium + chromedriver: apt-get install"
    apt_install chromium chromium-driver
  fi
}

# Firefox ESR (driven over WebDriver BiDi by puppeteer-core) and WebKitGTK's WebKitWebDriver, which needs
# an X display: Xvfb. For tests/node/engines.test.mjs, the package in the two other browser engines.
step_engines() {
  if [ -x /usr/bin/firefox-esr ] && [ -x /usr/bin/WebKitWebDriver ] && [ -x /usr/bin/Xvfb ]; then
    say "firefox-esr + WebKitWebDriver + Xvfb: present"
  else
    say "firefox-esr + WebKitWebDriver + Xvfb: apt-get install"
    apt_install firefox-esr webkit2gtk-driver xvfb
  fi
}

step_node() {
  command -v node >/dev/null 2>&1 || die "node not found (Node.js >= 20 is expected on this machine)"
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || die "Node.js >= 20 required, found $(node --version)"
  # npm writes node_modules/.package-lock.json on every install; it is our stamp.
  if [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ] \
     && [ ! package.json -nt node_modules/.package-lock.json ]; then
    say "npm dev dependencies: present"
  else
    say "npm dev dependencies: npm ci"
    npm ci --no-audit --no-fund
    touch node_modules/.package-lock.json
  fi
  [ -x node_modules/.bin/wasm-opt ] || die "node_modules/.bin/wasm-opt missing after npm ci"
}

step_python() {
  local req="tests/python/requirements.txt" stamp=".venv/.requirements.sha256" sum
  sum="$(sha256sum "$req" | awk '{print $1}')"
  if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    say "python venv (.venv): present"
  else
    say "python venv (.venv): installing $req"
    [ -x .venv/bin/python ] || python3 -m venv .venv
    .venv/bin/python -m pip install -q --disable-pip-version-check -r "$req"
    echo "$sum" > "$stamp"
  fi
}

# The fuzz targets build on the stable toolchain: `cargo fuzz … -s none` passes no -Z flags (see
# scripts/fuzz.sh for why no sanitizer is used).
step_cargo_fuzz() {
  if cargo fuzz --version >/dev/null 2>&1; then
    say "cargo-fuzz: present ($(cargo fuzz --version))"
  else
    say "cargo-fuzz: cargo install (takes a minute or two)"
    cargo install cargo-fuzz --locked
  fi
}

run_step() {
  case "$1" in
    rust-target) step_rust_target ;;
    openssl) step_openssl ;;
    wasm-bindgen) step_wasm_bindgen ;;
    wasm-pack) step_wasm_pack ;;
    chromium) step_chromium ;;
    engines) step_engines ;;
    node) step_node ;;
    python) step_python ;;
    cargo-fuzz) step_cargo_fuzz ;;
    *) die "unknown step: $1" ;;
  esac
}

[ "$#" -gt 0 ] || set -- test
for arg in "$@"; do
  case "$arg" in
    demo) for s in rust-target openssl wasm-bindgen node; do run_step "$s"; done ;;
    test | all) for s in rust-target openssl wasm-bindgen wasm-pack chromium engines node python; do run_step "$s"; done ;;
    fuzz) run_step cargo-fuzz ;;
    *) run_step "$arg" ;;
  esac
done
