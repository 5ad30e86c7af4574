//! `POST /oauth2/token`: the `authorization_code` (with PKCE), `refresh_token` and `client_credentials`
//! grants, with client authentication by Basic header or form body, answering Cognito's OAuth errors.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};

use super::protocol::{authenticate_client, json_reply, oauth_error, parse_form};
use crate::app::AppState;
use crate::deferred_sign::{self, Which};
use crate::error::{CognitoError, OpResult};
use crate::names::Flow;
use crate::oauth_model::CODE_LIFETIME_SECS;
use crate::state::{AppClient, Store};
use crate::tokens::{
    Issue, OAuthGrant, issue, refresh_user, refreshed_result, usable_refresh_token,
};
use crate::util::{b64url, ct_eq};

const OAUTH_ERRORS: &[&str] = &[
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "invalid_scope",
    "unauthorized_client",
    "unsupported_grant_type",
];

/// An OAuth error code, carried through [`deferred_sign::run`] as a [`CognitoError`] name.
fn refused(code: &'static str) -> CognitoError {
    CognitoError::new(code, code)
}

pub async fn token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form_type {
        return oauth_error("invalid_request");
    }
    let form = parse_form(&String::from_utf8_lossy(&body));
    let outcome =
        tokio::task::spawn_blocking(move || deferred_sign::run(|| grant(&state, &headers, &form)))
            .await;
    match outcome {
        Ok(Ok(result)) => json_reply(StatusCode::OK, &token_reply(&result)),
        Ok(Err(error)) if OAUTH_ERRORS.contains(&error.name) => oauth_error(error.name),
        Ok(Err(error)) if error.status == StatusCode::BAD_REQUEST => oauth_error("invalid_request"),
        _ => json_reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            &json!({ "error": "server_error" }),
        ),
    }
}

/// `AuthenticationResult` in the token endpoint's names.
fn token_reply(result: &Value) -> Value {
    let tokens = &result["AuthenticationResult"];
    let mut reply = Map::new();
    for (from, to) in [
        ("IdToken", "id_token"),
        ("AccessToken", "access_token"),
        ("RefreshToken", "refresh_token"),
        ("ExpiresIn", "expires_in"),
        ("TokenType", "token_type"),
    ] {
        if let Some(value) = tokens.get(from) {
            reply.insert(to.into(), value.clone());
        }
    }
    Value::Object(reply)
}

fn grant(
    state: &AppState,
    headers: &HeaderMap,
    form: &BTreeMap<String, String>,
) -> OpResult<Value> {
    let now = state.now_secs();
    let mut store = state.store();
    store.prune(now);
    let Some(grant_type) = form.get("grant_type") else {
        return Err(refused("invalid_request"));
    };
    if !["authorization_code", "refresh_token", "client_credentials"].contains(&grant_type.as_str())
    {
        return Err(refused("unsupported_grant_type"));
    }
    let (pool_id, client) =
        authenticate_client(&store, headers, form).map_err(|e| refused(e.code()))?;
    if !client.oauth.enabled {
        return Err(refused("unauthorized_client"));
    }
    match grant_type.as_str() {
        "authorization_code" => authorization_code(&mut store, &client, form, now),
        "refresh_token" => refresh_token(&mut store, &client, form, now),
        _ => client_credentials(&store, &pool_id, &client, form, now),
    }
}

fn authorization_code(
    store: &mut Store,
    client: &AppClient,
    form: &BTreeMap<String, String>,
    now: i64,
) -> OpResult<Value> {
    if !client.oauth.allows_flow("code") {
        return Err(refused("unauthorized_client"));
    }
    let (Some(code), Some(redirect_uri)) = (form.get("code"), form.get("redirect_uri")) else {
        return Err(refused("invalid_request"));
    };
    // Taken out before any check: a code is worth one attempt.
    let Some(issued) = store.oauth_grants.codes.remove(code) else {
        if let Some((origin, _)) = store.oauth_grants.redeemed.remove(code) {
            store.revoked_origins.insert(origin);
        }
        return Err(refused("invalid_grant"));
    };
    let verifier_matches = match (&issued.code_challenge, form.get("code_verifier")) {
        (None, None) => true,
        (Some(challenge), Some(verifier)) => {
            let well_formed = (43..=128).contains(&verifier.len())
                && verifier
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
            well_formed
                && ct_eq(
                    b64url(&Sha256::digest(verifier.as_bytes())).as_bytes(),
                    challenge.as_bytes(),
                )
        }
        _ => false,
    };
    let valid = issued.client_id == client.id
        && issued.redirect_uri == *redirect_uri
        && issued.expires_at > now
        && verifier_matches;
    if !valid {
        return Err(refused("invalid_grant"));
    }
    let user_enabled = store
        .user(&issued.pool_id, &issued.user_key)
        .is_ok_and(|user| user.enabled);
    if !user_enabled {
        return Err(refused("invalid_grant"));
    }
    let grant = OAuthGrant {
        scopes: issued.scopes.clone(),
        nonce: issued.nonce.clone(),
        auth_time: Some(issued.auth_time),
    };
    let mut result = issue(
        store,
        &issued.pool_id,
        &client.id,
        &issued.user_key,
        now,
        Issue::OAuth(&grant),
    )?;
    let refresh = result["AuthenticationResult"]["RefreshToken"]
        .as_str()
        .unwrap_or_default();
    if let Some(record) = store.refresh_tokens.get(refresh) {
        let origin = record.origin_jti.clone();
        store
            .oauth_grants
            .redeemed
            .insert(code.clone(), (origin, now + CODE_LIFETIME_SECS));
    }
    if !issued.scopes.iter().any(|s| s == "openid") {
        if let Some(tokens) = result["AuthenticationResult"].as_object_mut() {
            tokens.remove("IdToken");
        }
    }
    Ok(result)
}

fn refresh_token(
    store: &mut Store,
    client: &AppClient,
    form: &BTreeMap<String, String>,
    now: i64,
) -> OpResult<Value> {
    let Some(token) = form.get("refresh_token") else {
        return Err(refused("invalid_request"));
    };
    if !client.allows(Flow::RefreshToken) {
        return Err(refused("unauthorized_client"));
    }
    let record =
        usable_refresh_token(store, client, token, now).map_err(|_| refused("invalid_grant"))?;
    let enabled = refresh_user(store, &record)
        .map_err(|_| refused("invalid_grant"))?
        .enabled;
    if !enabled {
        return Err(refused("invalid_grant"));
    }
    let mut result = refreshed_result(store, &client.id, &record, now)?;
    let openid = record
        .oauth_scopes
        .as_ref()
        .is_none_or(|scopes| scopes.iter().any(|s| s == "openid"));
    if !openid {
        if let Some(tokens) = result["AuthenticationResult"].as_object_mut() {
            tokens.remove("IdToken");
        }
    }
    Ok(result)
}

/// Machine-to-machine: an access token for the client itself, with resource-server scopes only.
fn client_credentials(
    store: &Store,
    pool_id: &str,
    client: &AppClient,
    form: &BTreeMap<String, String>,
    now: i64,
) -> OpResult<Value> {
    if client.secret.is_none() || !client.oauth.allows_flow("client_credentials") {
        return Err(refused("unauthorized_client"));
    }
    let scopes: Vec<String> = match form.get("scope") {
        Some(scope) => scope.split_whitespace().map(str::to_owned).collect(),
        None => client.oauth.scopes.clone(),
    };
    if scopes.is_empty() || scopes.iter().any(|s| !client.oauth.scopes.contains(s)) {
        return Err(refused("invalid_scope"));
    }
    let pool = store.pool(pool_id)?;
    let claims = json!({
        "sub": client.id,
        "token_use": "access",
        "scope": scopes.join(" "),
        "auth_time": now,
        "iss": pool.issuer(),
        "exp": now + client.access_validity_secs,
        "iat": now,
        "version": 2,
        "jti": uuid::Uuid::new_v4().to_string(),
        "client_id": client.id,
    });
    let Value::Object(claims) = claims else {
        return Err(CognitoError::internal("claims are an object"));
    };
    Ok(json!({ "AuthenticationResult": {
        "AccessToken": deferred_sign::sign(&pool.keys, Which::Access, claims),
        "ExpiresIn": client.access_validity_secs,
        "TokenType": "Bearer",
    }}))
}
