//! Throttling of password guesses, the way Cognito documents it ("Lockout behavior for failed sign-in
//! attempts"): after [`FREE_FAILURES`] wrong passwords a user is locked out for 1 s, and each further
//! failure doubles the lockout, up to [`MAX_LOCKOUT_SECS`] (Cognito: "approximately 15 minutes"). For `n`
//! failures the lockout is `2^(n-5)` seconds. Attempts during a lockout are refused with
//! `NotAuthorizedException: Password attempts exceeded` whatever the password, and do not lengthen the
//! lockout. A successful sign-in after a lockout has run out, or [`IDLE_RESET_SECS`] without any attempt,
//! starts the count again.
//!
//! The clock counts whole seconds, and the second under way may be nearly over: a lockout of `n` seconds
//! from second `t` lasts until second `t + n + 1` begins, so that it is never shorter than `n` seconds of
//! wall time (counted to `t + n` it could end a moment after the failure that started it).
//!
//! Unknown users are counted too (by the name tried), so that with `PreventUserExistenceErrors` the lockout
//! does not tell real users from made-up ones. Every time comes from the emulator's clock, so tests move
//! `PUT /_emulator/clock` rather than sleep.

use std::collections::HashMap;

use crate::error::{CognitoError, OpResult};

/// Wrong passwords allowed before the first lockout.
pub const FREE_FAILURES: u32 = 5;
/// The longest lockout.
pub const MAX_LOCKOUT_SECS: i64 = 15 * 60;
/// A quiet spell this long forgets earlier failures.
pub const IDLE_RESET_SECS: i64 = 15 * 60;

/// Whose password is being guessed, within one pool.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A real user, by `sub`, so that every name the user signs in with shares one count.
    User(String),
    /// A name that matches no user, as the pool normalises it.
    Unknown(String),
}

#[derive(Clone, Copy, Debug)]
struct Record {
    failures: u32,
    locked_until: i64,
    last_attempt: i64,
}

/// Failure counts per pool and target.
#[derive(Debug, Default)]
pub struct Lockouts {
    records: HashMap<(String, Target), Record>,
}

pub fn attempts_exceeded() -> CognitoError {
    CognitoError::not_authorized("Password attempts exceeded")
}

/// Why [`Lockouts::settle`] refused a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    LockedOut,
    WrongPassword,
}

/// A sign-in's answers.
impl From<Refused> for CognitoError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::LockedOut => attempts_exceeded(),
            Refused::WrongPassword => CognitoError::incorrect_credentials(),
        }
    }
}

/// What Cognito answers once a user has tried too many codes, or too many previous passwords in
/// ChangePassword.
pub fn attempt_limit_exceeded() -> CognitoError {
    CognitoError::new(
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
    )
}

impl Lockouts {
    /// Before a password is checked: refuses while a lockout lasts. Counts as an attempt for the idle reset.
    pub fn check(&mut self, pool_id: &str, target: &Target, now: i64) -> OpResult<()> {
        let Some(record) = self.records.get_mut(&(pool_id.to_owned(), target.clone())) else {
            return Ok(());
        };
        if now - record.last_attempt >= IDLE_RESET_SECS {
            *record = Record {
                failures: 0,
                locked_until: 0,
                last_attempt: now,
            };
            return Ok(());
        }
        record.last_attempt = now;
        if now < record.locked_until {
            return Err(attempts_exceeded());
        }
        Ok(())
    }

    /// A wrong password: counts it and starts the next lockout when the free failures are used up.
    pub fn failed(&mut self, pool_id: &str, target: &Target, now: i64) {
        let record = self
            .records
            .entry((pool_id.to_owned(), target.clone()))
            .or_insert(Record {
                failures: 0,
                locked_until: 0,
                last_attempt: now,
            });
        record.failures = record.failures.saturating_add(1);
        record.last_attempt = now;
        if record.failures >= FREE_FAILURES {
            record.locked_until = now + lockout_secs(record.failures) + 1;
        }
    }

    /// The outcome of a password check under the lockout: refused while locked out (even when right),
    /// otherwise a wrong password is counted and a right one clears the count.
    pub fn settle(
        &mut self,
        pool_id: &str,
        target: &Target,
        correct: bool,
        now: i64,
    ) -> Result<(), Refused> {
        self.check(pool_id, target, now)
            .map_err(|_| Refused::LockedOut)?;
        if correct {
            self.succeeded(pool_id, target);
            Ok(())
        } else {
            self.failed(pool_id, target, now);
            Err(Refused::WrongPassword)
        }
    }

    /// The right password (checked after [`Lockouts::check`], so any lockout had run out).
    pub fn succeeded(&mut self, pool_id: &str, target: &Target) {
        self.records.remove(&(pool_id.to_owned(), target.clone()));
    }

    /// Forgets counts nobody has touched for [`IDLE_RESET_SECS`], so guessing made-up names cannot grow
    /// memory without bound.
    pub fn prune(&mut self, now: i64) {
        self.records
            .retain(|_, record| now - record.last_attempt < IDLE_RESET_SECS);
    }

    /// Forgets a pool's counts (the pool was deleted).
    pub fn forget_pool(&mut self, pool_id: &str) {
        self.records.retain(|(pool, _), _| pool != pool_id);
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

/// `2^(failures-5)` seconds, capped.
fn lockout_secs(failures: u32) -> i64 {
    let exponent = failures.saturating_sub(FREE_FAILURES);
    if exponent >= 20 {
        return MAX_LOCKOUT_SECS;
    }
    (1i64 << exponent).min(MAX_LOCKOUT_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_doubles_from_one_second_to_the_cap() {
        assert_eq!(lockout_secs(5), 1);
        assert_eq!(lockout_secs(6), 2);
        assert_eq!(lockout_secs(14), 512);
        assert_eq!(lockout_secs(15), MAX_LOCKOUT_SECS);
        assert_eq!(lockout_secs(u32::MAX), MAX_LOCKOUT_SECS);
    }

    #[test]
    fn five_failures_then_locked_then_reset_by_success_or_idleness() {
        let mut lockouts = Lockouts::default();
        let alice = Target::User("sub-a".into());
        for _ in 0..4 {
            lockouts.check("p", &alice, 100).unwrap();
            lockouts.failed("p", &alice, 100);
        }
        lockouts.check("p", &alice, 100).unwrap();
        lockouts.failed("p", &alice, 100);
        assert_eq!(lockouts.check("p", &alice, 100), Err(attempts_exceeded()));
        // Another pool, another count.
        lockouts.check("q", &alice, 100).unwrap();
        // 1 s from some moment of second 100: still locked in second 101.
        assert!(lockouts.check("p", &alice, 101).is_err());
        lockouts.check("p", &alice, 102).unwrap();
        lockouts.failed("p", &alice, 102);
        assert!(lockouts.check("p", &alice, 104).is_err());
        lockouts.check("p", &alice, 105).unwrap();
        lockouts.succeeded("p", &alice);
        assert!(lockouts.is_empty());
        for _ in 0..5 {
            lockouts.failed("p", &alice, 200);
        }
        assert!(lockouts.check("p", &alice, 200).is_err());
        lockouts.check("p", &alice, 200 + IDLE_RESET_SECS).unwrap();
        lockouts.failed("p", &alice, 200 + IDLE_RESET_SECS);
        lockouts.check("p", &alice, 200 + IDLE_RESET_SECS).unwrap();
        lockouts.prune(200 + 2 * IDLE_RESET_SECS);
        assert!(lockouts.is_empty());
    }
}
