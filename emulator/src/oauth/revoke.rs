//! `POST /oauth2/revoke`: revokes a refresh token (and the access tokens of its sign-in), with client
//! authentication as at the token endpoint. The revocation itself is RevokeToken's.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, json};

use super::protocol::{authenticate_client, oauth_error, parse_form};
use crate::app::AppState;
use crate::ops::tokens::revoke_token;
use crate::request::Req;

pub async fn revoke(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = parse_form(&String::from_utf8_lossy(&body));
    let Some(token) = form.get("token") else {
        return oauth_error("invalid_request");
    };
    let client = {
        let store = state.store();
        authenticate_client(&store, &headers, &form)
    };
    let client = match client {
        Ok((_, client)) => client,
        Err(error) => return oauth_error(error.code()),
    };
    let mut request = Map::new();
    request.insert("Token".into(), json!(token));
    request.insert("ClientId".into(), json!(client.id));
    if let Some(secret) = &client.secret {
        request.insert("ClientSecret".into(), json!(secret));
    }
    match revoke_token(&state, Req(&request)) {
        Ok(_) => StatusCode::OK.into_response(),
        Err(error) => oauth_error(match error.name {
            "UnsupportedOperationException" => "unauthorized_client",
            "UnsupportedTokenTypeException" => "unsupported_token_type",
            "UnauthorizedException" => "invalid_grant",
            _ => "invalid_request",
        }),
    }
}
