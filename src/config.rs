//! What identifies an app client: pool, client id, optional secret, and where Cognito is.

use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::secret::ClientSecret;
use crate::srp;

const DEFAULT_TOTP_ISSUER: &str = "Cognito";
const DEFAULT_REFRESH_MARGIN_SECS: i64 = 60;

/// Which call refreshes tokens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RefreshMethod {
    /// `InitiateAuth` with `REFRESH_TOKEN_AUTH`: the refresh token stays the same.
    #[default]
    InitiateAuth,
    /// `GetTokensFromRefreshToken`: needed for refresh-token rotation, which returns a new refresh token
    /// (kept from then on) and retires the old one.
    GetTokensFromRefreshToken,
}

#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub user_pool_id: String,
    pub client_id: String,
    pub client_secret: Option<ClientSecret>,
    /// The Cognito endpoint every request is POSTed to.
    pub endpoint: String,
    /// The issuer authenticator apps show for TOTP set up through this client.
    pub totp_issuer: String,
    pub refresh_method: RefreshMethod,
    pub retry: RetryPolicy,
    /// `getSession` refreshes tokens that expire within this many seconds, so that a token handed to
    /// the app does not expire on its way to the API.
    pub refresh_margin_secs: i64,
}

impl ClientConfig {
    /// Validates the pool id and fills in the regional endpoint when none is given.
    pub fn new(
        user_pool_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: Option<ClientSecret>,
        endpoint: Option<String>,
    ) -> Result<Self, Error> {
        let user_pool_id = user_pool_id.into();
        let client_id = client_id.into();
        srp::pool_name(&user_pool_id).map_err(|_| {
            Error::invalid_parameter(format!("invalid userPoolId '{user_pool_id}'"))
        })?;
        if client_id.is_empty() {
            return Err(Error::invalid_parameter("clientId is required"));
        }
        let endpoint = match endpoint.filter(|e| !e.is_empty()) {
            Some(endpoint) => endpoint,
            None => format!(
                "https://cognito-idp.{}.amazonaws.com/",
                region_of(&user_pool_id)
            ),
        };
        Ok(Self {
            user_pool_id,
            client_id,
            client_secret,
            endpoint,
            totp_issuer: DEFAULT_TOTP_ISSUER.to_owned(),
            refresh_method: RefreshMethod::default(),
            retry: RetryPolicy::default(),
            refresh_margin_secs: DEFAULT_REFRESH_MARGIN_SECS,
        })
    }

    /// The pool name SRP hashes (validated in [`ClientConfig::new`]).
    pub fn pool_name(&self) -> &str {
        srp::pool_name(&self.user_pool_id).unwrap_or_default()
    }

    /// `SECRET_HASH` for `username`, when this client has a secret.
    pub fn secret_hash(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_ref()
            .map(|secret| srp::secret_hash(secret.expose(), username, &self.client_id))
    }
}

fn region_of(user_pool_id: &str) -> &str {
    user_pool_id
        .split_once('_')
        .map_or("", |(region, _)| region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_defaults_to_the_pool_region() {
        let config = ClientConfig::new("eu-west-2_AbC123", "client", None, None).unwrap();
        assert_eq!(
            config.endpoint,
            "https://cognito-idp.eu-west-2.amazonaws.com/"
        );
        assert_eq!(config.pool_name(), "AbC123");
        let local = ClientConfig::new(
            "eu-west-2_AbC123",
            "c",
            None,
            Some("http://127.0.0.1:9229/".into()),
        )
        .unwrap();
        assert_eq!(local.endpoint, "http://127.0.0.1:9229/");
    }

    #[test]
    fn bad_pool_ids_are_refused() {
        for id in ["", "nounderscore", "a_b_c", "us-east-1_"] {
            let error = ClientConfig::new(id, "client", None, None).unwrap_err();
            assert_eq!(error.name, "InvalidParameterException", "{id:?}");
        }
        assert!(ClientConfig::new("us-east-1_Abc", "", None, None).is_err());
    }
}
