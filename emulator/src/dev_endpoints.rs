//! Dev-only endpoints for tests of client behaviour (not part of Cognito), under `/_emulator/`:
//! fault injection (`faults`), call counts (`calls`), the clock offset (`clock`) and app-client token
//! lifetimes (`token-validity`). README.md documents the JSON shapes.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::calls::FaultRequest;
use crate::error::CognitoError;
use crate::ops::admin::{
    DEV_MIN_VALIDITY_SECS, MAX_REFRESH_VALIDITY_SECS, MAX_TOKEN_VALIDITY_SECS,
};
use crate::state::AppClient;
use crate::web::{http_date, json_response, query_param};

/// The emulator's clock must stay within what HTTP dates can express (years 1970 to 9999).
const MAX_NOW_SECS: i64 = 253_402_300_799;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/_emulator/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/_emulator/calls", get(call_counts).delete(reset_calls))
        .route("/_emulator/clock", get(clock).put(set_clock))
        .route("/_emulator/token-validity", put(token_validity))
}

fn json_body<T: DeserializeOwned>(body: &[u8], shape: &str) -> Result<T, CognitoError> {
    serde_json::from_slice(body)
        .map_err(|e| CognitoError::serialization(format!("Expected {shape}: {e}")))
}

fn dev_json(status: StatusCode, value: &Value) -> Response {
    let mut response = json_response(status, value);
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    response
}

/// `POST /_emulator/faults`: adds a rule; answers it with its id (201).
async fn add_fault(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let request: FaultRequest = match json_body(
        &body,
        r#"{"operation", "count", and one of "delayMs" | "status"/"type"/"message" | "dropConnection": true}"#,
    ) {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    match request.parse(crate::ops::is_known) {
        Ok((operation, count, fault)) => {
            let rule = state.calls.add_rule(operation, count, fault);
            dev_json(StatusCode::CREATED, &rule.to_json())
        }
        Err(message) => CognitoError::invalid_parameter(message).into_response(),
    }
}

/// `GET /_emulator/faults`: the rules still waiting for calls, oldest first, with the calls they have left.
async fn list_faults(State(state): State<Arc<AppState>>) -> Response {
    let rules = state.calls.rules().iter().map(|r| r.to_json()).collect();
    dev_json(StatusCode::OK, &Value::Array(rules))
}

async fn clear_faults(State(state): State<Arc<AppState>>) -> StatusCode {
    state.calls.clear_rules();
    StatusCode::NO_CONTENT
}

/// `GET /_emulator/calls`: counts by operation (and `Operation:FLOW`) since start-up or the last reset.
async fn call_counts(State(state): State<Arc<AppState>>) -> Response {
    dev_json(StatusCode::OK, &state.calls.counts_json())
}

async fn reset_calls(State(state): State<Arc<AppState>>) -> StatusCode {
    state.calls.reset_counts();
    StatusCode::NO_CONTENT
}

fn clock_json(state: &AppState) -> Value {
    let now = state.now_millis();
    json!({
        "offsetSeconds": state.clock_offset(),
        "now": now.div_euclid(1000),
        "date": http_date(now),
    })
}

/// `GET /_emulator/clock`: `{"offsetSeconds", "now" (epoch seconds), "date" (as in the Date header)}`.
async fn clock(State(state): State<Arc<AppState>>) -> Response {
    dev_json(StatusCode::OK, &clock_json(&state))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ClockRequest {
    offset_seconds: i64,
}

/// `PUT /_emulator/clock {"offsetSeconds": N}`: the emulator's "now" becomes the wall clock plus N.
async fn set_clock(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let request: ClockRequest = match json_body(&body, r#"{"offsetSeconds": <integer>}"#) {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    let wall = state.now_secs() - state.clock_offset();
    let now = wall.checked_add(request.offset_seconds);
    if !now.is_some_and(|now| (0..=MAX_NOW_SECS).contains(&now)) {
        return CognitoError::invalid_parameter(
            "offsetSeconds would put the clock outside the years 1970 to 9999.",
        )
        .into_response();
    }
    state.set_clock_offset(request.offset_seconds);
    dev_json(StatusCode::OK, &clock_json(&state))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ValidityRequest {
    access_token: Option<i64>,
    id_token: Option<i64>,
    refresh_token: Option<i64>,
}

/// `PUT /_emulator/token-validity?clientId=ID {"accessToken", "idToken", "refreshToken"}` (seconds, each
/// optional): changes only the lifetimes given, unlike UpdateUserPoolClient, which resets what it is not
/// sent. Answers the client's three lifetimes in seconds.
async fn token_validity(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let Some(client_id) = query_param(&request, "clientId") else {
        return CognitoError::invalid_parameter("clientId is required.").into_response();
    };
    let body = match axum::body::to_bytes(request.into_body(), 1 << 16).await {
        Ok(body) => body,
        Err(_) => return CognitoError::serialization("Unreadable body.").into_response(),
    };
    let lifetimes: ValidityRequest = match json_body(
        &body,
        r#"{"accessToken": <seconds>, "idToken": <seconds>, "refreshToken": <seconds>}"#,
    ) {
        Ok(lifetimes) => lifetimes,
        Err(error) => return error.into_response(),
    };
    type Field = fn(&mut AppClient) -> &mut i64;
    let members: [(Option<i64>, &str, &str, i64, Field); 3] = [
        (
            lifetimes.access_token,
            "AccessTokenValidity",
            "AccessToken",
            MAX_TOKEN_VALIDITY_SECS,
            |c| &mut c.access_validity_secs,
        ),
        (
            lifetimes.id_token,
            "IdTokenValidity",
            "IdToken",
            MAX_TOKEN_VALIDITY_SECS,
            |c| &mut c.id_validity_secs,
        ),
        (
            lifetimes.refresh_token,
            "RefreshTokenValidity",
            "RefreshToken",
            MAX_REFRESH_VALIDITY_SECS,
            |c| &mut c.refresh_validity_secs,
        ),
    ];
    for (secs, member, _, max, _) in members {
        if secs.is_some_and(|secs| !(DEV_MIN_VALIDITY_SECS..=max).contains(&secs)) {
            return CognitoError::invalid_parameter(format!(
                "{member} must be between {DEV_MIN_VALIDITY_SECS} and {max} seconds."
            ))
            .into_response();
        }
    }
    let now = state.now_millis();
    let mut store = state.store();
    let Some(client) = store
        .pools
        .values_mut()
        .find_map(|pool| pool.clients.get_mut(&client_id))
    else {
        let mut error = CognitoError::client_not_found(&client_id);
        error.status = StatusCode::NOT_FOUND;
        return error.into_response();
    };
    for (secs, member, unit, _, field) in members {
        let Some(secs) = secs else { continue };
        *field(client) = secs;
        // DescribeUserPoolClient shows the new lifetime the way Cognito would: value and unit.
        client.validity_echo.insert(member.to_owned(), json!(secs));
        let units = client
            .validity_echo
            .entry("TokenValidityUnits")
            .or_insert_with(|| json!({}));
        if let Some(units) = units.as_object_mut() {
            units.insert(unit.to_owned(), json!("seconds"));
        }
    }
    client.modified = now;
    dev_json(
        StatusCode::OK,
        &json!({
            "accessToken": client.access_validity_secs,
            "idToken": client.id_validity_secs,
            "refreshToken": client.refresh_validity_secs,
        }),
    )
}
