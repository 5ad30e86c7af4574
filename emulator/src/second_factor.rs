//! Second factors: which MFA methods a user has on, which one is preferred, and TOTP (RFC 6238).

use crate::state::{Pool, User};
use crate::util::random_bytes;

/// The MFA methods a user has turned on that the pool offers (and that have somewhere to go).
pub fn enabled_methods(pool: &Pool, user: &User) -> Vec<&'static str> {
    let mut list = Vec::new();
    if pool.sms_mfa && user.mfa.sms && user.attribute("phone_number").is_some() {
        list.push("SMS_MFA");
    }
    if pool.software_token_mfa && user.mfa.totp && user.totp_secret.is_some() {
        list.push("SOFTWARE_TOKEN_MFA");
    }
    if pool.email_mfa && user.mfa.email && user.attribute("email").is_some() {
        list.push("EMAIL_OTP");
    }
    list
}

/// The preferred method, if the user named one that is enabled.
pub fn preferred_method(pool: &Pool, user: &User) -> Option<&'static str> {
    let enabled = enabled_methods(pool, user);
    let preferred = if user.mfa.sms_preferred {
        "SMS_MFA"
    } else if user.mfa.totp_preferred {
        "SOFTWARE_TOKEN_MFA"
    } else if user.mfa.email_preferred {
        "EMAIL_OTP"
    } else {
        return None;
    };
    enabled.contains(&preferred).then_some(preferred)
}

/// A fresh TOTP secret: 160 random bits, base32 without padding (32 characters).
pub fn new_totp_secret() -> String {
    match totp_rs::Secret::Raw(random_bytes(20)).to_encoded() {
        totp_rs::Secret::Encoded(text) => text,
        totp_rs::Secret::Raw(_) => String::new(),
    }
}

/// RFC 6238: SHA-1, 30-second steps, 6 digits, one step of clock skew either way.
pub fn totp_matches(secret: &str, code: &str, now: i64) -> bool {
    let Ok(bytes) = totp_rs::Secret::Encoded(secret.to_owned()).to_bytes() else {
        return false;
    };
    let totp = totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes);
    code.len() == 6 && totp.check(code, u64::try_from(now).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totp_secret_and_rfc6238_vector() {
        let secret = new_totp_secret();
        assert_eq!(secret.len(), 32);
        // RFC 6238 appendix B, SHA-1, T = 59: 94287082 (8 digits) → last 6 digits 287082.
        let rfc = match totp_rs::Secret::Raw(b"12345678901234567890".to_vec()).to_encoded() {
            totp_rs::Secret::Encoded(text) => text,
            totp_rs::Secret::Raw(_) => unreachable!(),
        };
        assert!(totp_matches(&rfc, "287082", 59));
        assert!(
            totp_matches(&rfc, "287082", 59 + 30),
            "one step late is accepted"
        );
        assert!(
            !totp_matches(&rfc, "287082", 59 + 61),
            "two steps late is not"
        );
        assert!(!totp_matches(&rfc, "287083", 59));
    }
}
