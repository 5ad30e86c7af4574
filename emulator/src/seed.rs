//! `--seed FILE`: pools, app clients and users with fixed ids, created at start-up so that demos and tests
//! know them in advance. The format is documented in the crate's README.md.
//!
//! Seeding goes through the same code as CreateUserPool / CreateUserPoolClient / AdminCreateUser, so a seed
//! can't produce anything those operations would refuse.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::app::AppState;
use crate::ops::{admin, oauth};
use crate::pool_settings::read_web_authn_configuration;
use crate::request::Req;
use crate::state::UserStatus;
use crate::users::{self, NewUser};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// Region of pools without an explicit id; defaults to the emulator's `--region`.
    pub region: Option<String>,
    #[serde(default)]
    pub pools: Vec<SeedPool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedPool {
    /// `<region>_<letters and digits>`; random when absent.
    pub id: Option<String>,
    pub name: String,
    /// Cognito's `PasswordPolicy` structure (`MinimumLength`, `RequireSymbols`, …); Cognito's default when absent.
    pub password_policy: Option<Value>,
    #[serde(default)]
    pub username_attributes: Vec<String>,
    #[serde(default)]
    pub alias_attributes: Vec<String>,
    #[serde(default)]
    pub auto_verified_attributes: Vec<String>,
    #[serde(default)]
    pub case_sensitive: bool,
    pub mfa_configuration: Option<String>,
    /// Second factors the pool offers (default: SMS and TOTP on, e-mail off).
    pub sms_mfa: Option<bool>,
    pub software_token_mfa: Option<bool>,
    pub email_mfa: Option<bool>,
    /// Cognito's `DeviceConfiguration` structure; devices are tracked only when it is present.
    pub device_configuration: Option<Value>,
    /// Dev-only CUSTOM_AUTH rounds: `[{"question": …, "answer": …}]`.
    #[serde(default)]
    pub custom_challenge: Vec<SeedCustomRound>,
    /// `Policies.SignInPolicy.AllowedFirstAuthFactors` (default `["PASSWORD"]`); `WEB_AUTHN` allows passkeys.
    pub allowed_first_auth_factors: Option<Vec<String>>,
    /// Cognito's `WebAuthnConfiguration` structure (`{"RelyingPartyId": "localhost", "UserVerification": "preferred"}`).
    pub web_authn_configuration: Option<Value>,
    /// The pool's domain (CreateUserPoolDomain's `Domain`), which the OAuth 2.0 endpoints need.
    pub domain: Option<String>,
    /// CreateResourceServer requests without `UserPoolId`: `[{"Identifier", "Name", "Scopes": [...]}]`.
    #[serde(default)]
    pub resource_servers: Vec<Map<String, Value>>,
    /// CreateIdentityProvider requests without `UserPoolId`.
    #[serde(default)]
    pub identity_providers: Vec<Map<String, Value>>,
    #[serde(default)]
    pub clients: Vec<SeedClient>,
    #[serde(default)]
    pub users: Vec<SeedUser>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedClient {
    /// `[\w+]+`; random (26 lowercase letters and digits) when absent.
    pub id: Option<String>,
    pub name: String,
    /// A fixed client secret; `null` / absent means none unless `generateSecret` is true.
    pub secret: Option<String>,
    #[serde(default)]
    pub generate_secret: bool,
    pub explicit_auth_flows: Option<Vec<String>>,
    /// `ENABLED` (default) or `LEGACY`.
    pub prevent_user_existence_errors: Option<String>,
    pub enable_token_revocation: Option<bool>,
    pub access_token_validity_minutes: Option<i64>,
    pub id_token_validity_minutes: Option<i64>,
    pub refresh_token_validity_days: Option<i64>,
    /// Lifetimes in seconds instead (not both forms for one token); down to 3 s, below Cognito's minimum,
    /// so that tests can watch tokens expire.
    pub access_token_validity_seconds: Option<i64>,
    pub id_token_validity_seconds: Option<i64>,
    pub refresh_token_validity_seconds: Option<i64>,
    /// Minutes a challenge session stays valid (3 to 15, default 3).
    pub auth_session_validity: Option<i64>,
    /// Cognito's `RefreshTokenRotation` structure (`{"Feature": "ENABLED", "RetryGracePeriodSeconds": 10}`).
    pub refresh_token_rotation: Option<Value>,
    /// The OAuth members of CreateUserPoolClient, in camelCase (`callbackURLs`, `allowedOAuthScopes`, …).
    #[serde(rename = "allowedOAuthFlowsUserPoolClient")]
    pub allowed_oauth_flows_user_pool_client: Option<bool>,
    #[serde(rename = "allowedOAuthFlows")]
    pub allowed_oauth_flows: Option<Vec<String>>,
    #[serde(rename = "allowedOAuthScopes")]
    pub allowed_oauth_scopes: Option<Vec<String>>,
    #[serde(rename = "callbackURLs")]
    pub callback_urls: Option<Vec<String>>,
    #[serde(rename = "logoutURLs")]
    pub logout_urls: Option<Vec<String>>,
    #[serde(rename = "defaultRedirectURI")]
    pub default_redirect_uri: Option<String>,
    #[serde(rename = "supportedIdentityProviders")]
    pub supported_identity_providers: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedCustomRound {
    pub question: String,
    pub answer: String,
}

/// A user's MFA settings in a seed: which factors are on and which is preferred.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedMfa {
    #[serde(default)]
    pub sms: bool,
    #[serde(default)]
    pub software_token: bool,
    #[serde(default)]
    pub email: bool,
    /// `SMS_MFA`, `SOFTWARE_TOKEN_MFA` or `EMAIL_OTP`.
    pub preferred: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedUser {
    /// The sign-in name: the username, or the e-mail / phone number in pools with `usernameAttributes`.
    pub username: String,
    /// Must satisfy the pool's policy; random (so unusable) when absent.
    pub password: Option<String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// `CONFIRMED` (default), `FORCE_CHANGE_PASSWORD` or `UNCONFIRMED`.
    pub status: Option<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// A fixed `sub` (a UUID); random when absent.
    pub sub: Option<String>,
    /// A verified TOTP authenticator secret (base32), so a demo can compute codes.
    #[serde(rename = "totpSecret")]
    pub totp_secret: Option<String>,
    pub mfa: Option<SeedMfa>,
}

fn yes() -> bool {
    true
}

/// Reads and applies a seed file.
pub fn load_file(state: &AppState, path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read seed file {}: {e}", path.display()))?;
    let seed: Seed =
        serde_json::from_str(&text).map_err(|e| format!("seed file {}: {e}", path.display()))?;
    load(state, &seed)
}

/// Creates everything a seed describes.
pub fn load(state: &AppState, seed: &Seed) -> Result<(), String> {
    let region = seed
        .region
        .clone()
        .unwrap_or_else(|| state.default_region().to_owned());
    for pool in &seed.pools {
        let pool_id = load_pool(state, pool, &region)
            .map_err(|e| format!("seed pool {:?}: {e}", pool.name))?;
        load_oauth(state, &pool_id, pool).map_err(|e| format!("seed pool {:?}: {e}", pool.name))?;
        for client in &pool.clients {
            load_client(state, &pool_id, client)
                .map_err(|e| format!("seed client {:?}: {e}", client.name))?;
        }
        for user in &pool.users {
            load_user(state, &pool_id, user)
                .map_err(|e| format!("seed user {:?}: {e}", user.username))?;
        }
    }
    Ok(())
}

fn as_request(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn load_pool(state: &AppState, pool: &SeedPool, region: &str) -> Result<String, String> {
    let mut request = json!({
        "PoolName": pool.name,
        "UsernameAttributes": pool.username_attributes,
        "AliasAttributes": pool.alias_attributes,
        "AutoVerifiedAttributes": pool.auto_verified_attributes,
        "UsernameConfiguration": { "CaseSensitive": pool.case_sensitive },
    });
    if let Some(policy) = &pool.password_policy {
        request["Policies"]["PasswordPolicy"] = policy.clone();
    }
    if let Some(factors) = &pool.allowed_first_auth_factors {
        request["Policies"]["SignInPolicy"] = json!({ "AllowedFirstAuthFactors": factors });
    }
    if let Some(mfa) = &pool.mfa_configuration {
        request["MfaConfiguration"] = json!(mfa);
    }
    if let Some(devices) = &pool.device_configuration {
        request["DeviceConfiguration"] = devices.clone();
    }
    let request = as_request(request);
    let id = admin::create_pool(state, Req(&request), pool.id.as_deref(), region)
        .map_err(|e| e.to_string())?;
    let web_authn = match &pool.web_authn_configuration {
        Some(config) => {
            let request = as_request(json!({ "WebAuthnConfiguration": config }));
            read_web_authn_configuration(Req(&request)).map_err(|e| e.to_string())?
        }
        None => None,
    };
    let mut store = state.store();
    let created = store.pools.get_mut(&id).ok_or("pool vanished")?;
    created.sms_mfa = pool.sms_mfa.unwrap_or(created.sms_mfa);
    created.software_token_mfa = pool
        .software_token_mfa
        .unwrap_or(created.software_token_mfa);
    created.email_mfa = pool.email_mfa.unwrap_or(created.email_mfa);
    if let Some(web_authn) = web_authn {
        created.web_authn = web_authn;
    }
    created.custom_challenge = pool
        .custom_challenge
        .iter()
        .map(|round| crate::state::CustomRound {
            question: round.question.clone(),
            answer: round.answer.clone(),
        })
        .collect();
    Ok(id)
}

/// The pool's domain, resource servers and identity providers, through their operations (before the
/// clients, whose scopes and providers must exist).
fn load_oauth(state: &AppState, pool_id: &str, pool: &SeedPool) -> Result<(), String> {
    let with_pool = |request: &Map<String, Value>| {
        let mut request = request.clone();
        request.insert("UserPoolId".to_owned(), json!(pool_id));
        request
    };
    if let Some(domain) = &pool.domain {
        let request = with_pool(&as_request(json!({ "Domain": domain })));
        oauth::create_user_pool_domain(state, Req(&request)).map_err(|e| e.to_string())?;
    }
    for server in &pool.resource_servers {
        oauth::create_resource_server(state, Req(&with_pool(server))).map_err(|e| e.to_string())?;
    }
    for provider in &pool.identity_providers {
        oauth::create_identity_provider(state, Req(&with_pool(provider)))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn load_client(state: &AppState, pool_id: &str, client: &SeedClient) -> Result<(), String> {
    let mut request = json!({
        "UserPoolId": pool_id,
        "ClientName": client.name,
        "GenerateSecret": client.generate_secret,
    });
    let optional = [
        (
            "ExplicitAuthFlows",
            client.explicit_auth_flows.as_ref().map(|f| json!(f)),
        ),
        (
            "PreventUserExistenceErrors",
            client
                .prevent_user_existence_errors
                .as_ref()
                .map(|p| json!(p)),
        ),
        (
            "EnableTokenRevocation",
            client.enable_token_revocation.map(|e| json!(e)),
        ),
        (
            "AuthSessionValidity",
            client.auth_session_validity.map(|v| json!(v)),
        ),
        (
            "RefreshTokenRotation",
            client.refresh_token_rotation.clone(),
        ),
        (
            "AllowedOAuthFlowsUserPoolClient",
            client
                .allowed_oauth_flows_user_pool_client
                .map(|e| json!(e)),
        ),
        (
            "AllowedOAuthFlows",
            client.allowed_oauth_flows.as_ref().map(|v| json!(v)),
        ),
        (
            "AllowedOAuthScopes",
            client.allowed_oauth_scopes.as_ref().map(|v| json!(v)),
        ),
        (
            "CallbackURLs",
            client.callback_urls.as_ref().map(|v| json!(v)),
        ),
        ("LogoutURLs", client.logout_urls.as_ref().map(|v| json!(v))),
        (
            "DefaultRedirectURI",
            client.default_redirect_uri.as_ref().map(|v| json!(v)),
        ),
        (
            "SupportedIdentityProviders",
            client
                .supported_identity_providers
                .as_ref()
                .map(|v| json!(v)),
        ),
    ];
    for (member, value) in optional {
        if let Some(value) = value {
            request[member] = value;
        }
    }
    let lifetimes = [
        (
            "AccessToken",
            client.access_token_validity_minutes,
            "minutes",
            client.access_token_validity_seconds,
        ),
        (
            "IdToken",
            client.id_token_validity_minutes,
            "minutes",
            client.id_token_validity_seconds,
        ),
        (
            "RefreshToken",
            client.refresh_token_validity_days,
            "days",
            client.refresh_token_validity_seconds,
        ),
    ];
    let mut units = Map::new();
    for (token, coarse, coarse_unit, seconds) in lifetimes {
        let (value, unit) = match (coarse, seconds) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "client {}: give the {token} lifetime in {coarse_unit} or in seconds, not both",
                    client.name
                ));
            }
            (Some(value), None) => (value, coarse_unit),
            (None, Some(value)) => (value, "seconds"),
            (None, None) => continue,
        };
        request[format!("{token}Validity")] = json!(value);
        units.insert(token.to_owned(), json!(unit));
    }
    if !units.is_empty() {
        request["TokenValidityUnits"] = Value::Object(units);
    }
    let request = as_request(request);
    admin::create_client(
        state,
        Req(&request),
        client.id.as_deref(),
        client.secret.as_deref(),
    )
    .map(|_| ())
    .map_err(|e| e.to_string())
}

fn load_user(state: &AppState, pool_id: &str, user: &SeedUser) -> Result<(), String> {
    let status = match user.status.as_deref() {
        None => UserStatus::Confirmed,
        Some(text) => UserStatus::parse(text).ok_or_else(|| format!("unknown status {text:?}"))?,
    };
    if let Some(sub) = &user.sub {
        uuid::Uuid::parse_str(sub).map_err(|_| format!("sub {sub:?} is not a UUID"))?;
    }
    let now = state.now_millis();
    let mut store = state.store();
    let pool = store.pools.get_mut(pool_id).ok_or("pool vanished")?;
    let new = NewUser {
        username: &user.username,
        attributes: user
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        password: user.password.as_deref(),
        status,
        enabled: user.enabled,
        sub: user.sub.clone(),
    };
    let key = users::insert_user(pool, new, now).map_err(|e| e.to_string())?;
    let seeded = pool.users.get_mut(&key).ok_or("user vanished")?;
    if let Some(secret) = &user.totp_secret {
        if totp_rs::Secret::Encoded(secret.clone()).to_bytes().is_err() {
            return Err(format!("totpSecret {secret:?} is not base32"));
        }
        seeded.totp_secret = Some(secret.clone());
    }
    if let Some(mfa) = &user.mfa {
        seeded.mfa = crate::state::MfaSettings {
            sms: mfa.sms,
            totp: mfa.software_token,
            email: mfa.email,
            sms_preferred: false,
            totp_preferred: false,
            email_preferred: false,
        };
        match mfa.preferred.as_deref() {
            None => {}
            Some("SMS_MFA") if mfa.sms => seeded.mfa.sms_preferred = true,
            Some("SOFTWARE_TOKEN_MFA") if mfa.software_token => seeded.mfa.totp_preferred = true,
            Some("EMAIL_OTP") if mfa.email => seeded.mfa.email_preferred = true,
            Some(other) => return Err(format!("mfa.preferred {other:?} is not an enabled factor")),
        }
        if mfa.software_token && seeded.totp_secret.is_none() {
            return Err("mfa.softwareToken needs totpSecret".to_owned());
        }
    }
    Ok(())
}
