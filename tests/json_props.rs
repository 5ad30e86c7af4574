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

/// The exact value of a JSON number's text as `mantissa × 10^scale` (its digits as one integer), with its
/// sign: the oracle for the readers of numbers that use no floating point.
fn exact(text: &str) -> (bool, i128, i32) {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = rest.split_once(['e', 'E']).unwrap_or((rest, "0"));
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: i128 = format!("{whole}{fraction}").parse().unwrap();
    let exponent: i32 = exponent.parse().unwrap();
    (negative, digits, exponent - fraction.len() as i32)
}

/// `digits / 10^shift` and the remainder (`0` and `digits` when 10^shift is beyond i128).
fn divide(digits: i128, shift: u32) -> (i128, i128, Option<i128>) {
    match 10i128.checked_pow(shift) {
        Some(divisor) => (digits / divisor, digits % divisor, Some(divisor)),
        None => (0, digits, None),
    }
}

fn exact_floor_below_1e15(text: &str) -> Option<i64> {
    let (negative, digits, scale) = exact(text);
    if digits == 0 {
        return Some(0);
    }
    let (whole, remainder) = if scale >= 0 {
        (digits.checked_mul(10i128.checked_pow(scale as u32)?)?, 0)
    } else {
        let (whole, remainder, _) = divide(digits, scale.unsigned_abs());
        (whole, remainder)
    };
    // |x| < 10^15: the whole part below it, or equal to it with nothing after (-10^15 + 0.5 is fine).
    if whole >= 1_000_000_000_000_000 {
        return None;
    }
    let whole = i64::try_from(whole).unwrap();
    Some(if negative {
        -whole - i64::from(remainder > 0)
    } else {
        whole
    })
}

fn exact_millis(text: &str) -> i64 {
    let (negative, digits, scale) = exact(text);
    if digits == 0 {
        return 0;
    }
    let scale = scale + 3;
    let magnitude = if scale >= 0 {
        10i128
            .checked_pow(scale as u32)
            .and_then(|p| digits.checked_mul(p))
            .unwrap_or(i128::MAX)
    } else {
        let (whole, remainder, divisor) = divide(digits, scale.unsigned_abs());
        // Half away from zero.
        whole + i128::from(divisor.is_some_and(|d| remainder * 2 >= d))
    };
    let signed = if negative { -magnitude } else { magnitude };
    i64::try_from(signed).unwrap_or(if negative { i64::MIN } else { i64::MAX })
}

proptest! {
    #![proptest_config(config(3000))]

    /// The number readers without floating point (JWT times, Cognito's dates) against exact arithmetic.
    #[test]
    fn numbers_read_exactly(text in "-?(0|[1-9][0-9]{0,14})(\\.[0-9]{1,9})?([eE][+-]?[0-9]{1,2})?") {
        let value = json::parse(&text).unwrap();
        let expected = exact_floor_below_1e15(&text);
        prop_assert_eq!(value.floor_below_1e15(), expected, "{}", text);
        let object = json::parse(&format!("{{\"t\":{text}}}")).unwrap();
        let reader = json::Reader::reply(&object, "Op").unwrap();
        prop_assert_eq!(reader.opt_millis("t").unwrap(), Some(exact_millis(&text)), "{}", text);
    }

    /// StringMap (a vector kept in name order) behaves as the BTreeMap it replaced.
    #[test]
    fn string_map_is_a_btree_map(ops in prop::collection::vec((any::<bool>(), "[a-d]{0,2}", "[xy]{0,1}"), 0..40)) {
        let mut map = json::StringMap::new();
        let mut oracle = std::collections::BTreeMap::new();
        for (insert, key, value) in ops {
            if insert {
                prop_assert_eq!(map.insert(key.clone(), value.clone()), oracle.insert(key, value));
            } else {
                prop_assert_eq!(map.remove(&key), oracle.remove(&key));
            }
            prop_assert_eq!(map.len(), oracle.len());
        }
        prop_assert!(map.iter().eq(oracle.iter()));
        for key in ["", "a", "ab", "d", "dd", "e"] {
            prop_assert_eq!(map.get(key), oracle.get(key));
            prop_assert_eq!(map.contains_key(key), oracle.contains_key(key));
        }
        let collected: json::StringMap = oracle.clone().into_iter().collect();
        prop_assert_eq!(&collected, &map);
        prop_assert_eq!(Value::from(&map).to_string(), serde_json::to_string(&oracle).unwrap());
    }
}

#[test]
fn millis_at_i64s_edges_are_exact() {
    for text in [
        "9223372036854775.807",
        "9223372036854775.8074",
        "9223372036854775.8075",
        "9223372036854775.808",
        "-9223372036854775.808",
        "-9223372036854775.8084",
        "-9223372036854775.8085",
        "-9223372036854775.809",
        "9999999999999999.9995",
        "1e16",
        "1e15",
        "0.0000000000000000001e35",
    ] {
        let object = json::parse(&format!("{{\"t\":{text}}}")).unwrap();
        let reader = json::Reader::reply(&object, "Op").unwrap();
        assert_eq!(
            reader.opt_millis("t").unwrap(),
            Some(exact_millis(text)),
            "{text}"
        );
    }
}
