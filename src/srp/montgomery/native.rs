//! The kernel for native targets (the emulator, the load client, `cargo test`): radix 2^64 with 49 limbs.
//!
//! The wasm kernel's 28-bit limbs exist because wasm has no 64×64→128 multiply; native targets have one,
//! and a 3072-bit product then takes 49² instead of 110² limb products. Measured on the 2-core AMD EPYC
//! this project is developed on, a Montgomery squaring takes ~6 µs here against ~10 µs with 28-bit limbs,
//! and SRP is most of what the emulator and its load client compute.
//!
//! The design stays the same: R = 2^3136 > 4N, so inputs < 2N give outputs < 2N and no final subtraction
//! is needed (only the conversion out of Montgomery form subtracts, branch-free); multiplication by 2^d
//! for g = 2 relies on N's top 64 bits being all ones. Nothing here branches on the values.

use super::{LIMBS, Limbs, MOD_BITS, Montgomery, U3072, WORDS};

/// `(t + a·b + c)` as (low word, carry word); cannot overflow 128 bits.
#[inline(always)]
fn mac(t: u64, a: u64, b: u64, c: u64) -> (u64, u64) {
    let s = u128::from(t) + u128::from(a) * u128::from(b) + u128::from(c);
    (s as u64, (s >> 64) as u64)
}

/// `-n0^-1 mod 2^64` for odd `n0`: Newton's iteration doubles the correct low bits (1 → 64 in 6 steps).
pub(super) fn neg_inverse(n0: u64) -> u64 {
    let mut inv: u64 = 1;
    for _ in 0..6 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(n0.wrapping_mul(inv)));
    }
    inv.wrapping_neg()
}

impl Montgomery {
    /// `out = a·b·R^-1 mod N` (< 2N when a, b < 2N), coarsely integrated operand scanning: after each
    /// word of b the partial result stays below 4N, so 51 words hold it.
    pub(super) fn mul(&self, out: &mut Limbs, a: &Limbs, b: &Limbs) {
        let mut t = [0u64; LIMBS + 2];
        for &bi in b {
            let mut c = 0;
            for (tj, &aj) in t.iter_mut().zip(a) {
                (*tj, c) = mac(*tj, aj, bi, c);
            }
            let s = u128::from(t[LIMBS]) + u128::from(c);
            t[LIMBS] = s as u64;
            t[LIMBS + 1] = (s >> 64) as u64;
            let m = t[0].wrapping_mul(self.n0inv);
            let (_, mut c) = mac(t[0], m, self.n[0], 0);
            for j in 1..LIMBS {
                (t[j - 1], c) = mac(t[j], m, self.n[j], c);
            }
            let s = u128::from(t[LIMBS]) + u128::from(c);
            t[LIMBS - 1] = s as u64;
            t[LIMBS] = t[LIMBS + 1] + (s >> 64) as u64;
        }
        out.copy_from_slice(&t[..LIMBS]);
    }

    /// `out = a²·R^-1 mod N` (< 2N when a < 2N): the square with each cross product once, then a separate
    /// reduction.
    pub(super) fn sqr(&self, out: &mut Limbs, a: &Limbs) {
        let mut t = [0u64; 2 * LIMBS];
        for i in 0..LIMBS {
            let mut c = 0;
            for j in i + 1..LIMBS {
                (t[i + j], c) = mac(t[i + j], a[i], a[j], c);
            }
            t[i + LIMBS] = c;
        }
        // Double the cross products (a < 2^3073, so the top bit of t is free), then add the squares.
        let mut carry = 0;
        for word in t.iter_mut() {
            let doubled = (*word << 1) | carry;
            carry = *word >> 63;
            *word = doubled;
        }
        let mut c = 0;
        for i in 0..LIMBS {
            let (lo, hi) = mac(t[2 * i], a[i], a[i], c);
            t[2 * i] = lo;
            let s = u128::from(t[2 * i + 1]) + u128::from(hi);
            t[2 * i + 1] = s as u64;
            c = (s >> 64) as u64;
        }
        // Row i adds m·N at word i and carries into word i + LIMBS, where row i + 1 adds its own carry.
        let mut extra = 0;
        for i in 0..LIMBS {
            let m = t[i].wrapping_mul(self.n0inv);
            let mut c = 0;
            for j in 0..LIMBS {
                (t[i + j], c) = mac(t[i + j], m, self.n[j], c);
            }
            let s = u128::from(t[i + LIMBS]) + u128::from(c) + u128::from(extra);
            t[i + LIMBS] = s as u64;
            extra = (s >> 64) as u64;
        }
        // The result is < 2N < 2^3073, so `extra` (its word 49) is 0.
        out.copy_from_slice(&t[LIMBS..]);
    }

    /// `x = x·2^d mod N` for d < 2^[`super::G_WINDOW`], keeping x < 2N. Relies on N = 2^3072 − c with c < 2^3008: with
    /// q = ⌊x·2^d / 2^3072⌋, x·2^d − q·N = (x·2^d mod 2^3072) + q·c < 2N.
    pub(super) fn mul_pow2(&self, x: &mut Limbs, d: u32) {
        let mut wide = [0u64; LIMBS];
        let mut carry = 0u64;
        for (w, limb) in wide.iter_mut().zip(x.iter()) {
            let v = (u128::from(*limb) << d) | u128::from(carry);
            *w = v as u64;
            carry = (v >> 64) as u64;
        }
        // x < 2^3073 and d < 32, so x·2^d < 2^3104 fits in the 49 words; word 48 (bits 3072..) is q < 2^32.
        let q = wide[(MOD_BITS / 64) as usize];
        let (mut product_carry, mut borrow) = (0u64, 0u64);
        for ((limb, w), n) in x.iter_mut().zip(&wide).zip(&self.n) {
            let p = u128::from(q) * u128::from(*n) + u128::from(product_carry);
            product_carry = (p >> 64) as u64;
            let (d1, b1) = w.overflowing_sub(p as u64);
            let (d2, b2) = d1.overflowing_sub(borrow);
            *limb = d2;
            borrow = u64::from(b1) + u64::from(b2);
        }
    }

    /// Leaves Montgomery form: `x·R^-1 mod N`, fully reduced.
    pub(super) fn out_of_mont(&self, x: &Limbs) -> U3072 {
        let mut one = [0; LIMBS];
        one[0] = 1;
        let mut out = [0; LIMBS];
        self.mul(&mut out, x, &one);
        // out = (x + m·N)/R < 2N/R + N, so at most one subtraction; it equals N only if x ≡ 0.
        let mut reduced = [0; LIMBS];
        let mut borrow = 0u64;
        for ((r, o), n) in reduced.iter_mut().zip(&out).zip(&self.n) {
            let (d1, b1) = o.overflowing_sub(*n);
            let (d2, b2) = d1.overflowing_sub(borrow);
            *r = d2;
            borrow = u64::from(b1 | b2);
        }
        // borrow set ⇔ out < N: keep out. Branch-free choice.
        let keep_out = borrow.wrapping_neg();
        for (o, r) in out.iter_mut().zip(&reduced) {
            *o = (*o & keep_out) | (r & !keep_out);
        }
        from_limbs(&out)
    }
}

/// A number < 2^3072 as 64-bit limbs (the 49th is zero).
pub(super) fn to_limbs(x: &U3072) -> Limbs {
    let mut out = [0u64; LIMBS];
    out[..WORDS].copy_from_slice(x.words());
    out
}

/// A fully reduced residue (< N < 2^3072, so its 49th limb is zero).
pub(super) fn from_limbs(x: &Limbs) -> U3072 {
    let mut words = [0u64; WORDS];
    words.copy_from_slice(&x[..WORDS]);
    U3072::from_words(words)
}
