//! `GET /logout`: with `client_id` and a `logout_uri` on the client's `LogoutURLs`, back to that URI; with
//! `redirect_uri` and `response_type` instead, on to a new authorization request (sign in again). Anything
//! else is an error page, never a redirect. Managed login keeps no session of its own on the emulator, so
//! there is no session cookie to clear; the page's own storage is cleared with `Clear-Site-Data`.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;

use super::protocol::{error_page, parse_form, redirect};
use crate::app::AppState;

pub async fn logout(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let params = parse_form(&query);
    let Some(client_id) = params.get("client_id") else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id is missing.",
        );
    };
    let client = match state.store().client_of(client_id) {
        Ok((_, client)) => client,
        Err(_) => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Unknown client_id.",
            );
        }
    };
    let location = match (params.get("logout_uri"), params.get("redirect_uri")) {
        (Some(uri), _) if client.oauth.logout_urls.contains(uri) => uri.clone(),
        (Some(_), _) => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "logout_uri is not one of the client's LogoutURLs.",
            );
        }
        (None, Some(_)) if params.contains_key("response_type") => {
            format!("/oauth2/authorize?{query}")
        }
        _ => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Give logout_uri, or redirect_uri with response_type.",
            );
        }
    };
    let mut response = redirect(&location);
    response.headers_mut().insert(
        "clear-site-data",
        HeaderValue::from_static("\"cookies\", \"storage\""),
    );
    response
}
