//! The byte encodings Cognito's SRP hashes: Java `BigInteger.toByteArray()` for numbers (called `padHex` in
//! amazon-cognito-identity-js), signed hexadecimal on the wire, and SHA-256 read as an unsigned integer.

use crate::prelude::*;
use crate::text;

use super::error::SrpError;
use super::uint::U3072;

/// A signed number as a peer writes it (`SALT` may be negative): sign and magnitude. Zero is never
/// negative, as in Java.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signed {
    negative: bool,
    magnitude: U3072,
}

impl Signed {
    /// A non-negative number.
    pub fn positive(magnitude: U3072) -> Self {
        Self {
            negative: false,
            magnitude,
        }
    }

    pub fn is_negative(&self) -> bool {
        self.negative
    }

    pub fn magnitude(&self) -> &U3072 {
        &self.magnitude
    }

    /// Java `BigInteger.toString(16)`: lowercase, no leading zeros, `-` for a negative number.
    pub fn to_hex(&self) -> String {
        let sign = if self.negative { "-" } else { "" };
        text::concat(&[sign, &self.magnitude.to_hex()])
    }
}

/// Minimal big-endian two's complement, exactly Java's `BigInteger.toByteArray()`: a positive number whose
/// top bit is set gets a leading `0x00`, a negative one is in two's complement, zero is `[0]`.
pub fn signed_byte_array(n: &Signed) -> Vec<u8> {
    // The magnitude without leading zero bytes, behind one zero byte for the sign.
    let mut out = vec![0];
    let bytes = n.magnitude.to_be_bytes();
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    out.extend_from_slice(bytes.get(first..).unwrap_or_default());
    if n.negative {
        // −m = !m + 1 over the magnitude's bytes and the zero byte in front of it.
        for byte in out.iter_mut() {
            *byte = !*byte;
        }
        for byte in out.iter_mut().rev() {
            let (sum, carry) = byte.overflowing_add(1);
            *byte = sum;
            if !carry {
                break;
            }
        }
    }
    // Drop the leading byte when it only repeats the next byte's sign bit (keep one byte for zero).
    let redundant = |out: &[u8]| match out {
        [0x00, next, ..] => next & 0x80 == 0,
        [0xff, next, ..] => next & 0x80 != 0,
        _ => false,
    };
    if redundant(&out) {
        out.remove(0);
    }
    out
}

/// [`signed_byte_array`] for a non-negative number.
pub fn to_byte_array(n: &U3072) -> Vec<u8> {
    signed_byte_array(&Signed::positive(*n))
}

/// Parses hexadecimal as Java's `new BigInteger(s, 16)` does: an optional leading `-`, then at least one hex
/// digit and nothing else (no `+`, no `0x`, no underscores or spaces). `max_digits` bounds the work a
/// hostile peer can cause. A number of 2^3072 or more is no value the protocol carries (all are below N or
/// are hashes) and is refused as [`SrpError::IllegalPublicValue`].
pub fn parse_signed_hex(
    s: &str,
    field: &'static str,
    max_digits: usize,
) -> Result<Signed, SrpError> {
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
    let magnitude = U3072::from_hex(digits).ok_or(SrpError::IllegalPublicValue { field })?;
    Ok(Signed {
        negative: negative && !magnitude.is_zero(),
        magnitude,
    })
}

/// SHA-256 of the concatenated parts, on sha2's block function alone: the `digest` crate's buffering
/// wrappers were some 1.3 kB of each module, with the `hmac` crate's (see [`super::shared`]'s HMAC). The
/// copy it hashes holds secrets (HMAC keys, the password's hash in `x`, the premaster secret) and is wiped.
pub fn hash(parts: &[&[u8]]) -> [u8; 32] {
    let mut data: Vec<u8> = parts.concat();
    let bits = (data.len() as u64) * 8;
    // The padding: a 1 bit, zeros up to 8 bytes short of a whole block, the length in bits.
    data.push(0x80);
    while data.len() % 64 != 56 {
        data.push(0);
    }
    data.extend_from_slice(&bits.to_be_bytes());
    let mut state: [u32; 8] = [
        0x6a09_e667,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ];
    for chunk in data.chunks_exact(64) {
        let block: [u8; 64] = chunk.try_into().unwrap_or([0; 64]);
        sha2::compress256(&mut state, &[block.into()]);
    }
    zeroize::Zeroize::zeroize(&mut data);
    let mut digest = [0u8; 32];
    digest.copy_from_slice(state.map(u32::to_be_bytes).as_flattened());
    digest
}

/// SHA-256 of the concatenated parts, read as an unsigned big-endian integer.
pub fn hash_to_int(parts: &[&[u8]]) -> U3072 {
    U3072::from_be_bytes(&hash(parts)).unwrap_or(U3072::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn number(n: i64) -> Signed {
        let magnitude = U3072::from_hex(&format!("{:x}", n.unsigned_abs())).unwrap();
        Signed {
            negative: n < 0,
            magnitude,
        }
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
            assert_eq!(hex(&signed_byte_array(&number(n))), expected, "n = {n}");
        }
    }

    #[test]
    fn parses_signed_hex_strictly() {
        assert_eq!(parse_signed_hex("ff", "x", 8), Ok(number(255)));
        assert_eq!(parse_signed_hex("-80", "x", 8), Ok(number(-128)));
        assert_eq!(parse_signed_hex("00ff", "x", 8), Ok(number(255)));
        assert_eq!(parse_signed_hex("-0", "x", 8), Ok(number(0)));
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
        assert_eq!(
            parse_signed_hex(&format!("1{}", "0".repeat(768)), "x", 1024),
            Err(SrpError::IllegalPublicValue { field: "x" })
        );
    }
}
