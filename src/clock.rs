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

/// Server minus device time, in whole seconds, from a reply's `Date` (which has one-second resolution and
/// was stamped before the reply travelled, so the estimate is good to a second or two — far inside the
/// minutes Cognito tolerates).
pub fn offset_from_date(device_ms: f64, server_date_ms: f64) -> Option<i64> {
    if !device_ms.is_finite() || !server_date_ms.is_finite() {
        return None;
    }
    let offset_ms = server_date_ms - device_ms;
    // Beyond ±100 years the header is nonsense, not skew.
    if offset_ms.abs() >= 3.2e12 {
        return None;
    }
    // Whole milliseconds (both are whole already), then to the nearest second, halves away from zero as
    // f64::round does (which is std's, not core's: the wasm build has no std).
    let offset_ms = offset_ms as i64;
    let seconds = (offset_ms.abs() + 500) / 1000;
    Some(if offset_ms < 0 { -seconds } else { seconds })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_round_to_seconds_and_ignore_nonsense() {
        let device = 1_700_000_000_000.0;
        assert_eq!(
            offset_from_date(device, device - 10_800_000.0),
            Some(-10_800)
        );
        assert_eq!(
            offset_from_date(device, device + 10_800_400.0),
            Some(10_800)
        );
        // Halves away from zero, as f64::round.
        assert_eq!(offset_from_date(device, device + 500.0), Some(1));
        assert_eq!(offset_from_date(device, device - 500.0), Some(-1));
        assert_eq!(offset_from_date(device, device + 499.9), Some(0));
        assert_eq!(offset_from_date(device, device - 1499.9), Some(-1));
        assert_eq!(offset_from_date(device, f64::NAN), None);
        assert_eq!(offset_from_date(device, 1e300), None);
        let now = Now::with_offset(1000, -10_800);
        assert_eq!((now.device, now.server), (1000, 1000 - 10_800));
        assert_eq!(Now::trusting_device(5).server, 5);
    }
}
