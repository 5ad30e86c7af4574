//! The challenges a sign-in waits on the app to answer: one variant per kind, each holding what its answer
//! needs, so that an answer can only be read as the challenge on the table expects.

use crate::flows::mfa_type::MfaType;
use crate::flows::web_authn::RequestOptions;
use crate::prelude::*;
use crate::text;

/// A one-time code Cognito sent, or an authenticator app shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CodeChallenge {
    SmsMfa,
    SmsOtp,
    EmailOtp,
    SoftwareTokenMfa,
}

impl CodeChallenge {
    pub(super) fn from_name(name: &str) -> Option<Self> {
        match name {
            "SMS_MFA" => Some(Self::SmsMfa),
            "SMS_OTP" => Some(Self::SmsOtp),
            "EMAIL_OTP" => Some(Self::EmailOtp),
            "SOFTWARE_TOKEN_MFA" => Some(Self::SoftwareTokenMfa),
            _ => None,
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Self::SmsMfa => "SMS_MFA",
            Self::SmsOtp => "SMS_OTP",
            Self::EmailOtp => "EMAIL_OTP",
            Self::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA",
        }
    }

    /// The `ChallengeResponses` key the code goes under.
    pub(super) fn response_key(self) -> &'static str {
        match self {
            Self::SmsMfa => "SMS_MFA_CODE",
            Self::SmsOtp => "SMS_OTP_CODE",
            Self::EmailOtp => "EMAIL_OTP_CODE",
            Self::SoftwareTokenMfa => "SOFTWARE_TOKEN_MFA_CODE",
        }
    }
}

/// A `USER_AUTH` first factor: every one Cognito offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FirstFactor {
    Password,
    PasswordSrp,
    EmailOtp,
    SmsOtp,
    /// A passkey: the WEB_AUTHN challenge follows, answered with an assertion the page makes.
    WebAuthn,
}

impl FirstFactor {
    pub(super) const ALL: [Self; 5] = [
        Self::Password,
        Self::PasswordSrp,
        Self::EmailOtp,
        Self::SmsOtp,
        Self::WebAuthn,
    ];

    /// The factor an answer names, in any case, spaces around it allowed.
    pub(super) fn parse(name: &str) -> Option<Self> {
        Self::named(name.trim())
    }

    /// The factor named `name`, in any case.
    fn named(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|factor| factor.name().eq_ignore_ascii_case(name))
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Password => "PASSWORD",
            Self::PasswordSrp => "PASSWORD_SRP",
            Self::EmailOtp => "EMAIL_OTP",
            Self::SmsOtp => "SMS_OTP",
            Self::WebAuthn => "WEB_AUTHN",
        }
    }

    pub(super) fn needs_password(self) -> bool {
        matches!(self, Self::Password | Self::PasswordSrp)
    }

    /// "PASSWORD, PASSWORD_SRP, …", for messages.
    pub(super) fn names(factors: impl IntoIterator<Item = Self>) -> String {
        text::join(factors.into_iter().map(Self::name), ", ")
    }
}

/// A challenge on the table, with the `Session` Cognito tied it to. It survives a wrong answer, so the user
/// can try again.
#[derive(Clone, Debug)]
pub(super) struct Challenge {
    pub session: Option<String>,
    pub kind: Kind,
}

#[derive(Clone, Debug)]
pub(super) enum Kind {
    /// Answered with the code.
    Code(CodeChallenge),
    /// SELECT_MFA_TYPE: answered with one of these.
    SelectMfaType { allowed: Vec<MfaType> },
    /// MFA_SETUP: answered with the factor to set up, one of these.
    ChooseMfaSetup { allowed: Vec<MfaType> },
    /// MFA_SETUP by TOTP, the secret shown: answered with a code from the authenticator app.
    TotpCode,
    /// MFA_SETUP by e-mail: answered with the address.
    EmailAddress,
    /// NEW_PASSWORD_REQUIRED: answered with the new password (and missing attributes).
    NewPassword,
    /// CUSTOM_CHALLENGE: answered with whatever the pool's Lambda expects.
    Custom,
    /// SELECT_CHALLENGE (USER_AUTH): answered with one of the factors on offer.
    SelectFirstFactor { available: Vec<String> },
    /// WEB_AUTHN: answered with an assertion of one of the user's passkeys, made by the page for these
    /// options. Cognito uses its session up on the first answer, right or wrong: a refused assertion ends
    /// the sign-in.
    WebAuthn(WebAuthnChallenge),
    /// A password factor was chosen at SELECT_CHALLENGE without a password: answered with the password.
    /// `available` is the offer to go back to if the password is refused.
    PasswordFor {
        factor: FirstFactor,
        available: Vec<String>,
    },
}

impl Kind {
    /// The usable factors among those Cognito offers, in its order.
    pub(super) fn usable_factors(available: &[String]) -> impl Iterator<Item = FirstFactor> + '_ {
        available.iter().filter_map(|name| FirstFactor::named(name))
    }
}

/// The WEB_AUTHN challenge on the table: the request options the page's `navigator.credentials.get` takes.
#[derive(Clone, Debug)]
pub(super) struct WebAuthnChallenge {
    pub options: RequestOptions,
}
