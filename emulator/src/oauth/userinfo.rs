//! `GET` / `POST /oauth2/userInfo`: the signed-in user's attributes for a bearer access token, as OIDC
//! claims (Cognito sends the `*_verified` flags as strings here).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::protocol::json_reply;
use crate::access::authenticate_ids;
use crate::app::AppState;

/// Claims released under the `email` and `phone` scopes; `profile` (or the user-pool API's admin scope)
/// releases every attribute.
const EMAIL_CLAIMS: &[&str] = &["email", "email_verified"];
const PHONE_CLAIMS: &[&str] = &["phone_number", "phone_number_verified"];

fn invalid_token(description: &str) -> Response {
    let mut response = json_reply(
        StatusCode::UNAUTHORIZED,
        &json!({ "error": "invalid_token", "error_description": description }),
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}

pub async fn userinfo(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return invalid_token("Access token is missing.");
    };
    let now = state.now_secs();
    let store = state.store();
    let authed = match authenticate_ids(&store, token.trim(), now) {
        Ok(authed) => authed,
        Err(error) => return invalid_token(&error.message),
    };
    let scopes: Vec<&str> = authed
        .claim("scope")
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let everything =
        scopes.contains(&"profile") || scopes.contains(&"aws.cognito.signin.user.admin");
    if !everything && !scopes.contains(&"openid") {
        return invalid_token(
            "The access token has neither the openid nor the aws.cognito.signin.user.admin scope.",
        );
    }
    let Ok(user) = store.user(&authed.pool_id, &authed.user_key) else {
        return invalid_token("User does not exist.");
    };
    let mut claims = Map::new();
    claims.insert("sub".into(), json!(user.sub));
    for (name, value) in &user.attributes {
        let released = everything
            || (scopes.contains(&"email") && EMAIL_CLAIMS.contains(&name.as_str()))
            || (scopes.contains(&"phone") && PHONE_CLAIMS.contains(&name.as_str()));
        if released {
            claims.insert(name.clone(), Value::String(value.clone()));
        }
    }
    claims.insert("username".into(), json!(user.username));
    json_reply(StatusCode::OK, &Value::Object(claims))
}
