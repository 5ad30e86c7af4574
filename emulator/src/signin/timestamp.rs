//! The TIMESTAMP of PASSWORD_VERIFIER and DEVICE_PASSWORD_VERIFIER answers: its one accepted format and
//! how far it may be from the emulator's clock.
//!
//! The format is what Cognito's clients produce, `Tue Sep 5 00:09:40 UTC 2018` (English names, UTC, day not
//! zero-padded, weekday matching the date); AWS is reported to refuse anything else. AWS documents no
//! tolerance for the time itself, only that the challenge must be answered quickly; clients whose clock is
//! more than about five minutes off are reported to fail, the same allowance AWS gives signed requests.
//! The emulator therefore accepts [`TOLERANCE_SECS`] either way of its own "now" (which the dev clock offset
//! moves), so a client that signs with a skewed device clock fails here as it would against AWS.

use cognito_wasm::srp;

use crate::error::{CognitoError, OpResult};

/// How far TIMESTAMP may be from the emulator's clock, either way.
pub const TOLERANCE_SECS: i64 = 5 * 60;

/// Checks a TIMESTAMP answered to `challenge` at `now` (epoch seconds). A malformed or out-of-window
/// value is refused as a wrong password would be (Cognito reveals no more), with a hint on stderr.
pub fn check(challenge: &str, text: &str, now: i64) -> OpResult<()> {
    let Some(secs) = parse_canonical(text) else {
        eprintln!(
            "cognito-emulator: {challenge} refused: TIMESTAMP {text:?} is not in Cognito's format \
             (e.g. \"Tue Sep 5 00:09:40 UTC 2018\")"
        );
        return Err(CognitoError::incorrect_credentials());
    };
    if (secs - now).abs() > TOLERANCE_SECS {
        eprintln!(
            "cognito-emulator: {challenge} refused: TIMESTAMP {text:?} is {} s from the emulator's clock \
             ({}); at most {TOLERANCE_SECS} s is allowed",
            secs - now,
            srp::timestamp(now)
        );
        return Err(CognitoError::incorrect_credentials());
    }
    Ok(())
}

/// The epoch seconds of a TIMESTAMP in exactly the canonical format, else `None`.
pub fn parse_canonical(text: &str) -> Option<i64> {
    parse(text).filter(|secs| srp::timestamp(*secs) == text)
}

/// Reads the fields leniently; [`parse_canonical`] then insists on the exact rendering, which also rejects
/// impossible dates (Feb 30) and wrong weekdays.
fn parse(text: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<&str> = text.split(' ').collect();
    let [_weekday, month, day, time, "UTC", year] = parts.as_slice() else {
        return None;
    };
    let month = MONTHS.iter().position(|m| m == month)? as i64 + 1;
    let day: i64 = day.parse().ok()?;
    let year: i64 = year.parse().ok()?;
    let mut hms = time.split(':').map(|p| p.parse::<i64>().ok());
    let (Some(Some(h)), Some(Some(m)), Some(Some(s)), None) =
        (hms.next(), hms.next(), hms.next(), hms.next())
    else {
        return None;
    };
    if !(1..=31).contains(&day)
        || !(0..24).contains(&h)
        || !(0..60).contains(&m)
        || !(0..61).contains(&s)
        || !(1970..=9999).contains(&year)
    {
        return None;
    }
    // Days from civil date (H. Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + m * 60 + s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_timestamps() {
        assert_eq!(
            parse_canonical("Tue Sep 25 00:09:40 UTC 2018"),
            Some(1_537_834_180)
        );
        assert!(parse_canonical("Thu Feb 1 13:05:07 UTC 2024").is_some());
        assert_eq!(
            parse_canonical(&srp::timestamp(1_700_000_000)),
            Some(1_700_000_000)
        );
        let refused = [
            ("Thu Feb 01 13:05:07 UTC 2024", "zero-padded day"),
            ("Fri Feb 1 13:05:07 UTC 2024", "wrong weekday"),
            ("Thu Feb 1 13:05:07 GMT 2024", "not UTC"),
            ("Thu Feb 30 13:05:07 UTC 2024", "no such date"),
            ("Thu Feb  1 13:05:07 UTC 2024", "two spaces"),
            ("Thu Feb 1 13:05 UTC 2024", "no seconds"),
            ("1706792707", "epoch seconds"),
            ("2024-02-01T13:05:07Z", "ISO 8601"),
            ("", "empty"),
        ];
        for (text, why) in refused {
            assert_eq!(parse_canonical(text), None, "{why}: {text:?}");
        }
    }

    #[test]
    fn window_around_now() {
        let now = 1_700_000_000;
        let at = |offset: i64| srp::timestamp(now + offset);
        assert!(check("PASSWORD_VERIFIER", &at(0), now).is_ok());
        assert!(check("PASSWORD_VERIFIER", &at(TOLERANCE_SECS), now).is_ok());
        assert!(check("PASSWORD_VERIFIER", &at(-TOLERANCE_SECS), now).is_ok());
        for offset in [TOLERANCE_SECS + 1, -TOLERANCE_SECS - 1, 3 * 3600, -3 * 3600] {
            let error = check("PASSWORD_VERIFIER", &at(offset), now).unwrap_err();
            assert_eq!(error.name, "NotAuthorizedException", "offset {offset}");
            assert_eq!(error.message, "Incorrect username or password.");
        }
        assert!(check("PASSWORD_VERIFIER", "Thu Feb 01 13:05:07 UTC 2024", now).is_err());
    }
}
