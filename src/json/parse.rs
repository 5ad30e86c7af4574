//! Reading JSON text (RFC 8259, strictly) into a [`Value`]. Cognito's replies, stored sessions, tokens'
//! claims and the app's arguments all come through here, so every input, however broken or hostile, ends
//! in a [`SyntaxError`], never a panic.
//!
//! It accepts what serde_json accepts, and reads it to the same value (tests/json_props.rs and the `json`
//! fuzz target check this against serde_json): no trailing commas, leading zeros, comments, or bad or
//! unpaired-surrogate escapes; whitespace is space, tab, CR and LF; a number too large for an f64 is an
//! error. Nesting stops at [`MAX_DEPTH`] arrays and objects (serde_json's limit too), so deep input cannot
//! overflow the stack. An integer that fits no i64 is a [`Value::Decimal`], i.e. an f64 where it is used
//! (serde_json keeps those up to `u64::MAX` as integers); so is `-0`, which serde_json reads as `-0.0`.

use crate::prelude::*;
use crate::text;
use core::fmt;

use super::value::{Object, Value};

/// Arrays and objects open at once; the one that would be the 128th is refused, as serde_json does.
pub const MAX_DEPTH: usize = 127;

/// Why text is not JSON, and where (a byte offset).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub reason: &'static str,
    pub offset: usize,
}

impl SyntaxError {
    /// "reason at byte offset", the text `Display` writes too.
    pub fn message(&self) -> String {
        let mut message = text::concat(&[self.reason, " at byte "]);
        text::push_u64(&mut message, self.offset as u64);
        message
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// The value `text` holds, with nothing but whitespace around it.
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    let mut parser = Parser {
        text,
        at: 0,
        depth: 0,
        reason: "",
    };
    let value = parser.value().and_then(|value| {
        parser.whitespace();
        if parser.at < text.len() {
            return parser.fail("trailing characters");
        }
        Some(value)
    });
    value.ok_or(SyntaxError {
        reason: parser.reason,
        offset: parser.at,
    })
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
    /// Why reading failed, when a step gave `None`; the offset is where it stopped (`at`).
    reason: &'static str,
}

impl Parser<'_> {
    /// Fails with `reason`, here. (Each step returns an `Option`, the reason kept aside: an error
    /// returned through every step took more code.)
    fn fail<T>(&mut self, reason: &'static str) -> Option<T> {
        self.reason = reason;
        None
    }

    /// What is left to read.
    fn rest(&self) -> &[u8] {
        self.text.as_bytes().get(self.at..).unwrap_or_default()
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// Consumes `byte` (after whitespace), or fails with `reason`.
    fn expect(&mut self, byte: u8, reason: &'static str) -> Option<()> {
        self.whitespace();
        if self.peek() != Some(byte) {
            return self.fail(reason);
        }
        self.at += 1;
        Some(())
    }

    /// Consumes `byte` (after whitespace) if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        self.whitespace();
        let next = self.peek() == Some(byte);
        self.at += usize::from(next);
        next
    }

    fn value(&mut self) -> Option<Value> {
        self.whitespace();
        match self.peek() {
            Some(open @ (b'{' | b'[')) => self.nested(open),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => self.word(),
            None => self.fail("unexpected end"),
        }
    }

    /// `true`, `false` or `null`.
    fn word(&mut self) -> Option<Value> {
        let rest = self.rest();
        let (length, value) = if rest.starts_with(b"true") {
            (4, Value::Bool(true))
        } else if rest.starts_with(b"false") {
            (5, Value::Bool(false))
        } else if rest.starts_with(b"null") {
            (4, Value::Null)
        } else {
            return self.fail("expected a value");
        };
        self.at += length;
        Some(value)
    }

    /// An array or object (`open` is its opening bracket, next), one level deeper: one function for both,
    /// which differ only in the member name before each value.
    #[inline(never)]
    fn nested(&mut self, open: u8) -> Option<Value> {
        if self.depth == MAX_DEPTH {
            return self.fail("nested too deeply");
        }
        self.depth += 1;
        self.at += 1;
        let object = open == b'{';
        // `]` and `}` are two after `[` and `{` in ASCII.
        let close = open + 2;
        let mut nested = if object {
            Value::Object(Object::default())
        } else {
            Value::Array(Vec::new())
        };
        if !self.eat(close) {
            loop {
                match &mut nested {
                    Value::Object(Object(members)) => {
                        self.whitespace();
                        if self.peek() != Some(b'"') {
                            return self.fail("expected a member name");
                        }
                        let name = self.string()?;
                        self.expect(b':', "expected :")?;
                        members.push((name, self.value()?));
                    }
                    Value::Array(items) => items.push(self.value()?),
                    _ => {}
                }
                if self.eat(close) {
                    break;
                }
                let reason = if object {
                    "expected , or }"
                } else {
                    "expected , or ]"
                };
                self.expect(b',', reason)?;
            }
        }
        self.depth -= 1;
        Some(nested)
    }

    /// A string literal, starting at its opening quote.
    fn string(&mut self) -> Option<String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            // The loop stopped at an ASCII byte (or the end), a character boundary, so `get` cannot fail; it
            // spares the module core's str-slicing panic path (with its Debug formatting, ~4 kB).
            match self.text.get(start..self.at) {
                Some(run) => out.push_str(run),
                None => return self.fail("unterminated string"),
            }
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Some(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    out.push(self.escape()?);
                }
                Some(_) => return self.fail("control character in a string"),
                None => return self.fail("unterminated string"),
            }
        }
    }

    /// The character of an escape, after its backslash.
    fn escape(&mut self) -> Option<char> {
        let Some(kind) = self.peek() else {
            return self.fail("unterminated string");
        };
        self.at += 1;
        Some(match kind {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(),
            _ => return self.fail("invalid escape"),
        })
    }

    /// `\uXXXX`, or a surrogate pair of two; a surrogate without its pair is an error.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.rest().starts_with(b"\\u") {
                    return self.fail("unpaired surrogate");
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return self.fail("unpaired surrogate");
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return self.fail("unpaired surrogate"),
            _ => first,
        };
        match char::from_u32(code) {
            Some(c) => Some(c),
            None => self.fail("invalid escape"),
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut code = 0;
        for _ in 0..4 {
            let Some(digit) = self.peek().and_then(|b| char::from(b).to_digit(16)) else {
                return self.fail("invalid \\u escape");
            };
            code = code * 16 + digit;
            self.at += 1;
        }
        Some(code)
    }

    /// Consumes ASCII digits; how many.
    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Option<Value> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        self.at += usize::from(negative);
        let leading_zero = self.peek() == Some(b'0');
        // The whole part as it is read, below zero (i64::MIN has no positive counterpart); `None` once it
        // leaves i64's range.
        let mut whole = Some(0i64);
        let whole_start = self.at;
        while let Some(digit @ b'0'..=b'9') = self.peek() {
            // (A comparison, where `checked_mul` would be a 128-bit multiplication in wasm.)
            whole = whole
                .filter(|&n| n >= i64::MIN / 10)
                .and_then(|n| (n * 10).checked_sub(i64::from(digit - b'0')));
            self.at += 1;
        }
        match self.at - whole_start {
            0 => return self.fail("invalid number"),
            1 => {}
            _ if leading_zero => return self.fail("leading zero in a number"),
            _ => {}
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return self.fail("invalid number");
            }
            integer = false;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return self.fail("invalid number");
            }
            integer = false;
        }
        if integer {
            // `-0` is no integer: a decimal, as serde_json reads it (-0.0).
            let int = if negative {
                whole.filter(|&n| n != 0)
            } else {
                whole.and_then(i64::checked_neg)
            };
            if let Some(n) = int {
                return Some(Value::Int(n));
            }
        }
        let Some(text) = self.text.get(start..self.at) else {
            return self.fail("invalid number");
        };
        if super::number::fits_f64(text) {
            Some(Value::Decimal(text.to_owned()))
        } else {
            self.fail("number out of range")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Value {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn refused(text: &str) -> &'static str {
        parse(text)
            .map(|v| panic!("{text} read as {v:?}"))
            .unwrap_err()
            .reason
    }

    #[test]
    fn reads_every_kind_of_value() {
        let value =
            ok(r#" {"a": [1, -2.5e1, true, false, null], "s": "x\u00e9\ud83d\ude00\n", "o": {}} "#);
        assert_eq!(
            value.to_string(),
            r#"{"a":[1,-2.5e1,true,false,null],"s":"xé😀\n","o":{}}"#
        );
        assert_eq!(
            ok("-0").as_f64().map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        assert_eq!(ok("9223372036854775807"), Value::Int(i64::MAX));
        assert_eq!(ok("-9223372036854775808"), Value::Int(i64::MIN));
        assert_eq!(
            ok("9223372036854775808").as_f64(),
            Some(9223372036854775808.0)
        );
    }

    #[test]
    fn refuses_what_rfc_8259_does_not_allow() {
        for text in [
            "",
            " ",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "-01",
            "1.",
            ".5",
            "+1",
            "1e",
            "1e+",
            "-",
            "0x1",
            "NaN",
            "Infinity",
            "tru",
            "nul",
            "'a'",
            "[1 2]",
            "{\"a\" 1}",
            "{a:1}",
            "[",
            "{",
            "\"a",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"\\ud800\\u0041\"",
            "\"a\u{1}\"",
            "1 2",
            "[1]]",
            "// c\n1",
            "\u{feff}1",
        ] {
            assert!(parse(text).is_err(), "{text:?} accepted");
        }
        assert_eq!(refused("1e400"), "number out of range");
        assert_eq!(refused("[1,]"), "expected a value");
    }

    #[test]
    fn nesting_stops_at_the_limit() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(parse(&deep(MAX_DEPTH)).is_ok());
        assert_eq!(refused(&deep(MAX_DEPTH + 1)), "nested too deeply");
        assert_eq!(refused(&"[".repeat(100_000)), "nested too deeply");
    }
}
