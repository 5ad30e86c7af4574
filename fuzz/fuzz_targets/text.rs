//! libFuzzer entry point; the harness (shared with the corpus replay in `cargo test`) is
//! `cognito_wasm_fuzz::text`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cognito_wasm_fuzz::text::run(data);
});
