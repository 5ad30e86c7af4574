//! Base64 (RFC 4648) in the two forms the crate speaks: the standard alphabet with `=` padding (SRP's
//! `SECRET_BLOCK`, salts, verifiers, claim signatures and `SECRET_HASH`) and the URL-safe alphabet without
//! padding (JWT payloads, PKCE verifiers and challenges, OAuth `state` and `nonce`).
//!
//! It exists for size: the `base64` crate's engines were 7 kB of function bodies in each shipped wasm
//! module, and the crate only ever encodes and decodes a few hundred bytes at a time. The `base64` crate
//! stays as the oracle: `tests/b64_props.rs` and the `b64` fuzz target check that [`Base64::encode`]
//! writes what it writes and that [`Base64::decode`] accepts exactly what its `STANDARD` and
//! `URL_SAFE_NO_PAD` engines accept (canonical padding, or none; no set trailing bits; no other
//! characters, whitespace included), reading the same bytes.

use crate::prelude::*;

/// A base64 alphabet and padding rule; [`STANDARD`] and [`URL_SAFE_NO_PAD`] are the two the crate uses.
#[derive(Clone, Copy, Debug)]
pub struct Base64 {
    /// The symbols for 62 and 63, where the alphabets differ.
    last_two: [u8; 2],
    /// Whether the text is padded with `=` to whole groups of four, written and required.
    padded: bool,
}

/// The standard alphabet (`+`, `/`) with `=` padding.
pub const STANDARD: Base64 = Base64 {
    last_two: *b"+/",
    padded: true,
};

/// The URL- and filename-safe alphabet (`-`, `_`) without padding.
pub const URL_SAFE_NO_PAD: Base64 = Base64 {
    last_two: *b"-_",
    padded: false,
};

/// The text is not base64 of this alphabet and padding rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeError;

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("not valid base64")
    }
}

impl core::error::Error for DecodeError {}

impl Base64 {
    /// The base64 text of `bytes`.
    pub fn encode(&self, bytes: impl AsRef<[u8]>) -> String {
        // Generic only at the door: one body in the module, whatever the callers pass.
        self.encode_bytes(bytes.as_ref())
    }

    /// The bytes `text` encodes; any text [`Base64::encode`] would not have written is an error.
    pub fn decode(&self, text: impl AsRef<[u8]>) -> Result<Vec<u8>, DecodeError> {
        self.decode_bytes(text.as_ref())
    }

    fn encode_bytes(&self, bytes: &[u8]) -> String {
        let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
        // A bit stream, 8 bits in and 6 out at a time (one loop rather than groups of three: the smaller
        // code, in the session module). `bits` holds fewer than 6 unwritten bits between bytes.
        let (mut bits, mut count) = (0u32, 0u32);
        for &byte in bytes {
            bits = (bits << 8 | u32::from(byte)) & 0x3FFF;
            count += 8;
            while count >= 6 {
                count -= 6;
                text.push(char::from(self.symbol((bits >> count) as u8 & 63)));
            }
        }
        // The last symbol's unused low bits are zero.
        if count > 0 {
            text.push(char::from(self.symbol((bits << (6 - count)) as u8 & 63)));
        }
        if self.padded {
            while text.len() % 4 != 0 {
                text.push('=');
            }
        }
        text
    }

    fn decode_bytes(&self, text: &[u8]) -> Result<Vec<u8>, DecodeError> {
        let body = if self.padded {
            // Whole groups of four, of which only the last may end in one or two `=`.
            if text.len() % 4 != 0 {
                return Err(DecodeError);
            }
            text.strip_suffix(b"==")
                .or_else(|| text.strip_suffix(b"="))
                .unwrap_or(text)
        } else {
            text
        };
        // A lone symbol in the last group holds 6 bits: not even one byte.
        if body.len() % 4 == 1 {
            return Err(DecodeError);
        }
        let mut bytes = Vec::with_capacity(body.len() / 4 * 3 + 2);
        // A bit stream, 6 bits in and 8 out at a time, as in `encode_bytes`. `bits` holds fewer than 8 unread
        // bits between symbols.
        let (mut bits, mut count) = (0u32, 0u32);
        for &symbol in body {
            bits = (bits << 6 | u32::from(self.value(symbol).ok_or(DecodeError)?)) & 0x3FFF;
            count += 6;
            if count >= 8 {
                count -= 8;
                bytes.push((bits >> count) as u8);
            }
        }
        // A last group of 2 or 3 symbols leaves 4 or 2 bits below its bytes: zero in canonical text.
        if bits & ((1 << count) - 1) != 0 {
            return Err(DecodeError);
        }
        Ok(bytes)
    }

    /// The symbol for the 6-bit `value`.
    fn symbol(&self, value: u8) -> u8 {
        match value {
            0..=25 => b'A' + value,
            26..=51 => b'a' + (value - 26),
            52..=61 => b'0' + (value - 52),
            62 => self.last_two[0],
            _ => self.last_two[1],
        }
    }

    /// The 6-bit value of `symbol`, if it is one of this alphabet's.
    fn value(&self, symbol: u8) -> Option<u8> {
        match symbol {
            b'A'..=b'Z' => Some(symbol - b'A'),
            b'a'..=b'z' => Some(symbol - b'a' + 26),
            b'0'..=b'9' => Some(symbol - b'0' + 52),
            _ if symbol == self.last_two[0] => Some(62),
            _ if symbol == self.last_two[1] => Some(63),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_4648_test_vectors() {
        for (bytes, text) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(STANDARD.encode(bytes), text);
            assert_eq!(STANDARD.decode(text).unwrap(), bytes.as_bytes());
            let unpadded = text.trim_end_matches('=');
            assert_eq!(URL_SAFE_NO_PAD.encode(bytes), unpadded);
            assert_eq!(URL_SAFE_NO_PAD.decode(unpadded).unwrap(), bytes.as_bytes());
        }
    }

    #[test]
    fn the_alphabets_differ_in_their_last_two_symbols() {
        assert_eq!(STANDARD.encode([0xfb, 0xff]), "+/8=");
        assert_eq!(URL_SAFE_NO_PAD.encode([0xfb, 0xff]), "-_8");
        assert_eq!(STANDARD.decode("-_8="), Err(DecodeError));
        assert_eq!(URL_SAFE_NO_PAD.decode("+/8"), Err(DecodeError));
    }

    #[test]
    fn non_canonical_text_is_refused() {
        for text in [
            "Zh==", "Zm9=", "Zg", "Zg=", "Zg===", "Z===", "====", "Zm9v\n", " Zm9v", "Zg==Zm9v",
        ] {
            assert_eq!(STANDARD.decode(text), Err(DecodeError), "{text:?}");
        }
        for text in ["Zh", "Zm9", "Zg==", "Z", "Zm9vY"] {
            assert_eq!(URL_SAFE_NO_PAD.decode(text), Err(DecodeError), "{text:?}");
        }
    }
}
