//! What the app sees of a sign-in: the [`NextStep`] it must take, and the values those steps carry (MFA
//! types, where a code went, what an authenticator app needs). Serialised as the JS `nextStep`.

use crate::flows::code_delivery::CodeDeliveryDetails;
use crate::flows::mfa_type::MfaType;
use crate::flows::web_authn::RequestOptions;
use crate::json::{self, Object, Value};
use crate::prelude::*;
use crate::protocol::StringMap;
use crate::protocol::string_list;
use crate::text;

/// What an authenticator app needs to add the account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TotpSetup {
    /// Base32 secret, for typing in by hand.
    pub shared_secret: String,
    /// `otpauth://totp/...`, for a QR code.
    pub setup_uri: String,
}

impl TotpSetup {
    pub fn to_json(&self) -> Value {
        Value::object([
            ("sharedSecret", (&self.shared_secret).into()),
            ("setupUri", (&self.setup_uri).into()),
        ])
    }

    pub fn new(shared_secret: String, issuer: &str, account: &str) -> Self {
        let issuer = text::percent_encode(issuer);
        let setup_uri = text::concat(&[
            "otpauth://totp/",
            &issuer,
            ":",
            &text::percent_encode(account),
            "?secret=",
            &shared_secret,
            "&issuer=",
            &issuer,
        ]);
        Self {
            shared_secret,
            setup_uri,
        }
    }
}

/// What the app must do next; serialised as the JS `nextStep` (a union tagged by `signInStep`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NextStep {
    Done,
    /// The user has not confirmed the sign-up code yet (Cognito's UserNotConfirmedException).
    ConfirmSignUp,
    /// An administrator requires a password reset (PasswordResetRequiredException).
    ResetPassword,
    ConfirmWithSmsCode {
        code_delivery_details: CodeDeliveryDetails,
    },
    ConfirmWithEmailCode {
        code_delivery_details: CodeDeliveryDetails,
    },
    ConfirmWithTotpCode,
    SelectMfaType {
        allowed_mfa_types: Vec<MfaType>,
    },
    SelectMfaSetup {
        allowed_mfa_types: Vec<MfaType>,
    },
    SetUpTotp {
        totp_setup_details: TotpSetup,
    },
    SetUpEmail,
    NewPasswordRequired {
        missing_attributes: Vec<String>,
    },
    CustomChallenge {
        additional_info: StringMap,
    },
    /// USER_AUTH: answer with one of the available first factors.
    SelectFirstFactor {
        available_challenges: Vec<String>,
    },
    /// USER_AUTH with a password factor chosen but no password given at sign-in: answer with it.
    ConfirmWithPassword,
    /// WEB_AUTHN: the page signs with a passkey for these options and answers with the assertion
    /// (AuthenticationResponseJSON, as text). The package does this itself on the page.
    ConfirmWithPasskey {
        credential_request_options: RequestOptions,
    },
    Unhandled {
        challenge_name: String,
        challenge_parameters: StringMap,
    },
}

impl NextStep {
    /// The `signInStep` tag.
    fn name(&self) -> &'static str {
        match self {
            Self::Done => "DONE",
            Self::ConfirmSignUp => "CONFIRM_SIGN_UP",
            Self::ResetPassword => "RESET_PASSWORD",
            Self::ConfirmWithSmsCode { .. } => "CONFIRM_SIGN_IN_WITH_SMS_CODE",
            Self::ConfirmWithEmailCode { .. } => "CONFIRM_SIGN_IN_WITH_EMAIL_CODE",
            Self::ConfirmWithTotpCode => "CONFIRM_SIGN_IN_WITH_TOTP_CODE",
            Self::SelectMfaType { .. } => "CONTINUE_SIGN_IN_WITH_MFA_SELECTION",
            Self::SelectMfaSetup { .. } => "CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION",
            Self::SetUpTotp { .. } => "CONTINUE_SIGN_IN_WITH_TOTP_SETUP",
            Self::SetUpEmail => "CONTINUE_SIGN_IN_WITH_EMAIL_SETUP",
            Self::NewPasswordRequired { .. } => "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED",
            Self::CustomChallenge { .. } => "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE",
            Self::SelectFirstFactor { .. } => "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION",
            Self::ConfirmWithPassword => "CONFIRM_SIGN_IN_WITH_PASSWORD",
            Self::ConfirmWithPasskey { .. } => "CONFIRM_SIGN_IN_WITH_PASSKEY",
            Self::Unhandled { .. } => "UNHANDLED_CHALLENGE",
        }
    }

    /// The JS `nextStep`: `{"signInStep": "…", …what the step carries}`.
    pub fn to_json(&self) -> Value {
        let mut step = Object::default();
        step.insert("signInStep", Value::from(self.name()));
        let (name, value) = match self {
            Self::ConfirmWithSmsCode {
                code_delivery_details,
            }
            | Self::ConfirmWithEmailCode {
                code_delivery_details,
            } => ("codeDeliveryDetails", code_delivery_details.into()),
            Self::SelectMfaType { allowed_mfa_types }
            | Self::SelectMfaSetup { allowed_mfa_types } => {
                ("allowedMFATypes", MfaType::list_to_json(allowed_mfa_types))
            }
            Self::SetUpTotp { totp_setup_details } => {
                ("totpSetupDetails", totp_setup_details.to_json())
            }
            Self::NewPasswordRequired { missing_attributes } => {
                ("missingAttributes", missing_attributes.as_slice().into())
            }
            Self::CustomChallenge { additional_info } => ("additionalInfo", additional_info.into()),
            Self::SelectFirstFactor {
                available_challenges,
            } => (
                "availableChallenges",
                available_challenges.as_slice().into(),
            ),
            Self::ConfirmWithPasskey {
                credential_request_options,
            } => (
                "credentialRequestOptions",
                credential_request_options.to_json(),
            ),
            Self::Unhandled {
                challenge_name,
                challenge_parameters,
            } => {
                step.insert("challengeName", Value::from(challenge_name));
                ("challengeParameters", challenge_parameters.into())
            }
            Self::Done
            | Self::ConfirmSignUp
            | Self::ResetPassword
            | Self::ConfirmWithTotpCode
            | Self::SetUpEmail
            | Self::ConfirmWithPassword => return Value::Object(step),
        };
        step.insert(name, value);
        Value::Object(step)
    }
}

/// NEW_PASSWORD_REQUIRED's `requiredAttributes` (`["userAttributes.name", …]`) that `userAttributes` lacks.
pub(super) fn missing_attributes(parameters: &StringMap) -> Vec<String> {
    let required = string_list(parameters, "requiredAttributes");
    let present: Option<Value> = parameters
        .get("userAttributes")
        .and_then(|v| json::parse(v).ok());
    let present = present.as_ref().and_then(Value::as_object);
    let mut missing = Vec::new();
    for name in &required {
        let name = name.strip_prefix("userAttributes.").unwrap_or(name);
        if !present.is_some_and(|present| present.contains_key(name)) {
            missing.push(name.to_owned());
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_uri_is_an_otpauth_uri() {
        let setup = TotpSetup::new("JBSWY3DPEHPK3PXP".into(), "My App", "alice@example.com");
        assert_eq!(
            setup.setup_uri,
            "otpauth://totp/My%20App:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=My%20App"
        );
    }

    #[test]
    fn missing_attributes_are_the_required_ones_not_yet_set() {
        let parameters = StringMap::from([
            (
                "requiredAttributes".to_owned(),
                r#"["userAttributes.name","userAttributes.email"]"#.to_owned(),
            ),
            (
                "userAttributes".to_owned(),
                r#"{"email":"a@example.com"}"#.to_owned(),
            ),
        ]);
        assert_eq!(missing_attributes(&parameters), vec!["name".to_owned()]);
        assert!(missing_attributes(&StringMap::new()).is_empty());
    }
}
