//! The OAuth 2.0 wire format shared by the domain endpoints: form bodies, JSON errors
//! (`{"error": "invalid_grant"}`), the error page shown instead of a redirect, redirects carrying query
//! parameters, client authentication (Basic header or form body) and the emulator's own origin.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::state::{AppClient, Store};
use crate::util::ct_eq;
use crate::web::percent_decode;

/// The cookie that ties a pending authorization request to the browser that made it (see [`super::login`]).
pub const COOKIE: &str = "cognito-emulator-authorization";

/// The value of this browser's authorization cookie.
pub fn authorization_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// `application/x-www-form-urlencoded` (or a query string) as name → first value.
pub fn parse_form(text: &str) -> BTreeMap<String, String> {
    let mut form = BTreeMap::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        form.entry(percent_decode(key))
            .or_insert_with(|| percent_decode(value));
    }
    form
}

use cognito_wasm::flows::oauth::encode;

/// `base` with `params` added to its query (absent values left out).
pub fn with_query(base: &str, params: &[(&str, Option<&str>)]) -> String {
    let mut url = base.to_owned();
    let mut separator = if base.contains('?') { '&' } else { '?' };
    for (name, value) in params {
        if let Some(value) = value {
            url.push(separator);
            url.push_str(name);
            url.push('=');
            url.push_str(&encode(value));
            separator = '&';
        }
    }
    url
}

/// A `302 Found` to `location`.
pub fn redirect(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A JSON reply of the token, revoke and userInfo endpoints, never cached.
pub fn json_reply(status: StatusCode, value: &Value) -> Response {
    let mut response = (status, value.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// `{"error": code}` with 400, as Cognito's token and revoke endpoints answer.
pub fn oauth_error(code: &str) -> Response {
    json_reply(
        StatusCode::BAD_REQUEST,
        &serde_json::json!({ "error": code }),
    )
}

/// The page shown when the request cannot be answered by a redirect (unknown client, a redirect URI that is
/// not registered): the browser stays on the domain.
pub fn error_page(status: StatusCode, error: &str, description: &str) -> Response {
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>An error was encountered</title></head>\
         <body><h1>An error was encountered with the requested page.</h1><p id=\"error\">{}</p><p id=\"error_description\">{}</p></body></html>",
        escape(error),
        escape(description)
    );
    html_page(status, body, "default-src 'none'; frame-ancestors 'none'")
}

/// An HTML page under a content security policy, never cached.
pub fn html_page(status: StatusCode, body: String, policy: &'static str) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    response
}

/// The origin this request reached the emulator at (`http://127.0.0.1:9229`): the emulator serves every
/// pool's domain endpoints on its own origin.
pub fn own_origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// Why a client could not be authenticated.
#[derive(Debug, PartialEq, Eq)]
pub enum ClientAuthError {
    /// No client id, or credentials given twice: `invalid_request`.
    Malformed,
    /// Unknown client or wrong secret: `invalid_client`.
    Refused,
}

impl ClientAuthError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed => "invalid_request",
            Self::Refused => "invalid_client",
        }
    }
}

/// The client a token or revoke request comes from: `Authorization: Basic` (client_secret_basic) or
/// `client_id` / `client_secret` in the form (client_secret_post, or a public client's bare `client_id`).
/// A client with a secret must present it.
pub fn authenticate_client(
    store: &Store,
    headers: &HeaderMap,
    form: &BTreeMap<String, String>,
) -> Result<(String, AppClient), ClientAuthError> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .map(|encoded| {
            let decoded = STANDARD
                .decode(encoded.trim())
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or(ClientAuthError::Refused)?;
            let (id, secret) = decoded.split_once(':').ok_or(ClientAuthError::Refused)?;
            Ok((percent_decode(id), Some(percent_decode(secret))))
        })
        .transpose()?;
    let (client_id, secret) = match basic {
        Some(_) if form.contains_key("client_secret") => return Err(ClientAuthError::Malformed),
        Some((id, secret)) => {
            if form.get("client_id").is_some_and(|form_id| *form_id != id) {
                return Err(ClientAuthError::Malformed);
            }
            (id, secret)
        }
        None => (
            form.get("client_id")
                .cloned()
                .ok_or(ClientAuthError::Malformed)?,
            form.get("client_secret").cloned(),
        ),
    };
    let (pool_id, client) = store
        .client_of(&client_id)
        .map_err(|_| ClientAuthError::Refused)?;
    match (&client.secret, secret.as_deref()) {
        (Some(expected), Some(given)) if ct_eq(expected.as_bytes(), given.as_bytes()) => {}
        (Some(_), _) => return Err(ClientAuthError::Refused),
        (None, None | Some("")) => {}
        (None, Some(_)) => return Err(ClientAuthError::Refused),
    }
    Ok((pool_id, client))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_building_and_parsing_round_trip() {
        let url = with_query(
            "https://app.example/cb?x=1",
            &[("code", Some("a b&c")), ("state", None)],
        );
        assert_eq!(url, "https://app.example/cb?x=1&code=a%20b%26c");
        let form = parse_form(url.split_once('?').unwrap().1);
        assert_eq!(form["code"], "a b&c");
        assert_eq!(form["x"], "1");
    }
}
