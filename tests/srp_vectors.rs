//! Checks the SRP code against third-party vectors produced by amazon-cognito-identity-js and pycognito
//! (`tests/vectors/srp-vectors.json`, or the file named by `$SRP_VECTORS`), client side and server side.
//!
//! The checks live in `common/vectors.rs` so the browser suite (`tests/web.rs`) runs exactly the same ones.

mod common;

#[test]
fn every_vector_case_matches() {
    let path = std::env::var("SRP_VECTORS").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/vectors/srp-vectors.json"
        )
        .to_owned()
    });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let checked = common::vectors::check_all(&text);
    println!("srp vectors: checked {checked} cases from {path}");
}
