//! The HTTP face: Cognito's JSON protocol on `POST /`, the JWKS documents, CORS the way Cognito answers
//! browsers, and the headers every AWS reply carries.

use std::sync::Arc;

use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde_json::{Map, Value};

use crate::app::AppState;
use crate::calls::{Fault, call_names};
use crate::connection::ConnectionHandle;
use crate::error::{CognitoError, error_reply};
use crate::intake;
use crate::ops;
use crate::request::CallContext;
use crate::web::{http_date, json_response, percent_decode, query_param};

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

/// Headers browsers may send: what amazon-cognito-identity-js, Amplify and the AWS SDKs use.
const ALLOWED_HEADERS: &str = "content-type, x-amz-target, x-amz-user-agent, cache-control, authorization, x-amz-date, \
     x-amz-security-token, x-amz-content-sha256, amz-sdk-invocation-id, amz-sdk-request, x-amz-api-version";
const EXPOSED_HEADERS: &str = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date";

/// The whole application: routes plus the CORS / request-id layer.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", post(api))
        .route("/_emulator/health", get(|| async { "ok" }))
        .route("/_emulator/inbox", get(inbox))
        .route(
            "/_emulator/custom-challenge",
            axum::routing::put(custom_challenge),
        )
        .merge(crate::dev_endpoints::routes())
        .merge(crate::oauth::routes())
        .route("/{pool_id}/.well-known/jwks.json", get(jwks))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), aws_headers))
        .with_state(state)
}

/// `POST /`: one Cognito operation named by `X-Amz-Target`, unless an injected fault answers instead.
async fn api(
    State(state): State<Arc<AppState>>,
    connection: Option<Extension<ConnectInfo<ConnectionHandle>>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let operation = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|target| target.strip_prefix(TARGET_PREFIX))
        .filter(|op| !op.is_empty());
    let Some(operation) = operation else {
        return CognitoError::new(
            "UnknownOperationException",
            "Missing or unknown X-Amz-Target header.",
        )
        .into_response();
    };
    if !ops::is_known(operation) {
        return ops::unknown_operation(operation).into_response();
    }
    if let Err(error) = intake::check_content_type(&headers) {
        return error.into_response();
    }
    let body = match intake::read_body(&headers, body).await {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    let body = intake::parse_body(&body);
    match state
        .calls
        .arrive(&call_names(operation, body.as_ref().ok()))
    {
        None => {}
        Some(Fault::Delay { millis }) => {
            tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
        }
        Some(Fault::Fail {
            status,
            error_type,
            message,
        }) => return error_reply(status, &error_type, &message),
        Some(Fault::DropConnection) => {
            return match connection {
                Some(Extension(ConnectInfo(connection))) => {
                    connection.drop_connection();
                    // Never sent: the connection refuses every write from now on.
                    StatusCode::SERVICE_UNAVAILABLE.into_response()
                }
                None => CognitoError::internal(
                    "dropConnection needs the emulator's own listener (cognito_emulator::serve).",
                )
                .into_response(),
            };
        }
    }
    let body = match body {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    let operation = operation.to_owned();
    let context = CallContext {
        signed_region: signed_region(&headers),
    };
    // Operations are synchronous and some are CPU-heavy (RSA keys, SRP): keep them off the async workers.
    // A panic ends up as a JoinError and so as a 500, never as a dropped connection.
    let outcome = tokio::task::spawn_blocking(move || {
        crate::deferred_sign::run(|| ops::dispatch(&state, &operation, &context, &body))
    })
    .await;
    match outcome {
        Ok(Ok(value)) => json_response(StatusCode::OK, &value),
        Ok(Err(error)) => error.into_response(),
        Err(_) => {
            CognitoError::internal("Internal error while processing the request.").into_response()
        }
    }
}

/// The region of a SigV4 credential scope: `Credential=AKID/20240101/eu-west-1/cognito-idp/aws4_request`.
fn signed_region(headers: &HeaderMap) -> Option<String> {
    let authorization = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let credential = authorization.split("Credential=").nth(1)?;
    let region = credential.split(['/', ',']).nth(2)?;
    let valid = !region.is_empty()
        && region.len() <= 30
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    valid.then(|| region.to_owned())
}

/// `GET /{poolId}/.well-known/jwks.json`.
async fn jwks(State(state): State<Arc<AppState>>, Path(pool_id): Path<String>) -> Response {
    let keys = state
        .store()
        .pools
        .get(&pool_id)
        .map(|pool| pool.keys.jwks());
    match keys {
        Some(jwks) => {
            let mut response = json_response(StatusCode::OK, &jwks);
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        None => {
            let mut error = CognitoError::pool_not_found(&pool_id);
            error.status = StatusCode::NOT_FOUND;
            error.into_response()
        }
    }
}

/// `GET /_emulator/inbox?userPoolId=ID&username=NAME`: the codes "sent" to a user, oldest first.
async fn inbox(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let query = request.uri().query().unwrap_or("");
    let mut pool_id = None;
    let mut username = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "userPoolId" => pool_id = Some(percent_decode(value)),
            "username" => username = Some(percent_decode(value)),
            _ => {}
        }
    }
    let (Some(pool_id), Some(username)) = (pool_id, username) else {
        return CognitoError::invalid_parameter("userPoolId and username are required.")
            .into_response();
    };
    let store = state.store();
    let Some(pool) = store.pools.get(&pool_id) else {
        let mut error = CognitoError::pool_not_found(&pool_id);
        error.status = StatusCode::NOT_FOUND;
        return error.into_response();
    };
    // The name may be the internal username or a sign-in alias; messages of a user who has since been
    // deleted are still found by the internal username.
    let sub = pool.find_user(&username).map(|user| user.sub.clone());
    let key = pool.user_key(&username);
    let messages: Vec<Value> = store
        .inbox
        .iter()
        .filter(|m| m.pool_id == pool_id)
        .filter(|m| match &sub {
            Some(sub) => &m.sub == sub,
            None => pool.user_key(&m.username) == key,
        })
        .map(crate::codes::Message::to_json)
        .collect();
    let mut response = json_response(StatusCode::OK, &Value::Array(messages));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// `PUT /_emulator/custom-challenge?userPoolId=ID` with `[{"question": …, "answer": …}, …]`: the pool's
/// dev-only CUSTOM_AUTH rounds (the seed's `customChallenge`); `[]` turns CUSTOM_AUTH off again.
async fn custom_challenge(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let Some(pool_id) = query_param(&request, "userPoolId") else {
        return CognitoError::invalid_parameter("userPoolId is required.").into_response();
    };
    let body = match axum::body::to_bytes(request.into_body(), 1 << 20).await {
        Ok(body) => body,
        Err(_) => return CognitoError::serialization("Unreadable body.").into_response(),
    };
    let rounds: Vec<Map<String, Value>> = match serde_json::from_slice(&body) {
        Ok(rounds) => rounds,
        Err(e) => {
            return CognitoError::serialization(format!(
                "Expected [{{\"question\": …, \"answer\": …}}]: {e}"
            ))
            .into_response();
        }
    };
    let mut parsed = Vec::new();
    for round in &rounds {
        let text = |name: &str| round.get(name).and_then(Value::as_str).map(str::to_owned);
        match (text("question"), text("answer")) {
            (Some(question), Some(answer)) => {
                parsed.push(crate::state::CustomRound { question, answer });
            }
            _ => {
                return CognitoError::invalid_parameter(
                    "Each round needs a string question and answer.",
                )
                .into_response();
            }
        }
    }
    let mut store = state.store();
    let Some(pool) = store.pools.get_mut(&pool_id) else {
        let mut error = CognitoError::pool_not_found(&pool_id);
        error.status = StatusCode::NOT_FOUND;
        return error.into_response();
    };
    pool.custom_challenge = parsed;
    StatusCode::NO_CONTENT.into_response()
}

/// A known path with the wrong method (`GET /`): axum's own 405 has an empty body, which SDKs cannot
/// read an error from. The `Allow` header axum adds is kept.
async fn method_not_allowed() -> Response {
    let mut error = CognitoError::new(
        "UnknownOperationException",
        "This path does not answer this method.",
    );
    error.status = StatusCode::METHOD_NOT_ALLOWED;
    error.into_response()
}

async fn not_found() -> Response {
    let mut error = CognitoError::new("UnknownOperationException", "No such resource.");
    error.status = StatusCode::NOT_FOUND;
    error.into_response()
}

/// Adds what every AWS reply has (`x-amzn-RequestId`, and `Date` from the emulator's clock, so that a clock
/// offset shows there as it would with a server whose clock differs) and answers CORS as Cognito does:
/// preflights on any path, and `Access-Control-Allow-Origin` plus exposed headers on every reply,
/// errors included, so that browsers let the page read Cognito's error and the server's time — but only
/// for the origins [`crate::origins`] allows, and only under a `Host` it allows.
async fn aws_headers(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let policy = state.network_policy();
    let origin = request.headers().get(header::ORIGIN).cloned();
    let host_allowed = request
        .headers()
        .get(header::HOST)
        .is_none_or(|host| host.to_str().is_ok_and(|host| policy.allows_host(host)));
    let mut response = if !host_allowed {
        // A DNS-rebinding page reaches 127.0.0.1 under its own name: nothing of the emulator answers it.
        let mut error = CognitoError::new(
            "ForbiddenException",
            "Host is not a loopback name or the emulator's --host.",
        );
        error.status = StatusCode::FORBIDDEN;
        error.into_response()
    } else if request.method() == Method::OPTIONS {
        preflight(request.headers())
    } else {
        next.run(request).await
    };
    // The change this reply would acknowledge (or one before it) is not on disk: say so instead.
    if let Some(reason) = state.persist_failure() {
        response = CognitoError::internal(format!(
            "The emulator cannot write its data dir ({reason}); restart it."
        ))
        .into_response();
    }
    let headers = response.headers_mut();
    headers.insert(
        HeaderName::from_static("x-amzn-requestid"),
        HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
            .unwrap_or(HeaderValue::from_static("0")),
    );
    // hyper would add the wall clock's Date; it keeps one that is already there.
    if let Ok(date) = HeaderValue::from_str(&http_date(state.now_millis())) {
        headers.insert(header::DATE, date);
    }
    // Without an Origin it is no browser's cross-origin call; with one, only allowed origins may read.
    let allowed_origin = match origin {
        None => Some(HeaderValue::from_static("*")),
        Some(origin) => origin
            .to_str()
            .is_ok_and(|text| policy.allows_origin(text))
            .then_some(origin),
    };
    if let Some(origin) = allowed_origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED_HEADERS),
        );
    }
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    // While a dropped connection is pending, each call gets a fresh connection (see crate::connection);
    // saying so keeps clients from sending the next request on a connection that is closing.
    if state.calls.connection_policy().one_request_per_connection() {
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

fn preflight(request_headers: &HeaderMap) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST, GET, PUT, DELETE, OPTIONS"),
    );
    // Allow our list plus whatever else the browser asks for: a local emulator has nothing to protect, and
    // SDKs keep adding headers.
    let requested = request_headers
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|h| !h.is_empty() && HeaderName::from_bytes(h.as_bytes()).is_ok())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let mut allowed = ALLOWED_HEADERS.to_owned();
    for name in requested {
        if !ALLOWED_HEADERS
            .split(", ")
            .any(|known| known.eq_ignore_ascii_case(name))
        {
            allowed.push_str(", ");
            allowed.push_str(&name.to_ascii_lowercase());
        }
    }
    if let Ok(value) = HeaderValue::from_str(&allowed) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, value);
    }
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_from_sigv4_credential_scope() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-west-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=abc",
            ),
        );
        assert_eq!(signed_region(&headers).as_deref(), Some("eu-west-1"));
        assert_eq!(signed_region(&HeaderMap::new()), None);
    }
}
