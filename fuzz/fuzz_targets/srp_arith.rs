//! libFuzzer entry point; the harness (shared with the corpus replay and the property tests in
//! `cargo test`) is `cognito_wasm_fuzz::srp_arith`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cognito_wasm_fuzz::srp_arith::run(data);
});
