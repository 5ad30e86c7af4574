//! Two clocks: the device's, which may be hours off, and Cognito's. Token expiry is judged by the device
//! clock corrected with the drift measured when the tokens arrived (see [`crate::session`]); the SRP
//! `TIMESTAMP` must be in Cognito's time, because Cognito refuses claims whose timestamp is far from its own
//! clock. Cognito's time is estimated from the `Date` header of its replies.

/// One instant by both clocks, in Unix seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Now {
    pub device: i64,
    /// The device time corrected by what is known of the server's clock.
    pub server: i64,
}

impl Now {
    /// When nothing is known about the server's clock: trust the device's.
    pub fn trusting_device(device: i64) -> Self {
        Self {
            device,
            server: device,
        }
    }

    /// `offset` is server time minus device time, in seconds.
    pub fn with_offset(device: i64, offset: i64) -> Self {
        Self {
            device,
            server: device.saturating_add(offset),
        }
    }
}

/// `seconds` in milliseconds, saturated at i64's range: `seconds.saturating_mul(1000)`, whose overflow
/// check wasm32 makes a 128-bit multiplication (compiler-rt's `__multi3`) in the session module.
pub fn millis(seconds: i64) -> i64 {
    const PER_SECOND: i64 = 1000;
    if seconds > i64::MAX / PER_SECOND {
        i64::MAX
    } else if seconds < i64::MIN / PER_SECOND {
        i64::MIN
    } else {
        seconds * PER_SECOND
    }
}

/// Server minus device time, in whole seconds, from a reply's `Date` (which has one-second resolution and
/// was stamped before the reply travelled, so the estimate is good to a second or two — far inside the
/// minutes Cognito tolerates).
pub fn offset_from_date(device_ms: i64, server_date_ms: i64) -> Option<i64> {
    let offset_ms = server_date_ms.checked_sub(device_ms)?;
    // Beyond ±100 years the header is nonsense, not skew.
    if offset_ms.unsigned_abs() >= 3_200_000_000_000 {
        return None;
    }
    // To the nearest second, halves away from zero.
    let seconds = (offset_ms.abs() + 500) / 1000;
    Some(if offset_ms < 0 { -seconds } else { seconds })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_saturate_as_saturating_mul_does() {
        let edge = i64::MAX / 1000;
        for s in [
            0,
            1,
            -1,
            1_700_000_000,
            edge,
            edge + 1,
            -edge,
            -edge - 1,
            i64::MAX,
            i64::MIN,
        ] {
            assert_eq!(millis(s), s.saturating_mul(1000), "{s}");
        }
    }

    #[test]
    fn offsets_round_to_seconds_and_ignore_nonsense() {
        let device = 1_700_000_000_000;
        assert_eq!(offset_from_date(device, device - 10_800_000), Some(-10_800));
        assert_eq!(offset_from_date(device, device + 10_800_400), Some(10_800));
        // Halves away from zero, as f64::round.
        assert_eq!(offset_from_date(device, device + 500), Some(1));
        assert_eq!(offset_from_date(device, device - 500), Some(-1));
        assert_eq!(offset_from_date(device, device + 499), Some(0));
        assert_eq!(offset_from_date(device, device - 1499), Some(-1));
        assert_eq!(offset_from_date(device, i64::MAX), None);
        assert_eq!(offset_from_date(i64::MIN, i64::MAX), None);
        assert_eq!(offset_from_date(device, device + 3_200_000_000_000), None);
        let now = Now::with_offset(1000, -10_800);
        assert_eq!((now.device, now.server), (1000, 1000 - 10_800));
        assert_eq!(Now::trusting_device(5).server, 5);
    }
}
