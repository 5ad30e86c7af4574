//! The user-pool domain endpoints (Cognito's OAuth 2.0 authorization server): `/oauth2/authorize`,
//! managed login (`GET /login`, its files, and its hand-over `POST /login`), `/oauth2/token`, `/oauth2/userInfo`, `/oauth2/revoke`,
//! `/logout`, OpenID discovery at `/{poolId}/.well-known/openid-configuration`, federated sign-in's
//! `/oauth2/idpresponse`, and the dev-only test OpenID provider under `/_emulator/oidc`.
//!
//! Where Cognito serves these at `https://<domain>.auth.<region>.amazoncognito.com`, the emulator serves
//! them on its own origin for every pool: the `client_id` of a request names the pool, which must have a
//! domain (CreateUserPoolDomain). One module per endpoint; [`protocol`] is their shared wire format.

pub mod authorize;
pub mod discovery;
pub mod grant;
pub mod idpresponse;
pub mod login;
pub mod logout;
pub mod managed_login;
pub mod protocol;
pub mod revoke;
pub mod test_provider;
pub mod token;
pub mod userinfo;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/oauth2/authorize", get(authorize::authorize))
        .route("/login", get(managed_login::page).post(login::complete))
        .route("/signup", get(managed_login::page))
        .route("/forgotPassword", get(managed_login::page))
        .route("/login-page/{*path}", get(managed_login::file))
        .route("/oauth2/token", post(token::token))
        .route(
            "/oauth2/userInfo",
            get(userinfo::userinfo).post(userinfo::userinfo),
        )
        .route("/oauth2/revoke", post(revoke::revoke))
        .route("/logout", get(logout::logout))
        .route("/oauth2/idpresponse", get(idpresponse::idpresponse))
        .route(
            "/_emulator/oidc/.well-known/openid-configuration",
            get(test_provider::discovery),
        )
        .route(
            "/_emulator/oidc/authorize",
            get(test_provider::authorize_page).post(test_provider::authorize),
        )
        .route("/_emulator/oidc/token", post(test_provider::token))
        .route("/_emulator/oidc/userinfo", get(test_provider::userinfo))
        .route("/_emulator/oidc/jwks", get(test_provider::jwks))
        .route(
            "/{pool_id}/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
}
