//! Tokens: the `AuthenticationResult` of a finished sign-in (RS256 ID and access tokens, an opaque
//! refresh token), and what a refresh token is checked for before it is used.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::credentials::check_secret_hash;
use crate::deferred_sign::{self, Which};
use crate::error::{CognitoError, OpResult};
use crate::state::{AppClient, Device, Pool, RefreshRecord, Store, User};
use crate::util::{b64url, random_bytes};

/// Protected header of Cognito's refresh tokens (a compact JWE), so ours look the same from outside.
const REFRESH_TOKEN_HEADER: &str = r#"{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}"#;

/// The self-service scope Cognito puts in access tokens from the user-pool API.
const SIGNIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// Which sign-in a set of tokens belongs to: kept across refreshes.
#[derive(Clone, Debug)]
pub struct SignIn {
    pub origin_jti: String,
    pub auth_time: i64,
}

impl SignIn {
    /// The sign-in a refresh token belongs to.
    pub fn of(record: &RefreshRecord) -> Self {
        Self {
            origin_jti: record.origin_jti.clone(),
            auth_time: record.auth_time,
        }
    }
}

fn invalid_refresh_token() -> CognitoError {
    CognitoError::not_authorized("Invalid Refresh Token")
}

/// A random refresh token shaped like Cognito's: five base64url parts, the first the JWE header above.
pub fn new_refresh_token() -> String {
    [
        b64url(REFRESH_TOKEN_HEADER.as_bytes()),
        b64url(&random_bytes(256)), // "encrypted key"
        b64url(&random_bytes(12)),  // "IV"
        b64url(&random_bytes(720)), // "ciphertext"
        b64url(&random_bytes(16)),  // "tag"
    ]
    .join(".")
}

/// Attribute values as the ID token carries them: the `*_verified` flags as JSON booleans, `address`
/// as an OIDC address object, everything else as the stored string.
fn claim_value(name: &str, value: &str) -> Value {
    match name {
        "email_verified" | "phone_number_verified" => Value::Bool(value == "true"),
        "address" => json!({ "formatted": value }),
        // Federated users' linked identities: kept as JSON text, sent as Cognito sends them, an array.
        "identities" => serde_json::from_str(value).unwrap_or_else(|_| json!(value)),
        _ => Value::String(value.to_owned()),
    }
}

/// How a set of tokens came about, which decides what comes with them.
pub enum Issue<'a> {
    /// A sign-in through the user-pool API, on the device it authenticated with (`device_key`): a new
    /// refresh token, and without a device, in a pool that tracks devices, a new device
    /// (`NewDeviceMetadata`) for ConfirmDevice.
    SignIn { device_key: Option<String> },
    /// An authorization code's sign-in: a new refresh token with the grant's scopes and nonce, and no new
    /// device (managed login does not remember devices).
    OAuth(&'a OAuthGrant),
    /// A refresh of the sign-in `RefreshRecord` belongs to: no new refresh token, same device and scopes.
    Refresh(&'a RefreshRecord),
}

/// What a sign-in through the OAuth 2.0 endpoints adds to its tokens.
#[derive(Clone, Debug, Default)]
pub struct OAuthGrant {
    /// The granted scopes: the access token's `scope` instead of the user-pool API's.
    pub scopes: Vec<String>,
    /// The authorization request's `nonce`, for the ID token.
    pub nonce: Option<String>,
    /// When the user signed in on the managed-login page (`auth_time`); now when absent.
    pub auth_time: Option<i64>,
}

/// The `AuthenticationResult` (inside InitiateAuth's reply shape) of ID and access tokens for a user of
/// `pool_id`, issued to `client_id`.
pub fn issue(
    store: &mut Store,
    pool_id: &str,
    client_id: &str,
    user_key: &str,
    now: i64,
    how: Issue,
) -> OpResult<Value> {
    let refreshed_grant;
    let (sign_in, mut device_key, oauth) = match how {
        Issue::SignIn { device_key } => (None, device_key, None),
        Issue::OAuth(grant) => (None, None, Some(grant)),
        Issue::Refresh(record) => {
            refreshed_grant = record.oauth_scopes.as_ref().map(|scopes| OAuthGrant {
                scopes: scopes.clone(),
                ..OAuthGrant::default()
            });
            (
                Some(SignIn::of(record)),
                record.device_key.clone(),
                refreshed_grant.as_ref(),
            )
        }
    };
    let mut new_device = None;
    if sign_in.is_none() && device_key.is_none() && oauth.is_none() {
        new_device = new_device_for(store, pool_id, user_key, now)?;
        device_key = new_device.as_ref().map(|(key, _)| key.clone());
    }
    let pool = store.sign_in_pool(pool_id)?;
    let client = pool
        .clients
        .get(client_id)
        .ok_or_else(|| CognitoError::internal("client vanished during sign-in"))?;
    let user = pool
        .users
        .get(user_key)
        .ok_or_else(CognitoError::user_not_found)?;
    let new_sign_in = sign_in.is_none();
    let sign_in = sign_in.unwrap_or_else(|| SignIn {
        origin_jti: uuid::Uuid::new_v4().to_string(),
        auth_time: oauth.and_then(|grant| grant.auth_time).unwrap_or(now),
    });
    let (mut id_claims, mut access_claims) =
        claims(pool, client, user, &sign_in, device_key.as_deref(), now);
    if let Some(grant) = oauth {
        access_claims.insert("scope".into(), json!(grant.scopes.join(" ")));
        if let Some(nonce) = &grant.nonce {
            id_claims.insert("nonce".into(), json!(nonce));
        }
    }
    let mut result = json!({
        "AccessToken": deferred_sign::sign(&pool.keys, Which::Access, access_claims),
        "ExpiresIn": client.access_validity_secs,
        "TokenType": "Bearer",
        "IdToken": deferred_sign::sign(&pool.keys, Which::Id, id_claims),
    });
    if new_sign_in {
        let token = new_refresh_token();
        let record = RefreshRecord {
            pool_id: pool_id.to_owned(),
            client_id: client_id.to_owned(),
            user_key: user_key.to_owned(),
            sub: user.sub.clone(),
            origin_jti: sign_in.origin_jti,
            auth_time: sign_in.auth_time,
            expires_at: now + client.refresh_validity_secs,
            revoked: false,
            device_key: device_key.clone(),
            superseded_at: None,
            oauth_scopes: oauth.map(|grant| grant.scopes.clone()),
        };
        result["RefreshToken"] = json!(token);
        store.refresh_tokens.insert(token, record);
    }
    if let Some((key, group)) = new_device {
        result["NewDeviceMetadata"] = json!({ "DeviceKey": key, "DeviceGroupKey": group });
    }
    Ok(json!({ "ChallengeParameters": {}, "AuthenticationResult": result }))
}

/// The claims of the ID token (the user's attributes, `aud`, `cognito:username`) and of the access token
/// (`client_id`, `scope`, `username`, the device), with what both carry: who, which sign-in, when.
fn claims(
    pool: &Pool,
    client: &AppClient,
    user: &User,
    sign_in: &SignIn,
    device_key: Option<&str>,
    now: i64,
) -> (Map<String, Value>, Map<String, Value>) {
    let common = [
        ("sub", json!(user.sub)),
        ("iss", json!(pool.issuer())),
        ("origin_jti", json!(sign_in.origin_jti)),
        ("event_id", json!(uuid::Uuid::new_v4().to_string())),
        ("auth_time", json!(sign_in.auth_time)),
        ("iat", json!(now)),
    ];
    let mut id_claims = Map::new();
    for (name, value) in &user.attributes {
        id_claims.insert(name.clone(), claim_value(name, value));
    }
    for (name, value) in &common {
        id_claims.insert((*name).to_owned(), value.clone());
    }
    id_claims.insert("aud".into(), json!(client.id));
    id_claims.insert("token_use".into(), json!("id"));
    id_claims.insert("cognito:username".into(), json!(user.username));
    id_claims.insert("exp".into(), json!(now + client.id_validity_secs));
    id_claims.insert("jti".into(), json!(uuid::Uuid::new_v4().to_string()));

    let mut access_claims: Map<String, Value> = common
        .iter()
        .map(|(n, v)| ((*n).to_owned(), v.clone()))
        .collect();
    access_claims.insert("client_id".into(), json!(client.id));
    access_claims.insert("token_use".into(), json!("access"));
    access_claims.insert("scope".into(), json!(SIGNIN_SCOPE));
    access_claims.insert("username".into(), json!(user.username));
    access_claims.insert("exp".into(), json!(now + client.access_validity_secs));
    access_claims.insert("jti".into(), json!(uuid::Uuid::new_v4().to_string()));
    if let Some(key) = device_key {
        access_claims.insert("device_key".into(), json!(key));
    }
    (id_claims, access_claims)
}

/// A new, not yet confirmed device for a sign-in, when the pool tracks devices: (DeviceKey, DeviceGroupKey).
fn new_device_for(
    store: &mut Store,
    pool_id: &str,
    user_key: &str,
    now: i64,
) -> OpResult<Option<(String, String)>> {
    let Some(pool) = store.pools.get_mut(pool_id) else {
        return Ok(None);
    };
    if pool.device_configuration.is_none() {
        return Ok(None);
    }
    let region = pool.region().to_owned();
    let user = pool
        .users
        .get_mut(user_key)
        .ok_or_else(CognitoError::user_not_found)?;
    let group = user
        .device_group_key
        .get_or_insert_with(|| format!("-{}", crate::util::random_alnum(9)))
        .clone();
    // Unconfirmed devices from abandoned sign-ins don't pile up.
    user.devices
        .retain(|_, d| d.verifier.is_some() || now * 1000 - d.created < 86_400_000);
    let key = format!("{region}_{}", uuid::Uuid::new_v4());
    user.devices.insert(
        key.clone(),
        Device {
            key: key.clone(),
            group_key: group.clone(),
            verifier: None,
            name: None,
            remembered: false,
            created: now * 1000,
            modified: now * 1000,
            last_authenticated: now * 1000,
        },
    );
    Ok(Some((key, group)))
}

/// A refresh token presented by `client`, checked: known, this client's, not expired, not revoked, not
/// replaced by rotation longer ago than the grace period, and its user still there and enabled.
pub fn usable_refresh_token(
    store: &Store,
    client: &AppClient,
    token: &str,
    now: i64,
) -> OpResult<RefreshRecord> {
    let record = store
        .refresh_tokens
        .get(token)
        .ok_or_else(invalid_refresh_token)?
        .clone();
    if record.client_id != client.id || record.expires_at <= now {
        return Err(invalid_refresh_token());
    }
    if record.revoked || store.revoked_origins.contains(&record.origin_jti) {
        return Err(CognitoError::not_authorized(
            "Refresh Token has been revoked",
        ));
    }
    if record.superseded_at.is_some_and(|at| at <= now) {
        return Err(CognitoError::new(
            "RefreshTokenReuseException",
            "Refresh token has been used already and was replaced by refresh token rotation.",
        ));
    }
    Ok(record)
}

pub fn refresh_user<'s>(store: &'s Store, record: &RefreshRecord) -> OpResult<&'s User> {
    store
        .pools
        .get(&record.pool_id)
        .and_then(|pool| pool.users.get(&record.user_key))
        .filter(|user| user.sub == record.sub)
        .ok_or_else(invalid_refresh_token)
}

/// REFRESH_TOKEN_AUTH / REFRESH_TOKEN: new ID and access tokens for the same sign-in, no new refresh token.
pub fn refresh(
    store: &mut Store,
    client: &AppClient,
    params: &BTreeMap<String, String>,
    now: i64,
) -> OpResult<Value> {
    let token = params
        .get("REFRESH_TOKEN")
        .ok_or_else(|| CognitoError::missing_parameter("REFRESH_TOKEN"))?;
    if client.refresh_rotation.is_some() {
        return Err(CognitoError::invalid_parameter(
            "Refresh token rotation is enabled for this client: refresh with GetTokensFromRefreshToken.",
        ));
    }
    let record = usable_refresh_token(store, client, token, now)?;
    let user = refresh_user(store, &record)?;
    // Clients have been seen hashing either the internal username or the sub (and e-mail pools blur the
    // two), so accept each.
    let mut names = vec![user.username.as_str(), user.sub.as_str()];
    names.extend(user.attribute("email"));
    check_secret_hash(client, params.get("SECRET_HASH"), &names)?;
    if !user.enabled {
        return Err(CognitoError::not_authorized("User is disabled."));
    }
    refreshed_result(store, &client.id, &record, now)
}

/// New ID and access tokens for the sign-in a refresh token belongs to (no new refresh token).
pub fn refreshed_result(
    store: &mut Store,
    client_id: &str,
    record: &RefreshRecord,
    now: i64,
) -> OpResult<Value> {
    let (pool_id, user_key) = (&record.pool_id, &record.user_key);
    issue(
        store,
        pool_id,
        client_id,
        user_key,
        now,
        Issue::Refresh(record),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_tokens_look_like_cognito_jwe() {
        let token = new_refresh_token();
        assert!(
            token.starts_with("eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ."),
            "{token}"
        );
        assert_eq!(token.split('.').count(), 5);
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_=.".contains(&b))
        );
        assert_ne!(token, new_refresh_token());
    }
}
