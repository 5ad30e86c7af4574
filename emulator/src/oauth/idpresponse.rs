//! `GET /oauth2/idpresponse`: where an identity provider sends the browser back. The provider's code is
//! redeemed (the emulator's test OpenID provider, in-process), its `nonce` checked, the user created or
//! linked as `<ProviderName>_<sub>` with the provider's claims mapped through `AttributeMapping` and an
//! `identities` attribute, and the pending authorization request answered with a code.
//!
//! Like the managed-login hand-over, the browser coming back must carry the cookie of the request it
//! started: a provider's response cannot complete another browser's request.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::grant::{answer_with_code, answer_with_error};
use super::protocol::{authorization_cookie, error_page, own_origin, parse_form, redirect};
use super::test_provider::{mapped_attributes, redeem};
use crate::app::AppState;
use crate::attributes::check_attributes;
use crate::state::{User, UserStatus};

/// OAuth errors a provider may send back that are passed on to the app as they are.
const PASSED_ON: &[&str] = &["access_denied", "invalid_scope", "temporarily_unavailable"];

pub async fn idpresponse(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let params = parse_form(query.as_deref().unwrap_or(""));
    let now = state.now_secs();
    let mut store = state.store();
    store.prune(now);
    let federation = params
        .get("state")
        .and_then(|s| store.oauth_grants.federations.remove(s));
    let Some(federation) = federation else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Unknown or expired state: no sign-in with a provider is in progress.",
        );
    };
    if authorization_cookie(&headers).as_deref() != Some(federation.browser_secret.as_str()) {
        return error_page(
            StatusCode::FORBIDDEN,
            "access_denied",
            "This browser did not start this sign-in.",
        );
    }
    let Some(pending) = store
        .oauth_grants
        .pending
        .remove(&federation.browser_secret)
    else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The authorization request has expired or was completed already.",
        );
    };
    if let Some(error) = params.get("error") {
        let error = if PASSED_ON.contains(&error.as_str()) {
            error.as_str()
        } else {
            "server_error"
        };
        return redirect(&answer_with_error(&pending, error));
    }
    let provider = store
        .pools
        .get(&federation.pool_id)
        .and_then(|pool| pool.oauth.identity_providers.get(&federation.provider))
        .cloned();
    let Some(provider) = provider else {
        return redirect(&answer_with_error(&pending, "server_error"));
    };
    let client_id = provider
        .details
        .get("client_id")
        .cloned()
        .unwrap_or_default();
    let callback = format!("{}/oauth2/idpresponse", own_origin(&headers));
    let issued = params
        .get("code")
        .and_then(|code| redeem(&mut store, code, &client_id, &callback, now))
        .filter(|issued| issued.nonce.as_deref() == Some(federation.nonce.as_str()));
    let Some(issued) = issued else {
        return redirect(&answer_with_error(&pending, "invalid_request"));
    };
    let Some(sub) = issued.claims.get("sub").and_then(Value::as_str) else {
        return redirect(&answer_with_error(&pending, "invalid_request"));
    };
    let attributes = mapped_attributes(&provider.attribute_mapping, &issued.claims);
    if check_attributes(&attributes).is_err() {
        return redirect(&answer_with_error(&pending, "invalid_request"));
    }
    let identities = json!([{
        "userId": sub,
        "providerName": provider.name,
        "providerType": provider.provider_type,
        "issuer": null,
        "primary": "true",
        "dateCreated": now * 1000,
    }])
    .to_string();
    let username = format!("{}_{sub}", provider.name);
    let Some(pool) = store.pools.get_mut(&federation.pool_id) else {
        return redirect(&answer_with_error(&pending, "server_error"));
    };
    let user_key = pool.user_key(&username);
    // Linked on every sign-in: the mapped attributes follow the provider, as in Cognito.
    if !pool.users.contains_key(&user_key) {
        let sub = uuid::Uuid::new_v4().to_string();
        let attributes = vec![("sub".to_owned(), sub.clone())];
        let user = User::new(
            username,
            sub,
            attributes,
            UserStatus::Confirmed,
            None,
            now * 1000,
        );
        pool.users.insert(user_key.clone(), user);
    }
    let Some(user) = pool.users.get_mut(&user_key) else {
        return redirect(&answer_with_error(&pending, "server_error"));
    };
    if !user.enabled {
        return redirect(&answer_with_error(&pending, "access_denied"));
    }
    for (name, value) in &attributes {
        user.set_attribute(name, value);
    }
    user.set_attribute("identities", &identities);
    user.modified = now * 1000;
    let pool_id = federation.pool_id.clone();
    let location = answer_with_code(&mut store, &pending, pool_id, user_key, now, now);
    redirect(&location)
}
