//! The package's account methods (`signUp`, `updatePassword`, `listDevices`…): [`super::SignInCore`]'s
//! `account(op, args)` (table `AccountOp` in [`super::call`]), which scripts/wasm-split puts in the account
//! module with what only it reaches, so that an app that only signs in never downloads them.
//!
//! They are one table: each entry is one operation, named as the JS method, with the arguments its request
//! is made of (read and checked once, in the table's order) and what its reply resolves with. The request
//! bodies are built by one reader of that table rather than by a function per operation: the arguments
//! differ only in where they are read from, which member they become and how they are checked, and a
//! function per operation (with a typed enum of every operation's arguments between reading and sending)
//! compiled to kilobytes of near-identical wasm.

use crate::config::ClientConfig;
use crate::error::Error;
use crate::flows::account::{self, MfaPreference};
use crate::flows::devices;
use crate::flows::sign_in::TotpSetup;
use crate::flows::web_authn::{self, Credential};
use crate::json::{self, Object, Reader, Value};
use crate::prelude::*;
use crate::protocol::{Operation, Request, StringMap};
use core::mem;

use super::{SignInCore, opened, reply_body, request_json};

const MFA_PREFERENCES: [(&str, MfaPreference); 4] = [
    ("ENABLED", MfaPreference::Enabled),
    ("DISABLED", MfaPreference::Disabled),
    ("PREFERRED", MfaPreference::Preferred),
    ("NOT_PREFERRED", MfaPreference::NotPreferred),
];

/// How an argument is read from the app's input, and the request member it becomes.
#[derive(Clone, Copy)]
enum Arg {
    /// A string, required (a password is sent as typed).
    Text,
    /// A code: a required string, without the spaces at its ends.
    Code,
    /// A string that may be left out (and is then left out of the request).
    OptText,
    /// A string left out of the request when absent or empty.
    NonEmptyText,
    /// An object of strings, sent as an attribute list (`[{Name, Value}]`); empty when absent.
    Attributes,
    /// [`Arg::Attributes`] left out of the request when empty.
    AttributesIfAny,
    /// [`Arg::Attributes`] the app must give.
    RequiredAttributes,
    /// An array of strings (empty when absent).
    Strings,
    /// An MFA factor's setting (`ENABLED`…), sent as Cognito's settings object; left out when absent.
    MfaSetting,
    /// The device the operation is about ([`device_key`]).
    Device,
    /// The passkey the page created (`credential`).
    Credential,
    /// A page size; left out when absent.
    PageSize,
    /// Always this string.
    Fixed(&'static str),
    /// Always this number.
    Number(i64),
}

/// One member of a request: `key`, read as `arg` from `path` of the app's input. `refusal` is the error
/// when the value is empty (or, for a page size, out of range); it is raised once every argument is read.
struct Member {
    arg: Arg,
    path: &'static str,
    key: &'static str,
    refusal: Option<&'static str>,
}

const fn member(arg: Arg, path: &'static str, key: &'static str) -> Member {
    Member {
        arg,
        path,
        key,
        refusal: None,
    }
}

const fn checked(arg: Arg, path: &'static str, key: &'static str, refusal: &'static str) -> Member {
    Member {
        arg,
        path,
        key,
        refusal: Some(refusal),
    }
}

/// What an operation resolves with, from its reply.
#[derive(Clone, Copy)]
enum Output {
    /// Nothing: Cognito's reply is empty.
    Nothing,
    SignUp,
    SignUpComplete,
    CodeDelivery,
    ResetPassword,
    UserAttributes,
    MfaPreference,
    /// `{[attribute]: {isUpdated, nextStep}}` for each attribute the app updated.
    UpdatedAttributes,
    TotpSetup,
    TotpVerified,
    Devices,
    Device,
    /// StartWebAuthnRegistration's `CredentialCreationOptions`.
    CreationOptions,
    Passkeys,
}

/// Whose operation it is: the signed-in user's (`AccessToken` first), or the app client's for a user
/// named by `username` (`ClientId`, `Username` and its `SecretHash` after the members).
#[derive(Clone, Copy, PartialEq, Eq)]
enum By {
    User,
    Client,
}

/// One account operation.
struct Spec {
    /// The JS method.
    name: &'static str,
    operation: Operation,
    by: By,
    members: &'static [Member],
    /// Whether `options.clientMetadata` is sent (as `ClientMetadata`, last).
    metadata: bool,
    output: Output,
}

const CODE: Member = checked(
    Arg::Code,
    "confirmationCode",
    "ConfirmationCode",
    "confirmationCode is required",
);
const ATTRIBUTE: Member = checked(
    Arg::Text,
    "userAttributeKey",
    "AttributeName",
    "userAttributeKey is required",
);
const DEVICE: Member = member(Arg::Device, "", "DeviceKey");

/// Every account operation.
const SPECS: &[Spec] = &[
    Spec {
        name: "signUp",
        operation: Operation::SignUp,
        by: By::Client,
        members: &[
            checked(Arg::Text, "password", "Password", "password is required"),
            member(Arg::Attributes, "options.userAttributes", "UserAttributes"),
            member(
                Arg::AttributesIfAny,
                "options.validationData",
                "ValidationData",
            ),
        ],
        metadata: true,
        output: Output::SignUp,
    },
    Spec {
        name: "confirmSignUp",
        operation: Operation::ConfirmSignUp,
        by: By::Client,
        members: &[CODE],
        metadata: true,
        output: Output::SignUpComplete,
    },
    Spec {
        name: "resendSignUpCode",
        operation: Operation::ResendConfirmationCode,
        by: By::Client,
        members: &[],
        metadata: true,
        output: Output::CodeDelivery,
    },
    Spec {
        name: "resetPassword",
        operation: Operation::ForgotPassword,
        by: By::Client,
        members: &[],
        metadata: true,
        output: Output::ResetPassword,
    },
    Spec {
        name: "confirmResetPassword",
        operation: Operation::ConfirmForgotPassword,
        by: By::Client,
        members: &[
            CODE,
            checked(
                Arg::Text,
                "newPassword",
                "Password",
                "newPassword is required",
            ),
        ],
        metadata: true,
        output: Output::Nothing,
    },
    Spec {
        name: "updatePassword",
        operation: Operation::ChangePassword,
        by: By::User,
        members: &[
            member(Arg::Text, "oldPassword", "PreviousPassword"),
            checked(
                Arg::Text,
                "newPassword",
                "ProposedPassword",
                "newPassword is required",
            ),
        ],
        metadata: false,
        output: Output::Nothing,
    },
    Spec {
        name: "fetchUserAttributes",
        operation: Operation::GetUser,
        by: By::User,
        members: &[],
        metadata: false,
        output: Output::UserAttributes,
    },
    Spec {
        name: "fetchMFAPreference",
        operation: Operation::GetUser,
        by: By::User,
        members: &[],
        metadata: false,
        output: Output::MfaPreference,
    },
    Spec {
        name: "updateUserAttributes",
        operation: Operation::UpdateUserAttributes,
        by: By::User,
        members: &[checked(
            Arg::RequiredAttributes,
            "userAttributes",
            "UserAttributes",
            "userAttributes must name at least one attribute",
        )],
        metadata: true,
        output: Output::UpdatedAttributes,
    },
    Spec {
        name: "sendUserAttributeVerificationCode",
        operation: Operation::GetUserAttributeVerificationCode,
        by: By::User,
        members: &[ATTRIBUTE],
        metadata: true,
        output: Output::CodeDelivery,
    },
    Spec {
        name: "confirmUserAttribute",
        operation: Operation::VerifyUserAttribute,
        by: By::User,
        members: &[
            ATTRIBUTE,
            checked(
                Arg::Code,
                "confirmationCode",
                "Code",
                "confirmationCode is required",
            ),
        ],
        metadata: false,
        output: Output::Nothing,
    },
    Spec {
        name: "deleteUserAttributes",
        operation: Operation::DeleteUserAttributes,
        by: By::User,
        members: &[checked(
            Arg::Strings,
            "userAttributeKeys",
            "UserAttributeNames",
            "userAttributeKeys must name at least one attribute",
        )],
        metadata: false,
        output: Output::Nothing,
    },
    Spec {
        name: "deleteUser",
        operation: Operation::DeleteUser,
        by: By::User,
        members: &[],
        metadata: false,
        output: Output::Nothing,
    },
    Spec {
        name: "globalSignOut",
        operation: Operation::GlobalSignOut,
        by: By::User,
        members: &[],
        metadata: false,
        output: Output::Nothing,
    },
    Spec {
        name: "setUpTOTP",
        operation: Operation::AssociateSoftwareToken,
        by: By::User,
        members: &[],
        metadata: false,
        output: Output::TotpSetup,
    },
    Spec {
        name: "verifyTOTPSetup",
        operation: Operation::VerifySoftwareToken,
        by: By::User,
        members: &[
            checked(Arg::Code, "code", "UserCode", "code is required"),
            member(
                Arg::OptText,
                "options.friendlyDeviceName",
                "FriendlyDeviceName",
            ),
        ],
        metadata: false,
        output: Output::TotpVerified,
    },
    Spec {
        name: "updateMFAPreference",
        operation: Operation::SetUserMfaPreference,
        by: By::User,
        members: &[
            member(Arg::MfaSetting, "sms", "SMSMfaSettings"),
            member(Arg::MfaSetting, "totp", "SoftwareTokenMfaSettings"),
            member(Arg::MfaSetting, "email", "EmailMfaSettings"),
        ],
        metadata: false,
        output: Output::Nothing,
    },
    Spec {
        name: "rememberDevice",
        operation: Operation::UpdateDeviceStatus,
        by: By::User,
        members: &[
            DEVICE,
            member(Arg::Fixed("remembered"), "", "DeviceRememberedStatus"),
        ],
        metadata: false,
        output: Output::Nothing,
    },
    Spec {
        name: "forgetDevice",
        operation: Operation::ForgetDevice,
        by: By::User,
        members: &[DEVICE],
        metadata: false,
        output: Output::Nothing,
    },
    Spec {
        name: "getDevice",
        operation: Operation::GetDevice,
        by: By::User,
        members: &[DEVICE],
        metadata: false,
        output: Output::Device,
    },
    // Cognito's largest page of devices.
    Spec {
        name: "listDevices",
        operation: Operation::ListDevices,
        by: By::User,
        members: &[member(Arg::Number(60), "", "Limit")],
        metadata: false,
        output: Output::Devices,
    },
    // The first half of `associateWebAuthnCredential`: the options the page creates the passkey with.
    Spec {
        name: "startWebAuthnRegistration",
        operation: Operation::StartWebAuthnRegistration,
        by: By::User,
        members: &[],
        metadata: false,
        output: Output::CreationOptions,
    },
    // The second half: the passkey the page created.
    Spec {
        name: "completeWebAuthnRegistration",
        operation: Operation::CompleteWebAuthnRegistration,
        by: By::User,
        members: &[member(Arg::Credential, "credential", "Credential")],
        metadata: false,
        output: Output::Nothing,
    },
    Spec {
        name: "listWebAuthnCredentials",
        operation: Operation::ListWebAuthnCredentials,
        by: By::User,
        members: &[
            checked(
                Arg::PageSize,
                "pageSize",
                "MaxResults",
                "pageSize must be from 1 to 20",
            ),
            member(Arg::NonEmptyText, "nextToken", "NextToken"),
        ],
        metadata: false,
        output: Output::Passkeys,
    },
    Spec {
        name: "deleteWebAuthnCredential",
        operation: Operation::DeleteWebAuthnCredential,
        by: By::User,
        members: &[checked(
            Arg::Text,
            "credentialId",
            "CredentialId",
            "credentialId is required",
        )],
        metadata: false,
        output: Output::Nothing,
    },
];

impl Member {
    /// The member's value from the app's `args`; `None` when it is left out of the request.
    fn read(&self, args: &Reader) -> Result<Option<Value>, Error> {
        let path = self.path;
        Ok(match self.arg {
            Arg::Text => Some(args.string(path)?.into()),
            Arg::Code => Some(args.string(path)?.trim().into()),
            Arg::OptText => args.opt_string(path)?.map(Value::from),
            Arg::NonEmptyText => args
                .opt_string(path)?
                .filter(|text| !text.is_empty())
                .map(Value::from),
            Arg::Attributes => Some(attribute_list(&args.map_or_empty(path)?)),
            Arg::AttributesIfAny => {
                let attributes = args.map_or_empty(path)?;
                (!attributes.is_empty()).then(|| attribute_list(&attributes))
            }
            Arg::RequiredAttributes => {
                let attributes = args.opt_map(path)?.ok_or_else(|| {
                    Error::invalid_parameter(
                        "updateUserAttributes input: userAttributes is required",
                    )
                })?;
                Some(attribute_list(&attributes))
            }
            Arg::Strings => Some(args.strings(path)?.into()),
            Arg::MfaSetting => args
                .opt_choice(path, &MFA_PREFERENCES)?
                .map(MfaPreference::settings),
            Arg::Device => Some(device_key(args)?.into()),
            Arg::Credential => Some(Credential::registration(args)?.into_value()),
            Arg::PageSize => args.opt_u32(path)?.map(Value::from),
            Arg::Fixed(text) => Some(text.into()),
            Arg::Number(n) => Some(n.into()),
        })
    }
}

/// Whether a checked member's `value` is refused: empty, or a page size out of range.
fn refused(value: &Value) -> bool {
    match value {
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Int(n) => !(1..=i64::from(web_authn::MAX_PAGE_SIZE)).contains(n),
        _ => false,
    }
}

/// An account operation with the app's arguments read, the request body taking shape. The body carries
/// passwords and tokens: it is wiped when dropped unsent.
pub(super) struct AccountOperation {
    spec: &'static Spec,
    body: Value,
    /// The username an operation of the client's is for.
    username: String,
    client_metadata: Option<StringMap>,
    /// The first refusal of a checked member.
    refusal: Option<&'static str>,
}

impl Drop for AccountOperation {
    fn drop(&mut self) {
        self.body.wipe();
    }
}

impl AccountOperation {
    /// Operation `op` with the app's arguments `args`, for the user whose `access_token` it is (for the
    /// user's operations).
    pub(super) fn read(op: &str, args: &Reader, access_token: &str) -> Result<Self, Error> {
        let spec = SPECS.iter().find(|spec| spec.name == op).ok_or_else(|| {
            Error::invalid_parameter(crate::text::concat(&["unknown operation ", op]))
        })?;
        let mut read = Self {
            spec,
            body: Value::Object(Object::default()),
            username: String::new(),
            client_metadata: None,
            refusal: None,
        };
        match spec.by {
            By::User => read.body.insert("AccessToken", Value::from(access_token)),
            By::Client => read.username = args.string("username")?,
        }
        for member in spec.members {
            let Some(value) = member.read(args)? else {
                continue;
            };
            if read.refusal.is_none() && refused(&value) {
                read.refusal = member.refusal;
            }
            read.body.insert(member.key, value);
        }
        if spec.metadata {
            read.client_metadata = args.opt_map("options.clientMetadata")?;
        }
        Ok(read)
    }

    /// The request: the arguments' refusals first.
    pub(super) fn request(mut self, config: &ClientConfig) -> Result<Request, Error> {
        if let Some(refusal) = self.refusal {
            return Err(Error::invalid_parameter(refusal));
        }
        if self.spec.by == By::Client {
            let username = &self.username;
            if username.is_empty() {
                return Err(Error::invalid_parameter("username is required"));
            }
            self.body.insert("ClientId", Value::from(&config.client_id));
            self.body.insert("Username", Value::from(username));
            self.body
                .insert_some("SecretHash", config.secret_hash(username));
        }
        self.body
            .insert_some("ClientMetadata", self.client_metadata.as_ref());
        Ok(Request::new(self.spec.operation, mem::take(&mut self.body)))
    }

    /// What the operation resolves with, from its reply `body`. `args` are the app's (the attributes an
    /// update names); `username` names the signed-in user (for the TOTP setup URI).
    pub(super) fn output(
        &self,
        config: &ClientConfig,
        args: &Reader,
        body: &Value,
        username: &str,
    ) -> Result<Value, Error> {
        let operation = self.spec.operation;
        match self.spec.output {
            Output::Nothing => Ok(Value::Null),
            Output::SignUp => {
                let output = account::SignUpOutput::from(account::SignUpReply::read(body)?);
                Ok((&output).into())
            }
            Output::SignUpComplete => Ok((&account::SignUpOutput::complete()).into()),
            Output::CodeDelivery => {
                let reply = account::CodeDeliveryReply::read(body, operation)?;
                Ok((&reply.code_delivery_details.unwrap_or_default()).into())
            }
            Output::ResetPassword => {
                let reply = account::CodeDeliveryReply::read(body, operation)?;
                let output = account::ResetPasswordOutput {
                    code_delivery_details: reply.code_delivery_details,
                };
                Ok((&output).into())
            }
            Output::UserAttributes => {
                let reply = account::GetUserReply::read(body)?;
                Ok((&reply.attributes()).into())
            }
            Output::MfaPreference => {
                let reply = account::GetUserReply::read(body)?;
                Ok(reply.mfa_preference().to_json())
            }
            Output::UpdatedAttributes => {
                let reply = account::UpdateUserAttributesReply::read(body)?;
                let mut output = Object::default();
                for name in args.map_or_empty("userAttributes")?.keys() {
                    let step = account::UpdateAttributeStep::of(name, &reply);
                    output.insert(name, &step);
                }
                Ok(Value::Object(output))
            }
            Output::TotpSetup => {
                let reply = account::AssociateSoftwareTokenReply::read(body)?;
                Ok(TotpSetup::new(reply.secret_code, &config.totp_issuer, username).to_json())
            }
            Output::TotpVerified => {
                let reply = account::VerifySoftwareTokenReply::read(body)?;
                if reply.status.as_deref() != Some("SUCCESS") {
                    return Err(Error::new(
                        "EnableSoftwareTokenMFAException",
                        "the TOTP code was not accepted",
                    ));
                }
                Ok(Value::Null)
            }
            Output::Devices => {
                let reply = devices::ListDevicesReply::read(body)?;
                let mut list = Vec::new();
                for device in reply.devices {
                    list.push(devices::Device::from(device).to_json());
                }
                Ok(Value::Array(list))
            }
            Output::Device => {
                let reply = devices::GetDeviceReply::read(body)?;
                Ok(devices::Device::from(reply.device).to_json())
            }
            Output::CreationOptions => {
                let reply = web_authn::StartRegistrationReply::read(body)?;
                Ok(reply.credential_creation_options)
            }
            Output::Passkeys => Ok(web_authn::ListReply::read(body)?.to_json()),
        }
    }
}

/// An attribute list (`[{Name, Value}]`) of `attributes`.
fn attribute_list(attributes: &StringMap) -> Value {
    let mut list = Vec::new();
    for (name, value) in attributes {
        list.push(Value::object([
            ("Name", name.into()),
            ("Value", value.into()),
        ]));
    }
    Value::Array(list)
}

/// The device an operation is about: the one the app names (`{ device: { id } }`), else this browser's
/// (`currentDeviceKey`, looked up by the JS side).
fn device_key(args: &Reader) -> Result<String, Error> {
    match args.opt_string("device.id")? {
        Some(id) => Ok(id),
        None => args
            .opt_string("currentDeviceKey")?
            .ok_or_else(|| Error::invalid_parameter("this device is not tracked")),
    }
}

impl SignInCore {
    /// The request of account operation `op` (named as the JS method) with the app's `args`.
    pub(super) fn account_request(
        &self,
        op: &str,
        args: &str,
        access_token: &str,
    ) -> Result<Value, Error> {
        let what = crate::text::concat(&[op, " input"]);
        let args_json = json::parse_argument(args, &what)?;
        let operation =
            AccountOperation::read(op, &Reader::argument(&args_json, &what)?, access_token)?;
        let request = operation.request(&opened(&self.opened)?.config)?;
        Ok(request_json(&request))
    }

    /// What account operation `op` resolves with, from its reply `body`.
    pub(super) fn account_result(
        &self,
        op: &str,
        args: &str,
        body: &str,
        username: &str,
    ) -> Result<Value, Error> {
        let what = crate::text::concat(&[op, " input"]);
        let args_json = json::parse_argument(args, &what)?;
        let args = Reader::argument(&args_json, &what)?;
        // The arguments are checked as `account_request` checked them.
        let operation = AccountOperation::read(op, &args, "")?;
        let config = &opened(&self.opened)?.config;
        operation.output(config, &args, &reply_body(body)?, username)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::ClientSecret;

    /// The request of `op` with `args` (JSON text), by a client with a secret: its body, or the error's message.
    fn request(op: &str, args: &str) -> Result<String, String> {
        let config = ClientConfig::new(
            "us-east-1_Pool1",
            "cid",
            Some(ClientSecret::new("sec")),
            None,
        )
        .unwrap();
        let args = crate::json::parse(args).unwrap();
        let args = Reader::argument(&args, "input").unwrap();
        AccountOperation::read(op, &args, "t")
            .and_then(|operation| operation.request(&config))
            .map(|request| request.body.clone())
            .map_err(|error| error.message.clone())
    }

    #[test]
    fn the_clients_requests_carry_client_username_hash_and_metadata_last() {
        let hash = crate::srp::secret_hash("sec", "bob", "cid");
        assert_eq!(
            request(
                "confirmResetPassword",
                r#"{"username":"bob","confirmationCode":" 123456 ","newPassword":"N3w!",
                    "options":{"clientMetadata":{"k":"v"}}}"#
            )
            .unwrap(),
            format!(
                r#"{{"ConfirmationCode":"123456","Password":"N3w!","ClientId":"cid","Username":"bob","SecretHash":"{hash}","ClientMetadata":{{"k":"v"}}}}"#
            )
        );
        assert_eq!(
            request(
                "signUp",
                r#"{"username":"bob","password":"pw","options":{"userAttributes":{"email":"b@example.com"}}}"#
            )
            .unwrap(),
            format!(
                r#"{{"Password":"pw","UserAttributes":[{{"Name":"email","Value":"b@example.com"}}],"ClientId":"cid","Username":"bob","SecretHash":"{hash}"}}"#
            )
        );
        assert_eq!(
            request("resetPassword", r#"{"username":""}"#).unwrap_err(),
            "username is required"
        );
        assert_eq!(
            request("resetPassword", "{}").unwrap_err(),
            "input: username is required"
        );
        // The arguments are all read before any is refused, and the username is checked last.
        assert_eq!(
            request("confirmSignUp", r#"{"username":"","confirmationCode":" "}"#).unwrap_err(),
            "confirmationCode is required"
        );
        assert_eq!(
            request(
                "signUp",
                r#"{"username":"bob","password":"","options":{"clientMetadata":1}}"#
            )
            .unwrap_err(),
            "input: options.clientMetadata must be an object of strings"
        );
        assert_eq!(request("nope", "{}").unwrap_err(), "unknown operation nope");
    }

    #[test]
    fn the_users_requests_carry_the_access_token_first() {
        assert_eq!(
            request("listDevices", "{}").unwrap(),
            r#"{"AccessToken":"t","Limit":60}"#
        );
        assert_eq!(
            request("rememberDevice", r#"{"currentDeviceKey":"d"}"#).unwrap(),
            r#"{"AccessToken":"t","DeviceKey":"d","DeviceRememberedStatus":"remembered"}"#
        );
        assert_eq!(
            request("forgetDevice", "{}").unwrap_err(),
            "this device is not tracked"
        );
        assert_eq!(
            request(
                "updateMFAPreference",
                r#"{"sms":"DISABLED","email":"PREFERRED"}"#
            )
            .unwrap(),
            r#"{"AccessToken":"t","SMSMfaSettings":{"Enabled":false,"PreferredMfa":false},"EmailMfaSettings":{"Enabled":true,"PreferredMfa":true}}"#
        );
        assert_eq!(
            request(
                "updateUserAttributes",
                r#"{"userAttributes":{"name":"B"},"options":{"clientMetadata":{}}}"#
            )
            .unwrap(),
            r#"{"AccessToken":"t","UserAttributes":[{"Name":"name","Value":"B"}],"ClientMetadata":{}}"#
        );
        assert_eq!(
            request("updateUserAttributes", "{}").unwrap_err(),
            "updateUserAttributes input: userAttributes is required"
        );
        assert_eq!(
            request("updateUserAttributes", r#"{"userAttributes":{}}"#).unwrap_err(),
            "userAttributes must name at least one attribute"
        );
        assert_eq!(
            request("deleteUserAttributes", "{}").unwrap_err(),
            "userAttributeKeys must name at least one attribute"
        );
        assert_eq!(
            request("updatePassword", r#"{"oldPassword":"","newPassword":"n"}"#).unwrap(),
            r#"{"AccessToken":"t","PreviousPassword":"","ProposedPassword":"n"}"#
        );
        assert_eq!(
            request(
                "verifyTOTPSetup",
                r#"{"code":" 1 ","options":{"friendlyDeviceName":""}}"#
            )
            .unwrap(),
            r#"{"AccessToken":"t","UserCode":"1","FriendlyDeviceName":""}"#
        );
    }

    #[test]
    fn passkey_pages_are_checked() {
        assert_eq!(
            request("listWebAuthnCredentials", r#"{"pageSize":0}"#).unwrap_err(),
            "pageSize must be from 1 to 20"
        );
        assert!(request("listWebAuthnCredentials", r#"{"pageSize":21}"#).is_err());
        assert_eq!(
            request(
                "listWebAuthnCredentials",
                r#"{"pageSize":2,"nextToken":"n"}"#
            )
            .unwrap(),
            r#"{"AccessToken":"t","MaxResults":2,"NextToken":"n"}"#
        );
        assert_eq!(
            request("listWebAuthnCredentials", r#"{"nextToken":""}"#).unwrap(),
            r#"{"AccessToken":"t"}"#
        );
        assert_eq!(
            request("deleteWebAuthnCredential", r#"{"credentialId":""}"#).unwrap_err(),
            "credentialId is required"
        );
    }
}
