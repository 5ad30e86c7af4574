//! When to send a failed request again, and after how long: only errors that may pass (throttling, server
//! faults, network failures), never authentication errors; exponential back-off with jitter so that many
//! clients do not retry in step.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    pub base_delay_ms: u32,
    pub max_delay_ms: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay_ms: 100,
            max_delay_ms: 5_000,
        }
    }
}

impl RetryPolicy {
    /// How long to wait after attempt number `attempt` (from 1) failed with an error that is `retryable`
    /// ([`crate::Error::retryable`]) before the next one, or `None` to give up. `jitter` is a random number
    /// in [0, 1).
    pub fn delay_ms(&self, attempt: u32, retryable: bool, jitter: f64) -> Option<u32> {
        if !retryable || attempt >= self.max_attempts {
            return None;
        }
        let exponential = self
            .base_delay_ms
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let spread = (f64::from(self.base_delay_ms) * jitter.clamp(0.0, 1.0)) as u32;
        Some(exponential.saturating_add(spread).min(self.max_delay_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn backs_off_exponentially_with_jitter_and_gives_up() {
        let policy = RetryPolicy {
            max_attempts: 4,
            base_delay_ms: 100,
            max_delay_ms: 350,
        };
        let throttled = Error::new("TooManyRequestsException", "slow down");
        assert_eq!(policy.delay_ms(1, throttled.retryable, 0.0), Some(100));
        assert_eq!(policy.delay_ms(1, throttled.retryable, 0.5), Some(150));
        assert_eq!(policy.delay_ms(2, throttled.retryable, 0.0), Some(200));
        assert_eq!(
            policy.delay_ms(3, throttled.retryable, 0.9),
            Some(350),
            "capped"
        );
        assert_eq!(
            policy.delay_ms(4, throttled.retryable, 0.0),
            None,
            "out of attempts"
        );
        assert_eq!(policy.delay_ms(1, throttled.retryable, f64::NAN), Some(100));
    }

    #[test]
    fn authentication_errors_are_never_retried() {
        let policy = RetryPolicy::default();
        for name in [
            "NotAuthorizedException",
            "CodeMismatchException",
            "UserNotFoundException",
            "InvalidParameterException",
        ] {
            assert_eq!(
                policy.delay_ms(1, Error::new(name, "").retryable, 0.0),
                None,
                "{name}"
            );
        }
        assert!(
            policy
                .delay_ms(1, Error::network("offline").retryable, 0.0)
                .is_some()
        );
        assert!(
            policy
                .delay_ms(1, Error::new("InternalErrorException", "").retryable, 0.0)
                .is_some()
        );
        assert_eq!(
            RetryPolicy {
                max_attempts: 1,
                ..policy
            }
            .delay_ms(1, Error::network("x").retryable, 0.0),
            None
        );
    }
}
