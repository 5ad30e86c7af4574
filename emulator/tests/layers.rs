//! The emulator's modules sit in layers, and each may use only the layers below its own: never a module of
//! its own layer (for the operations, a sibling) nor one above. The reader and the rules are
//! `tests/common/layering.rs`, shared with the library; this file holds the emulator's table, [`LAYERS`].
//!
//! `LAYERS_PRINT=1 cargo test -p cognito-emulator --test layers -- --nocapture` prints the module graph.

use std::collections::BTreeSet;
use std::path::Path;

#[path = "../../tests/common/layering.rs"]
mod layering;

/// Bottom to top, grouped as the issue's five layers (leaves → model → domain → operations → surface),
/// each group split where its modules build on one another. A module may import only modules of strictly
/// lower rows.
const LAYERS: &[layering::Layer] = &[
    (
        "leaves",
        &["error", "util", "tracked", "names", "connection", "origins"],
    ),
    (
        "leaves: built on leaves",
        &[
            "intake",
            "request",
            "jwt",
            "password",
            "lockout",
            "calls",
            "codes",
            "signin::timestamp",
            "passkeys::model",
            "oauth_model",
        ],
    ),
    ("model", &["state", "deferred_sign"]),
    ("model: persistence", &["persist"]),
    ("model: the running instance", &["app"]),
    (
        "domain: parts",
        &[
            "inbox",
            "credentials",
            "attributes",
            "access",
            "second_factor",
            "pool_settings",
            "passkeys::relying_party",
            "passkeys",
            "oauth_settings",
        ],
    ),
    (
        "domain: users, tokens",
        &["users", "tokens", "signin::prepared_srp"],
    ),
    (
        "domain: sign-in, after the password",
        &["signin::challenges"],
    ),
    (
        "domain: sign-in, the password",
        &["signin::password", "signin::passkey"],
    ),
    (
        "domain: sign-in, first factors",
        &["signin::first_factor", "signin"],
    ),
    (
        "operations",
        &[
            "ops::admin",
            "ops::auth",
            "ops::account",
            "ops::devices",
            "ops::mfa",
            "ops::passkeys",
            "ops::oauth",
            "ops::tokens",
            "ops::user",
        ],
    ),
    ("operations: the table", &["ops"]),
    ("surface: helpers, seeding", &["web", "seed"]),
    ("surface: the OAuth wire format", &["oauth::protocol"]),
    ("surface: answering OAuth requests", &["oauth::grant"]),
    (
        "surface: the dev-only test OpenID provider",
        &["oauth::test_provider"],
    ),
    (
        "surface: the OAuth endpoints",
        &[
            "oauth::authorize",
            "oauth::discovery",
            "oauth::idpresponse",
            "oauth::login",
            "oauth::logout",
            "oauth::managed_login",
            "oauth::revoke",
            "oauth::token",
            "oauth::userinfo",
        ],
    ),
    ("surface: the OAuth routes", &["oauth"]),
    ("surface: dev endpoints", &["dev_endpoints"]),
    ("surface: HTTP", &["http"]),
    ("crate root", &["crate"]),
    ("binary", &["main"]),
];

#[test]
fn every_module_imports_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = layering::check(&src, "cognito_emulator", LAYERS, &[]);
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

/// The reader itself: grouped imports, `super`, inline paths and child modules are seen; comments,
/// strings and other crates are not.
#[test]
fn the_reader_sees_every_form_of_import() {
    let code = layering::code_only(
        r##"
        //! See [`crate::ignored_in_doc`].
        use std::collections::HashMap;
        use crate::{error::{self, CognitoError}, util::b64 as encode};
        use super::sibling::helper;
        use child::Thing;
        fn f() -> String {
            let _ = "crate::in_a_string";
            let _ = r#"super::raw"#;
            let _: &'static str = '"'.to_string();
            crate::inline::call();
            child::other();
            other_crate::x();
            format!("{}", crate::state::Store::default())
        }
        #[cfg(test)]
        mod tests {
            use super::*;
            use super::super::cousin;
        }
        "##,
    );
    let children: BTreeSet<String> = ["child".to_owned()].into_iter().collect();
    let mut named: Vec<String> =
        layering::paths_named("ops::me", "cognito_emulator", &children, &code)
            .into_iter()
            .map(|path| path.join("::"))
            .collect();
    named.sort();
    assert_eq!(
        named,
        [
            "error",
            "error::CognitoError",
            "inline::call",
            "ops::cousin",
            "ops::me",
            "ops::me::child::Thing",
            "ops::me::child::other",
            "ops::sibling::helper",
            "state::Store::default",
            "util::b64",
        ]
    );
}
