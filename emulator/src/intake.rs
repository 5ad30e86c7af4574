//! What a Cognito call (`POST /`) must look like before any operation sees it: a JSON content type, a
//! body of bounded size that arrives in bounded time, and a body that is a JSON object. Everything else is
//! refused with a Cognito-shaped 400, so that hostile or broken clients get an answer, never a crash or
//! a connection held open.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use serde_json::{Map, Value};

use crate::error::CognitoError;

/// Largest accepted body. Cognito documents no limit; its biggest legitimate requests (CreateUserPool
/// with every message template and schema attribute at their maximum) stay well under 100 KiB.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// How long a body may take to arrive once the headers are in.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// Content types the AWS SDKs and Cognito clients send (parameters such as `charset` are allowed).
const JSON_TYPES: &[&str] = &[
    "application/x-amz-json-1.1",
    "application/x-amz-json-1.0",
    "application/json",
];

/// The request must say it carries JSON.
pub fn check_content_type(headers: &HeaderMap) -> Result<(), CognitoError> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    match given {
        Some(kind) if JSON_TYPES.contains(&kind.as_str()) => Ok(()),
        _ => Err(CognitoError::serialization(
            "Content-Type must be application/x-amz-json-1.1.",
        )),
    }
}

/// Reads the body, refusing one that is too large (by its Content-Length or once it grows past the
/// limit) or too slow.
pub async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, CognitoError> {
    let too_large = || {
        CognitoError::serialization(format!(
            "Request body is larger than {MAX_BODY_BYTES} bytes."
        ))
    };
    // Refused from the header alone: no point waiting for a gigabyte that will be thrown away.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, MAX_BODY_BYTES)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(error)) => {
            let over_limit = std::error::Error::source(&error)
                .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
            if over_limit {
                Err(too_large())
            } else {
                Err(CognitoError::serialization(
                    "Request body could not be read.",
                ))
            }
        }
        Err(_) => Err(CognitoError::serialization(
            "Request body did not arrive in time.",
        )),
    }
}

/// The body must be a JSON object; an empty body counts as `{}`. serde_json refuses nesting deeper than
/// 128 levels and invalid UTF-8, so both end up here as a SerializationException too.
pub fn parse_body(body: &[u8]) -> Result<Map<String, Value>, CognitoError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(CognitoError::serialization(
            "Request body must be a JSON object.",
        )),
        Err(e) => Err(CognitoError::serialization(format!(
            "Request body is not valid JSON: {e}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn body_parsing() {
        assert!(parse_body(b"").unwrap().is_empty());
        assert!(parse_body(b"{\"a\":1}").is_ok());
        assert_eq!(
            parse_body(b"[1]").unwrap_err().name,
            "SerializationException"
        );
        assert_eq!(
            parse_body(b"{nope").unwrap_err().name,
            "SerializationException"
        );
    }

    #[test]
    fn content_types() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(value));
            check_content_type(&headers)
        };
        assert!(with("application/x-amz-json-1.1").is_ok());
        assert!(with("Application/X-Amz-Json-1.1; charset=UTF-8").is_ok());
        assert!(with("application/json").is_ok());
        assert!(with("text/plain").is_err());
        assert!(with("application/x-www-form-urlencoded").is_err());
        assert!(check_content_type(&HeaderMap::new()).is_err());
    }
}
