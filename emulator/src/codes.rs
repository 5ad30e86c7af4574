//! One-time codes and dev-inbox messages as plain data, kept on users and in the store; checking and
//! "sending" them is [`crate::inbox`].

use rand::Rng as _;
use rand::rngs::OsRng;
use serde_json::{Value, json};

/// Wrong guesses a code survives; the next one uses it up.
pub const MAX_ATTEMPTS: u32 = 5;

/// Lifetimes, as Cognito documents them.
pub const SIGN_UP_CODE_SECS: i64 = 24 * 3600;

pub const ATTRIBUTE_CODE_SECS: i64 = 24 * 3600;

pub const FORGOT_PASSWORD_CODE_SECS: i64 = 3600;

pub const MFA_CODE_SECS: i64 = 3 * 60;

/// One message in the dev inbox.
#[derive(Clone, Debug)]
pub struct Message {
    pub pool_id: String,
    /// The recipient's `sub` and internal username when it was sent.
    pub sub: String,
    pub username: String,
    /// `EMAIL` or `SMS`.
    pub medium: &'static str,
    pub destination: String,
    /// What the code is for: the operation or challenge that sent it (`SignUp`, `ForgotPassword`, `SMS_MFA`…).
    pub purpose: String,
    pub code: String,
    pub sent_at_millis: i64,
}

impl Message {
    pub fn to_json(&self) -> Value {
        json!({
            "medium": self.medium,
            "destination": self.destination,
            "purpose": self.purpose,
            "code": self.code,
            "sentAt": iso8601(self.sent_at_millis),
        })
    }
}

/// A code waiting to be typed back.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct OneTimeCode {
    pub code: String,
    pub expires_at: i64,
    pub attempts_left: u32,
    /// The attribute the code was sent to (`email` / `phone_number`), which confirming it verifies.
    pub attribute: Option<String>,
}

impl OneTimeCode {
    pub fn new(expires_at: i64, attribute: Option<&str>) -> Self {
        Self {
            code: new_code(),
            expires_at,
            attempts_left: MAX_ATTEMPTS,
            attribute: attribute.map(str::to_owned),
        }
    }
}

/// What a code stored on a user confirms. The key in [`User::codes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind<'a> {
    /// SignUp / ResendConfirmationCode → ConfirmSignUp.
    SignUp,
    /// ForgotPassword / AdminResetUserPassword → ConfirmForgotPassword.
    ForgotPassword,
    /// UpdateUserAttributes / GetUserAttributeVerificationCode → VerifyUserAttribute.
    Attribute(&'a str),
}

impl CodeKind<'_> {
    pub fn key(self) -> String {
        match self {
            Self::SignUp => "SignUp".to_owned(),
            Self::ForgotPassword => "ForgotPassword".to_owned(),
            Self::Attribute(name) => format!("attribute:{name}"),
        }
    }
}

/// Six random digits.
pub fn new_code() -> String {
    format!("{:06}", OsRng.gen_range(0..1_000_000u32))
}

/// `2026-11-27T22:51:49.123Z`.
pub fn iso8601(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let ms = millis.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since the epoch (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..50 {
            let code = new_code();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}
