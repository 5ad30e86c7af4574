//! The client's fixed-width SRP arithmetic against num-bigint, operation by operation, on random inputs and
//! on the edges: 0, 1, N − 1, N, N + 1, 2^3072 − 1 and beyond, leading zero bytes, hex of odd length, with
//! leading zeros, upper case or a sign. The comparisons themselves are the `srp_arith` fuzz harness's
//! (`fuzz/src/srp_arith.rs`), so the property tests and the fuzzer check the same things.
#![cfg(not(target_arch = "wasm32"))]

// The other harnesses come along with the shared module; only srp_arith's checks are used here.
#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod harness;

use harness::srp_arith::{
    check_bytes, check_compare, check_exponent, check_hash, check_hex, check_mul, check_pow,
    check_sub, modulus,
};
use num_bigint::BigUint;
use proptest::prelude::*;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The edges of the group and of the 3072-bit width.
fn edges() -> Vec<BigUint> {
    let n = modulus();
    let top = BigUint::from(1u8) << 3072u32;
    vec![
        BigUint::from(0u8),
        BigUint::from(1u8),
        BigUint::from(2u8),
        &n - 1u8,
        n.clone(),
        &n + 1u8,
        &n * 2u8 - 1u8,
        &top - 1u8,
        top.clone(),
        &top + 1u8,
        BigUint::from(1u8) << 3071u32,
        BigUint::from(u64::MAX),
        BigUint::from(1u8) << 64u32,
    ]
}

/// Numbers up to 3200 bits (so some are 2^3072 or more), an edge half of the time.
fn number() -> impl Strategy<Value = BigUint> {
    let edges = edges();
    prop_oneof![
        (0..edges.len()).prop_map(move |i| edges[i].clone()),
        proptest::collection::vec(any::<u8>(), 0..400).prop_map(|b| BigUint::from_bytes_be(&b)),
    ]
}

/// Big-endian bytes with up to 8 leading zero bytes.
fn bytes() -> impl Strategy<Value = Vec<u8>> {
    (0usize..9, number()).prop_map(|(zeros, n)| {
        let mut bytes = vec![0u8; zeros];
        if n != BigUint::from(0u8) {
            bytes.extend(n.to_bytes_be());
        }
        bytes
    })
}

/// Hex as a peer may write it: optional `-`, leading zeros (so odd lengths), either case; sometimes not hex.
fn hex_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (any::<bool>(), 0usize..4, any::<bool>(), number()).prop_map(
            |(negative, zeros, upper, n)| {
                let digits = format!("{}{}", "0".repeat(zeros), n.to_str_radix(16));
                let digits = if upper { digits.to_ascii_uppercase() } else { digits };
                format!("{}{digits}", if negative { "-" } else { "" })
            }
        ),
        1 => "-?[0-9a-fA-F_+x -]{0,12}",
        1 => (0usize..1030).prop_map(|len| "0".repeat(len) + "1"),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn bytes_hex_and_byte_arrays(bytes in bytes()) {
        check_bytes(&bytes);
    }

    #[test]
    fn parsing_hex(text in hex_text()) {
        check_hex(&text);
    }

    #[test]
    fn comparison(a in number(), b in number()) {
        check_compare(&a, &b);
        check_compare(&a, &a);
    }

    #[test]
    fn multiplication_and_subtraction_mod_n(a in number(), b in number()) {
        check_mul(&a, &b);
        check_sub(&a, &b);
        check_sub(&b, &a);
    }

    #[test]
    fn exponent_a_plus_u_x(
        a in proptest::collection::vec(any::<u8>(), 0..200),
        u in number(),
        x in number(),
    ) {
        check_exponent(&a, &u, &x);
    }

    #[test]
    fn hash_as_a_number(data in proptest::collection::vec(any::<u8>(), 0..100)) {
        check_hash(&data);
    }
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn exponentiation(base in number(), exponent in proptest::collection::vec(any::<u8>(), 0..65)) {
        check_pow(&base, &exponent);
    }
}

/// Every pair of edges through every binary operation, and each edge alone through the others.
#[test]
fn edges_pairwise() {
    let edges = edges();
    let mut in_width = 0;
    for a in &edges {
        in_width += usize::from(check_bytes(&a.to_bytes_be()).is_some());
        check_hex(&a.to_str_radix(16));
        check_hex(&format!("-{}", a.to_str_radix(16)));
        check_hex(&format!("000{}", a.to_str_radix(16)));
        check_pow(a, &[0xff; 32]);
        check_exponent(&[0xff; 128], a, a);
        for b in &edges {
            check_compare(a, b);
            check_mul(a, b);
            check_sub(a, b);
        }
    }
    // The edges straddle 2^3072: some fit the fixed width, some must be refused.
    assert!(in_width > 0 && in_width < edges.len());
}

/// The hostile values the client must refuse as B, and the honest extremes it must take.
#[test]
fn group_check_of_b() {
    let n = modulus();
    for refused in [
        "0".to_owned(),
        "-0".to_owned(),
        "-1".to_owned(),
        n.to_str_radix(16),
        (&n + 1u8).to_str_radix(16),
        (&n * 2u8).to_str_radix(16),
        "f".repeat(1024),
        String::new(),
    ] {
        assert!(!check_hex(&refused), "{refused}");
    }
    for accepted in ["1".to_owned(), format!("00{}", (&n - 1u8).to_str_radix(16))] {
        assert!(check_hex(&accepted), "{accepted}");
    }
}
