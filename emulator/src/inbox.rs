//! One-time codes and their "delivery": nothing leaves the machine. Every code Cognito would send by
//! e-mail or SMS is appended to the dev inbox (`GET /_emulator/inbox?userPoolId=…&username=…`) and logged
//! to stderr, so tests and developers can read it.

use rand::Rng as _;
use rand::rngs::OsRng;
use serde_json::{Value, json};

use crate::error::{CognitoError, OpResult};
use crate::state::User;
use crate::util::ct_eq;

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

/// How a wrong code is reported when its attempts run out; operations differ in what they declare.
#[derive(Clone, Copy, Debug)]
pub enum TooMany {
    /// `TooManyFailedAttemptsException` (ConfirmSignUp, ConfirmForgotPassword).
    FailedAttempts,
    /// `LimitExceededException` (VerifyUserAttribute).
    LimitExceeded,
}

pub fn code_mismatch() -> CognitoError {
    CognitoError::new(
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    )
}

pub fn expired_code() -> CognitoError {
    CognitoError::new(
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
    )
}

/// Checks `given` against the user's outstanding code of `kind`. A right code is used up; a wrong one
/// costs an attempt, and when none are left the code is gone.
pub fn take_code(
    user: &mut User,
    kind: CodeKind<'_>,
    given: &str,
    now: i64,
    too_many: TooMany,
) -> OpResult<OneTimeCode> {
    let key = kind.key();
    let Some(code) = user.codes.get_mut(&key) else {
        return Err(expired_code());
    };
    if code.expires_at <= now {
        user.codes.remove(&key);
        return Err(expired_code());
    }
    if ct_eq(code.code.as_bytes(), given.trim().as_bytes()) {
        return user.codes.remove(&key).ok_or_else(expired_code);
    }
    code.attempts_left = code.attempts_left.saturating_sub(1);
    if code.attempts_left == 0 {
        user.codes.remove(&key);
        return Err(match too_many {
            TooMany::FailedAttempts => CognitoError::new(
                "TooManyFailedAttemptsException",
                "Attempt limit exceeded, please try after some time.",
            ),
            TooMany::LimitExceeded => crate::lockout::attempt_limit_exceeded(),
        });
    }
    Err(code_mismatch())
}

/// Six random digits.
pub fn new_code() -> String {
    format!("{:06}", OsRng.gen_range(0..1_000_000u32))
}

/// Where a code for this user goes, as (medium, attribute, destination): the given attribute, or for
/// sign-up / password reset the pool's choice among the user's addresses.
pub fn destination_for(user: &User, attribute: &str) -> Option<(&'static str, String)> {
    let value = user.attribute(attribute)?.to_owned();
    match attribute {
        "email" => Some(("EMAIL", value)),
        "phone_number" => Some(("SMS", value)),
        _ => None,
    }
}

/// `CodeDeliveryDetailsType` with the destination masked as Cognito masks it.
pub fn delivery_details(medium: &str, attribute: &str, destination: &str) -> Value {
    json!({
        "Destination": mask(medium, destination),
        "DeliveryMedium": medium,
        "AttributeName": attribute,
    })
}

/// Cognito's masking: `+*******1234` for phone numbers, `a***@e***` for e-mail addresses.
pub fn mask(medium: &str, destination: &str) -> String {
    if medium == "SMS" {
        let chars: Vec<char> = destination.chars().collect();
        let keep = chars.len().min(4);
        let hidden = chars.len() - keep;
        let mut out = String::new();
        for (i, c) in chars.iter().enumerate() {
            if i >= hidden || (i == 0 && *c == '+') {
                out.push(*c);
            } else {
                out.push('*');
            }
        }
        return out;
    }
    match destination.split_once('@') {
        Some((local, domain)) => {
            let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
            format!("{}***@{}***", first(local), first(domain))
        }
        None => "***".to_owned(),
    }
}

/// How many messages the dev inbox keeps: an emulator left running (a CI service, a dev loop up for days)
/// would otherwise grow by one message for every code it sends. Codes stay valid when their message is
/// dropped; they are kept with the user.
pub const INBOX_CAPACITY: usize = 10_000;

/// Appends a message, dropping the oldest beyond [`INBOX_CAPACITY`].
fn keep_newest(inbox: &mut Vec<Message>, message: Message) {
    if inbox.len() >= INBOX_CAPACITY {
        inbox.drain(..=inbox.len() - INBOX_CAPACITY);
    }
    inbox.push(message);
}

/// Records a message in the inbox and on stderr.
#[allow(clippy::too_many_arguments)]
pub fn deliver(
    inbox: &mut Vec<Message>,
    pool_id: &str,
    user: &User,
    medium: &'static str,
    destination: &str,
    purpose: &str,
    code: &str,
    now_millis: i64,
) {
    eprintln!(
        "cognito-emulator: {medium} to {destination} ({pool_id}/{}): {purpose} code {code}",
        user.username
    );
    keep_newest(
        inbox,
        Message {
            pool_id: pool_id.to_owned(),
            sub: user.sub.clone(),
            username: user.username.clone(),
            medium,
            destination: destination.to_owned(),
            purpose: purpose.to_owned(),
            code: code.to_owned(),
            sent_at_millis: now_millis,
        },
    );
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
    fn the_inbox_keeps_the_newest_messages() {
        let message = |n: usize| Message {
            pool_id: "pool".into(),
            sub: "sub".into(),
            username: "user".into(),
            medium: "EMAIL",
            destination: "user@example.com".into(),
            purpose: "SignUp".into(),
            code: n.to_string(),
            sent_at_millis: 0,
        };
        let mut inbox = Vec::new();
        for n in 0..INBOX_CAPACITY + 5 {
            keep_newest(&mut inbox, message(n));
        }
        assert_eq!(inbox.len(), INBOX_CAPACITY);
        assert_eq!(inbox.first().map(|m| m.code.as_str()), Some("5"));
        let last = (INBOX_CAPACITY + 4).to_string();
        assert_eq!(inbox.last().map(|m| m.code.as_str()), Some(last.as_str()));
    }

    #[test]
    fn masks_like_cognito() {
        assert_eq!(mask("SMS", "+15555551234"), "+*******1234");
        assert_eq!(mask("EMAIL", "alice@example.com"), "a***@e***");
    }

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
