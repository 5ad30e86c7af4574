//! Fuzz harnesses for the sans-IO core of cognito-wasm: everything a hostile or broken Cognito endpoint,
//! a tampered `localStorage` or a forged token can hand the library must end in a typed error, never a
//! panic (in wasm a panic kills the module for the whole page).
//!
//! Each harness takes raw fuzzer bytes, reads them as a structured input with `arbitrary` (so most inputs
//! get past JSON, hex and base64 syntax and reach the logic behind it) and drives the public API with it,
//! asserting the invariants that must hold for any input. The same source is compiled twice: by the
//! libFuzzer targets in `fuzz_targets/`, and by `tests/fuzz_regressions.rs` in the main crate, which
//! replays the committed corpus (`corpus/<target>/`) and past crashes (`regressions/<target>/`) in
//! `cargo test`. It therefore uses only the crate's public API, `arbitrary`, `base64` (the oracle of `b64`),
//! `serde_json` (of `json`), num-bigint (of `srp_arith`) and hmac with sha2 (of `secret_hash`), all of which
//! the main crate's tests also have; `text` takes its oracle from core.

pub mod b64;
pub mod inputs;
pub mod json;
pub mod jwt;
pub mod secret_hash;
pub mod sign_in_flow;
pub mod srp_arith;
pub mod srp_client;
pub mod stored_session;
pub mod text;

/// What one input reached, so the corpus replay can check that the corpus still exercises the deep
/// paths (a corpus that only hits parse errors would pass without testing anything).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reached {
    /// The input was read into a structured value at all.
    pub decoded: bool,
    /// The deepest success the input got to (a session, a claim signature, claims, a restored session).
    pub success: bool,
}

/// `arbitrary` reading of `data`, or `None` when the bytes run out before a whole value is read.
fn structured<'a, T: arbitrary::Arbitrary<'a>>(data: &'a [u8]) -> Option<T> {
    T::arbitrary_take_rest(arbitrary::Unstructured::new(data)).ok()
}
