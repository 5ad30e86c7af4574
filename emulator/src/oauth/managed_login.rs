//! Managed login: `GET /login` (and Cognito's other managed-login paths, `/signup` and
//! `/forgotPassword`) serve the project's hosted sign-in page (`--login-page`, the repository's `www/`),
//! configured for the request's app client, and `/login-page/…` its files. The page signs the user in with
//! the user-pool API and completes the authorization request through [`super::login`].

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::protocol::{error_page, html_page, own_origin, parse_form};
use crate::app::AppState;

/// Where the page's files are served; the page gets `<base href>` pointing here.
pub const FILES_PATH: &str = "/login-page/";

/// Scripts, styles and connections to this origin only; WebAssembly allowed. No `form-action`: the
/// hand-over form's reply redirects to the app's callback, on another origin, which `form-action 'self'`
/// would block.
const POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; \
     style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

/// What both the page and its files carry besides the policy.
fn secured(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Not no-referrer: under that policy browsers send `Origin: null` with the hand-over's POST, which
    // `POST /login` must see come from this origin. `same-origin` still sends nothing to other origins.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The page, with its configuration (pool, client, this origin as the endpoint) in `<html data-…>`.
pub async fn page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(files) = state.login_page() else {
        return error_page(
            StatusCode::NOT_FOUND,
            "not_configured",
            "Start the emulator with --login-page www to serve managed login.",
        );
    };
    let params = parse_form(query.as_deref().unwrap_or(""));
    let client = params
        .get("client_id")
        .and_then(|id| state.store().client_of(id).ok());
    let Some((pool_id, client)) = client else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Unknown client_id.",
        );
    };
    let html = match read(files.page_dir.join("index.html"))
        .await
        .and_then(|bytes| String::from_utf8(bytes).map_err(|e| e.to_string()))
    {
        Ok(html) => html,
        Err(error) => {
            return error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                &format!("Cannot read the login page: {error}"),
            );
        }
    };
    let config = format!(
        "<html data-user-pool-id=\"{}\" data-client-id=\"{}\" data-endpoint=\"{}/\" data-managed-login=\"true\"",
        attribute(&pool_id),
        attribute(&client.id),
        attribute(&own_origin(&headers)),
    );
    let html = html.replacen("<html", &config, 1).replacen(
        "<head>",
        &format!("<head>\n  <base href=\"{FILES_PATH}\">"),
        1,
    );
    secured(html_page(StatusCode::OK, html, POLICY))
}

/// A file's bytes, read off the async workers.
async fn read(path: std::path::PathBuf) -> Result<Vec<u8>, String> {
    tokio::task::spawn_blocking(move || std::fs::read(path).map_err(|e| e.to_string()))
        .await
        .map_err(|e| e.to_string())?
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

/// `GET /login-page/{path}`: a file of the page, or of a folder mounted under it.
pub async fn file(State(state): State<Arc<AppState>>, Path(path): Path<String>) -> Response {
    let not_found = || {
        let mut response = StatusCode::NOT_FOUND.into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    };
    let Some(files) = state.login_page() else {
        return not_found();
    };
    let safe = !path.is_empty()
        && path.split('/').all(|segment| {
            !segment.is_empty() && segment != ".." && segment != "." && !segment.contains('\\')
        });
    if !safe {
        return not_found();
    }
    let file = match files
        .mounts
        .iter()
        .find_map(|(prefix, dir)| Some(dir.join(path.strip_prefix(prefix.as_str())?)))
    {
        Some(file) => file,
        None => files.page_dir.join(&path),
    };
    match read(file).await {
        Ok(bytes) => {
            let mut response = (StatusCode::OK, bytes).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(&path)),
            );
            secured(response)
        }
        Err(_) => not_found(),
    }
}
