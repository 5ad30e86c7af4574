//! Cognito's wire format: JSON bodies POSTed with an `X-Amz-Target` header, and how replies (including
//! errors) are read. Pure data; the transport that sends a [`Request`] lives at the edge.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The operations the library calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    InitiateAuth,
    RespondToAuthChallenge,
    RevokeToken,
    GetTokensFromRefreshToken,
    GlobalSignOut,
    ConfirmDevice,
    UpdateDeviceStatus,
    ForgetDevice,
    ListDevices,
    GetDevice,
    AssociateSoftwareToken,
    VerifySoftwareToken,
    SetUserMfaPreference,
    SignUp,
    ConfirmSignUp,
    ResendConfirmationCode,
    ForgotPassword,
    ConfirmForgotPassword,
    ChangePassword,
    GetUser,
    UpdateUserAttributes,
    GetUserAttributeVerificationCode,
    VerifyUserAttribute,
    DeleteUserAttributes,
    DeleteUser,
}

impl Operation {
    pub fn name(self) -> &'static str {
        match self {
            Self::InitiateAuth => "InitiateAuth",
            Self::RespondToAuthChallenge => "RespondToAuthChallenge",
            Self::RevokeToken => "RevokeToken",
            Self::GetTokensFromRefreshToken => "GetTokensFromRefreshToken",
            Self::GlobalSignOut => "GlobalSignOut",
            Self::ConfirmDevice => "ConfirmDevice",
            Self::UpdateDeviceStatus => "UpdateDeviceStatus",
            Self::ForgetDevice => "ForgetDevice",
            Self::ListDevices => "ListDevices",
            Self::GetDevice => "GetDevice",
            Self::AssociateSoftwareToken => "AssociateSoftwareToken",
            Self::VerifySoftwareToken => "VerifySoftwareToken",
            Self::SetUserMfaPreference => "SetUserMFAPreference",
            Self::SignUp => "SignUp",
            Self::ConfirmSignUp => "ConfirmSignUp",
            Self::ResendConfirmationCode => "ResendConfirmationCode",
            Self::ForgotPassword => "ForgotPassword",
            Self::ConfirmForgotPassword => "ConfirmForgotPassword",
            Self::ChangePassword => "ChangePassword",
            Self::GetUser => "GetUser",
            Self::UpdateUserAttributes => "UpdateUserAttributes",
            Self::GetUserAttributeVerificationCode => "GetUserAttributeVerificationCode",
            Self::VerifyUserAttribute => "VerifyUserAttribute",
            Self::DeleteUserAttributes => "DeleteUserAttributes",
            Self::DeleteUser => "DeleteUser",
        }
    }

    /// The `X-Amz-Target` header value.
    pub fn target(self) -> String {
        format!("AWSCognitoIdentityProviderService.{}", self.name())
    }
}

pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// One request to send: the operation and its JSON body.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    pub operation: Operation,
    pub body: String,
}

impl std::fmt::Debug for Request {
    // Bodies carry passwords, SRP proofs and tokens.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("body", &"[redacted]")
            .finish()
    }
}

impl Request {
    pub fn new(operation: Operation, body: &impl Serialize) -> Result<Self, Error> {
        let body =
            serde_json::to_string(body).map_err(|e| Error::invalid_parameter(e.to_string()))?;
        Ok(Self { operation, body })
    }
}

pub type StringMap = BTreeMap<String, String>;

/// Sets `body[key]` on a JSON object body (indexing a `Value` would panic on a non-object).
pub fn set_member(body: &mut serde_json::Value, key: &str, value: impl Into<serde_json::Value>) {
    if let Some(members) = body.as_object_mut() {
        members.insert(key.to_owned(), value.into());
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InitiateAuthRequest<'a> {
    pub auth_flow: &'a str,
    pub client_id: &'a str,
    pub auth_parameters: StringMap,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<&'a StringMap>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RespondToAuthChallengeRequest<'a> {
    pub challenge_name: &'a str,
    pub client_id: &'a str,
    pub challenge_responses: StringMap,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<&'a StringMap>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RevokeTokenRequest<'a> {
    pub token: &'a str,
    pub client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<&'a str>,
}

/// The reply of InitiateAuth and RespondToAuthChallenge.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthResponse {
    pub challenge_name: Option<String>,
    pub session: Option<String>,
    #[serde(default)]
    pub challenge_parameters: StringMap,
    pub authentication_result: Option<AuthenticationResult>,
    #[serde(default)]
    pub available_challenges: Vec<String>,
}

#[derive(Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthenticationResult {
    pub access_token: Option<String>,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
    pub expires_in: Option<i64>,
    pub token_type: Option<String>,
    pub new_device_metadata: Option<NewDeviceMetadata>,
}

impl std::fmt::Debug for AuthenticationResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthenticationResult")
            .field("tokens", &"[redacted]")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NewDeviceMetadata {
    pub device_key: Option<String>,
    pub device_group_key: Option<String>,
}

/// An HTTP reply as the transport hands it over.
pub struct RawResponse<'a> {
    pub status: u16,
    pub body: &'a str,
    /// The `x-amzn-ErrorType` header, used when the body names no error.
    pub error_type_header: Option<&'a str>,
}

/// Reads a reply: the success body as `T`, or the Cognito error it carries.
pub fn parse_response<T: DeserializeOwned>(response: &RawResponse<'_>) -> Result<T, Error> {
    if (200..300).contains(&response.status) {
        // Operations with an empty result may answer with an empty body.
        let body = if response.body.trim().is_empty() {
            "{}"
        } else {
            response.body
        };
        return serde_json::from_str(body).map_err(|e| {
            Error::invalid_response(format!("unreadable {} reply: {e}", response.status))
        });
    }
    Err(parse_error(response))
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "__type", alias = "code")]
    error_type: Option<String>,
    #[serde(alias = "Message")]
    message: Option<String>,
}

/// Cognito errors: `{"__type": "[prefix#]NameException", "message": "..."}`, else the header.
fn parse_error(response: &RawResponse<'_>) -> Error {
    let body: Option<ErrorBody> = serde_json::from_str(response.body).ok();
    let (error_type, message) = body.map_or((None, None), |b| (b.error_type, b.message));
    let name = error_type
        .as_deref()
        .or_else(|| {
            response
                .error_type_header
                .map(|h| h.split(':').next().unwrap_or(h))
        })
        .map(|t| t.rsplit('#').next().unwrap_or(t).trim())
        .filter(|n| !n.is_empty());
    match name {
        Some(name) => {
            let mut error = Error::new(name, message.unwrap_or_default());
            error.retryable |= response.status >= 500;
            error
        }
        None => {
            let mut error = Error::new(
                "UnknownError",
                format!("HTTP {} from Cognito", response.status),
            );
            error.retryable = response.status >= 500;
            error
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(status: u16, body: &str, header: Option<&str>) -> Error {
        parse_response::<AuthResponse>(&RawResponse {
            status,
            body,
            error_type_header: header,
        })
        .unwrap_err()
    }

    #[test]
    fn error_names_are_cognitos() {
        let e = error_of(
            400,
            r#"{"__type":"NotAuthorizedException","message":"Incorrect username or password."}"#,
            None,
        );
        assert_eq!(
            (e.name.as_str(), e.message.as_str(), e.retryable),
            (
                "NotAuthorizedException",
                "Incorrect username or password.",
                false
            )
        );
        let e = error_of(
            400,
            r#"{"__type":"com.amazonaws.cognito#TooManyRequestsException","Message":"slow"}"#,
            None,
        );
        assert_eq!(
            (e.name.as_str(), e.message.as_str(), e.retryable),
            ("TooManyRequestsException", "slow", true)
        );
        let e = error_of(400, r#"{"code":"UserNotFoundException"}"#, None);
        assert_eq!(e.name, "UserNotFoundException");
        let e = error_of(
            400,
            "<html>",
            Some("InvalidParameterException:http://internal"),
        );
        assert_eq!(e.name, "InvalidParameterException");
        let e = error_of(503, "", None);
        assert_eq!((e.name.as_str(), e.retryable), ("UnknownError", true));
        let e = error_of(500, r#"{"__type":"InternalErrorException"}"#, None);
        assert!(e.retryable);
    }

    #[test]
    fn malformed_success_bodies_are_typed_errors() {
        for body in [
            "not json",
            "[1]",
            r#"{"AuthenticationResult":{"ExpiresIn":"soon"}}"#,
            r#"{"ChallengeParameters":{"a":1}}"#,
        ] {
            let e = parse_response::<AuthResponse>(&RawResponse {
                status: 200,
                body,
                error_type_header: None,
            })
            .unwrap_err();
            assert_eq!(e.name, "InvalidResponseException", "{body}");
        }
        let empty = parse_response::<AuthResponse>(&RawResponse {
            status: 200,
            body: "",
            error_type_header: None,
        });
        assert!(empty.is_ok());
    }

    #[test]
    fn request_debug_hides_the_body() {
        let request = Request {
            operation: Operation::InitiateAuth,
            body: "{\"PASSWORD\":\"hunter2\"}".into(),
        };
        assert!(!format!("{request:?}").contains("hunter2"));
        assert_eq!(
            Operation::InitiateAuth.target(),
            "AWSCognitoIdentityProviderService.InitiateAuth"
        );
    }
}
