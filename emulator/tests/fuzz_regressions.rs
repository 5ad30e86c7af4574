//! Replays the `emulator_request` fuzz corpus (`fuzz/corpus/emulator_request/`) and every input that once
//! broke the emulator (`fuzz/regressions/emulator_request/`) through the same harness the libFuzzer target
//! runs (`fuzz/src/emulator_request.rs`, included as source), so `cargo test` keeps them passing without
//! cargo-fuzz. The harness panics on any reply that is not Cognito-shaped.

#[path = "../../fuzz/src/emulator_request.rs"]
#[allow(dead_code)]
mod harness;

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// The committed corpus has at least this many inputs; fewer means it was lost, not minimised.
const MIN_CORPUS_FILES: usize = 5;

fn inputs(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz")
        .join(kind)
        .join("emulator_request");
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

#[test]
fn emulator_request_corpus() {
    let corpus = inputs("corpus");
    assert!(
        corpus.len() >= MIN_CORPUS_FILES,
        "fuzz/corpus/emulator_request has {} inputs",
        corpus.len()
    );
    let regressions = inputs("regressions");
    let mut failed = Vec::new();
    let mut reached = Vec::new();
    for path in corpus.iter().chain(&regressions) {
        let data = fs::read(path).expect("readable input");
        match catch_unwind(AssertUnwindSafe(|| harness::run(&data))) {
            Ok(outcome) => reached.push(outcome),
            Err(_) => failed.push(path.display().to_string()),
        }
    }
    assert!(failed.is_empty(), "panicked on {failed:#?}");
    // The corpus must still get past the request checks into sign-ins, not only into errors.
    let challenges = reached.iter().filter(|r| r.challenge).count();
    let tokens = reached.iter().filter(|r| r.tokens).count();
    eprintln!(
        "emulator_request: replayed {} corpus + {} regression inputs; {challenges} reached a \
         PASSWORD_VERIFIER challenge, {tokens} reached tokens",
        corpus.len(),
        regressions.len()
    );
    assert!(
        challenges > 0,
        "no input reached a PASSWORD_VERIFIER challenge"
    );
    assert!(tokens > 0, "no input reached tokens");
}
