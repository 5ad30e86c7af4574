#![allow(dead_code)]
pub mod vectors;

/// A reply body as the core reads it (the tests write theirs with serde_json's `json!`).
pub fn reply(json: serde_json::Value) -> cognito_wasm::json::Value {
    cognito_wasm::json::parse(&json.to_string()).expect("serde_json writes JSON")
}
