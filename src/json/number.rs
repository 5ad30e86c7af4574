//! Reading a JSON number's text without floating point, so that the page's session core links no float
//! parser (Rust's `str::parse::<f64>`: ~6 kB of code and a 10 kB table of powers of five). The reader needs
//! only "does it fit an f64" (serde_json refuses a number that overflows one), and JWT times only their
//! whole part; both are exact decimal comparisons. Cognito's dates (seconds with a fraction) become
//! whole milliseconds the same way ([`seconds_to_millis`]), so neither module parses floats. Checked against `str::parse::<f64>` by the unit tests below, against serde_json by
//! tests/json_props.rs and the `json` fuzz target.

use crate::prelude::*;

/// A valid JSON number as `0.DIGITS × 10^exponent`: DIGITS without leading or trailing zeros (none for a
/// zero, whose exponent is 0 whatever the text said: `0e20` is no larger than `0`), the exponent saturated at
/// i64's range.
struct Scientific {
    negative: bool,
    digits: Vec<u8>,
    exponent: i64,
}

fn scientific(text: &str) -> Scientific {
    // One pass over the bytes: the text is valid JSON, so a `-` is the sign (before any `e`) or the
    // exponent's, and every digit after an `e` is the exponent's.
    let (mut digits, mut point, mut fraction) = (Vec::new(), 0i64, false);
    let (mut negative, mut in_exponent, mut exponent_negative, mut exponent) =
        (false, false, false, 0i64);
    for b in text.bytes() {
        match b {
            b'-' if in_exponent => exponent_negative = true,
            b'-' => negative = true,
            b'+' => {}
            b'.' => fraction = true,
            b'e' | b'E' => in_exponent = true,
            _ if in_exponent => {
                // Saturated (a comparison: `saturating_mul` is a 128-bit multiplication in wasm32). From
                // 922337203685477580 on it may saturate a digit earlier than `saturating_mul` would:
                // every exponent that large reads alike.
                exponent = if exponent > (i64::MAX - 9) / 10 {
                    i64::MAX
                } else {
                    exponent * 10 + i64::from(b - b'0')
                };
            }
            // A leading zero moves the point after it, or not at all before it.
            b'0' if digits.is_empty() => point -= i64::from(fraction),
            _ => {
                digits.push(b);
                point += i64::from(!fraction);
            }
        }
    }
    if exponent_negative {
        exponent = -exponent;
    }
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    Scientific {
        negative,
        exponent: if digits.is_empty() {
            0
        } else {
            point.saturating_add(exponent)
        },
        digits,
    }
}

/// The digits of 2^1024 − 2^970 = 0.DIGITS × 10^309, halfway between f64::MAX and 2^1024: a number at or
/// above it rounds to infinity.
const OVERFLOW: &[u8] = b"179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";

/// Whether a valid JSON number's text reads as a finite f64.
pub fn fits_f64(text: &str) -> bool {
    let number = scientific(text);
    number.digits.is_empty()
        || number.exponent < 309
        || (number.exponent == 309 && number.digits.as_slice() < OVERFLOW)
}

/// The floor of a valid JSON number's text, when its magnitude is below 10^15.
pub fn floor_below_1e15(text: &str) -> Option<i64> {
    let number = scientific(text);
    // 0.DIGITS × 10^exponent with a first digit above zero: below 10^15 exactly when the exponent is ≤ 15.
    if number.exponent > 15 {
        return None;
    }
    let whole_digits = usize::try_from(number.exponent).unwrap_or(0);
    let mut whole: i64 = 0;
    for at in 0..whole_digits {
        let digit = number.digits.get(at).map_or(0, |d| d - b'0');
        whole = whole * 10 + i64::from(digit);
    }
    let fraction = number.digits.len() > whole_digits;
    Some(if number.negative {
        -whole - i64::from(fraction)
    } else {
        whole
    })
}

/// A valid JSON number of seconds as whole milliseconds, rounded half away from zero and saturated at
/// i64's range, as `(seconds * 1000.0).round() as i64` but exact (Cognito's device dates).
pub fn seconds_to_millis(text: &str) -> i64 {
    let number = scientific(text);
    // The first digit is not zero: 20 whole digits of milliseconds are 10^19 or more, beyond i64 either way.
    let whole_digits = number.exponent.saturating_add(3);
    if whole_digits > 19 {
        return if number.negative { i64::MIN } else { i64::MAX };
    }
    let whole_digits = usize::try_from(whole_digits).unwrap_or(0);
    let digit = |at: usize| u64::from(number.digits.get(at).map_or(0, |d| d - b'0'));
    // At most 19 digits, plus one: a u64 holds them.
    let mut millis: u64 = 0;
    for at in 0..whole_digits {
        millis = millis * 10 + digit(at);
    }
    // The first digit after the whole part: 5 or more rounds away from zero. A negative exponent beyond
    // the digits leaves nothing to round.
    if number.exponent.saturating_add(3) >= 0 && digit(whole_digits) >= 5 {
        millis += 1;
    }
    if number.negative {
        0i64.checked_sub_unsigned(millis).unwrap_or(i64::MIN)
    } else {
        i64::try_from(millis).unwrap_or(i64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_f64_as_the_float_parser_says() {
        let max = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";
        let below = format!("{}{}", &max[..max.len() - 1], "1");
        for text in [
            "0",
            "-0",
            "0.0e99999999999999999999",
            "1e308",
            "1.7976931348623157e308",
            "1.8e308",
            "-1.8e308",
            "1e309",
            "0.1e310",
            "100e306",
            "1e99999999999999999999999",
            "1e-99999999999999999999999",
            "0.000001e314",
            max,
            &below,
            &format!("{max}.0000"),
            &format!("{}.5", &max[..max.len() - 1]),
            "17976931348623158e292",
            "17976931348623157e292",
            // Exponents where the saturation starts (922337203685477580 and on) and at i64's end.
            "1e922337203685477579",
            "1e922337203685477580",
            "1e9223372036854775800",
            "1e9223372036854775807",
            "1e9223372036854775808",
            "0.001e922337203685477580",
            "1e-922337203685477580",
            "1e-9223372036854775807",
            "1e-9223372036854775808",
            "1000e-9223372036854775808",
        ] {
            let expected = text.parse::<f64>().is_ok_and(f64::is_finite);
            assert_eq!(fits_f64(text), expected, "{text}");
        }
    }

    #[test]
    fn millis_as_the_float_rounding() {
        for text in [
            "0",
            "-0",
            "1700000000",
            "1700000000.123",
            "1.700000000123E9",
            "1700000000.1235",
            "-1700000000.1236",
            "0.0004",
            "0.0005",
            "-0.0005",
            "0.00049",
            "1e-9",
            "1e-400",
            "12.5e-3",
            "9.223372036854775807e15",
            "1e17",
            "-1e17",
            "1e300",
            "-1e300",
            "5e-4",
            "0e20",
            "-0.0E400",
            // Exponents where their saturation starts, and beyond i64.
            "1e922337203685477580",
            "-1e-922337203685477580",
            "1e-9223372036854775808",
            "-1e-9223372036854775808",
        ] {
            let x: f64 = text.parse().unwrap();
            assert_eq!(
                seconds_to_millis(text),
                (x * 1000.0).round() as i64,
                "{text}"
            );
        }
    }

    #[test]
    fn floor_as_the_float_floor() {
        for text in [
            "0",
            "-0",
            "0.5",
            "-0.5",
            "1.6999964e9",
            "1700000000.75",
            "-1700000000.75",
            "1e14",
            "999999999999999.5",
            "-999999999999999.5",
            "1e15",
            "-1e15",
            "1e-5",
            "-1e-5",
            "12.34e1",
            "0.00123e5",
            "5E+2",
            "1e99999999999999999999",
            "-3",
            "0e20",
            "-0.0E400",
            // Exponents where their saturation starts, and beyond i64 (not negative ones below -1: the
            // float underflows to -0, whose floor is 0, where the number's is -1).
            "1e922337203685477580",
            "1e-9223372036854775808",
            "-1e922337203685477580",
        ] {
            let x: f64 = text.parse().unwrap();
            let expected = (x.abs() < 1e15).then(|| x.floor() as i64);
            assert_eq!(floor_below_1e15(text), expected, "{text}");
        }
        assert_eq!(floor_below_1e15("-1e-922337203685477580"), Some(-1));
    }
}
