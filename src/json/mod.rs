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

use crate::error::Error;

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
    parse(text).map_err(|e| source.error(text::concat(&["not JSON (", &e.message(), ")"])))
}

impl Source<'_> {
    fn error(self, detail: String) -> Error {
        match self {
            Source::Reply(operation) => Error::invalid_response(text::concat(&[
                "unreadable ",
                operation,
                " reply: ",
                &detail,
            ])),
            Source::Argument(what) => {
                Error::invalid_parameter(text::concat(&[what, ": ", &detail]))
            }
            Source::Stored(what) => Error::invalid_response(text::concat(&[what, ": ", &detail])),
        }
    }
}

/// Parses a reply body (an empty body is an empty object: operations without a result may send none).
pub fn parse_reply(text: &str, operation: &str) -> Result<Value, Error> {
    if text.trim().is_empty() {
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

impl<'a> Reader<'a> {
    /// A reply of `operation`, which must be an object.
    pub fn reply(value: &'a Value, operation: &'a str) -> Result<Self, Error> {
        Self::object(value, Source::Reply(operation))
    }

    /// An app's argument; `null` reads as an object with no members.
    pub fn argument(value: &'a Value, what: &'a str) -> Result<Self, Error> {
        Self::object(value, Source::Argument(what))
    }

    /// A value this library stored, which must be an object.
    pub fn stored(value: &'a Value, what: &'a str) -> Result<Self, Error> {
        if value.is_object() {
            Self::object(value, Source::Stored(what))
        } else {
            Err(Source::Stored(what).error("expected an object".to_owned()))
        }
    }

    fn object(value: &'a Value, source: Source<'a>) -> Result<Self, Error> {
        if value.is_object() || value.is_null() {
            Ok(Self { value, source })
        } else {
            Err(source.error("expected an object".to_owned()))
        }
    }

    fn wrong(&self, path: &str, expected: &str) -> Error {
        self.source
            .error(text::concat(&[path, " must be ", expected]))
    }

    fn missing(&self, path: &str) -> Error {
        self.source.error(text::concat(&[path, " is required"]))
    }

    /// The member at `path` (`"options.clientMetadata"`); `None` when it, or an object on the way, is
    /// absent or null.
    pub fn get(&self, path: &str) -> Result<Option<&'a Value>, Error> {
        let mut value = self.value;
        for key in text::split(path, '.') {
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

    /// Every member name, for shapes that allow no others.
    pub fn keys(&self) -> impl Iterator<Item = &'a str> {
        self.value.as_object().into_iter().flat_map(Object::keys)
    }

    /// The object at `path`, if present.
    pub fn opt_object(&self, path: &str) -> Result<Option<Reader<'a>>, Error> {
        match self.get(path)? {
            None => Ok(None),
            Some(value @ Value::Object(_)) => Ok(Some(Reader {
                value,
                source: self.source,
            })),
            Some(_) => Err(self.wrong(path, "an object")),
        }
    }

    pub fn object_at(&self, path: &str) -> Result<Reader<'a>, Error> {
        self.opt_object(path)?.ok_or_else(|| self.missing(path))
    }

    /// The array at `path` (empty when absent), each item read by `read`, which says `None` when the item
    /// is not what the array holds.
    fn array_of<T>(
        &self,
        path: &str,
        expected: &str,
        read: impl Fn(&'a Value) -> Option<T>,
    ) -> Result<Vec<T>, Error> {
        let Some(value) = self.get(path)? else {
            return Ok(Vec::new());
        };
        let items = value.as_array().ok_or_else(|| self.wrong(path, expected))?;
        items
            .iter()
            .map(|item| read(item).ok_or_else(|| self.wrong(path, expected)))
            .collect()
    }

    /// The array of objects at `path` (none when absent).
    pub fn objects(&self, path: &str) -> Result<Vec<Reader<'a>>, Error> {
        let source = self.source;
        self.array_of(path, "an array of objects", |value| {
            value.is_object().then_some(Reader { value, source })
        })
    }

    pub fn string(&self, path: &str) -> Result<String, Error> {
        self.opt_string(path)?.ok_or_else(|| self.missing(path))
    }

    /// A string that may be left out (the empty string then).
    pub fn string_or_empty(&self, path: &str) -> Result<String, Error> {
        Ok(self.opt_string(path)?.unwrap_or_default())
    }

    /// The member at `path` read by `read`, which says `None` when it is not `expected`.
    fn opt_as<T>(
        &self,
        path: &str,
        expected: &str,
        read: impl FnOnce(&Value) -> Option<T>,
    ) -> Result<Option<T>, Error> {
        match self.get(path)? {
            None => Ok(None),
            Some(value) => read(value)
                .map(Some)
                .ok_or_else(|| self.wrong(path, expected)),
        }
    }

    pub fn opt_string(&self, path: &str) -> Result<Option<String>, Error> {
        self.opt_as(path, "a string", |v| v.as_str().map(str::to_owned))
    }

    pub fn opt_u32(&self, path: &str) -> Result<Option<u32>, Error> {
        self.opt_as(path, "a whole number", |v| {
            v.as_i64().and_then(|n| u32::try_from(n).ok())
        })
    }

    pub fn opt_i64(&self, path: &str) -> Result<Option<i64>, Error> {
        self.opt_as(path, "a whole number", Value::as_i64)
    }

    /// A number of seconds (Cognito's dates) as whole milliseconds, read without floating point.
    pub fn opt_millis(&self, path: &str) -> Result<Option<i64>, Error> {
        self.opt_as(path, "a number", |value| match value {
            Value::Int(seconds) => Some(seconds.saturating_mul(1000)),
            Value::Decimal(text) => Some(number::seconds_to_millis(text)),
            _ => None,
        })
    }

    pub fn opt_bool(&self, path: &str) -> Result<Option<bool>, Error> {
        self.opt_as(path, "true or false", Value::as_bool)
    }

    /// An object of string values.
    pub fn opt_map(&self, path: &str) -> Result<Option<StringMap>, Error> {
        let Some(value) = self.get(path)? else {
            return Ok(None);
        };
        let members = value
            .as_object()
            .ok_or_else(|| self.wrong(path, "an object of strings"))?;
        members
            .iter()
            .map(|(key, value)| match value {
                Value::String(text) => Ok((key.to_owned(), text.clone())),
                _ => Err(self.wrong(path, "an object of strings")),
            })
            .collect::<Result<_, _>>()
            .map(Some)
    }

    pub fn map_or_empty(&self, path: &str) -> Result<StringMap, Error> {
        Ok(self.opt_map(path)?.unwrap_or_default())
    }

    /// An array of strings (empty when absent).
    pub fn strings(&self, path: &str) -> Result<Vec<String>, Error> {
        self.array_of(path, "an array of strings", |item| {
            item.as_str().map(str::to_owned)
        })
    }

    /// A string that must be one of `choices` (`None` when absent).
    pub fn opt_choice<T: Copy>(
        &self,
        path: &str,
        choices: &[(&str, T)],
    ) -> Result<Option<T>, Error> {
        let Some(given) = self.opt_string(path)? else {
            return Ok(None);
        };
        choices
            .iter()
            .find(|(name, _)| *name == given)
            .map(|(_, choice)| Some(*choice))
            .ok_or_else(|| {
                let names = text::join(choices.iter().map(|(name, _)| *name), ", ");
                self.wrong(path, &(String::from("one of ") + &names))
            })
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
