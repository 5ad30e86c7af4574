//! Token refresh with `REFRESH_TOKEN_AUTH`. The reply carries no new refresh token; the old one stays.

use serde::Deserialize as _;

use crate::config::ClientConfig;
use crate::error::Error;
use crate::protocol::{AuthResponse, InitiateAuthRequest, Operation, Request, StringMap};
use crate::session::Session;

/// The InitiateAuth request that refreshes `session`.
pub fn request(config: &ClientConfig, session: &Session) -> Result<Request, Error> {
    let refresh_token = session
        .refresh_token()
        .ok_or_else(|| Error::unauthenticated("the session has no refresh token"))?;
    let mut auth_parameters = StringMap::from([(
        "REFRESH_TOKEN".to_owned(),
        refresh_token.expose().to_owned(),
    )]);
    if let Some(hash) = config.secret_hash(session.username()) {
        auth_parameters.insert("SECRET_HASH".into(), hash);
    }
    Request::new(
        Operation::InitiateAuth,
        &InitiateAuthRequest {
            auth_flow: "REFRESH_TOKEN_AUTH",
            client_id: &config.client_id,
            auth_parameters,
            client_metadata: None,
        },
    )
}

/// The refreshed session from the reply to [`request`].
pub fn refreshed(session: &Session, body: &serde_json::Value, now: i64) -> Result<Session, Error> {
    let response = AuthResponse::deserialize(body)
        .map_err(|e| Error::invalid_response(format!("unreadable refresh reply: {e}")))?;
    let result = response.authentication_result.as_ref().ok_or_else(|| {
        Error::invalid_response(format!(
            "refresh answered with challenge {} instead of tokens",
            response.challenge_name.as_deref().unwrap_or("(none)")
        ))
    })?;
    Session::from_authentication(
        result,
        session.username(),
        session.refresh_token().cloned(),
        now,
    )
}
