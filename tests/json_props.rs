//! Differential property tests of the crate's JSON reader and writer (`cognito_wasm::json`) against
//! serde_json, the crate they replaced in the shipped module. The checks themselves are the `json` fuzz
//! target's (fuzz/src/json.rs); here proptest feeds them values and near-JSON text.
#![cfg(not(target_arch = "wasm32"))]

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod harness;

use cognito_wasm::json::{self, MAX_DEPTH, Value};
use harness::json::{Tree, check_text, check_written, same};
use proptest::prelude::*;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Any float, with the edges (zeros, subnormals, extremes, non-finite) more often than chance.
fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        prop::sample::select(vec![
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::MIN,
            1e16,
            1e-7,
            f64::NAN,
            f64::INFINITY
        ]),
        (-1e12..1e12f64),
    ]
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop_oneof![
        Just(Tree::Null),
        any::<bool>().prop_map(Tree::Bool),
        any::<i64>().prop_map(Tree::Int),
        float().prop_map(Tree::Float),
        any::<String>().prop_map(Tree::String),
        "[\\x00-\\x1f\"\\\\/a\u{7f}\u{2028}😀]{0,8}".prop_map(Tree::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Tree::Array),
            prop::collection::vec(("[a-c]{0,2}", inner), 0..6).prop_map(Tree::Object),
        ]
    })
}

/// Text that is mostly JSON's own characters, so that the readers' edge cases come up often.
fn near_json() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop::sample::select(vec![
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        "\"",
        "\\",
        "\\u",
        "d800",
        "dc00",
        "00e9",
        "0",
        "1",
        "9",
        "-",
        "+",
        ".",
        "e",
        "E",
        "true",
        "false",
        "null",
        " ",
        "\n",
        "\t",
        "a",
        "é",
        "\u{1}",
        "1e400",
        "18446744073709551616",
        "9223372036854775808",
        "-0",
    ]);
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat().into_bytes())
}

proptest! {
    #![proptest_config(config(2000))]

    #[test]
    fn what_is_written_reads_back_with_both_readers(tree in tree()) {
        check_written(&tree);
    }

    #[test]
    fn both_readers_agree_on_near_json_text(text in near_json()) {
        check_text(&text);
    }

    #[test]
    fn both_readers_agree_on_broken_json(tree in tree(), cut in any::<prop::sample::Index>(), byte in any::<u8>()) {
        // A valid text with one byte replaced, and the same text cut short.
        let text = tree.value().to_string().into_bytes();
        if !text.is_empty() {
            let at = cut.index(text.len());
            let mut changed = text.clone();
            changed[at] = byte;
            check_text(&changed);
            check_text(&text[..at]);
        }
    }

    #[test]
    fn both_readers_agree_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..32)) {
        check_text(&bytes);
    }
}

#[test]
fn deliberate_differences_from_serde_json() {
    // Above i64::MAX: a decimal (an f64 where used) here, a u64 to serde_json.
    let big = json::parse("18446744073709551615").unwrap();
    assert_eq!(big.as_f64(), Some(18446744073709551615.0));
    assert_eq!(big.to_string(), "18446744073709551615");
    let oracle: serde_json::Value = serde_json::from_str("18446744073709551615").unwrap();
    assert!(oracle.is_u64());
    assert!(same(&big, &oracle));
    // A repeated member: both are kept, and the last is the one found, as serde_json keeps the last.
    let twice = json::parse(r#"{"a":1,"a":2}"#).unwrap();
    assert_eq!(twice.to_string(), r#"{"a":1,"a":2}"#);
    assert_eq!(twice.get("a"), Some(&Value::Int(2)));
    check_text(br#"{"a":1,"a":2}"#);
}

#[test]
fn the_depth_limit_is_serde_jsons() {
    for depth in [MAX_DEPTH, MAX_DEPTH + 1] {
        check_text(format!("{}{}", "[".repeat(depth), "]".repeat(depth)).as_bytes());
        check_text(format!("{}{}", "{\"a\":".repeat(depth), "}".repeat(depth)).as_bytes());
    }
    assert!(json::parse(&"[".repeat(1 << 20)).is_err());
}

#[test]
fn known_edges_agree() {
    for text in [
        "0",
        "-0",
        "-0.0",
        "0e0",
        "1E+2",
        "1e-400",
        "1e400",
        "-9223372036854775808",
        "-9223372036854775809",
        "9007199254740993",
        "2.2250738585072011e-308",
        "0.1",
        "123456789012345678901234567890",
        r#""\ud83d\ude00""#,
        r#""\ud83d""#,
        r#""\ude00""#,
        r#""\ud83dx""#,
        r#""\ud83d\u0041""#,
        r#""\u0000""#,
        "\"\u{7f}\"",
        "[1,]",
        "{\"a\":1,}",
        "01",
        "1.",
        ".1",
        " \t\r\n1 \t\r\n",
        "\u{a0}1",
        "[]]",
        "nul",
        "\"\\/\"",
        "\"\\a\"",
        "{\"a\" : [ ] }",
        "{1:2}",
    ] {
        check_text(text.as_bytes());
    }
    check_text(b"\"\xff\"");
    check_text(b"\"\xed\xa0\x80\"");
}
