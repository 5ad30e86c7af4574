//! Property tests of the SRP maths against an independent computation: num-bigint's `BigUint::modpow` and
//! SHA-256 applied by hand to the formulas of SRP.md, never the crate's own exponentiation or hashing.
//!
//! * The crate's modular exponentiation (Montgomery arithmetic specialised for N, `group.rs` /
//!   `montgomery.rs`) equals `modpow` for random bases and exponents, edges included.
//! * For random usernames, passwords, salts (negative and with redundant leading zeros too) and
//!   ephemerals a and b, the client's and the server's S are the one the formulas give, their keys
//!   agree, the server accepts the client's claim, and refuses it for any other password.
//! * The session key is HKDF-SHA256 as the hkdf crate computes it, for random u and S.
#![cfg(not(target_arch = "wasm32"))]

use cognito_wasm::srp::SessionKey;
use cognito_wasm::srp::client::SrpClient;
use cognito_wasm::srp::group::COGNITO;
use cognito_wasm::srp::server::{PasswordVerifier, ServerHandshake};
use cognito_wasm::srp::timestamp;
use cognito_wasm::srp::uint::U3072;
use num_bigint::{BigInt, BigUint, Sign};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

/// Keeps each property to about a second in the dev profile.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn biguint(bytes: &[u8]) -> BigUint {
    BigUint::from_bytes_be(bytes)
}

fn big(x: &U3072) -> BigUint {
    biguint(&x.to_be_bytes())
}

fn fixed(x: &BigUint) -> U3072 {
    U3072::from_be_bytes(&x.to_bytes_be()).expect("below 2^3072")
}

/// Java `BigInteger.toByteArray()` written out: big-endian magnitude, a leading zero byte when the top bit
/// is set, and two's complement for negatives.
fn java_bytes(n: &BigInt) -> Vec<u8> {
    let magnitude = n.magnitude().to_bytes_be();
    let positive = if magnitude.first().is_some_and(|b| b & 0x80 != 0) {
        [&[0u8][..], &magnitude].concat()
    } else {
        magnitude
    };
    if n.sign() != Sign::Minus {
        return positive;
    }
    // −m = !(m − 1) in two's complement, at the smallest width that keeps the sign bit set.
    let m_minus_one = (n.magnitude() - 1u8).to_bytes_be();
    let mut bytes: Vec<u8> = m_minus_one.iter().map(|b| !b).collect();
    if bytes.first().is_none_or(|b| b & 0x80 == 0) {
        bytes.insert(0, 0xff);
    }
    bytes
}

fn sha256(parts: &[&[u8]]) -> Vec<u8> {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().to_vec()
}

fn unsigned_java_bytes(n: &BigUint) -> Vec<u8> {
    java_bytes(&BigInt::from_biguint(Sign::Plus, n.clone()))
}

/// A salt as Cognito may send it: optional `-`, redundant leading zeros, then the hex of random bytes.
fn salt_hex() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        0usize..3,
        proptest::collection::vec(any::<u8>(), 1..33),
    )
        .prop_map(|(negative, zeros, bytes)| {
            let digits: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let sign = if negative { "-" } else { "" };
            format!("{sign}{}{digits}", "0".repeat(zeros))
        })
}

/// Exponents up to 1024 bits, with the edges 0 and 1 and all-ones patterns more likely than chance.
fn exponent() -> impl Strategy<Value = BigUint> {
    prop_oneof![
        1 => Just(BigUint::from(0u8)),
        1 => Just(BigUint::from(1u8)),
        1 => (1u32..1025).prop_map(|bits| (BigUint::from(1u8) << bits) - 1u8),
        6 => proptest::collection::vec(any::<u8>(), 0..129).prop_map(|b| biguint(&b)),
    ]
}

/// Bases below and above N (every number below 2^3072), with 0, 1, N − 1, N, N + 1 and 2^3072 − 1.
fn base() -> impl Strategy<Value = BigUint> {
    let n = big(&COGNITO.n);
    prop_oneof![
        1 => Just(BigUint::from(0u8)),
        1 => Just(BigUint::from(1u8)),
        1 => Just(&n - 1u8),
        1 => Just(n.clone()),
        1 => Just(&n + 1u8),
        1 => Just((BigUint::from(1u8) << 3072u32) - 1u8),
        6 => proptest::collection::vec(any::<u8>(), 0..385).prop_map(|b| biguint(&b)),
    ]
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn modpow_equals_num_bigint(base in base(), exponent in exponent()) {
        let n = &big(&COGNITO.n);
        let words = exponent.to_u64_digits();
        prop_assert_eq!(big(&COGNITO.pow(&fixed(&base), &words)), base.modpow(&exponent, n));
        prop_assert_eq!(big(&COGNITO.g_pow(&words)), BigUint::from(2u8).modpow(&exponent, n));
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn session_key_is_hkdf_sha256(u in base(), s in base()) {
        let mut expected = [0u8; 16];
        hkdf::Hkdf::<Sha256>::new(Some(&unsigned_java_bytes(&u)), &unsigned_java_bytes(&s))
            .expand(b"Caldera Derived Key", &mut expected)
            .expect("16 bytes");
        let key = SessionKey::derive(&fixed(&u), &fixed(&s));
        prop_assert_eq!(key.as_bytes(), &expected);
    }
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn client_and_server_agree_with_the_formulas(
        realm in "[A-Za-z0-9]{1,12}",
        username in "\\PC{0,24}",
        password in "\\PC{0,32}",
        salt in salt_hex(),
        a in proptest::collection::vec(any::<u8>(), 1..65),
        b in proptest::array::uniform32(any::<u8>()),
        other_password in "\\PC{0,32}",
        now in 0i64..4_102_444_800,
    ) {
        let client = SrpClient::from_secret(&a);
        prop_assume!(client.is_ok());
        let client = client.unwrap();
        let verifier = PasswordVerifier::from_salt_hex(&realm, &username, &password, &salt).unwrap();
        let server = ServerHandshake::new(&verifier, &client.srp_a_hex(), &b).unwrap();

        // The same numbers from SRP.md with modpow and hand-made hashes.
        let (n, g) = (&big(&COGNITO.n), BigUint::from(2u8));
        let k = biguint(&sha256(&[&unsigned_java_bytes(n), &unsigned_java_bytes(&g)]));
        let salt_number = BigInt::parse_bytes(salt.as_bytes(), 16).unwrap();
        let inner = sha256(&[realm.as_bytes(), username.as_bytes(), b":", password.as_bytes()]);
        let x = biguint(&sha256(&[&java_bytes(&salt_number), &inner]));
        let v = g.modpow(&x, n);
        prop_assert_eq!(&verifier.verifier_hex, &v.to_str_radix(16));
        let (a, b) = (biguint(&a), biguint(&b));
        let a_pub = g.modpow(&a, n);
        prop_assert_eq!(client.srp_a_hex(), a_pub.to_str_radix(16));
        let b_pub = (&k * &v + g.modpow(&b, n)) % n;
        prop_assert_eq!(server.srp_b_hex(), b_pub.to_str_radix(16));
        let u = biguint(&sha256(&[&unsigned_java_bytes(&a_pub), &unsigned_java_bytes(&b_pub)]));
        let base = (&b_pub + n - (&k * g.modpow(&x, n)) % n) % n;
        let expected_s = base.modpow(&(&a + &u * &x), n);
        prop_assert_eq!(&expected_s, &(&a_pub * v.modpow(&u, n) % n).modpow(&b, n));

        let derived = client
            .derive(&realm, &username, &password, &server.srp_b_hex(), &verifier.salt_hex)
            .unwrap();
        prop_assert_eq!(&big(&derived.x), &x);
        prop_assert_eq!(&big(&derived.u), &u);
        prop_assert_eq!(&big(&derived.premaster_secret), &expected_s);
        prop_assert_eq!(&server.premaster_secret().unwrap(), &expected_s);
        prop_assert_eq!(&derived.key, &server.session_key().unwrap());

        let block = b"secret block bytes";
        let block_b64 = "c2VjcmV0IGJsb2NrIGJ5dGVz";
        let ts = timestamp(now);
        let sign = |pw: &str| {
            client
                .password_claim(&realm, &username, pw, &server.srp_b_hex(), &verifier.salt_hex, block_b64, &ts)
                .unwrap()
        };
        prop_assert_eq!(server.verify_claim(&realm, &username, block, &ts, &sign(&password)), Ok(()));
        if other_password != password {
            prop_assert!(server.verify_claim(&realm, &username, block, &ts, &sign(&other_password)).is_err());
        }
    }
}

#[test]
fn java_bytes_matches_known_values() {
    // Pins the hand-written encoding the properties above rely on (Java's documented output).
    for (n, expected) in [
        (0i64, vec![0x00]),
        (127, vec![0x7f]),
        (128, vec![0x00, 0x80]),
        (-1, vec![0xff]),
        (-128, vec![0x80]),
        (-129, vec![0xff, 0x7f]),
        (-256, vec![0xff, 0x00]),
        (-32768, vec![0x80, 0x00]),
    ] {
        assert_eq!(java_bytes(&BigInt::from(n)), expected, "{n}");
    }
}
