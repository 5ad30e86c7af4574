//! The client's only number type: unsigned integers below 2^3072, in 48 little-endian 64-bit words, and
//! the few operations SRP needs outside the modular ones in [`super::group`].
//!
//! Every number the protocol carries fits: residues mod the 3072-bit N (A, B, S, the verifier), hashes (k,
//! u, x) and salts (at most 512 hex digits). Exponents are the exception — the client's secret `a` may be
//! any length and `a + u·x` is one word longer than both — so they are plain little-endian word slices.
//! This replaces num-bigint in the shipped module; `tests/srp_fixed_width.rs` and the `srp_arith` fuzz
//! target check each operation against num-bigint, which the server half keeps.

use crate::prelude::*;
use crate::text;
use core::cmp::Ordering;

/// 64-bit words in a [`U3072`].
pub const WORDS: usize = 48;

/// An unsigned integer below 2^3072.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct U3072([u64; WORDS]);

impl U3072 {
    pub const ZERO: Self = Self([0; WORDS]);
    pub const ONE: Self = {
        let mut words = [0; WORDS];
        words[0] = 1;
        Self(words)
    };

    /// The number with these little-endian words.
    pub(crate) const fn from_words(words: [u64; WORDS]) -> Self {
        Self(words)
    }

    /// Little-endian 64-bit words.
    pub const fn words(&self) -> &[u64; WORDS] {
        &self.0
    }

    /// Hexadecimal digits (either case, leading zeros allowed, no sign); `None` for an empty string, any
    /// other character, or a value of 2^3072 or more. A `const fn` so that N is a compile-time constant;
    /// const fns have no iterators, so it indexes: `i < digits.len()` and `i < WORDS·16` bound both indices.
    #[allow(clippy::indexing_slicing)]
    pub const fn from_hex(digits: &str) -> Option<Self> {
        let digits = digits.as_bytes();
        if digits.is_empty() {
            return None;
        }
        let mut words = [0u64; WORDS];
        // Digits from the least significant; bit position 4·i.
        let mut i = 0;
        while i < digits.len() {
            let digit = match digits[digits.len() - 1 - i] {
                c @ b'0'..=b'9' => c - b'0',
                c @ b'a'..=b'f' => c - b'a' + 10,
                c @ b'A'..=b'F' => c - b'A' + 10,
                _ => return None,
            };
            if digit != 0 {
                if i >= WORDS * 16 {
                    return None;
                }
                words[i / 16] |= (digit as u64) << (4 * (i % 16));
            }
            i += 1;
        }
        Some(Self(words))
    }

    /// Big-endian bytes of any length (leading zeros allowed); `None` for a value of 2^3072 or more.
    pub fn from_be_bytes(bytes: &[u8]) -> Option<Self> {
        let words = words_from_be_bytes(bytes);
        if words.iter().skip(WORDS).any(|&w| w != 0) {
            return None;
        }
        let mut out = [0; WORDS];
        for (o, w) in out.iter_mut().zip(&words) {
            *o = *w;
        }
        Some(Self(out))
    }

    /// The 384 big-endian bytes, leading zeros included.
    pub fn to_be_bytes(&self) -> [u8; WORDS * 8] {
        let mut out = [0u8; WORDS * 8];
        for (chunk, word) in out.chunks_exact_mut(8).zip(self.0.iter().rev()) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    /// Lowercase hex with no leading zeros (`"0"` for zero), as Cognito and the reference clients print
    /// numbers.
    pub fn to_hex(&self) -> String {
        let mut hex = String::with_capacity(2 * 8 * WORDS);
        for byte in self.to_be_bytes() {
            text::push_hex_byte(&mut hex, byte, false);
        }
        // Without the leading zeros, but the last digit is kept (zero is "0").
        let first = hex.bytes().position(|b| b != b'0').unwrap_or(hex.len() - 1);
        hex.get(first..hex.len()).unwrap_or_default().to_owned()
    }

    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }

    /// `self − other` and whether it borrowed (`self < other`), wrapping modulo 2^3072.
    pub(crate) fn overflowing_sub(&self, other: &Self) -> (Self, bool) {
        let mut out = [0; WORDS];
        let mut borrow = false;
        for ((o, a), b) in out.iter_mut().zip(&self.0).zip(&other.0) {
            let (d1, b1) = a.overflowing_sub(*b);
            let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
            *o = d2;
            borrow = b1 | b2;
        }
        (Self(out), borrow)
    }

    /// `self + other` and whether it carried out of 3072 bits.
    pub(crate) fn overflowing_add(&self, other: &Self) -> (Self, bool) {
        let mut out = [0; WORDS];
        let mut carry = false;
        for ((o, a), b) in out.iter_mut().zip(&self.0).zip(&other.0) {
            let (s1, c1) = a.overflowing_add(*b);
            let (s2, c2) = s1.overflowing_add(u64::from(carry));
            *o = s2;
            carry = c1 | c2;
        }
        (Self(out), carry)
    }
}

impl Ord for U3072 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.iter().rev().cmp(other.0.iter().rev())
    }
}

impl PartialOrd for U3072 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl core::fmt::Debug for U3072 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("U3072(0x")?;
        f.write_str(&self.to_hex())?;
        f.write_str(")")
    }
}

/// Little-endian 64-bit words of big-endian bytes of any length (an exponent such as the secret `a`).
pub fn words_from_be_bytes(bytes: &[u8]) -> Vec<u64> {
    bytes
        .rchunks(8)
        .map(|chunk| chunk.iter().fold(0u64, |w, &b| (w << 8) | u64::from(b)))
        .collect()
}

/// `a + u·x` as little-endian words: the client's exponent for S, which is not reduced (its length is
/// public: the bit length of `a` or of `u·x`).
pub fn add_product(a: &[u64], u: &[u64], x: &[u64]) -> Vec<u64> {
    let mut out = vec![0u64; a.len().max(u.len() + x.len()) + 1];
    for (o, w) in out.iter_mut().zip(a) {
        *o = *w;
    }
    for (i, &ui) in u.iter().enumerate() {
        // Row i: out[i..] += ui·x, carrying to the end (out is one word longer than any sum needs).
        let mut carry = 0u64;
        for (o, &xj) in out
            .iter_mut()
            .skip(i)
            .zip(x.iter().chain(core::iter::repeat(&0)))
        {
            let s = u128::from(*o) + u128::from(ui) * u128::from(xj) + u128::from(carry);
            *o = s as u64;
            carry = (s >> 64) as u64;
        }
    }
    out
}

/// The number of significant bits of little-endian words.
pub(crate) fn bit_len(words: &[u64]) -> usize {
    words
        .iter()
        .enumerate()
        .rfind(|(_, w)| **w != 0)
        .map_or(0, |(top, w)| top * 64 + 64 - w.leading_zeros() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_bounds() {
        assert_eq!(U3072::from_hex(""), None);
        assert_eq!(U3072::from_hex("0"), Some(U3072::ZERO));
        assert_eq!(U3072::from_hex("g"), None);
        assert!(U3072::from_hex(&"f".repeat(768)).is_some());
        assert_eq!(U3072::from_hex(&format!("1{}", "0".repeat(768))), None);
        assert!(U3072::from_hex(&format!("{}1", "0".repeat(1000))).is_some());
        assert_eq!(U3072::ZERO.to_hex(), "0");
        assert_eq!(
            U3072::from_hex("00aBc").map(|n| n.to_hex()),
            Some("abc".into())
        );
    }

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_len(&[]), 0);
        assert_eq!(bit_len(&[0, 0]), 0);
        assert_eq!(bit_len(&[1]), 1);
        assert_eq!(bit_len(&[0, 1 << 63]), 128);
    }
}
