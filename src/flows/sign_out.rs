//! Sign-out: revoke the refresh token (and with it the access tokens it issued) with RevokeToken.

use crate::config::ClientConfig;
use crate::json::Value;
use crate::protocol::{Operation, Request};
use crate::secret::RefreshToken;

/// The RevokeToken request for `refresh_token`.
pub fn revoke_request(config: &ClientConfig, refresh_token: &RefreshToken) -> Request {
    let mut body = Value::object([
        ("Token", refresh_token.expose().into()),
        ("ClientId", (&config.client_id).into()),
    ]);
    body.insert_some(
        "ClientSecret",
        config.client_secret.as_ref().map(|s| s.expose()),
    );
    Request::new(Operation::RevokeToken, body)
}
