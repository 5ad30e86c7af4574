//! Montgomery modular exponentiation specialised for Cognito's 3072-bit modulus N (RFC 3526 group 15).
//!
//! [`super::group::Group`]'s exponentiations and its multiplication use this; num-bigint's `modpow`, which
//! it replaced, is 2–3× slower in wasm32. The design, each part measured in headless Chromium:
//!
//! * **Radix 2^28, 110 limbs stored as `u64`.** wasm has no 64×64→128 multiply, so a product is 32×32→64
//!   either way. With 28-bit limbs every product is < 2^56 and a whole column of a 110×110 product plus its
//!   Montgomery reduction (≤ 220 products) fits in one `u64` without carry handling: the inner loop is a
//!   load, a multiply and an add — no carry compares, no widening — which V8 and LLVM run well.
//! * **Product scanning with the reduction interleaved** (Koç's FIPS): one pass, no temporary 2n-limb
//!   product. Squaring doubles one operand once and takes each cross product once.
//! * **No final subtraction.** R = 2^3080 > 4N, so inputs < 2N give outputs < 2N (Walter); only the
//!   conversion out of Montgomery form subtracts N, once. This also keeps the exponentiation free of
//!   data-dependent branches.
//! * **Fixed windows with a constant-time table scan** for a variable base: the exponent (the secret `a + u·x`
//!   or `b`) never selects a memory address or a branch. Only its bit length is visible.
//! * **g = 2**: multiplying by g^d (d a window of the exponent) is a shift by d bits plus one quotient-digit
//!   reduction that relies on N's top 64 bits being all ones, so g^e costs only the squarings.
//!
//! That is the wasm kernel. Native targets (the emulator, its load client, `cargo test`) have a 64×64→128
//! multiply and use [`native`] instead: radix 2^64, 49 limbs, the same design otherwise. The code above the
//! limb arithmetic (windows, comb, table scans) is shared; the wasm kernel is tested in headless Chromium
//! (`make test-wasm` runs this module's tests there), the native one by `cargo test`.

// The kernel indexes fixed-size `[u32; LIMBS]` limb arrays with loop counters bounded by LIMBS (and tables
// by window values below their length); checked access in these loops costs measurable speed and would only
// trade one impossible panic for another. Every entry point takes values below 2^3072 < 2N, and the
// property tests compare the results with num-bigint's.
#![allow(clippy::indexing_slicing)]

use super::uint::{U3072, WORDS, bit_len};
use crate::prelude::*;

#[cfg(not(target_arch = "wasm32"))]
mod native;
#[cfg(all(test, not(target_arch = "wasm32")))]
use native::from_limbs;
#[cfg(not(target_arch = "wasm32"))]
use native::{neg_inverse, to_limbs};

/// Bits per limb.
#[cfg(target_arch = "wasm32")]
const BITS: u32 = 28;
#[cfg(target_arch = "wasm32")]
const MASK: u64 = (1 << BITS) - 1;
/// Limbs of a residue: 110 × 28 = 3080 bits, so R = 2^3080 > 4N for a 3072-bit N.
#[cfg(target_arch = "wasm32")]
pub(crate) const LIMBS: usize = 110;
#[cfg(target_arch = "wasm32")]
type Limb = u32;

#[cfg(not(target_arch = "wasm32"))]
const BITS: u32 = 64;
/// Limbs of a residue: 49 × 64 = 3136 bits, so R = 2^3136 > 4N.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) const LIMBS: usize = 49;
#[cfg(not(target_arch = "wasm32"))]
type Limb = u64;

/// The modulus size this code is specialised for.
const MOD_BITS: u64 = 3072;

type Limbs = [Limb; LIMBS];

/// Precomputed constants for Montgomery arithmetic modulo one 3072-bit N with its top 64 bits set.
pub(crate) struct Montgomery {
    n: Limbs,
    /// N's limbs in reverse order, so every column of m·N is a forward dot product.
    #[cfg(target_arch = "wasm32")]
    n_rev: Limbs,
    /// `-N^-1 mod 2^BITS`.
    n0inv: u64,
    /// `R^2 mod N` (< 2N), to convert into Montgomery form.
    r2: Limbs,
    /// `R mod N` (< 2N): 1 in Montgomery form.
    one: Limbs,
}

impl Montgomery {
    /// Constants for `modulus`, an odd 3072-bit number whose top 64 bits are all ones (the shape of every
    /// RFC 3526 MODP prime, which [`Self::mul_pow2`] relies on; `group.rs` checks Cognito's N has it).
    pub(crate) fn new(modulus: &U3072) -> Self {
        let n = to_limbs(modulus);
        let mut m = Self {
            n,
            #[cfg(target_arch = "wasm32")]
            n_rev: reversed(&n),
            n0inv: neg_inverse(n[0]),
            r2: [0; LIMBS],
            one: [0; LIMBS],
        };
        // R = 2^(BITS·LIMBS) and R² mod N, by doubling 1 in [`Self::mul_pow2`]'s steps of up to 31 bits.
        let mut x = [0; LIMBS];
        x[0] = 1;
        m.mul_pow2_repeatedly(&mut x, BITS as usize * LIMBS);
        m.one = x;
        m.mul_pow2_repeatedly(&mut x, BITS as usize * LIMBS);
        m.r2 = x;
        m
    }

    /// `x = x·2^bits mod N` (< 2N) for any `bits`.
    fn mul_pow2_repeatedly(&self, x: &mut Limbs, mut bits: usize) {
        let step = (1 << G_WINDOW) - 1;
        while bits > 0 {
            let d = bits.min(step);
            self.mul_pow2(x, d as u32);
            bits -= d;
        }
    }

    /// `base^exp mod N` for any base below 2^3072 (< 2N, which Montgomery multiplication accepts);
    /// `exp` in little-endian 64-bit words.
    pub(crate) fn pow(&self, base: &U3072, exp: &[u64]) -> U3072 {
        let mut base_m = [0; LIMBS];
        self.mul(&mut base_m, &to_limbs(base), &self.r2);
        let result = self.pow_mont(&base_m, exp);
        self.out_of_mont(&result)
    }

    /// `a·b mod N` for any a, b below 2^3072: both into Montgomery form, multiplied, and out again.
    pub(crate) fn mul_mod(&self, a: &U3072, b: &U3072) -> U3072 {
        let (mut a_m, mut b_m, mut product) = ([0; LIMBS], [0; LIMBS], [0; LIMBS]);
        self.mul(&mut a_m, &to_limbs(a), &self.r2);
        self.mul(&mut b_m, &to_limbs(b), &self.r2);
        self.mul(&mut product, &a_m, &b_m);
        self.out_of_mont(&product)
    }

    /// `2^exp mod N`.
    pub(crate) fn pow2(&self, exp: &[u64]) -> U3072 {
        let bits = bit_len(exp);
        if bits == 0 {
            return self.out_of_mont(&self.one);
        }
        let w = G_WINDOW;
        let windows = bits.div_ceil(w);
        let words = exp;
        let mut acc = self.one;
        let mut tmp = [0; LIMBS];
        // The first window: 2^d·R needs no squarings.
        self.mul_pow2(&mut acc, window(words, (windows - 1) * w, w) as u32);
        for i in (0..windows - 1).rev() {
            for _ in 0..w {
                self.sqr(&mut tmp, &acc);
                acc = tmp;
            }
            self.mul_pow2(&mut acc, window(words, i * w, w) as u32);
        }
        self.out_of_mont(&acc)
    }

    /// The fixed-base comb table for [`Self::pow2_comb`]: `COMB_ROWS` squaring chains of `COMB_COLS` and the
    /// products of every subset of their ends (~200 squarings and ~60 multiplications, once).
    pub(crate) fn comb(&self) -> Comb {
        // rows[j] = 2^(2^(j·COMB_COLS)) in Montgomery form.
        let mut rows = vec![self.one; COMB_ROWS];
        self.mul_pow2(&mut rows[0], 1);
        let mut tmp = [0; LIMBS];
        for j in 1..COMB_ROWS {
            let mut x = rows[j - 1];
            for _ in 0..COMB_COLS {
                self.sqr(&mut tmp, &x);
                x = tmp;
            }
            rows[j] = x;
        }
        let mut table = vec![self.one; 1 << COMB_ROWS];
        for set in 1..table.len() {
            let low = set.trailing_zeros() as usize;
            let rest = set & (set - 1);
            if rest == 0 {
                table[set] = rows[low];
            } else {
                let (done, todo) = table.split_at_mut(set);
                self.mul(&mut todo[0], &done[rest], &rows[low]);
            }
        }
        Comb { table }
    }

    /// `2^exp mod N` for `exp < 2^COMB_BITS` with the fixed-base comb (Lim–Lee): exponent bit `j·COMB_COLS + i`
    /// is bit j of the i-th table index, so only `COMB_COLS` squarings and multiplications remain, and
    /// every table read is a constant-time scan.
    pub(crate) fn pow2_comb(&self, comb: &Comb, exp: &[u64]) -> Option<U3072> {
        if bit_len(exp) > COMB_BITS {
            return None;
        }
        let words = exp;
        let index = |i: usize| {
            (0..COMB_ROWS).fold(0, |acc, j| acc | (window(words, j * COMB_COLS + i, 1) << j))
        };
        let mut acc = [0; LIMBS];
        let mut tmp = [0; LIMBS];
        let mut entry = [0; LIMBS];
        select(&mut acc, &comb.table, index(COMB_COLS - 1));
        for i in (0..COMB_COLS - 1).rev() {
            self.sqr(&mut tmp, &acc);
            select(&mut entry, &comb.table, index(i));
            self.mul(&mut acc, &tmp, &entry);
        }
        Some(self.out_of_mont(&acc))
    }

    /// `base^exp` with base and result in Montgomery form (< 2N): fixed windows, constant-time lookups.
    fn pow_mont(&self, base: &Limbs, exp: &[u64]) -> Limbs {
        let bits = bit_len(exp);
        if bits == 0 {
            return self.one;
        }
        let w = window_size(bits);
        let mut table: Vec<Limbs> = vec![[0; LIMBS]; 1 << w];
        table[0] = self.one;
        table[1] = *base;
        for i in 2..table.len() {
            let (done, rest) = table.split_at_mut(i);
            if i % 2 == 0 {
                self.sqr(&mut rest[0], &done[i / 2]);
            } else {
                self.mul(&mut rest[0], &done[i - 1], base);
            }
        }
        let words = exp;
        let windows = bits.div_ceil(w);
        let mut acc = [0; LIMBS];
        let mut tmp = [0; LIMBS];
        let mut entry = [0; LIMBS];
        select(&mut acc, &table, window(words, (windows - 1) * w, w));
        for i in (0..windows - 1).rev() {
            for _ in 0..w {
                self.sqr(&mut tmp, &acc);
                acc = tmp;
            }
            select(&mut entry, &table, window(words, i * w, w));
            self.mul(&mut tmp, &acc, &entry);
            acc = tmp;
        }
        acc
    }

    /// Leaves Montgomery form: `x·R^-1 mod N`, fully reduced.
    #[cfg(target_arch = "wasm32")]
    fn out_of_mont(&self, x: &Limbs) -> U3072 {
        let mut one = [0; LIMBS];
        one[0] = 1;
        let mut out = [0; LIMBS];
        self.mul(&mut out, x, &one);
        // out = (x + m·N)/R < 2N/R + N, so at most one subtraction; it equals N only if x ≡ 0.
        let mut reduced = [0; LIMBS];
        let mut borrow: i64 = 0;
        for i in 0..LIMBS {
            let v = i64::from(out[i]) - i64::from(self.n[i]) + borrow;
            reduced[i] = (v as u64 & MASK) as u32;
            borrow = v >> BITS;
        }
        // borrow < 0 ⇔ out < N: keep out. Branch-free choice.
        let keep_out = ((borrow as u64 >> 63) as u32).wrapping_neg();
        for i in 0..LIMBS {
            out[i] = (out[i] & keep_out) | (reduced[i] & !keep_out);
        }
        from_limbs(&out)
    }

    /// `out = a·b·R^-1 mod N` (< 2N when a, b < 2N).
    #[cfg(target_arch = "wasm32")]
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn mul(&self, out: &mut Limbs, a: &Limbs, b: &Limbs) {
        self.redc(
            out,
            &Product {
                a,
                b_rev: reversed(b),
            },
        );
    }

    /// `out = a²·R^-1 mod N` (< 2N when a < 2N).
    #[cfg(target_arch = "wasm32")]
    #[cfg_attr(target_arch = "wasm32", target_feature(enable = "simd128"))]
    fn sqr(&self, out: &mut Limbs, a: &Limbs) {
        let mut doubled = [0; LIMBS];
        for (d, s) in doubled.iter_mut().zip(a) {
            *d = s << 1;
        }
        self.redc(
            out,
            &Square {
                a,
                doubled,
                a_rev: reversed(a),
            },
        );
    }

    /// Product-scanning Montgomery reduction interleaved with the product whose column sums `columns`
    /// gives (k in 0..2·LIMBS-1). Column sums and the reduction terms are < 220·2^56 < 2^64.
    #[cfg(target_arch = "wasm32")]
    #[inline(always)]
    fn redc(&self, out: &mut Limbs, columns: &impl Columns) {
        let mut m = [0u32; LIMBS];
        let mut t: u64 = 0;
        for k in 0..LIMBS {
            t = t.wrapping_add(columns.column(k)).wrapping_add(dot(
                &m,
                0,
                &self.n_rev,
                LIMBS - 1 - k,
                k,
            ));
            let mk = t.wrapping_mul(self.n0inv) & MASK;
            m[k] = mk as u32;
            t = t.wrapping_add(mk * u64::from(self.n[0])) >> BITS;
        }
        for k in LIMBS..2 * LIMBS - 1 {
            let lo = k - LIMBS + 1;
            t = t.wrapping_add(columns.column(k)).wrapping_add(dot(
                &m,
                lo,
                &self.n_rev,
                0,
                LIMBS - lo,
            ));
            out[k - LIMBS] = (t & MASK) as u32;
            t >>= BITS;
        }
        // The result is < 2N < 2^3073, so what is left is the top limb.
        out[LIMBS - 1] = t as u32;
    }

    /// `x = x·2^d mod N` for d < 2^[`G_WINDOW`], keeping x < 2N. Relies on N = 2^3072 − c with c < 2^3008.
    #[cfg(target_arch = "wasm32")]
    fn mul_pow2(&self, x: &mut Limbs, d: u32) {
        // x < 2^3073, so x·2^d < 2^3104 fits in 111 limbs.
        let mut wide = [0u64; LIMBS + 1];
        let mut carry = 0u64;
        for (w, limb) in wide.iter_mut().zip(x.iter()) {
            let v = (u64::from(*limb) << d) | carry;
            *w = v & MASK;
            carry = v >> BITS;
        }
        wide[LIMBS] = carry;
        // q = ⌊x·2^d / 2^3072⌋ < 2^32; x·2^d − q·N = (x·2^d mod 2^3072) + q·c < 2^3072 + 2^3040 < 2N.
        let top = (MOD_BITS % BITS as u64) as u32; // 3072 = 109·28 + 20
        let q = (wide[LIMBS - 1] >> top) | (wide[LIMBS] << (BITS - top));
        let mut borrow: i64 = 0;
        for (limb, (w, n)) in x.iter_mut().zip(wide.iter().zip(&self.n)) {
            let v = *w as i64 - (q * u64::from(*n)) as i64 + borrow;
            *limb = (v as u64 & MASK) as u32;
            borrow = v >> BITS;
        }
        // wide[LIMBS] + borrow is now 0: the result fits in LIMBS limbs.
    }
}

/// The column sums of a product for [`Montgomery::redc`]: a trait with always-inlined methods rather than a
/// closure, because the wasm build is for size (opt-level "z"), where a closure called in the
/// reduction's loop stays a call — 220 calls a multiplication.
#[cfg(target_arch = "wasm32")]
trait Columns {
    /// Σ x_i·y_j over i + j = k.
    fn column(&self, k: usize) -> u64;
}

/// The columns of a·b, b stored reversed.
#[cfg(target_arch = "wasm32")]
struct Product<'a> {
    a: &'a Limbs,
    b_rev: Limbs,
}

#[cfg(target_arch = "wasm32")]
impl Columns for Product<'_> {
    #[inline(always)]
    fn column(&self, k: usize) -> u64 {
        if k < LIMBS {
            dot(self.a, 0, &self.b_rev, LIMBS - 1 - k, k + 1)
        } else {
            let lo = k - LIMBS + 1;
            dot(self.a, lo, &self.b_rev, 0, LIMBS - lo)
        }
    }
}

/// The columns of a², with 2a and a reversed at hand.
#[cfg(target_arch = "wasm32")]
struct Square<'a> {
    a: &'a Limbs,
    doubled: Limbs,
    a_rev: Limbs,
}

#[cfg(target_arch = "wasm32")]
impl Columns for Square<'_> {
    #[inline(always)]
    fn column(&self, k: usize) -> u64 {
        // Σ_{i<j, i+j=k} 2·a_i·a_j + (a_{k/2})² for even k. Every term < 2^57 and there are at most
        // 55 doubled ones, so the sum stays below 110·2^56 like a multiplication column.
        let lo = k.saturating_sub(LIMBS - 1);
        let mut sum = if k % 2 == 0 {
            u64::from(self.a[k / 2]) * u64::from(self.a[k / 2])
        } else {
            0
        };
        if k >= 1 {
            let hi = (k - 1) / 2;
            if lo <= hi {
                // a_{k-i} is a_rev[LIMBS-1-k+i]; lo ≥ k-(LIMBS-1) keeps the index ≥ 0.
                let start = LIMBS - 1 + lo - k;
                sum = sum.wrapping_add(dot(&self.doubled, lo, &self.a_rev, start, hi - lo + 1));
            }
        }
        sum
    }
}

/// Precomputed products for [`Montgomery::pow2_comb`].
pub(crate) struct Comb {
    table: Vec<Limbs>,
}

/// Comb rows (table of 2^6 entries, 26 kB) and columns: exponents up to 6·43 = 258 bits, which covers
/// every fixed-base exponent SRP uses here (x is a SHA-256, a and the emulator's b are 256 bits).
const COMB_ROWS: usize = 6;
const COMB_COLS: usize = 43;
const COMB_BITS: usize = COMB_ROWS * COMB_COLS;

/// Window for `2^exp`: the squarings dominate and each window costs only a shift and a one-digit
/// reduction; the shift must stay below 2^32 so the quotient digit fits (see [`Montgomery::mul_pow2`]).
const G_WINDOW: usize = 5;

/// The fixed window size that minimises multiplications (table + one per window) for `bits`.
fn window_size(bits: usize) -> usize {
    (1..=6)
        .min_by_key(|&w| (1usize << w) - 2 + bits.div_ceil(w))
        .unwrap_or(4)
}

/// `Σ a[a_at + i]·b[b_at + i]` for i < len: one column of a product (the second operand is stored reversed),
/// with wasm SIMD: `i64x2.extmul_{low,high}_i32x4_u` gives four 32×32→64 products per pair of 128-bit loads
/// (the reason limbs are `u32` and one operand is stored reversed). Whole arrays and offsets rather than
/// subslices, and always inlined: the wasm build is for size (opt-level "z"), where a subslice is a
/// call to core's indexing and the column closures would call this.
#[cfg(target_arch = "wasm32")]
#[inline(always)]
fn dot(a: &Limbs, a_at: usize, b: &Limbs, b_at: usize, len: usize) -> u64 {
    use core::arch::wasm32::{
        i64x2_add, u64x2_extmul_high_u32x4, u64x2_extmul_low_u32x4, u64x2_extract_lane,
        u64x2_splat, v128, v128_load,
    };
    // The one check that keeps every load below in bounds (a caller's bug traps here).
    assert!(a_at + len <= LIMBS && b_at + len <= LIMBS);
    let (mut lo, mut hi) = (u64x2_splat(0), u64x2_splat(0));
    let mut i = 0;
    while i + 4 <= len {
        // SAFETY: a_at + i + 4 ≤ a_at + len ≤ LIMBS (the assert above), and the same for b, so both 16-byte
        // loads are inside the arrays; wasm loads need no alignment.
        let (x, y) = unsafe {
            (
                v128_load(a.as_ptr().add(a_at + i).cast::<v128>()),
                v128_load(b.as_ptr().add(b_at + i).cast::<v128>()),
            )
        };
        lo = i64x2_add(lo, u64x2_extmul_low_u32x4(x, y));
        hi = i64x2_add(hi, u64x2_extmul_high_u32x4(x, y));
        i += 4;
    }
    let sum = i64x2_add(lo, hi);
    let mut s = u64x2_extract_lane::<0>(sum).wrapping_add(u64x2_extract_lane::<1>(sum));
    while i < len {
        s = s.wrapping_add(u64::from(a[a_at + i]) * u64::from(b[b_at + i]));
        i += 1;
    }
    s
}

#[cfg(target_arch = "wasm32")]
fn reversed(x: &Limbs) -> Limbs {
    let mut out = *x;
    out.reverse();
    out
}

/// `out = table[index]`, reading every entry so the index selects no address.
fn select(out: &mut Limbs, table: &[Limbs], index: usize) {
    out.fill(0);
    for (i, entry) in table.iter().enumerate() {
        let mask = ((((i ^ index) as u64).wrapping_sub(1) >> 63) as Limb).wrapping_neg();
        for (o, e) in out.iter_mut().zip(entry) {
            *o |= e & mask;
        }
    }
}

/// Bits `pos .. pos + w` of the little-endian 64-bit words (zero beyond the end).
fn window(words: &[u64], pos: usize, w: usize) -> usize {
    let bit = |i: usize| words.get(i / 64).map_or(0, |word| (word >> (i % 64)) & 1);
    (0..w).fold(0, |acc, j| acc | ((bit(pos + j) as usize) << j))
}

/// `-n0^-1 mod 2^28`: Newton's iteration doubles the correct low bits (1 → 32 in 5 steps).
#[cfg(target_arch = "wasm32")]
fn neg_inverse(n0: Limb) -> u64 {
    let n0 = u64::from(n0);
    let mut inv: u64 = 1;
    for _ in 0..5 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(n0.wrapping_mul(inv))) & MASK;
    }
    (1u64 << BITS).wrapping_sub(inv) & MASK
}

/// A number < 2^3072 as 28-bit limbs.
#[cfg(target_arch = "wasm32")]
fn to_limbs(x: &U3072) -> Limbs {
    let mut out = [0u32; LIMBS];
    let (mut acc, mut have, mut i) = (0u128, 0u32, 0usize);
    for &word in x.words() {
        acc |= u128::from(word) << have;
        have += 64;
        while have >= BITS {
            out[i] = (acc as u64 & MASK) as u32;
            acc >>= BITS;
            have -= BITS;
            i += 1;
        }
    }
    // 48·64 = 3072 = 109·28 + 20: the last 20 bits.
    out[i] = acc as u32;
    out
}

/// A fully reduced residue (< N < 2^3072) from 28-bit limbs.
#[cfg(target_arch = "wasm32")]
fn from_limbs(x: &Limbs) -> U3072 {
    let mut words = [0u64; WORDS];
    let (mut acc, mut have, mut i) = (0u128, 0u32, 0usize);
    for &limb in x {
        acc |= u128::from(limb) << have;
        have += BITS;
        if have >= 64 && i < WORDS {
            words[i] = acc as u64;
            acc >>= 64;
            have -= 64;
            i += 1;
        }
    }
    U3072::from_words(words)
}

#[cfg(test)]
mod tests {
    //! Natively with `cargo test`, and in headless Chromium with `make test-wasm`, where the inner products
    //! use wasm SIMD.

    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
    use super::*;
    use crate::srp::prime::N;
    use num_bigint::BigUint;

    fn monty() -> Montgomery {
        Montgomery::new(&N)
    }

    fn fixed(x: &BigUint) -> U3072 {
        U3072::from_be_bytes(&x.to_bytes_be()).expect("below 2^3072")
    }

    fn big(x: &U3072) -> BigUint {
        BigUint::from_bytes_be(&x.to_be_bytes())
    }

    /// A deterministic pseudo-random number of `bits` bits (xorshift; no dependency needed).
    fn random(seed: &mut u64, bits: u64) -> BigUint {
        let mut words = Vec::new();
        for _ in 0..bits.div_ceil(64) {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            words.push(*seed);
        }
        let x = BigUint::from_slice(
            &words
                .iter()
                .flat_map(|w| [*w as u32, (*w >> 32) as u32])
                .collect::<Vec<_>>(),
        );
        x % (BigUint::from(1u8) << bits)
    }

    #[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
    fn limbs_round_trip() {
        let mut seed = 0x1234_5678_9abc_def0;
        for bits in [0, 1, 27, 28, 29, 64, 3071, 3072] {
            let x = fixed(&random(&mut seed, bits));
            assert_eq!(from_limbs(&to_limbs(&x)), x, "{bits} bits");
        }
    }

    #[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
    fn n0inv_is_minus_inverse() {
        let m = monty();
        let radix = BigUint::from(1u8) << BITS;
        assert_eq!(
            (BigUint::from(m.n[0]) * m.n0inv + 1u8) % radix,
            BigUint::from(0u8)
        );
    }

    #[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
    fn pow_matches_num_bigint_on_edges() {
        let m = monty();
        let n = &big(&N);
        let one = BigUint::from(1u8);
        let zero = BigUint::from(0u8);
        let top_bits = (BigUint::from(1u8) << 1024u32) - 1u8;
        let alternating = BigUint::parse_bytes(&b"a5".repeat(96), 16).unwrap();
        let bases = [
            zero.clone(),
            one.clone(),
            BigUint::from(2u8),
            n - 1u8,
            n - 2u8,
            n.clone(),
            n + 5u8,
            (BigUint::from(1u8) << 3071u32) + 1u8,
            (BigUint::from(1u8) << 3072u32) - 1u8,
        ];
        let exps = [
            zero.clone(),
            one.clone(),
            BigUint::from(2u8),
            BigUint::from(63u8),
            BigUint::from(64u8),
            top_bits.clone(),
            BigUint::from(1u8) << 1023u32,
            alternating,
            n - 1u8,
            n.clone(),
        ];
        for base in &bases {
            for exp in &exps {
                assert_eq!(
                    big(&m.pow(&fixed(base), &exp.to_u64_digits())),
                    base.modpow(exp, n),
                    "base {base:x}, exp {exp:x}"
                );
            }
        }
    }

    #[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
    fn pow_matches_num_bigint_on_random_inputs() {
        let m = monty();
        let n = &big(&N);
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        for (base_bits, exp_bits) in [(3072, 256), (3072, 513), (3000, 1024), (17, 300), (3072, 7)]
        {
            let base = random(&mut seed, base_bits);
            let exp = random(&mut seed, exp_bits);
            assert_eq!(
                big(&m.pow(&fixed(&base), &exp.to_u64_digits())),
                base.modpow(&exp, n),
                "{base_bits}/{exp_bits}"
            );
        }
    }

    #[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
    fn pow2_matches_num_bigint() {
        let m = monty();
        let n = &big(&N);
        let two = BigUint::from(2u8);
        let mut seed = 0xdead_beef_cafe_f00d;
        let mut exps = vec![
            BigUint::from(0u8),
            BigUint::from(1u8),
            BigUint::from(5u8),
            BigUint::from(6u8),
            BigUint::from(63u8),
            BigUint::from(3072u32),
            BigUint::from(3071u32),
            (BigUint::from(1u8) << 256u32) - 1u8, // all-ones windows: the largest shifts
            BigUint::from(1u8) << 255u32,
            n - 1u8, // Fermat: 2^(N-1) = 1
        ];
        for bits in [256, 512, 1024] {
            exps.push(random(&mut seed, bits));
        }
        for exp in &exps {
            assert_eq!(
                big(&m.pow2(&exp.to_u64_digits())),
                two.modpow(exp, n),
                "exp {exp:x}"
            );
        }
    }

    #[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
    fn comb_matches_num_bigint() {
        let m = monty();
        let comb = m.comb();
        let n = &big(&N);
        let two = BigUint::from(2u8);
        let mut seed = 0x0123_4567_89ab_cdef;
        let mut exps = vec![
            BigUint::from(0u8),
            BigUint::from(1u8),
            BigUint::from(42u8),
            (BigUint::from(1u8) << 256u32) - 1u8,
            (BigUint::from(1u8) << COMB_BITS) - 1u8, // every index all ones
            BigUint::from(1u8) << (COMB_BITS - 1),
            BigUint::from(1u8) << COMB_COLS, // the second row alone
        ];
        for bits in [100, 255, 256, 258] {
            exps.push(random(&mut seed, bits));
        }
        for exp in &exps {
            assert_eq!(
                m.pow2_comb(&comb, &exp.to_u64_digits()).map(|p| big(&p)),
                Some(two.modpow(exp, n)),
                "exp {exp:x}"
            );
        }
        assert_eq!(
            m.pow2_comb(&comb, &(BigUint::from(1u8) << COMB_BITS).to_u64_digits()),
            None
        );
    }

    #[wasm_bindgen_test::wasm_bindgen_test(unsupported = test)]
    fn window_sizes() {
        assert_eq!(window(&[0b1011_0110], 1, 4), 0b1011);
        assert_eq!(window(&[0, 1], 62, 4), 0b0100);
        assert_eq!(window(&[u64::MAX], 62, 4), 0b0011);
        assert_eq!(window_size(256), 4);
        assert_eq!(window_size(513), 5);
    }
}
