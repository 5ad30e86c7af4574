//! `POST /login`: the managed-login page hands over the user it signed in, and the pending authorization
//! request of this browser is answered with a code (or, when the user cancels, `error=access_denied`).
//!
//! The page signs in with the user-pool API (`InitiateAuth` and its challenges, for the request's client)
//! and posts the access token it got as a form field. Three things must hold, so that no other page or
//! origin can complete someone else's request (the threat model is in the emulator's README.md):
//! - the request comes from the emulator's own origin (`Origin`, and `Sec-Fetch-Site` when sent): a page
//!   on another origin — even a same-site one, such as another port of 127.0.0.1 — cannot post here;
//! - it carries the HttpOnly cookie set by `/oauth2/authorize` in this browser: the pending request is
//!   found by the cookie's value alone, which no page script can read, and is used once;
//! - the access token is valid and was issued to the pending request's client.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::protocol::{COOKIE, error_page, own_origin, parse_form, redirect, with_query};
use crate::access::authenticate_ids;
use crate::app::AppState;
use crate::oauth_model::{AuthorizationCode, CODE_LIFETIME_SECS};
use crate::util::{b64url, random_bytes};

fn forbidden(description: &str) -> Response {
    error_page(StatusCode::FORBIDDEN, "access_denied", description)
}

/// The value of this browser's authorization cookie.
fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

pub async fn complete(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    if origin != Some(own_origin(&headers).as_str()) {
        return forbidden("Only the managed-login page of this domain can complete a sign-in.");
    }
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if fetch_site.is_some_and(|site| site != "same-origin") {
        return forbidden("Only the managed-login page of this domain can complete a sign-in.");
    }
    let form = parse_form(&String::from_utf8_lossy(&body));
    let Some(secret) = cookie(&headers) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "No authorization request is in progress in this browser.",
        );
    };
    let now = state.now_secs();
    let mut store = state.store();
    store.prune(now);
    // Used once, whatever the outcome: a failed hand-over needs a new authorization request.
    let Some(pending) = store.oauth_grants.pending.remove(&secret) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The authorization request has expired or was completed already.",
        );
    };
    let state_param = pending.state.as_deref();
    let location = if form.contains_key("cancel") {
        with_query(
            &pending.redirect_uri,
            &[("error", Some("access_denied")), ("state", state_param)],
        )
    } else {
        let Some(token) = form.get("access_token") else {
            return error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "access_token is missing.",
            );
        };
        let authed = match authenticate_ids(&store, token, now) {
            Ok(authed) => authed,
            Err(error) => return forbidden(&error.message),
        };
        if authed.claim("client_id") != Some(pending.client_id.as_str()) {
            return forbidden("The sign-in was made for another app client.");
        }
        let code = b64url(&random_bytes(32));
        let auth_time = authed
            .claims
            .get("auth_time")
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(now);
        store.oauth_grants.codes.insert(
            code.clone(),
            AuthorizationCode {
                pool_id: authed.pool_id,
                client_id: pending.client_id.clone(),
                user_key: authed.user_key,
                redirect_uri: pending.redirect_uri.clone(),
                code_challenge: pending.code_challenge.clone(),
                nonce: pending.nonce.clone(),
                scopes: pending.scopes.clone(),
                auth_time,
                expires_at: now + CODE_LIFETIME_SECS,
            },
        );
        with_query(
            &pending.redirect_uri,
            &[("code", Some(&code)), ("state", state_param)],
        )
    };
    drop(store);
    let mut response = redirect(&location);
    *response.status_mut() = StatusCode::SEE_OTHER;
    let expired = format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    if let Ok(value) = HeaderValue::from_str(&expired) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}
