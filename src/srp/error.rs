use crate::prelude::*;
use crate::text;
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

impl SrpError {
    /// What went wrong, for the error the app sees; `Display` writes the same.
    pub fn message(&self) -> String {
        let (field, says) = match self {
            Self::InvalidHex { field } => (*field, " is not a hexadecimal number"),
            Self::TooLong { field } => (*field, " is too long"),
            Self::InvalidBase64 { field } => (*field, " is not valid base64"),
            Self::IllegalPublicValue { field } => (*field, " is not a valid SRP public value"),
            Self::ZeroScrambler => ("", "SRP scrambling parameter u is zero"),
            Self::InvalidUserPoolId => ("", "user pool id must look like <region>_<id>"),
            Self::Random => ("", "the platform random number generator failed"),
            Self::SignatureMismatch => ("", "password claim signature does not match"),
        };
        text::concat(&[field, says])
    }
}

impl fmt::Display for SrpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for SrpError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_field() {
        let field = "SRP_B";
        for (error, message) in [
            (
                SrpError::InvalidHex { field },
                "SRP_B is not a hexadecimal number",
            ),
            (SrpError::TooLong { field }, "SRP_B is too long"),
            (
                SrpError::InvalidBase64 { field },
                "SRP_B is not valid base64",
            ),
            (
                SrpError::IllegalPublicValue { field },
                "SRP_B is not a valid SRP public value",
            ),
            (
                SrpError::ZeroScrambler,
                "SRP scrambling parameter u is zero",
            ),
            (
                SrpError::InvalidUserPoolId,
                "user pool id must look like <region>_<id>",
            ),
            (
                SrpError::Random,
                "the platform random number generator failed",
            ),
            (
                SrpError::SignatureMismatch,
                "password claim signature does not match",
            ),
        ] {
            assert_eq!(error.message(), message);
            assert_eq!(error.to_string(), message);
        }
    }
}
