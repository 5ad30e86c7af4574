//! libFuzzer entry point; the harness (shared with the corpus replay in `cargo test`) is
//! `cognito_wasm_fuzz::sign_in_flow`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cognito_wasm_fuzz::sign_in_flow::run(data);
});
