//! One-time codes and their "delivery": nothing leaves the machine. Every code Cognito would send by
//! e-mail or SMS is appended to the dev inbox (`GET /_emulator/inbox?userPoolId=…&username=…`) and logged
//! to stderr, so tests and developers can read it.

use serde_json::{Value, json};

use crate::codes::{CodeKind, Message, OneTimeCode};
use crate::error::{CognitoError, OpResult};
use crate::state::User;
use crate::util::ct_eq;

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
}
