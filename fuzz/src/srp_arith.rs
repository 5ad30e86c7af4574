//! Target (f): the client's fixed-width SRP arithmetic (`srp::uint`, `srp::encoding`, `srp::group`)
//! against num-bigint, the crate it replaced in the shipped module and which the server half keeps.
//!
//! Every operation the client does without num-bigint — bytes and hex in and out, Java's `toByteArray`,
//! signed-hex parsing, the group check of B, comparison, `k·v mod N`, `B − k·g^x mod N`, the exponent
//! `a + u·x`, the hash read as a number, and the exponentiations — is run on the same input by both and
//! must agree exactly (errors included). The `check_*` functions are also what `tests/srp_fixed_width.rs`
//! runs on its random and edge-case inputs.

use arbitrary::Arbitrary;
use cognito_wasm::srp::encoding::{
    hash, hash_to_int, parse_signed_hex, signed_byte_array, to_byte_array,
};
use cognito_wasm::srp::group::COGNITO;
use cognito_wasm::srp::uint::{U3072, add_product, words_from_be_bytes};
use cognito_wasm::srp::{SrpError, parse_public_value};
use num_bigint::{BigInt, BigUint, Sign};

use super::Reached;
use super::inputs::HexNumber;

/// Exponents longer than this only make num-bigint's `modpow` slower, not the comparison different.
const MAX_EXPONENT_BYTES: usize = 64;
/// Bound on the hex digits of a public value, as the library's (N is 768 digits).
const MAX_PUBLIC_HEX_DIGITS: usize = 1024;

/// A number next to one of the edges, or any bytes.
#[derive(Arbitrary, Debug)]
pub enum Number {
    Bytes(Vec<u8>),
    /// N + offset.
    NearModulus(i16),
    /// 2^3072 + offset.
    NearTop(i16),
    /// 2^exponent (up to 2^4095).
    PowerOfTwo(u16),
}

impl Number {
    pub fn value(&self) -> BigUint {
        let offset_from = |base: BigUint, offset: i16| {
            let magnitude = BigUint::from(offset.unsigned_abs());
            if offset >= 0 {
                base + magnitude
            } else {
                base - magnitude
            }
        };
        match self {
            Self::Bytes(bytes) => BigUint::from_bytes_be(bytes),
            Self::NearModulus(offset) => offset_from(modulus(), *offset),
            Self::NearTop(offset) => offset_from(BigUint::from(1u8) << 3072u32, *offset),
            Self::PowerOfTwo(exponent) => BigUint::from(1u8) << (exponent % 4096),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Op {
    Bytes(Vec<u8>),
    Number(Number),
    Hex(HexNumber),
    Compare(Number, Number),
    Mul(Number, Number),
    Sub(Number, Number),
    Exponent { a: Vec<u8>, u: Number, x: Number },
    Hash(Vec<u8>),
    Pow { base: Number, exponent: Vec<u8> },
}

pub fn run(data: &[u8]) -> Reached {
    let mut reached = Reached::default();
    let Some(ops) = super::structured::<Vec<Op>>(data) else {
        return reached;
    };
    reached.decoded = true;
    for op in ops.iter().take(16) {
        // A success is an operation that got past the conversions into the arithmetic behind them.
        reached.success |= match op {
            Op::Bytes(bytes) => check_bytes(bytes).is_some(),
            Op::Number(n) => check_bytes(&n.value().to_bytes_be()).is_some(),
            Op::Hex(hex) => check_hex(&hex.render()),
            Op::Compare(a, b) => check_compare(&a.value(), &b.value()),
            Op::Mul(a, b) => check_mul(&a.value(), &b.value()),
            Op::Sub(a, b) => check_sub(&a.value(), &b.value()),
            Op::Exponent { a, u, x } => check_exponent(a, &u.value(), &x.value()),
            Op::Hash(data) => check_hash(data),
            Op::Pow { base, exponent } => check_pow(
                &base.value(),
                &exponent[..exponent.len().min(MAX_EXPONENT_BYTES)],
            ),
        };
    }
    reached
}

pub fn modulus() -> BigUint {
    big(&COGNITO.n)
}

pub fn big(x: &U3072) -> BigUint {
    BigUint::from_bytes_be(&x.to_be_bytes())
}

/// The fixed-width value of `x`, checked against num-bigint on the way; `None` when x ≥ 2^3072.
fn fixed(x: &BigUint) -> Option<U3072> {
    check_bytes(&x.to_bytes_be())
}

/// Big-endian bytes in (any length, leading zeros too), and bytes, hex and `toByteArray` out.
pub fn check_bytes(bytes: &[u8]) -> Option<U3072> {
    let expected = BigUint::from_bytes_be(bytes);
    let got = U3072::from_be_bytes(bytes);
    assert_eq!(
        got.is_some(),
        expected.bits() <= 3072,
        "range of {expected:x}"
    );
    let got = got?;
    assert_eq!(big(&got), expected, "from_be_bytes");
    assert_eq!(got.to_hex(), expected.to_str_radix(16), "to_hex");
    assert_eq!(got.is_zero(), expected == BigUint::from(0u8), "is_zero");
    let java = BigInt::from_biguint(Sign::Plus, expected.clone()).to_signed_bytes_be();
    assert_eq!(to_byte_array(&got), java, "to_byte_array of {expected:x}");
    assert_eq!(U3072::from_hex(&got.to_hex()), Some(got), "hex round trip");
    assert_eq!(
        words_from_be_bytes(bytes),
        padded_words(&expected, bytes.len().div_ceil(8)),
        "words_from_be_bytes"
    );
    Some(got)
}

/// num-bigint's little-endian words, zero-extended to `len`.
fn padded_words(x: &BigUint, len: usize) -> Vec<u64> {
    let mut words = x.to_u64_digits();
    words.resize(len.max(words.len()), 0);
    words
}

/// Hex in, as `U3072::from_hex`, `parse_signed_hex` (with `SALT`'s and `SRP_B`'s bounds) and
/// `parse_public_value` read it; true when the text was a number the group accepts.
pub fn check_hex(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let well_formed = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit());
    // num-bigint also accepts `_` separators and a `+`; only called on plain digits.
    let magnitude = well_formed.then(|| BigUint::parse_bytes(digits.as_bytes(), 16).unwrap());
    let in_range = magnitude.as_ref().filter(|m| m.bits() <= 3072);

    if !text.starts_with('-') {
        let got = U3072::from_hex(text);
        assert_eq!(
            got.map(|n| big(&n)),
            in_range.cloned(),
            "from_hex({text:?})"
        );
    }

    for max_digits in [512, MAX_PUBLIC_HEX_DIGITS] {
        let got = parse_signed_hex(text, "x", max_digits);
        let expected = if digits.len() > max_digits {
            Err(SrpError::TooLong { field: "x" })
        } else if !well_formed {
            Err(SrpError::InvalidHex { field: "x" })
        } else if in_range.is_none() {
            Err(SrpError::IllegalPublicValue { field: "x" })
        } else {
            let sign = if text.starts_with('-') {
                Sign::Minus
            } else {
                Sign::Plus
            };
            Ok(BigInt::from_biguint(sign, magnitude.clone().unwrap()))
        };
        match (&got, &expected) {
            (Ok(signed), Ok(number)) => {
                assert_eq!(
                    signed.to_hex(),
                    number.to_str_radix(16),
                    "sign and magnitude of {text:?}"
                );
                assert_eq!(
                    signed_byte_array(signed),
                    number.to_signed_bytes_be(),
                    "toByteArray of {text:?}"
                );
            }
            _ => assert_eq!(
                got.err(),
                expected.err(),
                "parse_signed_hex({text:?}, {max_digits})"
            ),
        }
    }

    let got = parse_public_value(text, "SRP_B");
    let expected = if digits.len() > MAX_PUBLIC_HEX_DIGITS {
        Err(SrpError::TooLong { field: "SRP_B" })
    } else if !well_formed {
        Err(SrpError::InvalidHex { field: "SRP_B" })
    } else {
        let m = magnitude.unwrap();
        let zero = BigUint::from(0u8);
        if text.starts_with('-') || m == zero || m >= modulus() {
            Err(SrpError::IllegalPublicValue { field: "SRP_B" })
        } else {
            Ok(m)
        }
    };
    assert_eq!(
        got.map(|n| big(&n)),
        expected,
        "parse_public_value({text:?})"
    );
    expected.is_ok()
}

pub fn check_compare(a: &BigUint, b: &BigUint) -> bool {
    let (Some(x), Some(y)) = (fixed(a), fixed(b)) else {
        return false;
    };
    assert_eq!(x.cmp(&y), a.cmp(b), "cmp({a:x}, {b:x})");
    assert_eq!(x == y, a == b);
    true
}

/// `a·b mod N` for any a, b below 2^3072 (the client's k·g^x).
pub fn check_mul(a: &BigUint, b: &BigUint) -> bool {
    let (Some(x), Some(y)) = (fixed(a), fixed(b)) else {
        return false;
    };
    assert_eq!(
        big(&COGNITO.mul(&x, &y)),
        a * b % modulus(),
        "{a:x} · {b:x}"
    );
    true
}

/// `a − b mod N`, on a and b reduced mod N (the client's B − k·g^x).
pub fn check_sub(a: &BigUint, b: &BigUint) -> bool {
    let n = modulus();
    let (a, b) = (a % &n, b % &n);
    let (Some(x), Some(y)) = (fixed(&a), fixed(&b)) else {
        unreachable!("residues are below 2^3072");
    };
    assert_eq!(
        big(&COGNITO.sub(&x, &y)),
        (&a + &n - &b) % &n,
        "{a:x} − {b:x}"
    );
    true
}

/// `a + u·x` for a secret `a` of any length (the client's exponent of S).
pub fn check_exponent(a: &[u8], u: &BigUint, x: &BigUint) -> bool {
    let (Some(u_fixed), Some(x_fixed)) = (fixed(u), fixed(x)) else {
        return false;
    };
    let a_words = words_from_be_bytes(a);
    let sum = add_product(&a_words, u_fixed.words(), x_fixed.words());
    let expected = BigUint::from_bytes_be(a) + u * x;
    assert_eq!(sum, padded_words(&expected, sum.len()), "a + u·x");
    true
}

/// A hash read as a number (u, x and k).
pub fn check_hash(data: &[u8]) -> bool {
    let expected = BigUint::from_bytes_be(&hash(&[data]));
    assert_eq!(big(&hash_to_int(&[data])), expected, "hash_to_int");
    true
}

/// `base^exp mod N` and `2^exp mod N` against `modpow`.
pub fn check_pow(base: &BigUint, exponent: &[u8]) -> bool {
    let Some(base_fixed) = fixed(base) else {
        return false;
    };
    let n = modulus();
    let exp = BigUint::from_bytes_be(exponent);
    let words = words_from_be_bytes(exponent);
    assert_eq!(
        big(&COGNITO.pow(&base_fixed, &words)),
        base.modpow(&exp, &n),
        "{base:x}^{exp:x}"
    );
    assert_eq!(
        big(&COGNITO.g_pow(&words)),
        BigUint::from(2u8).modpow(&exp, &n),
        "2^{exp:x}"
    );
    true
}
