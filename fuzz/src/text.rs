//! Target `text`: the crate's byte-wise text helpers (`cognito_wasm::text`), which replaced core's UTF-8
//! validator and its char/string pattern searchers in the session module, against core and alloc, the oracle.
//!
//! * The bytes: `from_utf8` reads text exactly when `String::from_utf8` does, and the same text.
//! * The first byte as an ASCII separator (its low 7 bits) and the rest as text (lossily): `split`,
//!   `split_once` and `trim_end` give what `str::split`, `str::split_once` and `str::trim_end_matches` with
//!   that character give.
//!
//! No input may panic either side. There are no deliberate differences.

use cognito_wasm::text;

use super::Reached;

/// `decoded`: the bytes were UTF-8; `success`: the separator occurred in the text.
pub fn run(data: &[u8]) -> Reached {
    let read = text::from_utf8(data);
    assert_eq!(
        read,
        String::from_utf8(data.to_vec()).ok(),
        "from_utf8({data:?})"
    );
    let Some((&first, rest)) = data.split_first() else {
        return Reached::default();
    };
    let separator = first & 0x7F;
    let sep = char::from(separator);
    let text = String::from_utf8_lossy(rest);
    let pieces: Vec<&str> = text::split(&text, separator).collect();
    assert_eq!(
        pieces,
        text.split(sep).collect::<Vec<_>>(),
        "split({text:?}, {sep:?})"
    );
    let once = text::split_once(&text, separator);
    assert_eq!(once, text.split_once(sep), "split_once({text:?}, {sep:?})");
    assert_eq!(
        text::trim_end(&text, separator),
        text.trim_end_matches(sep),
        "trim_end({text:?}, {sep:?})"
    );
    Reached {
        decoded: read.is_some(),
        success: once.is_some(),
    }
}
