//! Differential tests of the crate's base64 (`cognito_wasm::b64`) against the base64 crate, which it
//! replaced in the shipped module. The checks themselves are the `b64` fuzz target's (fuzz/src/b64.rs):
//! here every short text over the symbols that matter, and every short byte string, is checked
//! exhaustively, and proptest feeds longer data and near-base64 text.
#![cfg(not(target_arch = "wasm32"))]

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod harness;

use cognito_wasm::b64::{STANDARD, URL_SAFE_NO_PAD};
use harness::b64::{check_decode, check_encode};
use proptest::prelude::*;

/// Every symbol of both alphabets, and padding.
const SYMBOLS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=";

/// Symbols with an edge each (first and last of a range, the alphabets' own, padding) and bytes that are
/// not base64 at all.
const EDGES: &[u8] = b"AQgwZaz09+/-_=\n \xff.";

/// Every text of `len` symbols drawn from `from`, each after `prefix`.
fn each_text(prefix: &[u8], from: &[u8], len: u32, check: &mut impl FnMut(&[u8])) {
    let mut text = prefix.to_vec();
    for mut n in 0..from.len().pow(len) {
        text.truncate(prefix.len());
        for _ in 0..len {
            text.push(from[n % from.len()]);
            n /= from.len();
        }
        check(&text);
    }
}

#[test]
fn every_short_text_is_read_as_base64_reads_it() {
    let mut accepted = [0usize; 2];
    let mut check = |text: &[u8]| {
        for (count, ok) in accepted.iter_mut().zip(check_decode(text)) {
            *count += usize::from(ok);
        }
    };
    // Each last group of up to four symbols, trailing bits and padding in every combination, alone and
    // after a whole group (so that the last group is not the first).
    for prefix in [&b""[..], b"Zm9v"] {
        for len in 0..=3 {
            each_text(prefix, SYMBOLS, len, &mut check);
        }
        each_text(prefix, EDGES, 4, &mut check);
        each_text(prefix, EDGES, 5, &mut check);
    }
    // Two symbols and their padding: every trailing-bit pattern of one last byte.
    each_text(b"", SYMBOLS, 2, &mut |text| {
        check([text, b"=="].concat().as_slice())
    });
    each_text(b"", SYMBOLS, 3, &mut |text| {
        check([text, b"="].concat().as_slice())
    });
    // The exhaustive texts reach both outcomes often (a test that only sees refusals would prove little).
    assert!(accepted.iter().all(|&count| count > 1000), "{accepted:?}");
}

#[test]
fn every_short_byte_string_is_written_as_base64_writes_it() {
    check_encode(b"");
    for a in 0..=255u8 {
        check_encode(&[a]);
        for b in 0..=255u8 {
            check_encode(&[a, b]);
        }
    }
}

#[test]
fn what_the_crate_encodes_agrees() {
    // A SECRET_BLOCK-like blob, a 32-byte HMAC, a PKCE verifier's 32 random bytes, a JWT payload.
    let payload =
        br#"{"sub":"aaaaaaaa-bbbb","exp":1700000000,"email":"a+b@example.com","x":"?>~"}"#;
    for bytes in [&[0xfbu8; 1000][..], &[0xff; 32], &[0x3e; 32], payload] {
        check_encode(bytes);
        for text in [STANDARD.encode(bytes), URL_SAFE_NO_PAD.encode(bytes)] {
            check_decode(text.as_bytes());
        }
    }
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text that is mostly base64's own symbols and its near misses.
fn near_base64() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop::sample::select(vec![
        "A", "Q", "g", "w", "Z", "z", "0", "9", "8", "+", "/", "-", "_", "=", "==", "Zm9v", "Zg==",
        "\n", " ", "\r", ".", "\u{0}", "é",
    ]);
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat().into_bytes())
}

proptest! {
    #![proptest_config(config(5000))]

    #[test]
    fn both_encode_any_bytes_alike(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        check_encode(&bytes);
    }

    #[test]
    fn both_read_near_base64_alike(text in near_base64()) {
        check_decode(&text);
    }

    #[test]
    fn both_read_broken_base64_alike(
        bytes in prop::collection::vec(any::<u8>(), 0..64),
        at in any::<prop::sample::Index>(),
        byte in prop::sample::select(SYMBOLS.to_vec()),
        url_safe in any::<bool>(),
    ) {
        // A valid text with one symbol replaced, the same text cut short, and with one byte more.
        let text = if url_safe { URL_SAFE_NO_PAD.encode(&bytes) } else { STANDARD.encode(&bytes) };
        let mut text = text.into_bytes();
        check_decode(&text);
        if !text.is_empty() {
            let at = at.index(text.len());
            check_decode(&text[..at]);
            text[at] = byte;
            check_decode(&text);
        }
        text.push(byte);
        check_decode(&text);
    }

    #[test]
    fn both_read_any_bytes_alike(bytes in prop::collection::vec(any::<u8>(), 0..32)) {
        check_decode(&bytes);
    }
}
