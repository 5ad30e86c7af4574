//! Two string operations the shipped modules need, written out: `[…].join(separator)` and
//! `str::contains(&str)` would bring core's generic slice-join copy (1.3 kB of wasm per instance) and its
//! two-way substring searcher (3 kB) into the modules, for a handful of short messages and names.

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
}
