use core::fmt;

/// Why an SRP computation refused its inputs.
///
/// Every malformed or malicious value a server (or a client, on the server side) can send maps to one of
/// these, so no input can make the SRP code panic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SrpError {
    /// A field that should be (signed) hexadecimal is empty or has other characters.
    InvalidHex { field: &'static str },
    /// A field is longer than any honest value can be.
    TooLong { field: &'static str },
    /// A field that should be standard base64 is not.
    InvalidBase64 { field: &'static str },
    /// A public ephemeral value is ≡ 0 (mod N), negative or not below N: accepting it would let the peer
    /// force a known shared secret.
    IllegalPublicValue { field: &'static str },
    /// The scrambling parameter u hashed to zero, which would make the password irrelevant.
    ZeroScrambler,
    /// The user pool id is not of the form `region_Alnum`.
    InvalidUserPoolId,
    /// The platform random source failed.
    Random,
    /// The password claim signature does not match (server side).
    SignatureMismatch,
}

impl fmt::Display for SrpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidHex { field } => write!(f, "{field} is not a hexadecimal number"),
            Self::TooLong { field } => write!(f, "{field} is too long"),
            Self::InvalidBase64 { field } => write!(f, "{field} is not valid base64"),
            Self::IllegalPublicValue { field } => {
                write!(f, "{field} is not a valid SRP public value")
            }
            Self::ZeroScrambler => f.write_str("SRP scrambling parameter u is zero"),
            Self::InvalidUserPoolId => f.write_str("user pool id must look like <region>_<id>"),
            Self::Random => f.write_str("the platform random number generator failed"),
            Self::SignatureMismatch => f.write_str("password claim signature does not match"),
        }
    }
}

impl core::error::Error for SrpError {}
