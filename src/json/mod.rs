//! Reading parsed JSON member by member, for Cognito's replies, stored values and (in the wasm exports) the
//! app's arguments. One small reader serves every shape: a derived deserializer per type compiles to
//! several kilobytes of wasm each, and the module is shipped to every browser. `null` counts as absent,
//! unknown members are ignored, and a member of the wrong type is a typed error naming its path.

mod number;
mod parse;
mod value;

use crate::prelude::*;
use crate::text;
pub use parse::{MAX_DEPTH, SyntaxError, parse};
pub use value::{Object, StringMap, Value};

use crate::error::{Error, ErrorKind};

/// Whose JSON it is, which decides the error a bad member becomes.
#[derive(Clone, Copy)]
enum Source<'a> {
    /// The reply to this Cognito operation: `InvalidResponseException`.
    Reply(&'a str),
    /// The app's argument of this call ("signIn input"): `InvalidParameterException`.
    Argument(&'a str),
    /// Something this library stored ("stored session"): `InvalidResponseException`.
    Stored(&'a str),
}

#[derive(Clone, Copy)]
pub struct Reader<'a> {
    value: &'a Value,
    source: Source<'a>,
}

/// Parses JSON text, with the error a reader of `source` would report.
fn parse_from(text: &str, source: Source<'_>) -> Result<Value, Error> {
    parse(text).map_err(|e| source.error(&["not JSON (", &e.message(), ")"]))
}

impl Source<'_> {
    /// The error about this source's JSON: `detail`'s pieces after the source's prefix. Every error the
    /// reader reports is built here, from pieces, so that no caller allocates a message of its own.
    fn error(self, detail: &[&str]) -> Error {
        let (kind, before, name, after) = match self {
            Source::Reply(operation) => (
                ErrorKind::InvalidResponse,
                "unreadable ",
                operation,
                " reply: ",
            ),
            Source::Argument(what) => (ErrorKind::InvalidParameter, "", what, ": "),
            Source::Stored(what) => (ErrorKind::InvalidResponse, "", what, ": "),
        };
        let mut message = text::concat(&[before, name, after]);
        for part in detail {
            message.push_str(part);
        }
        Error::of_kind(kind, message)
    }
}

/// Parses a reply body (an empty body is an empty object: operations without a result may send none).
pub fn parse_reply(text: &str, operation: &str) -> Result<Value, Error> {
    // Not `trim()`, whose pattern searcher the session module would carry for this one test.
    if text.chars().all(char::is_whitespace) {
        return Ok(Value::Object(Object::default()));
    }
    parse_from(text, Source::Reply(operation))
}

/// Parses an app's argument (`what` names it in errors).
pub fn parse_argument(text: &str, what: &str) -> Result<Value, Error> {
    parse_from(text, Source::Argument(what))
}

/// Parses a value this library stored (`what` names it in errors).
pub fn parse_stored(text: &str, what: &str) -> Result<Value, Error> {
    parse_from(text, Source::Stored(what))
}

/// The kinds of member the reader asks for, as a set of bits for [`Reader::typed`].
const BOOL: u8 = 1 << 1;
const INT: u8 = 1 << 2;
const NUMBER: u8 = INT | 1 << 3;
const STRING: u8 = 1 << 4;
const ARRAY: u8 = 1 << 5;
const OBJECT: u8 = 1 << 6;

/// The bit of `value`'s kind (`null`'s is 1, which no reader asks for).
fn kind(value: &Value) -> u8 {
    1 << match value {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Int(_) => 2,
        Value::Decimal(_) => 3,
        Value::String(_) => 4,
        Value::Array(_) => 5,
        Value::Object(_) => 6,
    }
}

impl<'a> Reader<'a> {
    /// A reply of `operation`, which must be an object.
    pub fn reply(value: &'a Value, operation: &'a str) -> Result<Self, Error> {
        Self::object(value, Source::Reply(operation), OBJECT | 1)
    }

    /// An app's argument; `null` reads as an object with no members.
    pub fn argument(value: &'a Value, what: &'a str) -> Result<Self, Error> {
        Self::object(value, Source::Argument(what), OBJECT | 1)
    }

    /// A value this library stored, which must be an object.
    pub fn stored(value: &'a Value, what: &'a str) -> Result<Self, Error> {
        Self::object(value, Source::Stored(what), OBJECT)
    }

    /// A reader of `value` when its kind is one of `kinds` (an object, or null too).
    fn object(value: &'a Value, source: Source<'a>, kinds: u8) -> Result<Self, Error> {
        if kind(value) & kinds == 0 {
            return Err(source.error(&["expected an object"]));
        }
        Ok(Self { value, source })
    }

    fn wrong(&self, path: &str, expected: &str) -> Error {
        self.source.error(&[path, " must be ", expected])
    }

    fn missing(&self, path: &str) -> Error {
        self.source.error(&[path, " is required"])
    }

    /// The member at `path` (`"options.clientMetadata"`); `None` when it, or an object on the way, is
    /// absent or null.
    pub fn get(&self, path: &str) -> Result<Option<&'a Value>, Error> {
        let mut value = self.value;
        for key in text::split(path, b'.') {
            value = match value {
                Value::Null => return Ok(None),
                Value::Object(members) => match members.get(key) {
                    Some(member) => member,
                    None => return Ok(None),
                },
                _ => return Err(self.wrong(path, "inside an object")),
            };
        }
        Ok(Some(value).filter(|v| !v.is_null()))
    }

    /// The member at `path` if present, when its kind is one of `kinds`, else the error that it must be
    /// `expected`: the one path every typed read below takes.
    fn typed(&self, path: &str, expected: &str, kinds: u8) -> Result<Option<&'a Value>, Error> {
        match self.get(path)? {
            Some(value) if kind(value) & kinds == 0 => Err(self.wrong(path, expected)),
            present => Ok(present),
        }
    }

    /// Every member name, for shapes that allow no others.
    pub fn keys(&self) -> impl Iterator<Item = &'a str> {
        // A slice's iterator (an absent object's is empty) is less code than a flat_map over the Option.
        let members = self.value.as_object().map_or(&[][..], |object| &object.0);
        members.iter().map(|(name, _)| name.as_str())
    }

    /// The object at `path`, if present.
    pub fn opt_object(&self, path: &str) -> Result<Option<Reader<'a>>, Error> {
        let source = self.source;
        Ok(self
            .typed(path, "an object", OBJECT)?
            .map(|value| Reader { value, source }))
    }

    pub fn object_at(&self, path: &str) -> Result<Reader<'a>, Error> {
        self.opt_object(path)?.ok_or_else(|| self.missing(path))
    }

    /// The items of the array at `path` (none when absent), each of one of `kinds`.
    fn array_of(&self, path: &str, expected: &str, kinds: u8) -> Result<&'a [Value], Error> {
        let items = match self.typed(path, expected, ARRAY)? {
            Some(Value::Array(items)) => items.as_slice(),
            _ => &[],
        };
        if items.iter().any(|item| kind(item) & kinds == 0) {
            return Err(self.wrong(path, expected));
        }
        Ok(items)
    }

    /// The array of objects at `path` (none when absent), a reader each: one iterator type for every
    /// caller's loop, where a vector of readers compiled to its own push and drop.
    pub fn objects(&self, path: &str) -> Result<impl Iterator<Item = Reader<'a>> + use<'a>, Error> {
        let source = self.source;
        let items = self.array_of(path, "an array of objects", OBJECT)?;
        Ok(items.iter().map(move |value| Reader { value, source }))
    }

    pub fn string(&self, path: &str) -> Result<String, Error> {
        match self.opt_str(path)? {
            Some(text) => Ok(text.to_owned()),
            None => Err(self.missing(path)),
        }
    }

    /// `read`, what an optional read of the member at `path` found, or the error that the member is
    /// required (for members of other types than a string, which [`Reader::string`] requires itself).
    pub fn required<T>(&self, read: Option<T>, path: &str) -> Result<T, Error> {
        read.ok_or_else(|| self.missing(path))
    }

    /// A string that may be left out (the empty string then).
    pub fn string_or_empty(&self, path: &str) -> Result<String, Error> {
        Ok(self.opt_string(path)?.unwrap_or_default())
    }

    /// The string at `path`, borrowed.
    fn opt_str(&self, path: &str) -> Result<Option<&'a str>, Error> {
        Ok(self
            .typed(path, "a string", STRING)?
            .and_then(Value::as_str))
    }

    pub fn opt_string(&self, path: &str) -> Result<Option<String>, Error> {
        Ok(self.opt_str(path)?.map(str::to_owned))
    }

    pub fn opt_u32(&self, path: &str) -> Result<Option<u32>, Error> {
        match self.opt_i64(path)? {
            None => Ok(None),
            Some(n) => u32::try_from(n)
                .map(Some)
                .map_err(|_| self.wrong(path, "a whole number")),
        }
    }

    pub fn opt_i64(&self, path: &str) -> Result<Option<i64>, Error> {
        Ok(self
            .typed(path, "a whole number", INT)?
            .and_then(Value::as_i64))
    }

    /// A number of seconds (Cognito's dates) as whole milliseconds, read without floating point.
    pub fn opt_millis(&self, path: &str) -> Result<Option<i64>, Error> {
        Ok(match self.typed(path, "a number", NUMBER)? {
            Some(Value::Int(seconds)) => Some(crate::clock::millis(*seconds)),
            Some(Value::Decimal(text)) => Some(number::seconds_to_millis(text)),
            _ => None,
        })
    }

    pub fn opt_bool(&self, path: &str) -> Result<Option<bool>, Error> {
        Ok(self
            .typed(path, "true or false", BOOL)?
            .and_then(Value::as_bool))
    }

    /// An object of string values.
    pub fn opt_map(&self, path: &str) -> Result<Option<StringMap>, Error> {
        const EXPECTED: &str = "an object of strings";
        let Some(Value::Object(members)) = self.typed(path, EXPECTED, OBJECT)? else {
            return Ok(None);
        };
        let mut map = StringMap::new();
        for (key, value) in members.iter() {
            let Value::String(text) = value else {
                return Err(self.wrong(path, EXPECTED));
            };
            map.insert(key.to_owned(), text.clone());
        }
        Ok(Some(map))
    }

    pub fn map_or_empty(&self, path: &str) -> Result<StringMap, Error> {
        Ok(self.opt_map(path)?.unwrap_or_default())
    }

    /// An array of strings (empty when absent).
    pub fn strings(&self, path: &str) -> Result<Vec<String>, Error> {
        let mut strings = Vec::new();
        for item in self.array_of(path, "an array of strings", STRING)? {
            strings.push(item.as_str().unwrap_or_default().to_owned());
        }
        Ok(strings)
    }

    /// A string that must be one of `choices` (`None` when absent).
    pub fn opt_choice<T: Copy>(
        &self,
        path: &str,
        choices: &[(&str, T)],
    ) -> Result<Option<T>, Error> {
        let at = self.choice(path, choices.len(), &|at| {
            choices.get(at).map_or("", |(name, _)| *name)
        })?;
        Ok(at.and_then(|at| choices.get(at)).map(|(_, choice)| *choice))
    }

    /// Which of the `count` names `name(0..count)` the string at `path` is (`None` when absent): the part of
    /// [`Reader::opt_choice`] that does not depend on what the choices are.
    fn choice<'c>(
        &self,
        path: &str,
        count: usize,
        name: &dyn Fn(usize) -> &'c str,
    ) -> Result<Option<usize>, Error> {
        let Some(given) = self.opt_str(path)? else {
            return Ok(None);
        };
        if let Some(at) = (0..count).find(|&at| name(at) == given) {
            return Ok(Some(at));
        }
        let mut names = String::from("one of ");
        for at in 0..count {
            if at > 0 {
                names.push_str(", ");
            }
            names.push_str(name(at));
        }
        Err(self.wrong(path, &names))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Value {
        parse(text).unwrap()
    }

    #[test]
    fn members_by_path_with_null_as_absent() {
        let value = json(
            r#"{"a": {"b": "x", "n": null}, "list": ["p", "q"], "map": {"k": "v"}, "num": 7}"#,
        );
        let reader = Reader::reply(&value, "Op").unwrap();
        assert_eq!(reader.string("a.b").unwrap(), "x");
        assert_eq!(reader.opt_string("a.n").unwrap(), None);
        assert_eq!(reader.opt_string("a.missing.deeper").unwrap(), None);
        assert_eq!(reader.strings("list").unwrap(), ["p", "q"]);
        assert!(reader.strings("absent").unwrap().is_empty());
        assert_eq!(reader.opt_map("map").unwrap().unwrap()["k"], "v");
        assert_eq!(reader.opt_u32("num").unwrap(), Some(7));
    }

    #[test]
    fn wrong_types_name_the_member_and_the_source() {
        let value = json(r#"{"a": {"b": 5}, "list": [1], "map": {"k": 1}, "s": "x"}"#);
        let reply = Reader::reply(&value, "GetUser").unwrap();
        let error = reply.string("a.b").unwrap_err();
        assert_eq!(error.name(), "InvalidResponseException");
        assert_eq!(
            error.message,
            "unreadable GetUser reply: a.b must be a string"
        );
        assert!(reply.strings("list").is_err());
        assert!(reply.opt_map("map").is_err());
        assert!(reply.opt_u32("s").is_err());
        assert!(reply.get("s.deeper").is_err(), "a string has no members");
        assert_eq!(
            reply.string("gone").unwrap_err().message,
            "unreadable GetUser reply: gone is required"
        );

        let argument = Reader::argument(&value, "signIn input").unwrap();
        let error = argument.opt_bool("s").unwrap_err();
        assert_eq!(error.name(), "InvalidParameterException");
        assert_eq!(error.message, "signIn input: s must be true or false");
        let choice = argument.opt_choice("s", &[("A", 1), ("B", 2)]).unwrap_err();
        assert_eq!(choice.message, "signIn input: s must be one of A, B");
    }

    #[test]
    fn each_read_takes_its_kinds_and_names_the_rest() {
        let value = json(
            r#"{"n": null, "b": true, "u": 7, "i": -7, "big": 4294967296, "d": 1.5, "s": "x",
                "a": ["x"], "ao": [{}], "o": {"k": "v"}}"#,
        );
        let reader = Reader::reply(&value, "Op").unwrap();
        // Per read: the members it reads (present), and what the others must be; null and absent read as
        // none.
        fn outcome<T>(result: Result<Option<T>, Error>) -> Result<bool, String> {
            result.map(|v| v.is_some()).map_err(|e| e.message.clone())
        }
        fn listed<T>(result: Result<Vec<T>, Error>) -> Result<bool, String> {
            result.map(|v| !v.is_empty()).map_err(|e| e.message.clone())
        }
        type Read<'r> = &'r dyn Fn(&str) -> Result<bool, String>;
        let reads: [(Read, &[&str], &str); 11] = [
            (&|p| outcome(reader.opt_string(p)), &["s"], "a string"),
            (
                &|p| outcome(reader.opt_i64(p)),
                &["u", "i", "big"],
                "a whole number",
            ),
            (&|p| outcome(reader.opt_u32(p)), &["u"], "a whole number"),
            (&|p| outcome(reader.opt_bool(p)), &["b"], "true or false"),
            (
                &|p| outcome(reader.opt_millis(p)),
                &["u", "i", "big", "d"],
                "a number",
            ),
            (&|p| outcome(reader.opt_object(p)), &["o"], "an object"),
            (
                &|p| outcome(reader.opt_map(p)),
                &["o"],
                "an object of strings",
            ),
            (
                &|p| listed(reader.strings(p)),
                &["a"],
                "an array of strings",
            ),
            (
                &|p| listed(reader.objects(p).map(Iterator::collect::<Vec<_>>)),
                &["ao"],
                "an array of objects",
            ),
            (
                &|p| outcome(reader.opt_choice(p, &[("x", 1)])),
                &["s"],
                "a string",
            ),
            (
                &|p| outcome(reader.get(p)),
                &["b", "u", "i", "big", "d", "s", "a", "ao", "o"],
                "",
            ),
        ];
        for (read, takes, expected) in reads {
            for path in [
                "n", "b", "u", "i", "big", "d", "s", "a", "ao", "o", "absent",
            ] {
                let wanted = if takes.contains(&path) {
                    Ok(true)
                } else if ["n", "absent"].contains(&path) {
                    Ok(false)
                } else {
                    Err(format!("unreadable Op reply: {path} must be {expected}"))
                };
                assert_eq!(read(path), wanted, "{path} as {expected}");
            }
            assert_eq!(
                read("s.deeper"),
                Err("unreadable Op reply: s.deeper must be inside an object".to_owned())
            );
            assert_eq!(read("o.absent.deeper"), Ok(false));
        }
        assert_eq!(
            outcome(reader.opt_choice("s", &[("A", 1), ("B", 2)])),
            Err("unreadable Op reply: s must be one of A, B".to_owned())
        );
        assert!(matches!(
            Reader::stored(&Value::Null, "stored session"),
            Err(e) if e.message == "stored session: expected an object"
        ));
    }

    #[test]
    fn syntax_errors_say_why_and_where() {
        for bad in ["", "{", "[1,]", "nul", "\"\\x\"", "1 2", &"[".repeat(200)] {
            let error = parse(bad).unwrap_err();
            let expected = format!("{} at byte {}", error.reason, error.offset);
            assert_eq!(error.message(), expected);
            assert_eq!(error.to_string(), expected);
            assert_eq!(
                parse_argument(bad, "cfg").unwrap_err().message,
                format!("cfg: not JSON ({expected})")
            );
            assert_eq!(
                parse_reply(&format!("{bad} x"), "GetUser")
                    .unwrap_err()
                    .message,
                format!(
                    "unreadable GetUser reply: not JSON ({})",
                    parse(&format!("{bad} x")).unwrap_err()
                )
            );
        }
    }

    #[test]
    fn only_objects_and_null_are_readers() {
        assert!(
            Reader::argument(&Value::Null, "x")
                .unwrap()
                .get("a")
                .unwrap()
                .is_none()
        );
        let not_an_object = json("[1]");
        assert!(matches!(
            Reader::reply(&not_an_object, "Op"),
            Err(e) if e.name() == "InvalidResponseException"
        ));
        assert_eq!(
            parse_reply("", "Op").unwrap(),
            Value::Object(Object::default())
        );
        assert_eq!(
            parse_argument("{", "cfg").unwrap_err().name(),
            "InvalidParameterException"
        );
    }
}
