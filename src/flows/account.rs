//! Account operations that are a single request each: sign-up and its confirmation, password reset and
//! change, user attributes, TOTP setup outside sign-in, MFA preferences, account deletion and global
//! sign-out: the `*Reply` types read what comes back, and the outputs are what the app sees. Their requests
//! are built from the table in `wasm/account.rs`.

use crate::error::Error;
pub use crate::flows::code_delivery::CodeDeliveryDetails;
use crate::flows::mfa_type::MfaType;
use crate::json::{Reader, Value};
use crate::prelude::*;
use crate::protocol::{Attribute, Members, Operation, StringMap};

/// What follows a sign-up (`nextStep.signUpStep`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignUpStep {
    Done,
    /// Confirm with the code sent (ConfirmSignUp).
    ConfirmSignUp {
        code_delivery_details: Option<CodeDeliveryDetails>,
    },
}

/// What SignUp and ConfirmSignUp resolve with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignUpOutput {
    pub user_id: Option<String>,
    pub next_step: SignUpStep,
}

impl SignUpOutput {
    /// A confirmed sign-up.
    pub fn complete() -> Self {
        Self {
            user_id: None,
            next_step: SignUpStep::Done,
        }
    }
}

impl From<SignUpReply> for SignUpOutput {
    fn from(reply: SignUpReply) -> Self {
        let next_step = if reply.user_confirmed {
            SignUpStep::Done
        } else {
            SignUpStep::ConfirmSignUp {
                code_delivery_details: reply.code_delivery_details,
            }
        };
        Self {
            user_id: reply.user_sub,
            next_step,
        }
    }
}

impl From<&SignUpOutput> for Value {
    fn from(output: &SignUpOutput) -> Self {
        let mut next_step = Value::object([("signUpStep", "DONE".into())]);
        if let SignUpStep::ConfirmSignUp {
            code_delivery_details,
        } = &output.next_step
        {
            next_step.insert("signUpStep", "CONFIRM_SIGN_UP");
            next_step.insert_some("codeDeliveryDetails", code_delivery_details.as_ref());
        }
        let complete = output.next_step == SignUpStep::Done;
        let mut value = Value::object([("isSignUpComplete", complete.into())]);
        value.insert_some("userId", output.user_id.as_ref());
        value.insert("nextStep", next_step);
        value
    }
}

/// What ResetPassword resolves with: the password is reset only once the code is confirmed
/// (`nextStep.resetPasswordStep` is always CONFIRM_RESET_PASSWORD_WITH_CODE).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResetPasswordOutput {
    pub code_delivery_details: Option<CodeDeliveryDetails>,
}

impl From<&ResetPasswordOutput> for Value {
    fn from(output: &ResetPasswordOutput) -> Self {
        let mut next_step = Value::object([(
            "resetPasswordStep",
            "CONFIRM_RESET_PASSWORD_WITH_CODE".into(),
        )]);
        next_step.insert_some("codeDeliveryDetails", output.code_delivery_details.as_ref());
        Value::object([("isPasswordReset", false.into()), ("nextStep", next_step)])
    }
}

/// What follows the update of one attribute (`nextStep.updateAttributeStep`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UpdateAttributeStep {
    Done,
    /// Verify the new value with the code sent (ConfirmUserAttribute).
    ConfirmAttributeWithCode {
        code_delivery_details: CodeDeliveryDetails,
    },
}

impl UpdateAttributeStep {
    /// The step of attribute `name`, from the reply's `CodeDeliveryDetailsList`.
    pub fn of(name: &str, reply: &UpdateUserAttributesReply) -> Self {
        let delivery = reply
            .code_delivery_details_list
            .iter()
            .find(|d| d.attribute_name.as_deref() == Some(name));
        match delivery {
            Some(details) => Self::ConfirmAttributeWithCode {
                code_delivery_details: details.clone(),
            },
            None => Self::Done,
        }
    }
}

/// One attribute's entry of UpdateUserAttributes' output: `{ isUpdated, nextStep }`.
impl From<&UpdateAttributeStep> for Value {
    fn from(step: &UpdateAttributeStep) -> Self {
        let (updated, next_step) = match step {
            UpdateAttributeStep::Done => (
                true,
                Value::object([("updateAttributeStep", "DONE".into())]),
            ),
            UpdateAttributeStep::ConfirmAttributeWithCode {
                code_delivery_details,
            } => (
                false,
                Value::object([
                    ("updateAttributeStep", "CONFIRM_ATTRIBUTE_WITH_CODE".into()),
                    ("codeDeliveryDetails", code_delivery_details.into()),
                ]),
            ),
        };
        Value::object([("isUpdated", updated.into()), ("nextStep", next_step)])
    }
}

#[derive(Clone, Debug)]
pub struct SignUpReply {
    pub user_confirmed: bool,
    pub code_delivery_details: Option<CodeDeliveryDetails>,
    pub user_sub: Option<String>,
}

impl SignUpReply {
    pub fn read(body: &Value) -> Result<Self, Error> {
        let reply = Reader::reply(body, "SignUp")?;
        let mut members = Members::default();
        let read = Self {
            user_confirmed: members.keep(reply.opt_bool("UserConfirmed").and_then(|confirmed| {
                confirmed
                    .ok_or_else(|| Error::invalid_response("SignUp reply without UserConfirmed"))
            })),
            code_delivery_details: members.keep(CodeDeliveryDetails::member(reply)),
            user_sub: members.keep(reply.opt_string("UserSub")),
        };
        members.finish(read)
    }
}

/// The reply of ResendConfirmationCode, ForgotPassword and GetUserAttributeVerificationCode.
#[derive(Clone, Debug, Default)]
pub struct CodeDeliveryReply {
    pub code_delivery_details: Option<CodeDeliveryDetails>,
}

impl CodeDeliveryReply {
    pub fn read(body: &Value, operation: Operation) -> Result<Self, Error> {
        let reply = Reader::reply(body, operation.name())?;
        Ok(Self {
            code_delivery_details: CodeDeliveryDetails::member(reply)?,
        })
    }
}

#[derive(Clone, Debug, Default)]
pub struct UpdateUserAttributesReply {
    pub code_delivery_details_list: Vec<CodeDeliveryDetails>,
}

impl UpdateUserAttributesReply {
    pub fn read(body: &Value) -> Result<Self, Error> {
        let reply = Reader::reply(body, "UpdateUserAttributes")?;
        // A loop, not a `collect` into a `Result`: that compiles to a copy of the iterator machinery per
        // item type.
        let mut code_delivery_details_list = Vec::new();
        for details in reply.objects("CodeDeliveryDetailsList")? {
            code_delivery_details_list.push(CodeDeliveryDetails::read(details)?);
        }
        Ok(Self {
            code_delivery_details_list,
        })
    }
}

#[derive(Clone, Debug)]
pub struct GetUserReply {
    pub username: Option<String>,
    pub user_attributes: Vec<Attribute>,
    pub preferred_mfa_setting: Option<String>,
    pub user_mfa_setting_list: Vec<String>,
}

impl GetUserReply {
    pub fn read(body: &Value) -> Result<Self, Error> {
        let reply = Reader::reply(body, "GetUser")?;
        let mut members = Members::default();
        let read = Self {
            username: members.keep(reply.opt_string("Username")),
            user_attributes: members.keep(Attribute::list(reply, "UserAttributes")),
            preferred_mfa_setting: members.keep(reply.opt_string("PreferredMfaSetting")),
            user_mfa_setting_list: members.keep(reply.strings("UserMFASettingList")),
        };
        members.finish(read)
    }
}

impl GetUserReply {
    /// The attributes as a name → value map.
    pub fn attributes(&self) -> StringMap {
        let mut attributes = StringMap::new();
        for a in &self.user_attributes {
            attributes.insert(a.name.clone(), a.value.clone().unwrap_or_default());
        }
        attributes
    }

    /// Enabled and preferred MFA types.
    pub fn mfa_preference(&self) -> MfaPreferenceOutput {
        let mut enabled = Vec::new();
        for setting in &self.user_mfa_setting_list {
            if let Some(mfa) = MfaType::from_setting(setting) {
                enabled.push(mfa);
            }
        }
        MfaPreferenceOutput {
            enabled: (!enabled.is_empty()).then_some(enabled),
            preferred: self
                .preferred_mfa_setting
                .as_deref()
                .and_then(MfaType::from_setting),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MfaPreferenceOutput {
    pub enabled: Option<Vec<MfaType>>,
    pub preferred: Option<MfaType>,
}

impl MfaPreferenceOutput {
    /// `{enabled?, preferred?}`: what is not set is left out.
    pub fn to_json(&self) -> Value {
        let mut output = Value::object([]);
        output.insert_some(
            "enabled",
            self.enabled.as_deref().map(MfaType::list_to_json),
        );
        output.insert_some("preferred", self.preferred);
        output
    }
}

#[derive(Clone, Debug)]
pub struct AssociateSoftwareTokenReply {
    pub secret_code: String,
}

impl AssociateSoftwareTokenReply {
    pub fn read(body: &Value) -> Result<Self, Error> {
        let reply = Reader::reply(body, "AssociateSoftwareToken")?;
        Ok(Self {
            secret_code: reply.string("SecretCode")?,
        })
    }
}

#[derive(Clone, Debug)]
pub struct VerifySoftwareTokenReply {
    pub status: Option<String>,
}

impl VerifySoftwareTokenReply {
    pub fn read(body: &Value) -> Result<Self, Error> {
        let reply = Reader::reply(body, "VerifySoftwareToken")?;
        Ok(Self {
            status: reply.opt_string("Status")?,
        })
    }
}

/// One factor's setting in `updateMFAPreference`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MfaPreference {
    Enabled,
    Disabled,
    Preferred,
    NotPreferred,
}

impl MfaPreference {
    /// The settings object Cognito takes for one factor.
    pub fn settings(self) -> Value {
        match self {
            Self::Enabled => Value::object([("Enabled", true.into())]),
            Self::Disabled => {
                Value::object([("Enabled", false.into()), ("PreferredMfa", false.into())])
            }
            Self::Preferred => {
                Value::object([("Enabled", true.into()), ("PreferredMfa", true.into())])
            }
            Self::NotPreferred => {
                Value::object([("Enabled", true.into()), ("PreferredMfa", false.into())])
            }
        }
    }
}
