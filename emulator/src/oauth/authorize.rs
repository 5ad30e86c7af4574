//! `GET /oauth2/authorize`: checks an authorization request and hands it to managed login.
//!
//! Requests that cannot be trusted to redirect (no or unknown client, a client without OAuth, a pool
//! without a domain, a `redirect_uri` that is not one of the client's `CallbackURLs`) get an error page;
//! every later error goes back to the redirect URI as `error=…&state=…`, as Cognito does. An accepted
//! request is stored under a random handle that only the browser's HttpOnly cookie carries (see
//! [`super::login`]), and the browser goes on to `/login` with the request's parameters — or, with
//! `identity_provider` / `idp_identifier`, to that provider, which comes back to [`super::idpresponse`].

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::protocol::{COOKIE, error_page, own_origin, parse_form, redirect, with_query};
use super::test_provider;
use crate::app::AppState;
use crate::oauth_model::{
    Federation, IdentityProvider, PENDING_LIFETIME_SECS, PendingAuthorization,
};
use crate::oauth_settings::COGNITO_PROVIDER;
use crate::util::{b64url, random_bytes};

/// An error sent back to the client's redirect URI.
struct Refusal {
    error: &'static str,
    description: String,
}

fn refuse(error: &'static str, description: impl Into<String>) -> Refusal {
    Refusal {
        error,
        description: description.into(),
    }
}

/// Where an accepted request goes: the managed-login page, or an identity provider (by name).
enum SignInWith {
    ManagedLogin,
    Provider(IdentityProvider),
}

pub async fn authorize(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let params = parse_form(query.as_deref().unwrap_or(""));
    let now = state.now_secs();
    let mut store = state.store();
    store.prune(now);
    let Some(client_id) = params.get("client_id") else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id is missing.",
        );
    };
    let Ok((pool_id, client)) = store.client_of(client_id) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Unknown client_id.",
        );
    };
    if !client.oauth.enabled {
        return error_page(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "This client is not allowed to use the OAuth 2.0 endpoints.",
        );
    }
    let has_domain = store
        .pools
        .get(&pool_id)
        .is_some_and(|pool| pool.oauth.domain.is_some());
    if !has_domain {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The client's user pool has no domain (CreateUserPoolDomain).",
        );
    }
    let redirect_uri = match params
        .get("redirect_uri")
        .or(client.oauth.default_redirect_uri.as_ref())
    {
        Some(uri) if client.oauth.callback_urls.contains(uri) => uri.clone(),
        Some(_) => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "redirect_mismatch",
                "redirect_uri is not one of the client's CallbackURLs.",
            );
        }
        None => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "redirect_uri is missing.",
            );
        }
    };
    let state_param = params.get("state").map(String::as_str);
    let providers = store
        .pools
        .get(&pool_id)
        .map(|pool| pool.oauth.identity_providers.clone())
        .unwrap_or_default();
    let (pending, sign_in_with) = match check(&params, &client, &providers) {
        Ok((scopes, sign_in_with)) => (
            PendingAuthorization {
                client_id: client.id.clone(),
                redirect_uri: redirect_uri.clone(),
                state: params.get("state").cloned(),
                nonce: params.get("nonce").cloned(),
                scopes,
                code_challenge: params.get("code_challenge").cloned(),
                browser_secret: b64url(&random_bytes(32)),
                expires_at: now + PENDING_LIFETIME_SECS,
            },
            sign_in_with,
        ),
        Err(refusal) => {
            return redirect(&with_query(
                &redirect_uri,
                &[
                    ("error", Some(refusal.error)),
                    ("error_description", Some(&refusal.description)),
                    ("state", state_param),
                ],
            ));
        }
    };
    let secret = pending.browser_secret.clone();
    store.oauth_grants.pending.insert(secret.clone(), pending);
    let location = match sign_in_with {
        // The page reads the request's parameters from its own URL (client, scopes, language); the handle
        // stays in the cookie, out of the page's reach.
        SignInWith::ManagedLogin => format!("/login?{}", query.as_deref().unwrap_or("")),
        SignInWith::Provider(provider) => {
            let federation_state = b64url(&random_bytes(32));
            let nonce = b64url(&random_bytes(16));
            store.oauth_grants.federations.insert(
                federation_state.clone(),
                Federation {
                    browser_secret: secret.clone(),
                    pool_id: pool_id.clone(),
                    provider: provider.name.clone(),
                    nonce: nonce.clone(),
                    expires_at: now + PENDING_LIFETIME_SECS,
                },
            );
            let origin = own_origin(&headers);
            let detail = |name: &str| provider.details.get(name).map(String::as_str);
            with_query(
                &format!("{origin}{}/authorize", test_provider::PATH),
                &[
                    ("response_type", Some("code")),
                    ("client_id", detail("client_id")),
                    (
                        "redirect_uri",
                        Some(&format!("{origin}/oauth2/idpresponse")),
                    ),
                    ("scope", detail("authorize_scopes")),
                    ("state", Some(&federation_state)),
                    ("nonce", Some(&nonce)),
                ],
            )
        }
    };
    drop(store);
    let mut response = redirect(&location);
    let cookie = format!(
        "{COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={PENDING_LIFETIME_SECS}"
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// The checks whose failure goes back to the redirect URI; the granted scopes and where the user signs in
/// when all pass.
fn check(
    params: &BTreeMap<String, String>,
    client: &crate::state::AppClient,
    providers: &BTreeMap<String, IdentityProvider>,
) -> Result<(Vec<String>, SignInWith), Refusal> {
    match params.get("response_type").map(String::as_str) {
        Some("code") => {}
        Some("token") => {
            return Err(refuse(
                "unsupported_response_type",
                "The emulator serves the authorization code grant only.",
            ));
        }
        Some(_) => {
            return Err(refuse(
                "unsupported_response_type",
                "Unknown response_type.",
            ));
        }
        None => return Err(refuse("invalid_request", "response_type is missing.")),
    }
    if !client.oauth.allows_flow("code") {
        return Err(refuse(
            "unauthorized_client",
            "The client does not allow the code flow.",
        ));
    }
    let scopes: Vec<String> = match params.get("scope") {
        Some(scope) => scope.split_whitespace().map(str::to_owned).collect(),
        None => client.oauth.scopes.clone(),
    };
    if let Some(unknown) = scopes.iter().find(|s| !client.oauth.scopes.contains(s)) {
        return Err(refuse(
            "invalid_scope",
            format!("The client does not allow the scope {unknown}."),
        ));
    }
    match (
        params.get("code_challenge"),
        params.get("code_challenge_method").map(String::as_str),
    ) {
        (Some(challenge), Some("S256")) => {
            let well_formed = (43..=128).contains(&challenge.len())
                && challenge
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !well_formed {
                return Err(refuse("invalid_request", "Malformed code_challenge."));
            }
        }
        (Some(_), _) => {
            return Err(refuse(
                "invalid_request",
                "code_challenge_method must be S256.",
            ));
        }
        (None, Some(_)) => return Err(refuse("invalid_request", "code_challenge is missing.")),
        (None, None) if client.secret.is_none() => {
            return Err(refuse(
                "invalid_request",
                "A client without a secret must use PKCE (code_challenge with S256).",
            ));
        }
        (None, None) => {}
    }
    let supported = |name: &str| client.oauth.identity_providers.iter().any(|p| p == name);
    let provider = match (
        params.get("identity_provider"),
        params.get("idp_identifier"),
    ) {
        (Some(name), _) if name == COGNITO_PROVIDER => None,
        (Some(name), _) => Some(providers.get(name).ok_or_else(|| {
            refuse(
                "invalid_request",
                format!("Unknown identity_provider {name}."),
            )
        })?),
        (None, Some(identifier)) => Some(
            providers
                .values()
                .find(|p| p.idp_identifiers.contains(identifier))
                .ok_or_else(|| refuse("invalid_request", "No provider has this idp_identifier."))?,
        ),
        (None, None) => None,
    };
    match provider {
        None if supported(COGNITO_PROVIDER) => Ok((scopes, SignInWith::ManagedLogin)),
        None => Err(refuse(
            "invalid_request",
            "The client does not support the user pool directory (COGNITO).",
        )),
        Some(provider) if !supported(&provider.name) => Err(refuse(
            "invalid_request",
            format!(
                "The client does not support the provider {}.",
                provider.name
            ),
        )),
        Some(provider) => {
            let built_in = provider.provider_type == "OIDC"
                && provider
                    .details
                    .get("oidc_issuer")
                    .is_some_and(|issuer| test_provider::is_test_provider(issuer));
            if built_in {
                Ok((scopes, SignInWith::Provider(provider.clone())))
            } else {
                Err(refuse(
                    "invalid_request",
                    "The emulator can sign in only with its test OpenID provider (oidc_issuer …/_emulator/oidc).",
                ))
            }
        }
    }
}
