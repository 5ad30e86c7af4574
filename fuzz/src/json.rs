//! Target `json`: the crate's own JSON reader and writer (`cognito_wasm::json`, which replaced serde_json
//! in the shipped module) against serde_json, the oracle.
//!
//! * The bytes as text: both readers accept them or both refuse them, and what they read is the same
//!   value ([`same`]). No input may panic either reader.
//! * A structured value (built with `arbitrary`): what the crate writes reads back, with both readers, as
//!   that value; every string is written byte for byte as serde_json writes it.
//!
//! Deliberate differences, which [`same`] allows: an integer above `i64::MAX` (up to `u64::MAX`) is a
//! decimal (an f64 where used) in the crate and a `u64` in serde_json; numbers keep their text (`1E2`
//! is written back as `1E2`, serde_json writes `100.0`); an object that names a member twice keeps both in the
//! crate (lookups find the last, the one serde_json keeps).

use arbitrary::Arbitrary;
use cognito_wasm::json::{self, Object, Value};

use super::Reached;

/// A value to write, with floats of every kind and strings of any characters.
#[derive(Arbitrary, Clone, Debug)]
pub enum Tree {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Array(Vec<Tree>),
    Object(Vec<(String, Tree)>),
}

impl Tree {
    /// The crate's value: a float as the literal Rust prints for it (`1.0`, `1e-7`), a non-finite one
    /// (which JSON cannot hold, and the crate never writes) as `null`.
    pub fn value(&self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Bool(b) => Value::Bool(*b),
            Self::Int(n) => Value::Int(*n),
            Self::Float(x) if x.is_finite() => Value::Decimal(format!("{x:?}")),
            Self::Float(_) => Value::Null,
            Self::String(text) => text.as_str().into(),
            Self::Array(items) => Value::Array(items.iter().map(Self::value).collect()),
            Self::Object(members) => Value::Object(Object(
                members
                    .iter()
                    .map(|(name, tree)| (name.clone(), tree.value()))
                    .collect(),
            )),
        }
    }
}

pub fn run(data: &[u8]) -> Reached {
    let mut reached = Reached {
        success: check_text(data),
        ..Reached::default()
    };
    if let Some(tree) = super::structured::<Tree>(data) {
        reached.decoded = true;
        check_written(&tree);
    }
    reached
}

/// Both readers on `data`; true when both accepted it.
pub fn check_text(data: &[u8]) -> bool {
    let oracle = serde_json::from_slice::<serde_json::Value>(data);
    let mine = std::str::from_utf8(data).map(json::parse);
    match (&mine, &oracle) {
        (Ok(Ok(mine)), Ok(oracle)) => {
            assert!(
                same(mine, oracle),
                "{data:?}: read as {mine:?}, serde_json {oracle:?}"
            );
            // And what the crate writes of it reads back as the same value.
            let text = mine.to_string();
            assert_eq!(&json::parse(&text).expect("own output reads back"), mine);
            true
        }
        (Ok(Err(_)) | Err(_), Err(_)) => false,
        _ => panic!(
            "{:?}: the crate {}, serde_json {}",
            String::from_utf8_lossy(data),
            if matches!(mine, Ok(Ok(_))) {
                "accepts"
            } else {
                "refuses"
            },
            if oracle.is_ok() { "accepts" } else { "refuses" },
        ),
    }
}

/// What the crate writes of `tree` reads back as its value with both readers; strings are written as
/// serde_json writes them.
pub fn check_written(tree: &Tree) {
    let written = tree.value();
    let text = written.to_string();
    if json::MAX_DEPTH < depth(&written) {
        assert!(json::parse(&text).is_err(), "too deep, yet read");
        return;
    }
    let mine = json::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
    assert_eq!(mine, written, "{text}");
    let oracle: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
    assert!(same(&mine, &oracle), "{text}: serde_json read {oracle}");
    each_string(&written, &mut |text| {
        let ours = Value::from(text).to_string();
        assert_eq!(ours, serde_json::to_string(text).unwrap());
    });
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(members) => 1 + members.iter().map(|(_, v)| depth(v)).max().unwrap_or(0),
        _ => 0,
    }
}

fn each_string(value: &Value, check: &mut impl FnMut(&str)) {
    match value {
        Value::String(text) => check(text),
        Value::Array(items) => items.iter().for_each(|item| each_string(item, check)),
        Value::Object(members) => members.iter().for_each(|(name, value)| {
            check(name);
            each_string(value, check);
        }),
        _ => {}
    }
}

/// Whether the crate's `mine` is serde_json's `oracle`: numbers by kind and bits (see the module doc for
/// the integers above `i64::MAX`), objects by their members' last values.
pub fn same(mine: &Value, oracle: &serde_json::Value) -> bool {
    use serde_json::Value as O;
    match (mine, oracle) {
        (Value::Null, O::Null) => true,
        (Value::Bool(a), O::Bool(b)) => a == b,
        (Value::String(a), O::String(b)) => a == b,
        (Value::Int(a), O::Number(b)) => !b.is_f64() && b.as_i64() == Some(*a),
        (Value::Decimal(_), O::Number(b)) => match (mine.as_f64(), b.as_f64()) {
            (Some(a), Some(f)) if b.is_f64() => a.to_bits() == f.to_bits(),
            // Above i64::MAX: a u64 to serde_json, the nearest f64 to the crate.
            (Some(a), Some(f)) => b.as_i64().is_none() && a == f,
            _ => false,
        },
        (Value::Array(a), O::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        (Value::Object(a), O::Object(b)) => {
            a.keys().all(|name| b.contains_key(name))
                && b.iter()
                    .all(|(name, b)| a.get(name).is_some_and(|a| same(a, b)))
        }
        _ => false,
    }
}
