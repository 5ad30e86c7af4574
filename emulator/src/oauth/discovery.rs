//! `GET /{poolId}/.well-known/openid-configuration`: the pool's OpenID Provider metadata. The issuer is
//! Cognito's (`https://cognito-idp.<region>.amazonaws.com/<poolId>`, as in the tokens); the endpoints are
//! the emulator's own origin, which serves every pool's domain endpoints. As in Cognito's document, there is
//! no `end_session_endpoint`: `/logout` takes Cognito's parameters (`logout_uri`), not OIDC's.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::protocol::{json_reply, own_origin};
use crate::app::AppState;
use crate::oauth_settings::STANDARD_SCOPES;

pub async fn openid_configuration(
    State(state): State<Arc<AppState>>,
    Path(pool_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let store = state.store();
    let Some(pool) = store.pools.get(&pool_id) else {
        return json_reply(
            StatusCode::NOT_FOUND,
            &json!({ "message": format!("User pool {pool_id} does not exist.") }),
        );
    };
    let base = own_origin(&headers);
    let mut scopes: Vec<String> = STANDARD_SCOPES.iter().map(|s| (*s).to_owned()).collect();
    for server in pool.oauth.resource_servers.values() {
        for (name, _) in &server.scopes {
            scopes.push(format!("{}/{name}", server.identifier));
        }
    }
    json_reply(
        StatusCode::OK,
        &json!({
            "issuer": pool.issuer(),
            "authorization_endpoint": format!("{base}/oauth2/authorize"),
            "token_endpoint": format!("{base}/oauth2/token"),
            "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
            "revocation_endpoint": format!("{base}/oauth2/revoke"),
            "jwks_uri": format!("{base}/{pool_id}/.well-known/jwks.json"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "scopes_supported": scopes,
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "email", "email_verified", "phone_number", "phone_number_verified", "cognito:username"],
        }),
    )
}
