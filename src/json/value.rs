//! The JSON value the core builds its request bodies and outputs from, and reads replies into, with its
//! writer. It replaces serde_json's `Value` in the shipped module (serde_json stays as the tests' oracle:
//! tests/json_props.rs, the `json` fuzz target).
//!
//! Numbers are `Int(i64)` when the text is an integer that fits, else `Decimal`, their JSON text as read:
//! Cognito sends whole numbers (`ExpiresIn`, JWT times) and the odd fraction (device and passkey dates),
//! which is read as exact whole milliseconds ([`super::Reader::opt_millis`]) and written back as it came,
//! never re-rounded; [`Value::as_f64`] is for the tests that hold the reader against serde_json. The core
//! itself writes integers only, so the module links no float formatting (about 20 kB of wasm).
//! Objects keep their members in order, as written or as read; a repeated name is kept as read, and
//! [`Object::get`] finds the last one, as serde_json (which keeps the last) does.

use crate::prelude::*;
use crate::text;
use core::fmt;

use zeroize::Zeroize;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    /// A number that is no i64 (a fraction, an exponent, a larger integer, `-0`), as valid JSON text of a
    /// finite f64; only the reader makes these.
    Decimal(String),
    String(String),
    Array(Vec<Value>),
    Object(Object),
}

/// Cognito's string-to-string parameter maps (AuthParameters, ChallengeParameters, ClientMetadata,
/// attributes): a few members each, so a vector kept sorted by name, which serialises in the same order a
/// `BTreeMap` did at a fraction of its wasm (the B-tree's node code is ~9 kB in the session core alone).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StringMap(Vec<(String, String)>);

impl StringMap {
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    /// Where `key` is, or where it would go.
    fn find(&self, key: &str) -> Result<usize, usize> {
        // A linear scan: the maps hold a few members, and it is less code than a binary search.
        let at = self
            .0
            .iter()
            .take_while(|(name, _)| name.as_str() < key)
            .count();
        match self.0.get(at) {
            Some((name, _)) if name == key => Ok(at),
            _ => Err(at),
        }
    }

    /// Sets `key`, a name the code spells out, to `value`: one copy of the key's allocation and of the
    /// replaced value's drop, where each `insert("…".into(), …)` compiled to its own.
    pub fn set(&mut self, key: &str, value: String) {
        self.insert(key.to_owned(), value);
    }

    /// Sets `key` to `value`, giving back the value it replaces.
    pub fn insert(&mut self, key: String, value: String) -> Option<String> {
        match self.find(&key) {
            Ok(at) => self
                .0
                .get_mut(at)
                .map(|(_, old)| core::mem::replace(old, value)),
            Err(at) => {
                self.0.insert(at, (key, value));
                None
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&String> {
        self.find(key)
            .ok()
            .and_then(|at| self.0.get(at))
            .map(|(_, value)| value)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    pub fn remove(&mut self, key: &str) -> Option<String> {
        self.find(key).ok().map(|at| self.0.remove(at).1)
    }

    /// The map of `members`, taken out of the slice (left empty strings): `From<[_; N]>`'s one copy, where
    /// that has one per number of members.
    fn taken_from(members: &mut [(String, String)]) -> Self {
        let mut map = Self::new();
        for (name, value) in members {
            map.insert(core::mem::take(name), core::mem::take(value));
        }
        map
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The members in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(name, value)| (name, value))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(name, _)| name)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut String> {
        self.0.iter_mut().map(|(_, value)| value)
    }
}

/// A name given twice keeps its last value, as a `BTreeMap` does.
impl<const N: usize> From<[(String, String); N]> for StringMap {
    fn from(mut members: [(String, String); N]) -> Self {
        Self::taken_from(&mut members)
    }
}

/// A name given twice keeps its last value, as a `BTreeMap` does.
impl FromIterator<(String, String)> for StringMap {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(members: I) -> Self {
        let mut map = Self::new();
        for (name, value) in members {
            map.insert(name, value);
        }
        map
    }
}

impl<'a> IntoIterator for &'a StringMap {
    type Item = (&'a String, &'a String);
    type IntoIter = core::iter::Map<
        core::slice::Iter<'a, (String, String)>,
        fn(&'a (String, String)) -> (&'a String, &'a String),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(name, value)| (name, value))
    }
}

/// For the tests (the core itself reads members with `get`).
#[cfg(test)]
impl core::ops::Index<&str> for StringMap {
    type Output = String;

    /// Panics when `key` is absent, as `BTreeMap`'s does; for tests and members already checked.
    fn index(&self, key: &str) -> &String {
        self.get(key).expect("no such member")
    }
}

/// An object's members in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Object(pub Vec<(String, Value)>);

impl Object {
    /// The member called `key` (the last one, if the text named it twice).
    pub fn get(&self, key: &str) -> Option<&Value> {
        // Forward, keeping the last found: less code than a reversed search.
        let mut found = None;
        for (name, value) in &self.0 {
            if name == key {
                found = Some(value);
            }
        }
        found
    }

    /// Sets member `key`, replacing one of that name.
    pub fn insert(&mut self, key: &str, value: impl Into<Value>) {
        self.set(key, value.into());
    }

    /// [`Object::insert`] of a value: one copy, where `insert` has one per type of value.
    fn set(&mut self, key: &str, value: Value) {
        match self.0.iter_mut().find(|(name, _)| name == key) {
            Some((_, old)) => *old = value,
            None => self.0.push((key.to_owned(), value)),
        }
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(name, _)| name.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(name, value)| (name.as_str(), value))
    }
}

impl Value {
    /// An object of `members`, in this order.
    pub fn object<const N: usize>(mut members: [(&str, Value); N]) -> Self {
        Self::object_of(&mut members)
    }

    /// [`Value::object`]'s one copy, where `object` has one per number of members: it takes the values
    /// (leaving nulls) from a slice of them.
    fn object_of(members: &mut [(&str, Value)]) -> Self {
        let mut object = Vec::with_capacity(members.len());
        for (name, value) in members {
            object.push(((*name).to_owned(), core::mem::take(value)));
        }
        Self::Object(Object(object))
    }

    /// Sets member `key` of an object (nothing on other values).
    pub fn insert(&mut self, key: &str, value: impl Into<Value>) {
        self.set(key, value.into());
    }

    /// [`Value::insert`] of a value: one copy, where `insert` has one per type of value.
    fn set(&mut self, key: &str, value: Value) {
        if let Self::Object(members) = self {
            members.set(key, value);
        }
    }

    /// Appends `item` to an array (nothing on other values): one copy of `Vec::push`, where each collect into
    /// an array would inline its own.
    fn push(&mut self, item: Value) {
        if let Self::Array(items) = self {
            items.push(item);
        }
    }

    /// Sets member `key` when there is a value: Cognito's optional members are left out, not null.
    pub fn insert_some(&mut self, key: &str, value: Option<impl Into<Value>>) {
        if let Some(value) = value {
            self.set(key, value.into());
        }
    }

    /// Member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Self::Object(_))
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Self::Int(_) | Self::Decimal(_))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// An integer (a decimal is not one, even `1.0`: serde_json's rule too).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The floor of a number below 10^15 in magnitude (JWT times), read without floating point.
    pub fn floor_below_1e15(&self) -> Option<i64> {
        match self {
            Self::Int(n) => Some(*n).filter(|n| n.unsigned_abs() < 1_000_000_000_000_000),
            Self::Decimal(text) => super::number::floor_below_1e15(text),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Int(n) => Some(*n as f64),
            Self::Decimal(text) => text.parse().ok(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Self::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Self::Object(members) => Some(members),
            _ => None,
        }
    }

    /// Overwrites every string in the value (request bodies carry passwords and tokens), before it is freed.
    pub fn wipe(&mut self) {
        match self {
            Self::String(text) => text.zeroize(),
            Self::Array(items) => items.iter_mut().for_each(Self::wipe),
            Self::Object(members) => members.0.iter_mut().for_each(|(_, value)| value.wipe()),
            _ => {}
        }
    }

    /// The JSON text. (`Display` writes the same, through core's formatting machinery, which the shipped
    /// code keeps out of the modules.)
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    /// The JSON text of a value that carries secrets (passwords, tokens, device secrets), whose strings
    /// are then wiped before it is freed.
    pub fn into_wiped_json(mut self) -> String {
        let text = self.to_json();
        self.wipe();
        text
    }

    /// The JSON text, appended to `out`.
    pub fn write(&self, out: &mut String) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::Int(n) => text::push_i64(out, *n),
            Self::Decimal(text) => out.push_str(text),
            Self::String(text) => write_string(text, out),
            Self::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Self::Object(members) => {
                out.push('{');
                for (i, (name, value)) in members.0.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(name, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// A JSON string literal of `text`, escaped as serde_json escapes it: `"`, `\` and control characters; the
/// rest (non-ASCII too) as it is.
fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        // The letter after the backslash, for the characters that are escaped.
        let escape = match c {
            '"' | '\\' => c,
            '\n' => 'n',
            '\r' => 'r',
            '\t' => 't',
            '\u{8}' => 'b',
            '\u{c}' => 'f',
            '\0'..' ' => 'u',
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push('\\');
        out.push(escape);
        if escape == 'u' {
            out.push_str("00");
            text::push_hex_byte(out, c as u8, false);
        }
    }
    out.push('"');
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Self::String(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Self::String(text)
    }
}

impl From<&String> for Value {
    fn from(text: &String) -> Self {
        Self::String(text.clone())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Self::Int(n)
    }
}

impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Self::Int(n.into())
    }
}

impl From<Object> for Value {
    fn from(members: Object) -> Self {
        Self::Object(members)
    }
}

/// `null` when absent.
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Into::into)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Self {
        items.into_iter().map(Into::into).collect()
    }
}

impl From<&[String]> for Value {
    fn from(items: &[String]) -> Self {
        items.iter().map(Into::into).collect()
    }
}

/// An object of strings.
impl From<&StringMap> for Value {
    fn from(map: &StringMap) -> Self {
        let mut members = Vec::with_capacity(map.len());
        for (name, value) in map {
            members.push((name.clone(), Self::String(value.clone())));
        }
        Self::Object(Object(members))
    }
}

impl FromIterator<Value> for Value {
    fn from_iter<I: IntoIterator<Item = Value>>(items: I) -> Self {
        let mut array = Self::Array(Vec::new());
        for item in items {
            array.push(item);
        }
        array
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &Value) -> String {
        value.to_string()
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let value = Value::from("q\"b\\n\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}é😀</");
        assert_eq!(
            text(&value),
            "\"q\\\"b\\\\n\\n\\r\\t\\b\\f\\u0001\\u001f\u{7f}é😀</\""
        );
    }

    #[test]
    fn numbers_are_written_as_they_were_read() {
        assert_eq!(text(&Value::Int(-42)), "-42");
        assert_eq!(text(&Value::Int(i64::MIN)), "-9223372036854775808");
        let decimal = Value::Decimal("1.7000000005E9".into());
        assert_eq!(text(&decimal), "1.7000000005E9");
        assert_eq!(decimal.as_f64(), Some(1_700_000_000.5));
        assert_eq!(decimal.as_i64(), None);
    }

    #[test]
    fn objects_keep_their_order_and_replace_members() {
        let mut body = Value::object([("b", 1_i64.into()), ("a", Value::Null)]);
        body.insert("b", "x");
        body.insert("c", vec![true]);
        assert_eq!(text(&body), r#"{"b":"x","a":null,"c":[true]}"#);
        let mut not_an_object = Value::from(1_i64);
        not_an_object.insert("k", "v");
        assert_eq!(not_an_object, Value::Int(1));
    }

    #[test]
    fn wipe_overwrites_every_string() {
        let mut body = Value::object([("p", "hunter2".into()), ("l", vec!["x"].into())]);
        body.wipe();
        assert_eq!(text(&body), r#"{"p":"","l":[""]}"#);
    }

    #[test]
    fn into_wiped_json_writes_then_wipes() {
        let body = Value::object([("p", "hunter2".into()), ("n", 7_i64.into())]);
        assert_eq!(body.clone().into_wiped_json(), text(&body));
        assert_eq!(body.to_json(), text(&body));
    }
}
