//! Account operations that are a single request each: sign-up and its confirmation, password reset and
//! change, user attributes, TOTP setup outside sign-in, MFA preferences, account deletion and global
//! sign-out. Each function builds the request; the `*Reply` types read what comes back.

use crate::config::ClientConfig;
use crate::error::Error;
pub use crate::flows::code_delivery::CodeDeliveryDetails;
use crate::flows::mfa_type::MfaType;
use crate::json::{Reader, Value};
use crate::prelude::*;
use crate::protocol::{Attribute, Operation, Request, StringMap};
use crate::secret::Password;
use crate::text;

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
        Ok(Self {
            user_confirmed: reply
                .opt_bool("UserConfirmed")?
                .ok_or_else(|| Error::invalid_response("SignUp reply without UserConfirmed"))?,
            code_delivery_details: CodeDeliveryDetails::member(reply)?,
            user_sub: reply.opt_string("UserSub")?,
        })
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
        Ok(Self {
            code_delivery_details_list: reply
                .objects("CodeDeliveryDetailsList")?
                .into_iter()
                .map(CodeDeliveryDetails::read)
                .collect::<Result<_, _>>()?,
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
        Ok(Self {
            username: reply.opt_string("Username")?,
            user_attributes: Attribute::list(reply, "UserAttributes")?,
            preferred_mfa_setting: reply.opt_string("PreferredMfaSetting")?,
            user_mfa_setting_list: reply.strings("UserMFASettingList")?,
        })
    }
}

impl GetUserReply {
    /// The attributes as a name → value map.
    pub fn attributes(&self) -> StringMap {
        self.user_attributes
            .iter()
            .map(|a| (a.name.clone(), a.value.clone().unwrap_or_default()))
            .collect()
    }

    /// Enabled and preferred MFA types.
    pub fn mfa_preference(&self) -> MfaPreferenceOutput {
        let enabled: Vec<MfaType> = self
            .user_mfa_setting_list
            .iter()
            .filter_map(|n| MfaType::from_setting(n))
            .collect();
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
        output.insert_some("enabled", self.enabled.clone());
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
    fn settings(self) -> Value {
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

fn attribute_list(attributes: &StringMap) -> Value {
    attributes
        .iter()
        .map(|(name, value)| Value::object([("Name", name.into()), ("Value", value.into())]))
        .collect()
}

/// A request of the unauthenticated kind (SignUp, ForgotPassword…): `body` plus the client id, the
/// username, its SECRET_HASH when the client has a secret, and the client metadata.
fn client_request(
    config: &ClientConfig,
    operation: Operation,
    username: &str,
    mut body: Value,
    client_metadata: Option<&StringMap>,
) -> Result<Request, Error> {
    required(username, "username")?;
    body.insert("ClientId", &config.client_id);
    body.insert("Username", username);
    body.insert_some("SecretHash", config.secret_hash(username));
    Request::new(operation, with_metadata(body, client_metadata))
}

fn with_metadata(mut body: Value, client_metadata: Option<&StringMap>) -> Value {
    body.insert_some("ClientMetadata", client_metadata);
    body
}

fn required(value: &str, what: &str) -> Result<(), Error> {
    if value.is_empty() {
        Err(Error::invalid_parameter(text::concat(&[
            what,
            " is required",
        ])))
    } else {
        Ok(())
    }
}

pub struct SignUpInput {
    pub username: String,
    pub password: Password,
    pub user_attributes: StringMap,
    pub validation_data: StringMap,
    pub client_metadata: Option<StringMap>,
}

pub fn sign_up(config: &ClientConfig, input: &SignUpInput) -> Result<Request, Error> {
    required(input.password.expose(), "password")?;
    let mut body = Value::object([
        ("Password", input.password.expose().into()),
        ("UserAttributes", attribute_list(&input.user_attributes)),
    ]);
    if !input.validation_data.is_empty() {
        body.insert("ValidationData", attribute_list(&input.validation_data));
    }
    client_request(
        config,
        Operation::SignUp,
        &input.username,
        body,
        input.client_metadata.as_ref(),
    )
}

pub fn confirm_sign_up(
    config: &ClientConfig,
    username: &str,
    code: &str,
    client_metadata: Option<&StringMap>,
) -> Result<Request, Error> {
    required(code, "confirmationCode")?;
    let body = Value::object([("ConfirmationCode", code.into())]);
    client_request(
        config,
        Operation::ConfirmSignUp,
        username,
        body,
        client_metadata,
    )
}

pub fn resend_confirmation_code(
    config: &ClientConfig,
    username: &str,
    client_metadata: Option<&StringMap>,
) -> Result<Request, Error> {
    client_request(
        config,
        Operation::ResendConfirmationCode,
        username,
        Value::object([]),
        client_metadata,
    )
}

pub fn forgot_password(
    config: &ClientConfig,
    username: &str,
    client_metadata: Option<&StringMap>,
) -> Result<Request, Error> {
    client_request(
        config,
        Operation::ForgotPassword,
        username,
        Value::object([]),
        client_metadata,
    )
}

pub fn confirm_forgot_password(
    config: &ClientConfig,
    username: &str,
    code: &str,
    new_password: &Password,
    client_metadata: Option<&StringMap>,
) -> Result<Request, Error> {
    required(code, "confirmationCode")?;
    required(new_password.expose(), "newPassword")?;
    let body = Value::object([
        ("ConfirmationCode", code.into()),
        ("Password", new_password.expose().into()),
    ]);
    client_request(
        config,
        Operation::ConfirmForgotPassword,
        username,
        body,
        client_metadata,
    )
}

pub fn change_password(
    access_token: &str,
    old: &Password,
    new: &Password,
) -> Result<Request, Error> {
    required(new.expose(), "newPassword")?;
    let body = Value::object([
        ("AccessToken", access_token.into()),
        ("PreviousPassword", old.expose().into()),
        ("ProposedPassword", new.expose().into()),
    ]);
    Request::new(Operation::ChangePassword, body)
}

pub fn get_user(access_token: &str) -> Result<Request, Error> {
    Request::new(Operation::GetUser, token_body(access_token))
}

pub fn update_user_attributes(
    access_token: &str,
    attributes: &StringMap,
    client_metadata: Option<&StringMap>,
) -> Result<Request, Error> {
    if attributes.is_empty() {
        return Err(Error::invalid_parameter(
            "userAttributes must name at least one attribute",
        ));
    }
    let body = Value::object([
        ("AccessToken", access_token.into()),
        ("UserAttributes", attribute_list(attributes)),
    ]);
    Request::new(
        Operation::UpdateUserAttributes,
        with_metadata(body, client_metadata),
    )
}

pub fn get_user_attribute_verification_code(
    access_token: &str,
    attribute: &str,
    client_metadata: Option<&StringMap>,
) -> Result<Request, Error> {
    required(attribute, "userAttributeKey")?;
    let body = Value::object([
        ("AccessToken", access_token.into()),
        ("AttributeName", attribute.into()),
    ]);
    Request::new(
        Operation::GetUserAttributeVerificationCode,
        with_metadata(body, client_metadata),
    )
}

pub fn verify_user_attribute(
    access_token: &str,
    attribute: &str,
    code: &str,
) -> Result<Request, Error> {
    required(attribute, "userAttributeKey")?;
    required(code, "confirmationCode")?;
    let body = Value::object([
        ("AccessToken", access_token.into()),
        ("AttributeName", attribute.into()),
        ("Code", code.into()),
    ]);
    Request::new(Operation::VerifyUserAttribute, body)
}

pub fn delete_user_attributes(access_token: &str, attributes: &[String]) -> Result<Request, Error> {
    if attributes.is_empty() {
        return Err(Error::invalid_parameter(
            "userAttributeKeys must name at least one attribute",
        ));
    }
    Request::new(
        Operation::DeleteUserAttributes,
        Value::object([
            ("AccessToken", access_token.into()),
            ("UserAttributeNames", attributes.into()),
        ]),
    )
}

pub fn delete_user(access_token: &str) -> Result<Request, Error> {
    Request::new(Operation::DeleteUser, token_body(access_token))
}

pub fn global_sign_out(access_token: &str) -> Result<Request, Error> {
    Request::new(Operation::GlobalSignOut, token_body(access_token))
}

pub fn associate_software_token(access_token: &str) -> Result<Request, Error> {
    Request::new(Operation::AssociateSoftwareToken, token_body(access_token))
}

pub fn verify_software_token(
    access_token: &str,
    code: &str,
    friendly_device_name: Option<&str>,
) -> Result<Request, Error> {
    required(code, "code")?;
    let mut body = Value::object([
        ("AccessToken", access_token.into()),
        ("UserCode", code.into()),
    ]);
    body.insert_some("FriendlyDeviceName", friendly_device_name);
    Request::new(Operation::VerifySoftwareToken, body)
}

pub fn set_user_mfa_preference(
    access_token: &str,
    sms: Option<MfaPreference>,
    totp: Option<MfaPreference>,
    email: Option<MfaPreference>,
) -> Result<Request, Error> {
    let mut body = token_body(access_token);
    for (key, preference) in [
        ("SMSMfaSettings", sms),
        ("SoftwareTokenMfaSettings", totp),
        ("EmailMfaSettings", email),
    ] {
        body.insert_some(key, preference.map(MfaPreference::settings));
    }
    Request::new(Operation::SetUserMfaPreference, body)
}

/// `{AccessToken}`, the body of the operations on the signed-in user that take nothing else.
fn token_body(access_token: &str) -> Value {
    Value::object([("AccessToken", access_token.into())])
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::secret::ClientSecret;

    #[test]
    fn unauthenticated_requests_carry_client_username_hash_and_metadata() {
        let config = ClientConfig::new(
            "us-east-1_Pool1",
            "cid",
            Some(ClientSecret::new("sec")),
            None,
        )
        .unwrap();
        let metadata = StringMap::from([("k".to_owned(), "v".to_owned())]);
        let request = confirm_forgot_password(
            &config,
            "bob",
            "123456",
            &Password::new("N3w!"),
            Some(&metadata),
        )
        .unwrap();
        assert_eq!(request.operation, Operation::ConfirmForgotPassword);
        let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
        assert_eq!(
            body,
            json!({"ClientId": "cid", "Username": "bob", "ConfirmationCode": "123456", "Password": "N3w!",
                   "SecretHash": crate::srp::secret_hash("sec", "bob", "cid"), "ClientMetadata": {"k": "v"}})
        );
        assert!(forgot_password(&config, "", None).is_err());
        assert!(confirm_sign_up(&config, "bob", "", None).is_err());
        let input = SignUpInput {
            username: "bob".into(),
            password: Password::new("pw"),
            user_attributes: StringMap::from([("email".to_owned(), "b@example.com".to_owned())]),
            validation_data: StringMap::new(),
            client_metadata: None,
        };
        let body: serde_json::Value =
            serde_json::from_str(&sign_up(&config, &input).unwrap().body).unwrap();
        assert_eq!(
            body["UserAttributes"],
            json!([{"Name": "email", "Value": "b@example.com"}])
        );
        assert!(body.get("ValidationData").is_none());
    }
}
