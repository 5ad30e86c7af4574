//! Replays the fuzz corpus (`fuzz/corpus/<target>/`, minimised with `cargo fuzz cmin`) and every input a
//! fuzzer once crashed on (`fuzz/regressions/<target>/`) through the same harnesses the libFuzzer targets
//! run (`fuzz/src/`, included here as source), so `cargo test` keeps them passing without cargo-fuzz.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use harness::Reached;

/// Each committed corpus has at least this many inputs; fewer means it was lost, not minimised.
const MIN_CORPUS_FILES: usize = 5;

fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target);
    let Ok(entries) = fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every input of `target`; fails naming each input that panicked. Returns what the inputs reached.
fn replay(target: &str, run: fn(&[u8]) -> Reached) -> Vec<Reached> {
    let corpus = inputs("corpus", target);
    assert!(
        corpus.len() >= MIN_CORPUS_FILES,
        "fuzz/corpus/{target} has {} inputs",
        corpus.len()
    );
    let regressions = inputs("regressions", target);
    let mut failed = Vec::new();
    let mut reached = Vec::new();
    for path in corpus.iter().chain(&regressions) {
        let data = fs::read(path).expect("readable input");
        match catch_unwind(AssertUnwindSafe(|| run(&data))) {
            Ok(outcome) => reached.push(outcome),
            Err(_) => failed.push(path.display().to_string()),
        }
    }
    assert!(failed.is_empty(), "{target}: panicked on {failed:#?}");
    eprintln!(
        "{target}: replayed {} corpus + {} regression inputs",
        corpus.len(),
        regressions.len()
    );
    reached
}

/// The corpus must still get past parsing into the logic behind it, not only into errors.
fn assert_deep(target: &str, reached: &[Reached]) {
    let decoded = reached.iter().filter(|r| r.decoded).count();
    let succeeded = reached.iter().filter(|r| r.success).count();
    assert!(decoded > 0, "{target}: no input decoded");
    assert!(succeeded > 0, "{target}: no input reached a success");
}

#[test]
fn sign_in_flow_corpus() {
    let reached = replay("sign_in_flow", harness::sign_in_flow::run);
    assert_deep("sign_in_flow", &reached);
}

#[test]
fn srp_client_corpus() {
    let reached = replay("srp_client", harness::srp_client::run);
    assert_deep("srp_client", &reached);
}

#[test]
fn srp_arith_corpus() {
    let reached = replay("srp_arith", harness::srp_arith::run);
    assert_deep("srp_arith", &reached);
}

#[test]
fn json_corpus() {
    let reached = replay("json", harness::json::run);
    assert_deep("json", &reached);
}

#[test]
fn b64_corpus() {
    let reached = replay("b64", harness::b64::run);
    assert_deep("b64", &reached);
}

#[test]
fn text_corpus() {
    let reached = replay("text", harness::text::run);
    assert_deep("text", &reached);
}

#[test]
fn secret_hash_corpus() {
    let reached = replay("secret_hash", harness::secret_hash::run);
    assert_deep("secret_hash", &reached);
}

#[test]
fn jwt_corpus() {
    let reached = replay("jwt", harness::jwt::run);
    assert_deep("jwt", &reached);
}

#[test]
fn stored_session_corpus() {
    let reached = replay("stored_session", harness::stored_session::run);
    assert_deep("stored_session", &reached);
}
