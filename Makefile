# cognito-wasm — the two commands people run are `make demo` and `make test`.
# Both install what they need first (scripts/setup.sh, idempotent and quick when everything is there).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CURDIR)/node_modules/.bin:$(CARGO_BIN):$(PATH)

# The emulator is built with the dev profile: its dependencies (big-integer maths, RSA) are compiled at
# opt-level 3 (see Cargo.toml) and it shares them with `cargo test`.
export COGNITO_EMULATOR_BIN := $(CURDIR)/target/debug/cognito-emulator

DEMO_EMULATOR_PORT ?= 9229
DEMO_HTTP_PORT ?= 8080
export DEMO_EMULATOR_PORT DEMO_HTTP_PORT

.PHONY: help setup setup-demo pkg emulator emulator-test demo test test-rust test-wasm test-python test-node bench test-size fuzz load

help:
	@echo "make demo   build the package and the emulator, serve the sign-in page (http://127.0.0.1:$(DEMO_HTTP_PORT)/)"
	@echo "make test   run every test (Rust, wasm in headless Chromium, pycognito/boto3, Node)"
	@echo "make pkg    build the npm package into pkg/"
	@echo "make bench  SRP speed and bundle sizes vs amazon-cognito-identity-js, in headless Chromium"
	@echo "make fuzz   run each cargo-fuzz target (fuzz/) for FUZZ_SECONDS (default 60) on the committed corpus"
	@echo "make load   a bounded load run (SRP sign-ins + refreshes) against a local emulator process"

setup:
	@scripts/setup.sh test

setup-demo:
	@scripts/setup.sh demo

# The npm package `cognito-wasm` in pkg/.
pkg: setup-demo
	@scripts/build-pkg.sh

emulator:
	cargo build -p cognito-emulator

# For the test suites: build the emulator through `cargo test --workspace --no-run` (its integration tests
# need the binary), i.e. with the same feature resolution as test-rust. `cargo build -p cognito-emulator`
# resolves features differently (dev-dependencies), so alternating the two rebuilds cognito-wasm and the
# emulator each time — and cognito-wasm is a cdylib, whose rlib file name carries no hash, so the two
# builds overwrite each other's output.
emulator-test:
	cargo test --workspace --no-run
	@test -x target/debug/cognito-emulator || cargo build -p cognito-emulator

demo: setup-demo
	@scripts/build-pkg.sh
	@$(MAKE) --no-print-directory emulator
	@scripts/demo.sh

# Runs every part even when one fails, prints each runner's summary, exits non-zero if any failed.
test: setup
	@scripts/test-all.sh

# Native tests: SRP vectors, flow state machine, emulator.
test-rust:
	cargo test --workspace
	# The shipped build (no_std), through clippy, warnings as errors: the lints src/lib.rs denies fail here,
	# format! and to_string() among them (clippy.toml), which would link core's formatting machinery into the
	# modules. With make bench's exports, so that that build does not rot between runs either.
	cargo clippy --lib --target wasm32-unknown-unknown --features bench -- -D warnings
	# The build tool that splits the module (a workspace of its own), into the target dir make pkg builds it in.
	cargo test --manifest-path scripts/wasm-split/Cargo.toml --target-dir target/tools
	cargo clippy --manifest-path scripts/wasm-split/Cargo.toml --target-dir target/tools --all-targets -- -D warnings

# The SRP maths compiled to wasm32 (its own Montgomery kernel), in headless Chromium (wasm-bindgen-test):
# the reference vectors and the kernel's tests. The package around it is tested by test-node.
test-wasm:
	CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_WEBDRIVER_JSON=$(CURDIR)/scripts/webdriver.json \
	  wasm-pack test --mode no-install --headless --chrome --chromedriver /usr/bin/chromedriver

# Third-party clients against the emulator: boto3 + pycognito.
test-python: emulator-test
	.venv/bin/python -m pytest -p no:cacheprovider tests/python -v

# amazon-cognito-identity-js, the packed cognito-wasm package, the demo page in headless Chromium, the package
# in Firefox ESR and WebKitGTK, openid-client against the emulator's OAuth 2.0 endpoints and managed login.
test-node: emulator-test pkg
	node --test --test-concurrency=1 tests/node/*.test.mjs

# Not a test: the SRP maths and a full sign-in with this package, amazon-cognito-identity-js and a plain JS
# BigInt implementation in one headless Chromium page, plus bundle sizes (target/bench/results.{md,json}).
bench: setup-demo emulator-test
	@scripts/bench.sh

# Not a test: a bounded load run (SRP sign-ins + refreshes) by a separate client process against an
# emulator process it starts on 127.0.0.1 (emulator/examples/load.rs). Both are built with the `load`
# profile (release plus line tables, see Cargo.toml): the dev build leaves the emulator's own code
# unoptimised, and its figures would say little about the emulator's capacity.
# LOAD_EMULATOR=target/debug/cognito-emulator measures the debug build `make demo` runs instead.
LOAD_SECONDS ?= 20
LOAD_CONCURRENCY ?= 8
LOAD_EMULATOR ?= target/load/cognito-emulator
load:
	cargo build --profile load -p cognito-emulator --bin cognito-emulator --example load
	target/load/examples/load --emulator $(LOAD_EMULATOR) --seconds $(LOAD_SECONDS) --concurrency $(LOAD_CONCURRENCY)

# The size budgets of the four .wasm modules in pkg/ (bytes after wasm-opt, raw and gzip -9): the session
# module every page loads, the refresh module loaded on top of it when tokens are first due, the sign-in
# module loaded on top of both on first sign-in, and the account module on top of that on the first account
# operation (scripts/wasm-split). Raise one on purpose, saying why in the commit; `scripts/bench-size.py`
# shows what the build is made of.
SESSION_WASM_BUDGET_BYTES ?= 33750
SESSION_WASM_BUDGET_GZIP ?= 16300
REFRESH_WASM_BUDGET_BYTES ?= 9300
REFRESH_WASM_BUDGET_GZIP ?= 5000
SIGN_IN_WASM_BUDGET_BYTES ?= 63600
SIGN_IN_WASM_BUDGET_GZIP ?= 29100
ACCOUNT_WASM_BUDGET_BYTES ?= 21250
ACCOUNT_WASM_BUDGET_GZIP ?= 9100
test-size: pkg
	@over=0; \
	  for m in "session $(SESSION_WASM_BUDGET_BYTES) $(SESSION_WASM_BUDGET_GZIP)" "refresh $(REFRESH_WASM_BUDGET_BYTES) $(REFRESH_WASM_BUDGET_GZIP)" \
	    "sign_in $(SIGN_IN_WASM_BUDGET_BYTES) $(SIGN_IN_WASM_BUDGET_GZIP)" "account $(ACCOUNT_WASM_BUDGET_BYTES) $(ACCOUNT_WASM_BUDGET_GZIP)"; do \
	    read -r name budget budget_gz <<< "$$m"; wasm=pkg/cognito_wasm_$${name}_bg.wasm; \
	    raw=$$(stat -c %s $$wasm); gz=$$(gzip -9 -c $$wasm | wc -c); \
	    echo "test-size: $$wasm $$raw bytes (budget $$budget), gzip -9 $$gz (budget $$budget_gz)"; \
	    if [ "$$raw" -gt "$$budget" ] || [ "$$gz" -gt "$$budget_gz" ]; then echo "test-size: FAILED — $$wasm is over budget"; over=1; fi; \
	  done; exit $$over

# The cargo-fuzz targets (fuzz/): response parser + sign-in state machine, SRP client inputs, JWT claims,
# stored sessions, whole HTTP requests to the emulator, and the hand-written replacements against their
# oracles (SRP arithmetic, JSON, base64, text helpers, the secret hash's HMAC); each for FUZZ_SECONDS on top of the committed
# corpus, which `make test` replays (tests/fuzz_regressions.rs, emulator/tests/fuzz_regressions.rs)
# without needing cargo-fuzz.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= sign_in_flow srp_client srp_arith json b64 text secret_hash jwt stored_session emulator_request
fuzz:
	@scripts/setup.sh fuzz
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)
