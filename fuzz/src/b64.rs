//! Target `b64`: the crate's own base64 (`cognito_wasm::b64`, which replaced the base64 crate in the
//! shipped module) against the base64 crate's `STANDARD` and `URL_SAFE_NO_PAD` engines, the oracle.
//!
//! * The bytes as text, in each of the two forms: both decoders accept it or both refuse it, and read the
//!   same bytes. What they accept is canonical, so the crate's encoder writes the text back.
//! * The bytes as data, in each form: both encoders write the same text, which decodes back to the data.
//!
//! No input may panic either side. There are no deliberate differences.

use base64::Engine as _;
use base64::engine::GeneralPurpose;
use base64::engine::general_purpose as oracle;
use cognito_wasm::b64::{self, Base64};

use super::Reached;

/// The two forms the crate uses, each as its module and as the oracle's engine.
pub fn forms() -> [(&'static str, Base64, GeneralPurpose); 2] {
    [
        ("STANDARD", b64::STANDARD, oracle::STANDARD),
        (
            "URL_SAFE_NO_PAD",
            b64::URL_SAFE_NO_PAD,
            oracle::URL_SAFE_NO_PAD,
        ),
    ]
}

/// `decoded`: the standard decoders accepted the bytes as text; `success`: the URL-safe ones did.
pub fn run(data: &[u8]) -> Reached {
    check_encode(data);
    let [standard, url_safe] = check_decode(data);
    Reached {
        decoded: standard,
        success: url_safe,
    }
}

/// Both decoders of each form on `text`; whether they accepted it (standard, URL-safe).
pub fn check_decode(text: &[u8]) -> [bool; 2] {
    forms().map(
        |(name, mine, oracle)| match (mine.decode(text), oracle.decode(text)) {
            (Ok(mine_bytes), Ok(oracle_bytes)) => {
                assert_eq!(mine_bytes, oracle_bytes, "{name} {}", shown(text));
                assert_eq!(
                    mine.encode(&mine_bytes).as_bytes(),
                    text,
                    "{name}: accepted non-canonical {}",
                    shown(text)
                );
                true
            }
            (Err(_), Err(_)) => false,
            (mine_read, oracle_read) => panic!(
                "{name} {}: the crate {mine_read:?}, base64 {oracle_read:?}",
                shown(text)
            ),
        },
    )
}

/// Both encoders of each form on `bytes`: the same text, which decodes back to `bytes`.
pub fn check_encode(bytes: &[u8]) {
    for (name, mine, oracle) in forms() {
        let text = mine.encode(bytes);
        assert_eq!(text, oracle.encode(bytes), "{name} {bytes:?}");
        assert_eq!(mine.decode(&text).as_deref(), Ok(bytes), "{name} {text}");
    }
}

fn shown(text: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(text))
}
