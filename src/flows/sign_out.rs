//! Sign-out: revoke the refresh token (and with it the access tokens it issued) with RevokeToken.

use crate::config::ClientConfig;
use crate::error::Error;
use crate::protocol::{Operation, Request, RevokeTokenRequest};
use crate::secret::RefreshToken;

/// The RevokeToken request for `refresh_token`.
pub fn revoke_request(
    config: &ClientConfig,
    refresh_token: &RefreshToken,
) -> Result<Request, Error> {
    Request::new(
        Operation::RevokeToken,
        &RevokeTokenRequest {
            token: refresh_token.expose(),
            client_id: &config.client_id,
            client_secret: config.client_secret.as_ref().map(|s| s.expose()),
        },
    )
}
