//! The byte encodings Cognito's SRP hashes: Java `BigInteger.toByteArray()` for numbers (called `padHex` in
//! amazon-cognito-identity-js), signed hexadecimal on the wire, and SHA-256 read as an unsigned integer.

use num_bigint::{BigInt, BigUint, Sign};
use sha2::{Digest, Sha256};

use super::SrpError;

/// Minimal big-endian two's complement, exactly Java's `BigInteger.toByteArray()`: a positive number whose
/// top bit is set gets a leading `0x00`, a negative one is in two's complement, zero is `[0]`.
pub fn signed_byte_array(n: &BigInt) -> Vec<u8> {
    n.to_signed_bytes_be()
}

/// [`signed_byte_array`] for a non-negative number.
pub fn to_byte_array(n: &BigUint) -> Vec<u8> {
    signed_byte_array(&BigInt::from_biguint(Sign::Plus, n.clone()))
}

/// Parses hexadecimal as Java's `new BigInteger(s, 16)` does: an optional leading `-`, then at least one hex
/// digit and nothing else (no `+`, no `0x`, no underscores or spaces). `max_digits` bounds the work a
/// hostile peer can cause.
pub fn parse_signed_hex(
    s: &str,
    field: &'static str,
    max_digits: usize,
) -> Result<BigInt, SrpError> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if digits.len() > max_digits {
        return Err(SrpError::TooLong { field });
    }
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SrpError::InvalidHex { field });
    }
    let magnitude =
        BigUint::parse_bytes(digits.as_bytes(), 16).ok_or(SrpError::InvalidHex { field })?;
    let sign = if negative { Sign::Minus } else { Sign::Plus };
    Ok(BigInt::from_biguint(sign, magnitude))
}

/// Lowercase hex with no leading zeros, as Cognito and the reference clients print numbers.
pub fn to_hex(n: &BigUint) -> String {
    n.to_str_radix(16)
}

/// SHA-256 of the concatenated parts.
pub fn hash(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// SHA-256 of the concatenated parts, read as an unsigned big-endian integer.
pub fn hash_to_int(parts: &[&[u8]]) -> BigUint {
    BigUint::from_bytes_be(&hash(parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn byte_array_is_java_to_byte_array() {
        for (n, expected) in [
            (0i64, "00"),
            (1, "01"),
            (0x7f, "7f"),
            (0x80, "0080"),
            (0xff, "00ff"),
            (0x100, "0100"),
            (-1, "ff"),
            (-128, "80"),
            (-129, "ff7f"),
            (-256, "ff00"),
        ] {
            assert_eq!(
                hex(&signed_byte_array(&BigInt::from(n))),
                expected,
                "n = {n}"
            );
        }
    }

    #[test]
    fn parses_signed_hex_strictly() {
        assert_eq!(parse_signed_hex("ff", "x", 8), Ok(BigInt::from(255)));
        assert_eq!(parse_signed_hex("-80", "x", 8), Ok(BigInt::from(-128)));
        assert_eq!(parse_signed_hex("00ff", "x", 8), Ok(BigInt::from(255)));
        for bad in ["", "-", "+1", "0x1", "1_0", " 1", "g", "--1", "１"] {
            assert_eq!(
                parse_signed_hex(bad, "x", 8),
                Err(SrpError::InvalidHex { field: "x" }),
                "{bad:?}"
            );
        }
        assert_eq!(
            parse_signed_hex("123456789", "x", 8),
            Err(SrpError::TooLong { field: "x" })
        );
    }
}
