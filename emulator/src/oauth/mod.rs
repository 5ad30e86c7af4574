//! The user-pool domain endpoints (Cognito's OAuth 2.0 authorization server): `/oauth2/authorize`,
//! managed login's hand-over (`POST /login`), `/oauth2/token`, `/oauth2/userInfo`, `/oauth2/revoke`,
//! `/logout` and OpenID discovery at `/{poolId}/.well-known/openid-configuration`.
//!
//! Where Cognito serves these at `https://<domain>.auth.<region>.amazoncognito.com`, the emulator serves
//! them on its own origin for every pool: the `client_id` of a request names the pool, which must have a
//! domain (CreateUserPoolDomain). One module per endpoint; [`protocol`] is their shared wire format.

pub mod authorize;
pub mod discovery;
pub mod login;
pub mod logout;
pub mod protocol;
pub mod revoke;
pub mod token;
pub mod userinfo;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/oauth2/authorize", get(authorize::authorize))
        .route("/login", post(login::complete))
        .route("/oauth2/token", post(token::token))
        .route(
            "/oauth2/userInfo",
            get(userinfo::userinfo).post(userinfo::userinfo),
        )
        .route("/oauth2/revoke", post(revoke::revoke))
        .route("/logout", get(logout::logout))
        .route(
            "/{pool_id}/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
}
