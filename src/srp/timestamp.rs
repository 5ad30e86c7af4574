//! The `TIMESTAMP` string Cognito signs: `ddd MMM D HH:mm:ss UTC YYYY`, English names, UTC, day of month
//! not zero-padded. Computed from a Unix time so that callers decide which clock (and skew) to use.

use crate::prelude::*;
use crate::text;

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Formats a Unix time (seconds) as Cognito's SRP timestamp.
pub fn timestamp(unix_secs: i64) -> String {
    let days = unix_secs.div_euclid(86_400);
    let secs_of_day = unix_secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday. Both lookups are in range by construction (rem_euclid, month 1..=12).
    let weekday = WEEKDAYS
        .get((days + 4).rem_euclid(7) as usize)
        .unwrap_or(&"Sun");
    let month_name = MONTHS.get((month - 1) as usize).unwrap_or(&"Jan");
    let mut stamp = text::concat(&[weekday, " ", month_name, " "]);
    text::push_i64(&mut stamp, day);
    for (separator, n) in [
        (" ", secs_of_day / 3600),
        (":", secs_of_day / 60 % 60),
        (":", secs_of_day % 60),
    ] {
        stamp.push_str(separator);
        if n < 10 {
            stamp.push('0');
        }
        text::push_i64(&mut stamp, n);
    }
    stamp.push_str(" UTC ");
    text::push_i64(&mut stamp, year);
    stamp
}

/// Proleptic Gregorian date from days since 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_cognito() {
        assert_eq!(timestamp(0), "Thu Jan 1 00:00:00 UTC 1970");
        assert_eq!(timestamp(1_537_834_180), "Tue Sep 25 00:09:40 UTC 2018");
        assert_eq!(timestamp(951_782_400), "Tue Feb 29 00:00:00 UTC 2000");
        assert_eq!(timestamp(-1), "Wed Dec 31 23:59:59 UTC 1969");
        assert_eq!(timestamp(4_102_444_799), "Thu Dec 31 23:59:59 UTC 2099");
    }

    /// What `timestamp` wrote with `format!`, before it was written out.
    fn formatted(unix_secs: i64) -> String {
        let days = unix_secs.div_euclid(86_400);
        let secs_of_day = unix_secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let weekday = WEEKDAYS[(days + 4).rem_euclid(7) as usize];
        let month_name = MONTHS[(month - 1) as usize];
        format!(
            "{weekday} {month_name} {day} {:02}:{:02}:{:02} UTC {year}",
            secs_of_day / 3600,
            secs_of_day / 60 % 60,
            secs_of_day % 60
        )
    }

    #[test]
    fn writes_what_format_wrote() {
        // Every second of a day, and one second of each of 160,000 days (the years 1750 to 2189).
        for secs in (0..86_400).chain((-80_000..80_000).map(|day| day * 86_400 + day % 86_400)) {
            assert_eq!(timestamp(secs), formatted(secs));
        }
    }
}
