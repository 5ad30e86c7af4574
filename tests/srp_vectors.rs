//! Checks the SRP code against third-party vectors produced by amazon-cognito-identity-js and pycognito,
//! client side and server side: natively (`cargo test`, the file named by `$SRP_VECTORS` or
//! `tests/vectors/srp-vectors.json`) and in the browser (wasm-bindgen-test, the in-repo copy compiled in).

mod common;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
fn every_vector_case_matches() {
    let (text, source) = vector_file();
    let checked = common::vectors::check_all(&text);
    println!("srp vectors: checked {checked} cases from {source}");
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_test::console_log!("srp vectors: checked {checked} cases from {source}");
}

#[cfg(not(target_arch = "wasm32"))]
fn vector_file() -> (String, String) {
    let path = std::env::var("SRP_VECTORS").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/vectors/srp-vectors.json"
        )
        .to_owned()
    });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    (text, path)
}

#[cfg(target_arch = "wasm32")]
fn vector_file() -> (String, String) {
    (
        include_str!("vectors/srp-vectors.json").to_owned(),
        "tests/vectors/srp-vectors.json (compiled in)".to_owned(),
    )
}
