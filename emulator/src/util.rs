//! Small helpers shared by the operations: randomness, id formats and Cognito's timestamp encoding.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::Rng as _;
use rand::RngCore as _;
use rand::rngs::OsRng;
use serde_json::Value;

const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `len` bytes from the operating system's CSPRNG (salts, SRP `b`, secret blocks, tokens).
pub fn random_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

fn random_from(alphabet: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| char::from(alphabet[OsRng.gen_range(0..alphabet.len())]))
        .collect()
}

/// `len` random letters and digits.
pub fn random_alnum(len: usize) -> String {
    random_from(ALNUM, len)
}

/// Pool ids look like Cognito's: `<region>_` and nine letters or digits.
pub fn new_pool_id(region: &str) -> String {
    format!("{region}_{}", random_from(ALNUM, 9))
}

/// App client ids are 26 lowercase letters or digits, as Cognito's are.
pub fn new_client_id() -> String {
    random_from(LOWER_ALNUM, 26)
}

/// Client secrets are 51 lowercase letters or digits.
pub fn new_client_secret() -> String {
    random_from(LOWER_ALNUM, 51)
}

/// Standard base64 (SECRET_BLOCK, key ids).
pub fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Unpadded base64url (JWT parts, opaque session strings).
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// Opaque `Session` strings for challenges: long random base64url, within the model's 20..4096 length.
pub fn new_session() -> String {
    b64url(&random_bytes(384))
}

/// The JSON protocol sends timestamps as epoch seconds (a number, fractional part allowed).
pub fn epoch_seconds(millis: i64) -> Value {
    serde_json::Number::from_f64(millis as f64 / 1000.0).map_or(Value::Null, Value::Number)
}

/// Constant-time byte comparison, for secrets compared with what a caller sent.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq as _;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_formats() {
        let pool = new_pool_id("eu-west-1");
        let (region, name) = pool.split_once('_').unwrap();
        assert_eq!(region, "eu-west-1");
        assert_eq!(name.len(), 9);
        assert!(name.bytes().all(|b| b.is_ascii_alphanumeric()));
        let client = new_client_id();
        assert_eq!(client.len(), 26);
        assert!(
            client
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
        assert_eq!(new_client_secret().len(), 51);
        assert_ne!(new_client_id(), new_client_id());
    }

    #[test]
    fn constant_time_compare() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
    }
}
