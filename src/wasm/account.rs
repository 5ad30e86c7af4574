//! The package's account methods (`signUp`, `updatePassword`, `listDevices`…) as one type: each variant is
//! one operation with its arguments read and checked once, and it alone knows both its request and what
//! its reply resolves with. An operation the package does not have cannot be named, and one whose reply
//! is not read cannot be added without the compiler asking for its output.

use crate::config::ClientConfig;
use crate::error::Error;
use crate::flows::account::{self, MfaPreference, SignUpInput};
use crate::flows::devices;
use crate::flows::sign_in::TotpSetup;
use crate::flows::web_authn::{self, Registration};
use crate::json::{Object, Reader, Value};
use crate::prelude::*;
use crate::protocol::{Operation, Request, StringMap};
use crate::secret::Password;

const MFA_PREFERENCES: [(&str, MfaPreference); 4] = [
    ("ENABLED", MfaPreference::Enabled),
    ("DISABLED", MfaPreference::Disabled),
    ("PREFERRED", MfaPreference::Preferred),
    ("NOT_PREFERRED", MfaPreference::NotPreferred),
];

/// One account operation, named as the JS method, with its arguments.
pub(super) enum AccountOperation {
    SignUp(SignUpInput),
    ConfirmSignUp {
        username: String,
        code: String,
        client_metadata: Option<StringMap>,
    },
    ResendSignUpCode {
        username: String,
        client_metadata: Option<StringMap>,
    },
    ResetPassword {
        username: String,
        client_metadata: Option<StringMap>,
    },
    ConfirmResetPassword {
        username: String,
        code: String,
        new_password: Password,
        client_metadata: Option<StringMap>,
    },
    UpdatePassword {
        old_password: Password,
        new_password: Password,
    },
    FetchUserAttributes,
    FetchMfaPreference,
    UpdateUserAttributes {
        attributes: StringMap,
        client_metadata: Option<StringMap>,
    },
    SendUserAttributeVerificationCode {
        attribute: String,
        client_metadata: Option<StringMap>,
    },
    ConfirmUserAttribute {
        attribute: String,
        code: String,
    },
    DeleteUserAttributes {
        attributes: Vec<String>,
    },
    DeleteUser,
    GlobalSignOut,
    SetUpTotp,
    VerifyTotpSetup {
        code: String,
        friendly_device_name: Option<String>,
    },
    UpdateMfaPreference {
        sms: Option<MfaPreference>,
        totp: Option<MfaPreference>,
        email: Option<MfaPreference>,
    },
    RememberDevice {
        device_key: String,
    },
    ForgetDevice {
        device_key: String,
    },
    GetDevice {
        device_key: String,
    },
    ListDevices,
    /// The first half of `associateWebAuthnCredential`: the options the page creates the passkey with.
    StartWebAuthnRegistration,
    /// The second half: the passkey the page created.
    CompleteWebAuthnRegistration {
        credential: Box<Registration>,
    },
    ListWebAuthnCredentials {
        page_size: Option<u32>,
        next_token: Option<String>,
    },
    DeleteWebAuthnCredential {
        credential_id: String,
    },
}

impl AccountOperation {
    /// Operation `op` with the app's arguments `args`.
    pub(super) fn read(op: &str, args: &Reader) -> Result<Self, Error> {
        let metadata = || args.opt_map("options.clientMetadata");
        Ok(match op {
            "signUp" => Self::SignUp(SignUpInput {
                username: args.string("username")?,
                password: Password::new(args.string("password")?),
                user_attributes: args.map_or_empty("options.userAttributes")?,
                validation_data: args.map_or_empty("options.validationData")?,
                client_metadata: metadata()?,
            }),
            "confirmSignUp" => Self::ConfirmSignUp {
                username: args.string("username")?,
                code: args.string("confirmationCode")?.trim().to_owned(),
                client_metadata: metadata()?,
            },
            "resendSignUpCode" => Self::ResendSignUpCode {
                username: args.string("username")?,
                client_metadata: metadata()?,
            },
            "resetPassword" => Self::ResetPassword {
                username: args.string("username")?,
                client_metadata: metadata()?,
            },
            "confirmResetPassword" => Self::ConfirmResetPassword {
                username: args.string("username")?,
                code: args.string("confirmationCode")?.trim().to_owned(),
                new_password: Password::new(args.string("newPassword")?),
                client_metadata: metadata()?,
            },
            "updatePassword" => Self::UpdatePassword {
                old_password: Password::new(args.string("oldPassword")?),
                new_password: Password::new(args.string("newPassword")?),
            },
            "fetchUserAttributes" => Self::FetchUserAttributes,
            "fetchMFAPreference" => Self::FetchMfaPreference,
            "updateUserAttributes" => Self::UpdateUserAttributes {
                attributes: args.opt_map("userAttributes")?.ok_or_else(|| {
                    Error::invalid_parameter(
                        "updateUserAttributes input: userAttributes is required",
                    )
                })?,
                client_metadata: metadata()?,
            },
            "sendUserAttributeVerificationCode" => Self::SendUserAttributeVerificationCode {
                attribute: args.string("userAttributeKey")?,
                client_metadata: metadata()?,
            },
            "confirmUserAttribute" => Self::ConfirmUserAttribute {
                attribute: args.string("userAttributeKey")?,
                code: args.string("confirmationCode")?.trim().to_owned(),
            },
            "deleteUserAttributes" => Self::DeleteUserAttributes {
                attributes: args.strings("userAttributeKeys")?,
            },
            "deleteUser" => Self::DeleteUser,
            "globalSignOut" => Self::GlobalSignOut,
            "setUpTOTP" => Self::SetUpTotp,
            "verifyTOTPSetup" => Self::VerifyTotpSetup {
                code: args.string("code")?.trim().to_owned(),
                friendly_device_name: args.opt_string("options.friendlyDeviceName")?,
            },
            "updateMFAPreference" => Self::UpdateMfaPreference {
                sms: args.opt_choice("sms", &MFA_PREFERENCES)?,
                totp: args.opt_choice("totp", &MFA_PREFERENCES)?,
                email: args.opt_choice("email", &MFA_PREFERENCES)?,
            },
            "rememberDevice" => Self::RememberDevice {
                device_key: device_key(args)?,
            },
            "forgetDevice" => Self::ForgetDevice {
                device_key: device_key(args)?,
            },
            "getDevice" => Self::GetDevice {
                device_key: device_key(args)?,
            },
            "listDevices" => Self::ListDevices,
            "startWebAuthnRegistration" => Self::StartWebAuthnRegistration,
            "completeWebAuthnRegistration" => Self::CompleteWebAuthnRegistration {
                credential: Box::new(Registration::read_argument(args)?),
            },
            "listWebAuthnCredentials" => Self::ListWebAuthnCredentials {
                page_size: args.opt_u32("pageSize")?,
                next_token: args.opt_string("nextToken")?,
            },
            "deleteWebAuthnCredential" => Self::DeleteWebAuthnCredential {
                credential_id: args.string("credentialId")?,
            },
            _ => {
                return Err(Error::invalid_parameter(crate::text::concat(&[
                    "unknown operation ",
                    op,
                ])));
            }
        })
    }

    /// The request, with the signed-in user's access token where the operation needs one.
    pub(super) fn request(&self, config: &ClientConfig, token: &str) -> Result<Request, Error> {
        match self {
            Self::SignUp(input) => account::sign_up(config, input),
            Self::ConfirmSignUp {
                username,
                code,
                client_metadata,
            } => account::confirm_sign_up(config, username, code, client_metadata.as_ref()),
            Self::ResendSignUpCode {
                username,
                client_metadata,
            } => account::resend_confirmation_code(config, username, client_metadata.as_ref()),
            Self::ResetPassword {
                username,
                client_metadata,
            } => account::forgot_password(config, username, client_metadata.as_ref()),
            Self::ConfirmResetPassword {
                username,
                code,
                new_password,
                client_metadata,
            } => account::confirm_forgot_password(
                config,
                username,
                code,
                new_password,
                client_metadata.as_ref(),
            ),
            Self::UpdatePassword {
                old_password,
                new_password,
            } => account::change_password(token, old_password, new_password),
            Self::FetchUserAttributes | Self::FetchMfaPreference => account::get_user(token),
            Self::UpdateUserAttributes {
                attributes,
                client_metadata,
            } => account::update_user_attributes(token, attributes, client_metadata.as_ref()),
            Self::SendUserAttributeVerificationCode {
                attribute,
                client_metadata,
            } => account::get_user_attribute_verification_code(
                token,
                attribute,
                client_metadata.as_ref(),
            ),
            Self::ConfirmUserAttribute { attribute, code } => {
                account::verify_user_attribute(token, attribute, code)
            }
            Self::DeleteUserAttributes { attributes } => {
                account::delete_user_attributes(token, attributes)
            }
            Self::DeleteUser => account::delete_user(token),
            Self::GlobalSignOut => account::global_sign_out(token),
            Self::SetUpTotp => account::associate_software_token(token),
            Self::VerifyTotpSetup {
                code,
                friendly_device_name,
            } => account::verify_software_token(token, code, friendly_device_name.as_deref()),
            Self::UpdateMfaPreference { sms, totp, email } => {
                account::set_user_mfa_preference(token, *sms, *totp, *email)
            }
            Self::RememberDevice { device_key } => devices::update_status(token, device_key, true),
            Self::ForgetDevice { device_key } => devices::forget(token, device_key),
            Self::GetDevice { device_key } => devices::get(token, device_key),
            Self::ListDevices => devices::list(token, Some(60)),
            Self::StartWebAuthnRegistration => web_authn::start_registration(token),
            Self::CompleteWebAuthnRegistration { credential } => {
                web_authn::complete_registration(token, credential)
            }
            Self::ListWebAuthnCredentials {
                page_size,
                next_token,
            } => web_authn::list(token, *page_size, next_token.as_deref()),
            Self::DeleteWebAuthnCredential { credential_id } => {
                web_authn::delete(token, credential_id)
            }
        }
    }

    /// What the operation resolves with, from its reply `body`. `username` names the signed-in user (for
    /// the TOTP setup URI).
    pub(super) fn output(
        &self,
        config: &ClientConfig,
        body: &Value,
        username: &str,
    ) -> Result<Value, Error> {
        match self {
            Self::SignUp(_) => {
                let output = account::SignUpOutput::from(account::SignUpReply::read(body)?);
                Ok((&output).into())
            }
            Self::ConfirmSignUp { .. } => Ok((&account::SignUpOutput::complete()).into()),
            Self::ResendSignUpCode { .. } => code_delivery(body, Operation::ResendConfirmationCode),
            Self::SendUserAttributeVerificationCode { .. } => {
                code_delivery(body, Operation::GetUserAttributeVerificationCode)
            }
            Self::ResetPassword { .. } => {
                let reply = account::CodeDeliveryReply::read(body, Operation::ForgotPassword)?;
                let output = account::ResetPasswordOutput {
                    code_delivery_details: reply.code_delivery_details,
                };
                Ok((&output).into())
            }
            Self::FetchUserAttributes => {
                let reply = account::GetUserReply::read(body)?;
                Ok((&reply.attributes()).into())
            }
            Self::FetchMfaPreference => {
                let reply = account::GetUserReply::read(body)?;
                Ok(reply.mfa_preference().to_json())
            }
            Self::UpdateUserAttributes { attributes, .. } => {
                let reply = account::UpdateUserAttributesReply::read(body)?;
                let mut output = Object::default();
                for name in attributes.keys() {
                    let step = account::UpdateAttributeStep::of(name, &reply);
                    output.insert(name, &step);
                }
                Ok(Value::Object(output))
            }
            Self::SetUpTotp => {
                let reply = account::AssociateSoftwareTokenReply::read(body)?;
                Ok(TotpSetup::new(reply.secret_code, &config.totp_issuer, username).to_json())
            }
            Self::VerifyTotpSetup { .. } => {
                let reply = account::VerifySoftwareTokenReply::read(body)?;
                if reply.status.as_deref() != Some("SUCCESS") {
                    return Err(Error::new(
                        "EnableSoftwareTokenMFAException",
                        "the TOTP code was not accepted",
                    ));
                }
                Ok(Value::Null)
            }
            Self::ListDevices => {
                let reply = devices::ListDevicesReply::read(body)?;
                Ok(reply
                    .devices
                    .into_iter()
                    .map(|device| devices::Device::from(device).to_json())
                    .collect())
            }
            Self::GetDevice { .. } => {
                let reply = devices::GetDeviceReply::read(body)?;
                Ok(devices::Device::from(reply.device).to_json())
            }
            Self::StartWebAuthnRegistration => {
                let reply = web_authn::StartRegistrationReply::read(body)?;
                Ok(reply.credential_creation_options)
            }
            Self::ListWebAuthnCredentials { .. } => Ok(web_authn::ListReply::read(body)?.to_json()),
            // These resolve with nothing: Cognito's reply to them is empty.
            Self::ConfirmResetPassword { .. }
            | Self::UpdatePassword { .. }
            | Self::ConfirmUserAttribute { .. }
            | Self::DeleteUserAttributes { .. }
            | Self::DeleteUser
            | Self::GlobalSignOut
            | Self::UpdateMfaPreference { .. }
            | Self::RememberDevice { .. }
            | Self::ForgetDevice { .. }
            | Self::CompleteWebAuthnRegistration { .. }
            | Self::DeleteWebAuthnCredential { .. } => Ok(Value::Null),
        }
    }
}

/// Where the code went, from a reply that carries `CodeDeliveryDetails`.
fn code_delivery(body: &Value, operation: Operation) -> Result<Value, Error> {
    let reply = account::CodeDeliveryReply::read(body, operation)?;
    Ok((&reply.code_delivery_details.unwrap_or_default()).into())
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
