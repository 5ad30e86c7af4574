//! Structured pieces the harnesses build their inputs from: text that is usually one of the values the
//! library reacts to, numbers in Cognito's signed-hex form, base64 blobs and JWTs with chosen claims. Each
//! has a "anything at all" variant so the fuzzer can still reach the syntax errors.

use arbitrary::Arbitrary;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cognito_wasm::srp::group::COGNITO;
use num_bigint::BigUint;
use serde_json::{Map, Value, json};

/// A string that is one of `known` (picked by index) or any text.
#[derive(Arbitrary, Clone, Debug)]
pub enum Text {
    Known(u8),
    Any(String),
}

impl Text {
    pub fn pick(&self, known: &[&str]) -> String {
        match self {
            Self::Known(index) if !known.is_empty() => {
                known[usize::from(*index) % known.len()].to_owned()
            }
            Self::Known(_) => String::new(),
            Self::Any(text) => text.clone(),
        }
    }
}

/// A number as a peer writes it in `SRP_A`, `SRP_B` or `SALT`: signed hexadecimal, perhaps with leading
/// zeros or upper-case digits; a value next to the modulus N; or any text.
#[derive(Arbitrary, Clone, Debug)]
pub enum HexNumber {
    Bytes {
        negative: bool,
        leading_zeros: u8,
        upper_case: bool,
        bytes: Vec<u8>,
    },
    /// N + offset (N − 1, N, N + 1, 2N, …): the edges of the group check.
    NearModulus {
        multiple: u8,
        offset: i16,
    },
    Any(String),
}

impl HexNumber {
    pub fn render(&self) -> String {
        match self {
            Self::Bytes {
                negative,
                leading_zeros,
                upper_case,
                bytes,
            } => {
                let digits: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                let digits = if *upper_case {
                    digits.to_ascii_uppercase()
                } else {
                    digits
                };
                let zeros = "0".repeat(usize::from(*leading_zeros % 8));
                let sign = if *negative { "-" } else { "" };
                format!("{sign}{zeros}{digits}")
            }
            Self::NearModulus { multiple, offset } => {
                let n = BigUint::from_bytes_be(&COGNITO.n.to_be_bytes());
                let scaled = n * u32::from(*multiple % 4);
                let magnitude = u32::from(offset.unsigned_abs());
                let value = if *offset >= 0 {
                    scaled + magnitude
                } else if scaled >= magnitude.into() {
                    scaled - magnitude
                } else {
                    return format!("-{magnitude:x}");
                };
                value.to_str_radix(16)
            }
            Self::Any(text) => text.clone(),
        }
    }
}

/// Standard base64 of some bytes (as `SECRET_BLOCK` is), or any text.
#[derive(Arbitrary, Clone, Debug)]
pub enum Base64Blob {
    Bytes(Vec<u8>),
    Any(String),
}

impl Base64Blob {
    pub fn render(&self) -> String {
        match self {
            Self::Bytes(bytes) => STANDARD.encode(bytes),
            Self::Any(text) => text.clone(),
        }
    }
}

/// A JSON value for a numeric-date claim (`iat`, `exp`), including the shapes that are not numbers.
#[derive(Arbitrary, Clone, Debug)]
pub enum ClaimValue {
    Missing,
    Integer(i64),
    Unsigned(u64),
    Float(f64),
    Text(String),
    Bool(bool),
    Null,
    Array(Vec<i64>),
}

impl ClaimValue {
    pub fn to_json(&self) -> Option<Value> {
        Some(match self {
            Self::Missing => return None,
            Self::Integer(n) => json!(n),
            Self::Unsigned(n) => json!(n),
            // JSON has no NaN or infinities; serde_json turns them into null.
            Self::Float(f) => json!(f),
            Self::Text(text) => json!(text),
            Self::Bool(b) => json!(b),
            Self::Null => Value::Null,
            Self::Array(items) => json!(items),
        })
    }
}

/// A JWT the library will read claims from: header.payload.signature with chosen claims, a payload of raw
/// bytes, or any text.
#[derive(Arbitrary, Clone, Debug)]
pub enum Token {
    Claims(TokenClaims),
    Payload { bytes: Vec<u8>, padded: bool },
    Any(String),
}

#[derive(Arbitrary, Clone, Debug)]
pub struct TokenClaims {
    pub iat: ClaimValue,
    pub exp: ClaimValue,
    pub auth_time: ClaimValue,
    /// `cognito:username` (ID token) or `username` (access token); a non-string one included.
    pub username: Option<Text>,
    pub username_is_number: bool,
    pub device_key: Option<String>,
    pub extra: Vec<(String, String)>,
}

/// Usernames and device keys in the shape the library sees them.
const NAMES: &[&str] = &[
    "alice",
    "bob-id",
    "",
    "us-east-1_aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
];

impl Token {
    pub fn render(&self) -> String {
        match self {
            Self::Claims(claims) => {
                format!(
                    "eyJhbGciOiJSUzI1NiJ9.{}.c2ln",
                    URL_SAFE_NO_PAD.encode(claims.to_json().to_string())
                )
            }
            Self::Payload { bytes, padded } => {
                let mut payload = URL_SAFE_NO_PAD.encode(bytes);
                if *padded {
                    payload.push_str("==");
                }
                format!("eyJhbGciOiJSUzI1NiJ9.{payload}.c2ln")
            }
            Self::Any(text) => text.clone(),
        }
    }
}

impl TokenClaims {
    pub fn to_json(&self) -> Value {
        let mut claims = Map::new();
        for (name, value) in [
            ("iat", &self.iat),
            ("exp", &self.exp),
            ("auth_time", &self.auth_time),
        ] {
            if let Some(value) = value.to_json() {
                claims.insert(name.to_owned(), value);
            }
        }
        if let Some(username) = &self.username {
            let name = username.pick(NAMES);
            let value = if self.username_is_number {
                json!(name.len())
            } else {
                json!(name)
            };
            claims.insert("cognito:username".to_owned(), value.clone());
            claims.insert("username".to_owned(), value);
        }
        if let Some(device_key) = &self.device_key {
            claims.insert("device_key".to_owned(), json!(device_key));
        }
        for (name, value) in &self.extra {
            claims.insert(name.clone(), json!(value));
        }
        Value::Object(claims)
    }
}
