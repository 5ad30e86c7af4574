//! libFuzzer entry point; the harness (shared with the corpus replay in the emulator's
//! `tests/fuzz_regressions.rs`) is `fuzz/src/emulator_request.rs`, included by path because the main
//! crate's replay of `cognito_wasm_fuzz` cannot depend on the emulator.
#![no_main]

#[path = "../src/emulator_request.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(
    // Seeding generates four RSA keys, which in this instrumented build takes longer than -timeout.
    init: harness::init(),
    |data: &[u8]| {
        harness::run(data);
    }
);
