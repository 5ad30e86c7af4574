//! Cognito-style errors: a `__type` name and a message, rendered as the JSON protocol's error reply.
//!
//! Clients find the error name in the body's `__type` (amazon-cognito-identity-js, botocore) or, failing
//! that, in the `x-amzn-ErrorType` header up to the first `:`, so both are always set.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The content type of every Cognito reply, success or error.
pub const AMZ_JSON: &str = "application/x-amz-json-1.1";

/// An error reply: HTTP status, Cognito exception name and human-readable message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CognitoError {
    pub status: StatusCode,
    pub name: &'static str,
    pub message: String,
}

pub type OpResult<T> = Result<T, CognitoError>;

impl CognitoError {
    /// A client error (HTTP 400), which is how Cognito reports every modelled exception.
    pub fn new(name: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            name,
            message: message.into(),
        }
    }

    /// An unexpected server-side failure (HTTP 500).
    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            name: "InternalErrorException",
            message: message.into(),
        }
    }

    pub fn not_authorized(message: impl Into<String>) -> Self {
        Self::new("NotAuthorizedException", message)
    }

    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new("InvalidParameterException", message)
    }

    pub fn resource_not_found(message: impl Into<String>) -> Self {
        Self::new("ResourceNotFoundException", message)
    }

    pub fn serialization(message: impl Into<String>) -> Self {
        Self::new("SerializationException", message)
    }

    pub fn user_not_found() -> Self {
        Self::new("UserNotFoundException", "User does not exist.")
    }

    pub fn pool_not_found(pool_id: &str) -> Self {
        Self::resource_not_found(format!("User pool {pool_id} does not exist."))
    }

    pub fn client_not_found(client_id: &str) -> Self {
        Self::resource_not_found(format!("User pool client {client_id} does not exist."))
    }

    pub fn device_not_found() -> Self {
        Self::resource_not_found("Device does not exist.")
    }

    /// A challenge `Session` (or SRP handshake) that is unknown, used up or not the user's.
    pub fn invalid_session() -> Self {
        Self::not_authorized("Invalid session for the user.")
    }

    /// The one message Cognito gives for every failed password check, so that it reveals nothing.
    pub fn incorrect_credentials() -> Self {
        Self::not_authorized("Incorrect username or password.")
    }

    /// What the service's request validation says about a member that breaks a constraint.
    pub fn validation(member: &str, constraint: &str) -> Self {
        Self::invalid_parameter(format!(
            "1 validation error detected: Value at '{member}' failed to satisfy constraint: {constraint}"
        ))
    }

    /// What the service's request validation says about a missing required member.
    pub fn missing_member(member: &str) -> Self {
        Self::invalid_parameter(format!(
            "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
            lower_camel(member)
        ))
    }

    /// What Cognito says about a missing entry of `AuthParameters` / `ChallengeResponses`.
    pub fn missing_parameter(name: &str) -> Self {
        Self::invalid_parameter(format!("Missing required parameter {name}"))
    }
}

impl std::fmt::Display for CognitoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for CognitoError {}

/// The service validator names members in lowerCamelCase (`ClientId` → `clientId`).
pub fn lower_camel(member: &str) -> String {
    let mut chars = member.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl IntoResponse for CognitoError {
    fn into_response(self) -> Response {
        error_reply(self.status, self.name, &self.message)
    }
}

/// The JSON protocol's error reply: `{"__type", "message"}` plus the same in `x-amzn-Error*` headers.
pub fn error_reply(status: StatusCode, name: &str, message: &str) -> Response {
    let body = json!({ "__type": name, "message": message }).to_string();
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(AMZ_JSON));
    if let Ok(value) = HeaderValue::from_str(&format!("{name}:")) {
        headers.insert("x-amzn-ErrorType", value);
    }
    // Header values must be visible ASCII; messages are ours and are, but stay safe for the odd one.
    let printable: String = message
        .chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control())
        .collect();
    if let Ok(value) = HeaderValue::from_str(&printable) {
        headers.insert("x-amzn-ErrorMessage", value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_member_names_the_member_in_lower_camel_case() {
        let error = CognitoError::missing_member("ClientId");
        assert_eq!(error.name, "InvalidParameterException");
        assert!(
            error.message.contains("Value null at 'clientId'"),
            "{}",
            error.message
        );
    }
}
