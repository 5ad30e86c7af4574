//! The fixed SRP group Cognito uses (RFC 3526 3072-bit MODP, g = 2) and the one place that does modular
//! exponentiation, so that a faster big-integer backend can replace it without touching the protocol code.

use std::sync::LazyLock;

use num_bigint::BigUint;

use super::encoding::{hash_to_int, to_byte_array};

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

impl Group {
    /// `base^exp mod N`: the only modular exponentiation in the crate (see module docs).
    pub fn pow(&self, base: &BigUint, exp: &BigUint) -> BigUint {
        base.modpow(exp, &self.n)
    }

    /// `g^exp mod N`.
    pub fn g_pow(&self, exp: &BigUint) -> BigUint {
        self.pow(&self.g, exp)
    }

    /// Size of N in bytes; no honest public value or salt is longer than this (plus a sign byte).
    pub fn byte_len(&self) -> usize {
        self.n.bits().div_ceil(8) as usize
    }
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
}
