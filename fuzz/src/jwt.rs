//! Target (c): reading the claims of any token, as arrives in `AuthenticationResult` or from storage.

use arbitrary::Arbitrary;
use cognito_wasm::error::names;
use cognito_wasm::jwt::{decode_claims, time_claim};

use super::Reached;
use super::inputs::Token;

#[derive(Arbitrary, Debug)]
struct JwtInput {
    token: Token,
}

pub fn run(data: &[u8]) -> Reached {
    // The bytes themselves are a token too, when they are text.
    let mut reached = Reached::default();
    if let Ok(text) = std::str::from_utf8(data) {
        reached.success |= check(text);
    }
    if let Some(input) = super::structured::<JwtInput>(data) {
        reached.decoded = true;
        reached.success |= check(&input.token.render());
    }
    reached
}

/// Decodes `token` and reads its time claims; true when the claims were readable.
fn check(token: &str) -> bool {
    let claims = match decode_claims(token) {
        Ok(claims) => claims,
        Err(error) => {
            assert_eq!(error.name(), names::INVALID_RESPONSE, "{error}");
            return false;
        }
    };
    for name in ["exp", "iat", "auth_time", "nbf"] {
        match time_claim(&claims, name) {
            Ok(seconds) => {
                let value = claims.get(name).expect("a claim that was read is there");
                assert!(value.is_number(), "{name} = {value} read as {seconds}");
                if let Some(exact) = value.as_i64() {
                    assert_eq!(seconds, exact, "{name}");
                }
            }
            Err(error) => assert_eq!(error.name(), names::INVALID_RESPONSE, "{error}"),
        }
    }
    true
}
