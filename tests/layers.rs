//! The library's modules sit in layers, and each may use only the layers below its own: never a module of
//! its own layer (a sibling) nor one above. The reader and the rules are `tests/common/layering.rs`, shared
//! with the emulator; this file holds the library's table, [`LAYERS`].
//!
//! `LAYERS_PRINT=1 cargo test -p cognito-wasm --test layers -- --nocapture` prints the module graph.

use std::path::Path;

#[path = "common/layering.rs"]
mod layering;

/// Bottom to top. A module may import only modules of strictly lower rows.
const LAYERS: &[layering::Layer] = &[
    ("std's prelude, for the no_std build", &["prelude"]),
    (
        "text helpers (what format! and join would bring)",
        &["text"],
    ),
    (
        "leaves",
        &[
            "b64",
            "clock",
            "secret",
            "json::number",
            "srp::uint",
            "srp::error",
            "srp::timestamp",
        ],
    ),
    ("JSON: the value", &["json::value"]),
    ("SRP: encoding, the prime", &["srp::encoding", "srp::prime"]),
    ("SRP: the Montgomery kernel", &["srp::montgomery"]),
    ("SRP: the group", &["srp::group"]),
    ("SRP: shared by both halves", &["srp::shared"]),
    ("SRP: the client half", &["srp::client"]),
    (
        "SRP: the server half, the benchmark",
        &["srp::server", "srp::bench"],
    ),
    ("SRP: the module's face", &["srp"]),
    ("errors", &["error"]),
    ("JSON: the reader", &["json::parse"]),
    ("JSON: the module's face", &["json"]),
    ("protocol, tokens, retries", &["protocol", "jwt", "retry"]),
    ("configuration", &["config"]),
    ("the session", &["session"]),
    (
        "values several flows share",
        &[
            "flows::code_delivery",
            "flows::mfa_type",
            "flows::web_authn",
        ],
    ),
    ("sign-in: what the app sees", &["flows::sign_in::steps"]),
    (
        "sign-in: its parts",
        &[
            "flows::sign_in::challenge",
            "flows::sign_in::claim",
            "flows::sign_in::device",
        ],
    ),
    (
        "the flows, one each",
        &[
            "flows::sign_in",
            "flows::account",
            "flows::devices",
            "flows::refresh",
            "flows::sign_out",
            "flows::oauth",
        ],
    ),
    ("the flows' table", &["flows"]),
    ("the wasm edge", &["wasm"]),
    ("tests of the whole", &["ts_types"]),
    ("crate root", &["crate"]),
];

/// Files that extend their parent's own type rather than being modules of their own: the native
/// Montgomery kernel (`impl Montgomery` for non-wasm targets), and the wasm operations of each module (`impl
/// Core`, split by cargo feature: one `#[wasm_bindgen]` type for the JS side) with the table that runs them.
const PARTS: &[&str] = &[
    "srp::montgomery::native",
    "wasm::account",
    "wasm::call",
    "wasm::oauth",
    "wasm::session",
    "wasm::sign_in",
];

#[test]
fn every_module_imports_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = layering::check(&src, "cognito_wasm", LAYERS, PARTS);
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}
