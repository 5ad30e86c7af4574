//! Target `secret_hash`: `ClientConfig::secret_hash`, whose HMAC-SHA256 is the crate's own on sha2's block
//! function (src/config.rs: it replaced the hmac and digest crates' wrappers in both modules; SRP and
//! `srp::secret_hash` use it too), against the hmac and sha2 crates, the oracle.
//!
//! The first two bytes give the lengths of the client secret and the username (up to 255 characters each: keys
//! longer than a block are hashed first, messages cross the block boundaries); the rest, read lossily as
//! text, is the secret, the username and then the client id.
//!
//! No input may panic either side. There are no deliberate differences.

use base64::Engine as _;
use cognito_wasm::ClientConfig;
use cognito_wasm::secret::ClientSecret;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::Reached;

/// `decoded`: the configuration was accepted (a client id is needed); `success`: the secret was longer than
/// a block, so that the HMAC hashed it first.
pub fn run(data: &[u8]) -> Reached {
    let [secret_len, username_len, rest @ ..] = data else {
        return Reached::default();
    };
    let text = String::from_utf8_lossy(rest);
    // The byte offset of character `n` of `s` (its length when it has fewer).
    let offset = |s: &str, n: u8| {
        s.char_indices()
            .nth(usize::from(n))
            .map_or(s.len(), |(i, _)| i)
    };
    let (secret, rest) = text.split_at(offset(&text, *secret_len));
    let (username, client_id) = rest.split_at(offset(rest, *username_len));
    let Ok(config) = ClientConfig::new(
        "us-east-1_Fuzz",
        client_id.to_owned(),
        Some(ClientSecret::new(secret.to_owned())),
        None,
    ) else {
        return Reached::default();
    };
    assert_eq!(
        config.secret_hash(username),
        Some(oracle(secret, username, client_id)),
        "secret {secret:?}, username {username:?}, client id {client_id:?}"
    );
    Reached {
        decoded: true,
        success: secret.len() > 64,
    }
}

/// `SECRET_HASH` by the hmac, sha2 and base64 crates: base64 of HMAC-SHA256 keyed with the secret, of the username
/// and then the client id.
fn oracle(secret: &str, username: &str, client_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}
