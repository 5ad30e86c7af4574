//! The fixed SRP group Cognito uses (RFC 3526 3072-bit MODP, g = 2) and its modular arithmetic, all on
//! fixed-width numbers ([`U3072`]): exponentiation by `srp::montgomery` (Montgomery arithmetic specialised
//! for this N, constant-time windows, g = 2 by shifts), and the one multiplication and subtraction the
//! client needs besides.

use once_cell::race::OnceBox;

use crate::prelude::*;

use super::encoding::{hash_to_int, to_byte_array};
use super::montgomery::{Comb, Montgomery};
use super::prime::N;
use super::uint::U3072;

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

/// The group: prime modulus N, generator g = 2 and the SRP-6a multiplier k.
pub struct Group {
    pub n: U3072,
    /// `k = H(padHex(N) ‖ padHex(g))` — Cognito's form, not RFC 5054's padded one.
    pub k: U3072,
}

/// The generator, 2 (exponentiations of it use `Montgomery::pow2`, by shifts).
pub const G: u8 = 2;

/// The one group Cognito uses for user and device SRP.
pub static COGNITO: Cognito = Cognito(OnceBox::new());

/// [`COGNITO`]: the [`Group`], built on first use (`k` is a hash of N and g).
pub struct Cognito(OnceBox<Group>);

impl core::ops::Deref for Cognito {
    type Target = Group;

    fn deref(&self) -> &Group {
        self.0.get_or_init(|| {
            let k = hash_to_int(&[&to_byte_array(&N), &[G]]);
            Box::new(Group { n: N, k })
        })
    }
}

/// Montgomery constants for N, built on first use (a few hundred microseconds). `OnceBox` rather than std's
/// `LazyLock`, which the `no_std` wasm build lacks: should two threads race (the emulator), both build it and
/// one is kept.
static MONTGOMERY: OnceBox<Montgomery> = OnceBox::new();

fn montgomery() -> &'static Montgomery {
    MONTGOMERY.get_or_init(|| Box::new(Montgomery::new(&N)))
}

/// The fixed-base comb table for g = 2 (26 kB of memory), built on the first `g_pow`: a few milliseconds
/// once per page (or process), paid by the first A.
static COMB: OnceBox<Comb> = OnceBox::new();

fn comb() -> &'static Comb {
    COMB.get_or_init(|| Box::new(montgomery().comb()))
}

impl Group {
    /// `base^exp mod N` for any base below 2^3072; `exp` in little-endian 64-bit words.
    pub fn pow(&self, base: &U3072, exp: &[u64]) -> U3072 {
        montgomery().pow(base, exp)
    }

    /// `g^exp mod N`.
    pub fn g_pow(&self, exp: &[u64]) -> U3072 {
        montgomery()
            .pow2_comb(comb(), exp)
            .unwrap_or_else(|| montgomery().pow2(exp))
    }

    /// `a·b mod N` for any a, b below 2^3072.
    pub fn mul(&self, a: &U3072, b: &U3072) -> U3072 {
        montgomery().mul_mod(a, b)
    }

    /// `a − b mod N` for a, b below N, without a branch on which is larger (b is derived from the
    /// password).
    pub fn sub(&self, a: &U3072, b: &U3072) -> U3072 {
        let (difference, borrowed) = a.overflowing_sub(b);
        // Add N back when a < b: a − b + N then wraps to the right value below N.
        let mask = u64::from(borrowed).wrapping_neg();
        let n_or_zero = U3072::from_words(self.n.words().map(|w| w & mask));
        difference.overflowing_add(&n_or_zero).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_matches_cognito() {
        assert_eq!(
            COGNITO.k.to_hex(),
            "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
        );
    }

    #[test]
    fn n_has_the_shape_montgomery_relies_on() {
        // 3072 bits, odd, top 64 bits all ones (see `Montgomery::mul_pow2`).
        let words = N.words();
        assert_eq!(words[47], u64::MAX);
        assert_eq!(words[0] & 1, 1);
    }
}
