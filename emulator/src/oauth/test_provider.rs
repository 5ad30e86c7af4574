//! DEV-ONLY (not part of Cognito): a built-in OpenID provider to sign in with through a pool's identity
//! provider, like a social or enterprise provider, without any network. Under `/_emulator/oidc`: discovery,
//! an authorize page where the tester types the user (`sub`) and the claims to release, token, userInfo
//! and JWKS. It checks nothing but its own codes: whoever uses the page is whoever they type.
//!
//! A pool uses it through CreateIdentityProvider with `ProviderType: OIDC` and an `oidc_issuer` whose path
//! ends in `/_emulator/oidc` (its host does not matter, so that a seed file can name it before the port is
//! known). `/oauth2/idpresponse` redeems its codes in-process ([`redeem`]).

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::protocol::{
    error_page, html_page, json_reply, oauth_error, own_origin, parse_form, redirect, with_query,
};
use crate::app::AppState;
use crate::jwt::JwtKey;
use crate::oauth_model::{CODE_LIFETIME_SECS, ProviderCode};
use crate::state::Store;
use crate::util::{b64url, random_bytes};

/// Where the provider lives on the emulator's origin.
pub const PATH: &str = "/_emulator/oidc";

/// The claims the authorize page offers, besides `sub`.
const CLAIMS: &[&str] = &[
    "email",
    "email_verified",
    "name",
    "given_name",
    "family_name",
    "picture",
    "phone_number",
];

/// Whether an `oidc_issuer` names this provider.
pub fn is_test_provider(issuer: &str) -> bool {
    issuer.trim_end_matches('/').ends_with(PATH)
}

/// The provider's signing key: one per process, made on first use (RSA key generation is slow).
fn key() -> &'static JwtKey {
    static KEY: OnceLock<JwtKey> = OnceLock::new();
    KEY.get_or_init(|| JwtKey::generate().expect("RSA key generation"))
}

fn issuer(headers: &HeaderMap) -> String {
    format!("{}{PATH}", own_origin(headers))
}

pub async fn discovery(headers: HeaderMap) -> Response {
    let issuer = issuer(&headers);
    json_reply(
        StatusCode::OK,
        &json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "userinfo_endpoint": format!("{issuer}/userinfo"),
            "jwks_uri": format!("{issuer}/jwks"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile", "phone"],
            "claims_supported": CLAIMS,
        }),
    )
}

pub async fn jwks() -> Response {
    let jwks = tokio::task::spawn_blocking(|| json!({ "keys": [key().jwk()] }))
        .await
        .unwrap_or(Value::Null);
    json_reply(StatusCode::OK, &jwks)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /_emulator/oidc/authorize`: the page where the tester says who signs in.
pub async fn authorize_page(RawQuery(query): RawQuery) -> Response {
    let params = parse_form(query.as_deref().unwrap_or(""));
    let (Some(client_id), Some(redirect_uri)) =
        (params.get("client_id"), params.get("redirect_uri"))
    else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id and redirect_uri are required.",
        );
    };
    let hidden: String = [
        ("client_id", Some(client_id)),
        ("redirect_uri", Some(redirect_uri)),
        ("state", params.get("state")),
        ("nonce", params.get("nonce")),
    ]
    .iter()
    .filter_map(|(name, value)| {
        value.map(|v| {
            format!(
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                escape(v)
            )
        })
    })
    .collect();
    let fields: String = std::iter::once("sub")
        .chain(CLAIMS.iter().copied())
        .map(|claim| format!("<p><label>{claim} <input name=\"{claim}\"></label></p>"))
        .collect();
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Test OpenID provider (dev only)</title></head>\
         <body><h1>Test OpenID provider</h1><p>Dev only: whoever you type here signs in. Leave a claim empty to not release it.</p>\
         <form method=\"post\">{hidden}{fields}<p><button type=\"submit\">Sign in</button> <button type=\"submit\" name=\"deny\" value=\"1\">Deny</button></p></form></body></html>"
    );
    html_page(
        StatusCode::OK,
        body,
        "default-src 'none'; frame-ancestors 'none'",
    )
}

/// `POST /_emulator/oidc/authorize`: the tester's answer; back to the relying party with a code.
pub async fn authorize(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let form = parse_form(&String::from_utf8_lossy(&body));
    let (Some(client_id), Some(redirect_uri)) = (form.get("client_id"), form.get("redirect_uri"))
    else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "client_id and redirect_uri are required.",
        );
    };
    let state_param = form.get("state").map(String::as_str);
    if form.contains_key("deny") {
        return redirect(&with_query(
            redirect_uri,
            &[("error", Some("access_denied")), ("state", state_param)],
        ));
    }
    let Some(sub) = form.get("sub").filter(|s| !s.is_empty()) else {
        return error_page(StatusCode::BAD_REQUEST, "invalid_request", "Type a sub.");
    };
    let mut claims = Map::new();
    claims.insert("sub".into(), json!(sub));
    for claim in CLAIMS {
        if let Some(value) = form.get(*claim).filter(|v| !v.is_empty()) {
            let value = match value.as_str() {
                "true" if claim.ends_with("_verified") => json!(true),
                "false" if claim.ends_with("_verified") => json!(false),
                _ => json!(value),
            };
            claims.insert((*claim).into(), value);
        }
    }
    let code = b64url(&random_bytes(24));
    let now = state.now_secs();
    state.store().oauth_grants.provider_codes.insert(
        code.clone(),
        ProviderCode {
            client_id: client_id.clone(),
            redirect_uri: redirect_uri.clone(),
            nonce: form.get("nonce").cloned(),
            claims,
            expires_at: now + CODE_LIFETIME_SECS,
        },
    );
    redirect(&with_query(
        redirect_uri,
        &[("code", Some(&code)), ("state", state_param)],
    ))
}

/// Takes a code out (single use) if it was issued to `client_id` for `redirect_uri`: the claims released,
/// with the `nonce` of the request.
pub fn redeem(
    store: &mut Store,
    code: &str,
    client_id: &str,
    redirect_uri: &str,
    now: i64,
) -> Option<ProviderCode> {
    let issued = store.oauth_grants.provider_codes.remove(code)?;
    (issued.client_id == client_id
        && issued.redirect_uri == redirect_uri
        && issued.expires_at > now)
        .then_some(issued)
}

/// `POST /_emulator/oidc/token`: the code for an ID token and an access token (which is the ID token's
/// claims, signed again, and only good for userInfo).
pub async fn token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = parse_form(&String::from_utf8_lossy(&body));
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return oauth_error("unsupported_grant_type");
    }
    let client_id = form
        .get("client_id")
        .cloned()
        .or_else(|| basic_client_id(&headers));
    let (Some(code), Some(redirect_uri), Some(client_id)) =
        (form.get("code"), form.get("redirect_uri"), client_id)
    else {
        return oauth_error("invalid_request");
    };
    let now = state.now_secs();
    let Some(issued) = redeem(&mut state.store(), code, &client_id, redirect_uri, now) else {
        return oauth_error("invalid_grant");
    };
    let id_claims = id_token_claims(&issuer(&headers), &issued, now);
    let tokens = tokio::task::spawn_blocking(move || {
        let mut access = id_claims.clone();
        access.insert("token_use".into(), json!("access"));
        json!({
            "id_token": key().sign(&id_claims),
            "access_token": key().sign(&access),
            "token_type": "Bearer",
            "expires_in": 3600,
        })
    })
    .await
    .unwrap_or(Value::Null);
    json_reply(StatusCode::OK, &tokens)
}

fn basic_client_id(headers: &HeaderMap) -> Option<String> {
    use base64::Engine as _;
    let encoded = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    Some(text.split_once(':')?.0.to_owned())
}

/// The ID token's claims: what was released, plus `iss`, `aud`, times and `nonce`.
pub fn id_token_claims(issuer: &str, issued: &ProviderCode, now: i64) -> Map<String, Value> {
    let mut claims = issued.claims.clone();
    claims.insert("iss".into(), json!(issuer));
    claims.insert("aud".into(), json!(issued.client_id));
    claims.insert("iat".into(), json!(now));
    claims.insert("exp".into(), json!(now + 3600));
    if let Some(nonce) = &issued.nonce {
        claims.insert("nonce".into(), json!(nonce));
    }
    claims
}

/// `GET /_emulator/oidc/userinfo`: the claims of a bearer access token of this provider.
pub async fn userinfo(headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let verified = match token {
        Some(token) => tokio::task::spawn_blocking(move || key().verify(&token).ok())
            .await
            .ok()
            .flatten(),
        None => None,
    };
    match verified {
        Some(mut claims) if claims.get("token_use") == Some(&json!("access")) => {
            for name in ["iss", "aud", "iat", "exp", "nonce", "token_use"] {
                claims.remove(name);
            }
            json_reply(StatusCode::OK, &Value::Object(claims))
        }
        _ => json_reply(
            StatusCode::UNAUTHORIZED,
            &json!({ "error": "invalid_token" }),
        ),
    }
}

/// The released claims as user-pool attributes, through a provider's `AttributeMapping` (pool attribute
/// → provider claim); booleans become `"true"` / `"false"`.
pub fn mapped_attributes(
    mapping: &BTreeMap<String, String>,
    claims: &Map<String, Value>,
) -> Vec<(String, String)> {
    mapping
        .iter()
        .filter_map(|(attribute, claim)| {
            let value = match claims.get(claim)? {
                Value::String(text) => text.clone(),
                Value::Bool(flag) => flag.to_string(),
                Value::Number(number) => number.to_string(),
                _ => return None,
            };
            Some((attribute.clone(), value))
        })
        .collect()
}
