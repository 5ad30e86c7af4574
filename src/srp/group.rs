//! The fixed SRP group Cognito uses (RFC 3526 3072-bit MODP, g = 2) and the one place that does modular
//! exponentiation, so that a faster big-integer backend can replace it without touching the protocol code.
//!
//! For Cognito's N that backend is [`super::montgomery`] (Montgomery arithmetic specialised for this N,
//! constant-time windows, g = 2 by shifts); any other group falls back to num-bigint's `modpow`.

use std::sync::LazyLock;

use num_bigint::BigUint;

use super::encoding::{hash_to_int, to_byte_array};
use super::montgomery::{Comb, Montgomery};

const N_HEX: &str = concat!(
    "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74",
    "020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f1437",
    "4fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed",
    "ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf05",
    "98da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb",
    "9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b",
    "e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf695581718",
    "3995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33",
    "a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7",
    "abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864",
    "d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e2",
    "08e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff",
);

/// Random bytes in a client's ephemeral secret `a`: 256 bits.
///
/// N is a safe prime, so the only small factor of the group order is 2 and a short exponent gives
/// Pohlig–Hellman at most one bit; the best attack on a 256-bit exponent is Pollard's kangaroo at ~2^128 steps,
/// which matches the ~128-bit strength of the 3072-bit group itself (NFS). This is the minimum RFC 5054
/// (§3.1) asks for and what NIST SP 800-56A rev. 3 (§5.6.1.1.4) requires for safe-prime groups at 128-bit
/// strength (2·128 bits). Cognito only ever sees `A`, so it cannot tell. amazon-cognito-identity-js draws
/// 1024 bits, which costs 4× the squarings for A and doubles the exponent of S (a + u·x is 512 bits long
/// either way when a ≤ 512 bits) without adding security beyond the group's.
pub const EPHEMERAL_SECRET_BYTES: usize = 32;

/// The group: prime modulus N, generator g and the SRP-6a multiplier k.
pub struct Group {
    pub n: BigUint,
    pub g: BigUint,
    /// `k = H(padHex(N) ‖ padHex(g))` — Cognito's form, not RFC 5054's padded one.
    pub k: BigUint,
}

/// The one group Cognito uses for user and device SRP.
pub static COGNITO: LazyLock<Group> = LazyLock::new(|| {
    let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap_or_default();
    let g = BigUint::from(2u8);
    let k = hash_to_int(&[&to_byte_array(&n), &to_byte_array(&g)]);
    Group { n, g, k }
});

/// Montgomery constants for Cognito's N, built on first use (a few hundred microseconds).
static COGNITO_MONTGOMERY: LazyLock<Option<Montgomery>> =
    LazyLock::new(|| Montgomery::new(&COGNITO.n));

/// The fixed-base comb table for g = 2 (26 kB of memory), built on the first `g_pow`: a few milliseconds
/// once per page (or process), paid by the first A.
static COGNITO_COMB: LazyLock<Option<Comb>> =
    LazyLock::new(|| COGNITO_MONTGOMERY.as_ref().map(Montgomery::comb));

impl Group {
    /// The fast backend if this group's modulus is the one it was built for.
    fn montgomery(&self) -> Option<&'static Montgomery> {
        COGNITO_MONTGOMERY
            .as_ref()
            .filter(|m| m.modulus() == &self.n)
    }

    /// `base^exp mod N`: the only modular exponentiation in the crate (see module docs).
    pub fn pow(&self, base: &BigUint, exp: &BigUint) -> BigUint {
        match self.montgomery() {
            Some(m) => m.pow(base, exp),
            None => square_and_multiply(base, exp, &self.n),
        }
    }

    /// `g^exp mod N`.
    pub fn g_pow(&self, exp: &BigUint) -> BigUint {
        match self.montgomery() {
            Some(m) if self.g == BigUint::from(2u8) => COGNITO_COMB
                .as_ref()
                .and_then(|comb| m.pow2_comb(comb, exp))
                .unwrap_or_else(|| m.pow2(exp)),
            _ => self.pow(&self.g, exp),
        }
    }

    /// Size of N in bytes; no honest public value or salt is longer than this (plus a sign byte).
    pub fn byte_len(&self) -> usize {
        self.n.bits().div_ceil(8) as usize
    }
}

/// Plain left-to-right exponentiation on num-bigint for a group other than Cognito's (none exists today);
/// `BigUint::modpow` would link another ~10 kB of Montgomery code into the wasm for this unused path.
fn square_and_multiply(base: &BigUint, exp: &BigUint, n: &BigUint) -> BigUint {
    let base = base % n;
    let mut acc = BigUint::from(1u8) % n;
    for i in (0..exp.bits()).rev() {
        acc = &acc * &acc % n;
        if exp.bit(i) {
            acc = &acc * &base % n;
        }
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_matches_cognito() {
        assert_eq!(
            COGNITO.k.to_str_radix(16),
            "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
        );
        assert_eq!(COGNITO.n.bits(), 3072);
    }

    #[test]
    fn other_groups_use_the_fallback_and_agree_with_num_bigint() {
        // An odd 3072-bit modulus the fast backend refuses (top bits not all ones), and a small one.
        let odd = (BigUint::from(1u8) << 3071u32) + 12345u32;
        let small = BigUint::from(1_000_003u32);
        for n in [odd, small] {
            let group = Group {
                n: n.clone(),
                g: BigUint::from(5u8),
                k: BigUint::from(3u8),
            };
            assert!(group.montgomery().is_none());
            for exp in [0u32, 1, 2, 65_537] {
                let exp = BigUint::from(exp);
                assert_eq!(group.g_pow(&exp), BigUint::from(5u8).modpow(&exp, &n));
                let base = &n + 7u8;
                assert_eq!(group.pow(&base, &exp), base.modpow(&exp, &n));
            }
        }
        assert!(COGNITO.montgomery().is_some());
    }
}
