//! Token refresh, with `InitiateAuth` (`REFRESH_TOKEN_AUTH`, the reply carries no new refresh token and the
//! old one stays) or with `GetTokensFromRefreshToken` (which, with refresh-token rotation, returns a new
//! refresh token that replaces the old one).

use serde::Deserialize as _;
use serde_json::json;

use crate::config::{ClientConfig, RefreshMethod};
use crate::error::Error;
use crate::protocol::{AuthResponse, InitiateAuthRequest, Operation, Request, StringMap};
use crate::session::Session;

/// The request that refreshes `session`, by the client's [`RefreshMethod`].
pub fn request(config: &ClientConfig, session: &Session) -> Result<Request, Error> {
    let refresh_token = session
        .refresh_token()
        .ok_or_else(|| Error::unauthenticated("the session has no refresh token"))?
        .expose();
    if config.refresh_method == RefreshMethod::GetTokensFromRefreshToken {
        // This call takes the client secret itself, not a SECRET_HASH.
        let mut body = json!({"RefreshToken": refresh_token, "ClientId": config.client_id});
        if let Some(secret) = &config.client_secret {
            body["ClientSecret"] = json!(secret.expose());
        }
        if let Some(device_key) = session.device_key() {
            body["DeviceKey"] = json!(device_key);
        }
        return Request::new(Operation::GetTokensFromRefreshToken, &body);
    }
    let mut auth_parameters =
        StringMap::from([("REFRESH_TOKEN".to_owned(), refresh_token.to_owned())]);
    if let Some(hash) = config.secret_hash(session.username()) {
        auth_parameters.insert("SECRET_HASH".into(), hash);
    }
    if let Some(device_key) = session.device_key() {
        auth_parameters.insert("DEVICE_KEY".into(), device_key.to_owned());
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
