//! The string operations the shipped modules need, written out: `[…].join(separator)` and
//! `str::contains(&str)` would bring core's generic slice-join copy (1.3 kB of wasm per instance) and its
//! two-way substring searcher (3 kB) into the modules, for a handful of short messages and names; `format!`
//! and `to_string()` on numbers bring core's formatting machinery (`fmt::write`, `Formatter`, every
//! argument's `Display`), where the messages only put strings and small numbers side by side; `str::split`
//! brings core's `Split` and its reverse byte search, with panics that format indices. Substrings are taken
//! with whole ranges (`text.get(0..end)`, `text.get(start..text.len())`): `str::get` is a copy per range type,
//! and the session module carried three (143 B) where one does.

use crate::prelude::*;

/// `parts` with `separator` between them.
pub fn join<'a>(parts: impl IntoIterator<Item = &'a str>, separator: &str) -> String {
    let mut joined = String::new();
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            joined.push_str(separator);
        }
        joined.push_str(part);
    }
    joined
}

/// `parts` one after another: what `format!` made of a message's pieces.
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `n` in decimal, as `n.to_string()` writes it.
pub fn decimal(n: i64) -> String {
    let mut out = String::new();
    push_i64(&mut out, n);
    out
}

/// `n` in decimal, appended to `out`.
pub fn push_i64(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_u64(out, n.unsigned_abs());
}

/// `n` in decimal, appended to `out`: the digits before the last one first (at most 19 calls deep).
pub fn push_u64(out: &mut String, n: u64) {
    if n >= 10 {
        push_u64(out, n / 10);
    }
    push_digit(out, n % 10, false);
}

/// `byte` as two hexadecimal digits (`{:02x}`, or `{:02X}` when `upper`), appended to `out`.
pub fn push_hex_byte(out: &mut String, byte: u8, upper: bool) {
    push_digit(out, u64::from(byte >> 4), upper);
    push_digit(out, u64::from(byte & 0xf), upper);
}

/// One digit (below 16) in lowercase or uppercase.
fn push_digit(out: &mut String, digit: u64, upper: bool) {
    let digit = u32::try_from(digit)
        .ok()
        .and_then(|d| char::from_digit(d, 16))
        .unwrap_or('?');
    out.push(if upper {
        digit.to_ascii_uppercase()
    } else {
        digit
    });
}

/// RFC 3986 percent-encoding (`%XX`, uppercase) of every byte but the unreserved characters (letters,
/// digits, `-._~`), for URL queries and forms and the TOTP setup URI.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            push_hex_byte(&mut out, byte, true);
        }
    }
    out
}

/// The pieces of `text` between `separator`s (an ASCII byte), as `text.split(separator)` gives them: core's
/// `Split` carries a slice-index panic whose message formats numbers.
pub fn split(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    core::iter::from_fn(move || {
        let current = rest.take()?;
        Some(match split_once(current, separator) {
            Some((piece, after)) => {
                rest = Some(after);
                piece
            }
            None => current,
        })
    })
}

/// `text` before and after the first `separator` (an ASCII byte), as `text.split_once(separator)`: core's
/// char patterns bring its `CharSearcher` and `memchr` (some 1 kB of wasm) into the session module.
pub fn split_once(text: &str, separator: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == separator)?;
    Some((text.get(0..at)?, text.get(at + 1..text.len())?))
}

/// `text` without the `byte`s (ASCII) at its end, as `text.trim_end_matches(byte)`.
pub fn trim_end(text: &str, byte: u8) -> &str {
    let end = text.bytes().rposition(|b| b != byte).map_or(0, |at| at + 1);
    text.get(0..end).unwrap_or_default()
}

/// `bytes` as text when they are UTF-8, as `String::from_utf8(bytes.to_vec()).ok()`: core's validator
/// (`str::from_utf8`, 0.7 kB of wasm) was in the session module for the JWT payloads alone. Each character
/// is decoded and pushed: an overlong form, a surrogate or a code point above U+10FFFF is refused.
pub fn from_utf8(bytes: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&first, tail)) = rest.split_first() {
        // The continuation bytes, the least code point that needs that many, and the first byte's bits.
        let (more, least, bits) = match first {
            0x00..=0x7F => (0, 0, first),
            0xC0..=0xDF => (1, 0x80, first & 0x1F),
            0xE0..=0xEF => (2, 0x800, first & 0x0F),
            0xF0..=0xF7 => (3, 0x1_0000, first & 0x07),
            _ => return None,
        };
        let mut code = u32::from(bits);
        for &b in tail.get(..more)? {
            if b & 0xC0 != 0x80 {
                return None;
            }
            code = code << 6 | u32::from(b & 0x3F);
        }
        if code < least {
            return None;
        }
        out.push(char::from_u32(code)?);
        rest = tail.get(more..)?;
    }
    Some(out)
}

/// Whether `needle` occurs in `haystack` (byte by byte: these are short ASCII texts).
pub fn contains(haystack: &str, needle: &str) -> bool {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    (0..=haystack.len().saturating_sub(needle.len()))
        .any(|at| haystack.get(at..at + needle.len()) == Some(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_and_contains_agree_with_std() {
        let cases: [&[&str]; 4] = [&[], &["a"], &["SMS", "TOTP"], &["", "x", ""]];
        for parts in cases {
            assert_eq!(join(parts.iter().copied(), ", "), parts.join(", "));
        }
        for text in ["", ".", "a", "a.b", ".a..b.", "é.😀", "127.0.0.1"] {
            assert_eq!(
                split(text, b'.').collect::<Vec<_>>(),
                text.split('.').collect::<Vec<_>>(),
                "{text:?}"
            );
            assert_eq!(split_once(text, b'.'), text.split_once('.'), "{text:?}");
        }
        // Overlong forms, surrogates, above U+10FFFF, cut short, stray continuations, the limits.
        let edges: [&[u8]; 16] = [
            b"\xC0\x80",
            b"\xC1\xBF",
            b"\xC2\x80",
            b"\xE0\x80\x80",
            b"\xE0\x9F\xBF",
            b"\xE0\xA0\x80",
            b"\xED\x9F\xBF",
            b"\xED\xA0\x80",
            b"\xED\xBF\xBF",
            b"\xF0\x8F\xBF\xBF",
            b"\xF0\x90\x80\x80",
            b"\xF4\x8F\xBF\xBF",
            b"\xF4\x90\x80\x80",
            b"\xF8\x88\x80\x80\x80",
            b"a\xE2\x82",
            b"\x80a",
        ];
        for bytes in edges {
            assert_eq!(
                from_utf8(bytes),
                String::from_utf8(bytes.to_vec()).ok(),
                "{bytes:?}"
            );
        }
        for text in ["", "=", "==", "a", "a==", "=a=", "é=", "ab=c"] {
            assert_eq!(trim_end(text, b'='), text.trim_end_matches('='), "{text:?}");
        }
        assert_eq!(concat(&[]), "");
        assert_eq!(concat(&["a", "", "bc"]), "abc");
        for haystack in ["", "a", "Device does not exist", "https://x", "é://"] {
            for needle in ["", "device", "Device", "://", "x", "é", "https://x!"] {
                assert_eq!(
                    contains(haystack, needle),
                    haystack.contains(needle),
                    "{haystack:?} {needle:?}"
                );
            }
        }
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        for byte in 0..128 {
            let c = char::from(byte);
            let expected = if c.is_ascii_alphanumeric() || "-._~".contains(c) {
                c.to_string()
            } else {
                format!("%{byte:02X}")
            };
            assert_eq!(percent_encode(&c.to_string()), expected);
        }
        assert_eq!(percent_encode("a b/é~😀"), "a%20b%2F%C3%A9~%F0%9F%98%80");
    }

    #[test]
    fn numbers_are_written_as_std_writes_them() {
        let mut values = vec![
            0,
            1,
            -1,
            9,
            10,
            -10,
            99,
            100,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ];
        values.extend((1..19).flat_map(|k| {
            let p = 10_i64.pow(k);
            [p - 1, p, p + 1, -p]
        }));
        for n in values {
            assert_eq!(decimal(n), n.to_string());
        }
        for n in [
            u64::MAX,
            u64::MAX - 1,
            10_000_000_000_000_000_000,
            9_999_999_999_999_999_999,
        ] {
            let mut out = String::from("x");
            push_u64(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
        for byte in 0..=u8::MAX {
            let mut out = String::new();
            push_hex_byte(&mut out, byte, false);
            push_hex_byte(&mut out, byte, true);
            assert_eq!(out, format!("{byte:02x}{byte:02X}"));
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        #[test]
        fn split_agrees_with_std(text in "[a.é:=😀]{0,12}", separator in "[.:=]") {
            let byte = separator.as_bytes()[0];
            let separator = char::from(byte);
            proptest::prop_assert_eq!(
                split(&text, byte).collect::<Vec<_>>(),
                text.split(separator).collect::<Vec<_>>()
            );
            proptest::prop_assert_eq!(split_once(&text, byte), text.split_once(separator));
            proptest::prop_assert_eq!(trim_end(&text, byte), text.trim_end_matches(separator));
        }

        #[test]
        fn from_utf8_agrees_with_std(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..12),
            text: String,
            at: usize,
            byte: u8,
        ) {
            proptest::prop_assert_eq!(from_utf8(&bytes), String::from_utf8(bytes.clone()).ok());
            // Mostly valid text, one byte of it changed.
            let mut changed = text.clone().into_bytes();
            proptest::prop_assert_eq!(from_utf8(&changed), Some(text));
            if !changed.is_empty() {
                let at = at % changed.len();
                changed[at] = byte;
            }
            proptest::prop_assert_eq!(from_utf8(&changed), String::from_utf8(changed.clone()).ok());
        }

        #[test]
        fn any_integer_is_written_as_std_writes_it(n: i64, m: u64) {
            proptest::prop_assert_eq!(decimal(n), n.to_string());
            let mut out = String::new();
            push_u64(&mut out, m);
            proptest::prop_assert_eq!(out, m.to_string());
        }
    }
}
