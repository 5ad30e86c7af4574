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

use super::grant::{answer_with_code, answer_with_error};
use super::protocol::{authorization_cookie, error_page, own_origin, parse_form, redirect};
use crate::access::authenticate_ids;
use crate::app::AppState;

fn forbidden(description: &str) -> Response {
    error_page(StatusCode::FORBIDDEN, "access_denied", description)
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
    let Some(secret) = authorization_cookie(&headers) else {
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
    let location = if form.contains_key("cancel") {
        answer_with_error(&pending, "access_denied")
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
        let auth_time = authed
            .claims
            .get("auth_time")
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(now);
        answer_with_code(
            &mut store,
            &pending,
            authed.pool_id,
            authed.user_key,
            auth_time,
            now,
        )
    };
    drop(store);
    let mut response = redirect(&location);
    *response.status_mut() = StatusCode::SEE_OTHER;
    let expired = format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
        super::protocol::COOKIE
    );
    if let Ok(value) = HeaderValue::from_str(&expired) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}
