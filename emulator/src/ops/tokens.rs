//! Tokens: the `AuthenticationResult` of a finished sign-in (RS256 ID and access tokens, an opaque
//! refresh token), refreshing, and RevokeToken.

use std::collections::BTreeMap;

use cognito_wasm::srp;
use serde_json::{Map, Value, json};

use super::request::Req;
use crate::error::{CognitoError, OpResult};
use crate::jwt::JwtParts;
use crate::state::{AppClient, AppState, RefreshRecord, Store, User};
use crate::util::{b64url, ct_eq, random_bytes};

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

fn invalid_refresh_token() -> CognitoError {
    CognitoError::not_authorized("Invalid Refresh Token")
}

/// A random refresh token shaped like Cognito's: five base64url parts, the first the JWE header above.
fn new_refresh_token() -> String {
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
        _ => Value::String(value.to_owned()),
    }
}

/// Issues ID and access tokens for a user; a new sign-in (`sign_in == None`) also gets a refresh token.
/// `device_key` is the device the sign-in was authenticated on; a new sign-in without one, in a pool that
/// tracks devices, gets a new device (`NewDeviceMetadata`) for ConfirmDevice.
pub fn authentication_result(
    store: &mut Store,
    pool_id: &str,
    client_id: &str,
    user_key: &str,
    now: i64,
    sign_in: Option<SignIn>,
    device_key: Option<String>,
) -> OpResult<Value> {
    let mut device_key = device_key;
    let mut new_device = None;
    if sign_in.is_none() && device_key.is_none() {
        new_device = new_device_for(store, pool_id, user_key, now)?;
        device_key = new_device.as_ref().map(|(key, _)| key.clone());
    }
    let pool = store
        .pool(pool_id)
        .ok_or_else(|| CognitoError::internal("pool vanished during sign-in"))?;
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
        auth_time: now,
    });
    let event_id = uuid::Uuid::new_v4().to_string();
    let issuer = pool.issuer();

    let mut id_claims = Map::new();
    for (name, value) in &user.attributes {
        id_claims.insert(name.clone(), claim_value(name, value));
    }
    let common = [
        ("sub", json!(user.sub)),
        ("iss", json!(issuer)),
        ("origin_jti", json!(sign_in.origin_jti)),
        ("event_id", json!(event_id)),
        ("auth_time", json!(sign_in.auth_time)),
        ("iat", json!(now)),
    ];
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
    if let Some(key) = &device_key {
        access_claims.insert("device_key".into(), json!(key));
    }

    let mut result = json!({
        "AccessToken": crate::deferred_sign::sign(&pool.keys, crate::deferred_sign::Which::Access, access_claims),
        "ExpiresIn": client.access_validity_secs,
        "TokenType": "Bearer",
        "IdToken": crate::deferred_sign::sign(&pool.keys, crate::deferred_sign::Which::Id, id_claims),
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
        };
        result["RefreshToken"] = json!(token);
        store.refresh_tokens.insert(token, record);
    }
    if let Some((key, group)) = new_device {
        result["NewDeviceMetadata"] = json!({ "DeviceKey": key, "DeviceGroupKey": group });
    }
    Ok(json!({ "ChallengeParameters": {}, "AuthenticationResult": result }))
}

/// A new, not yet confirmed device for a sign-in, when the pool tracks devices: (DeviceKey, DeviceGroupKey).
fn new_device_for(
    store: &mut Store,
    pool_id: &str,
    user_key: &str,
    now: i64,
) -> OpResult<Option<(String, String)>> {
    let Some(pool) = store.pool_mut(pool_id) else {
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
        crate::state::Device {
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

/// Checks `SECRET_HASH` for clients with a secret; any of `usernames` may be the one hashed.
pub fn check_secret_hash(
    client: &AppClient,
    given: Option<&String>,
    usernames: &[&str],
) -> OpResult<()> {
    let Some(secret) = &client.secret else {
        return Ok(());
    };
    let Some(given) = given else {
        return Err(CognitoError::not_authorized(format!(
            "Client {} is configured with secret but SECRET_HASH was not received",
            client.id
        )));
    };
    let matches = usernames.iter().any(|username| {
        ct_eq(
            srp::secret_hash(secret, username, &client.id).as_bytes(),
            given.as_bytes(),
        )
    });
    if matches {
        Ok(())
    } else {
        Err(CognitoError::not_authorized(format!(
            "Unable to verify secret hash for client {}",
            client.id
        )))
    }
}

/// A refresh token presented by `client`, checked: known, this client's, not expired, not revoked, not
/// replaced by rotation longer ago than the grace period, and its user still there and enabled.
fn usable_refresh_token(
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

fn refresh_user<'s>(store: &'s Store, record: &RefreshRecord) -> OpResult<&'s User> {
    store
        .pool(&record.pool_id)
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
    let sign_in = SignIn {
        origin_jti: record.origin_jti.clone(),
        auth_time: record.auth_time,
    };
    authentication_result(
        store,
        &record.pool_id,
        &client.id,
        &record.user_key,
        now,
        Some(sign_in),
        record.device_key.clone(),
    )
}

/// Checks the raw `ClientSecret` that GetTokensFromRefreshToken and RevokeToken take.
fn check_client_secret(client: &AppClient, given: Option<&str>) -> OpResult<()> {
    let Some(secret) = &client.secret else {
        return Ok(());
    };
    match given {
        None => Err(CognitoError::not_authorized(format!(
            "Client {} is configured with secret but ClientSecret was not received",
            client.id
        ))),
        Some(given) if !ct_eq(given.as_bytes(), secret.as_bytes()) => {
            Err(CognitoError::not_authorized(format!(
                "Client secret for client {} is invalid.",
                client.id
            )))
        }
        Some(_) => Ok(()),
    }
}

/// GetTokensFromRefreshToken: like REFRESH_TOKEN_AUTH, with the raw ClientSecret instead of a SECRET_HASH.
/// With refresh-token rotation the reply has a new RefreshToken, and the one presented stops working
/// `RetryGracePeriodSeconds` later (RefreshTokenReuseException).
pub fn get_tokens_from_refresh_token(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let token = req.str("RefreshToken")?;
    let client_id = req.str("ClientId")?;
    let given_secret = req.opt_str("ClientSecret")?;
    req.opt_str("DeviceKey")?;
    req.string_map("ClientMetadata")?;
    let now = state.now_secs();
    let mut store = state.store();
    store.prune(now);
    let client = store
        .pool_of_client(client_id)
        .and_then(|pool| pool.clients.get(client_id))
        .cloned()
        .ok_or_else(|| super::admin::client_not_found(client_id))?;
    check_client_secret(&client, given_secret)?;
    if !client.allows(crate::state::Flow::RefreshToken) {
        return Err(CognitoError::invalid_parameter(
            "REFRESH_TOKEN_AUTH flow not enabled for this client",
        ));
    }
    let record = usable_refresh_token(&store, &client, token, now)?;
    if !refresh_user(&store, &record)?.enabled {
        return Err(CognitoError::not_authorized("User is disabled."));
    }
    let sign_in = SignIn {
        origin_jti: record.origin_jti.clone(),
        auth_time: record.auth_time,
    };
    let mut reply = authentication_result(
        &mut store,
        &record.pool_id,
        &client.id,
        &record.user_key,
        now,
        Some(sign_in),
        record.device_key.clone(),
    )?;
    if let Some(grace) = client.refresh_rotation {
        if let Some(old) = store.refresh_tokens.get_mut(token) {
            old.superseded_at.get_or_insert(now + grace);
        }
        let new_token = new_refresh_token();
        let new_record = RefreshRecord {
            expires_at: now + client.refresh_validity_secs,
            superseded_at: None,
            ..record
        };
        store.refresh_tokens.insert(new_token.clone(), new_record);
        reply["AuthenticationResult"]["RefreshToken"] = json!(new_token);
    }
    Ok(json!({ "AuthenticationResult": reply["AuthenticationResult"] }))
}

/// RevokeToken: revokes a refresh token and every access token of its sign-in. Unknown tokens are
/// accepted silently, as RFC 7009 token revocation does; a token of another client is refused.
pub fn revoke_token(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let token = req.str("Token")?;
    let client_id = req.str("ClientId")?;
    let given_secret = req.opt_str("ClientSecret")?;
    let mut store = state.store();
    let client = store
        .pool_of_client(client_id)
        .and_then(|pool| pool.clients.get(client_id))
        .ok_or_else(|| super::admin::client_not_found(client_id))?;
    check_client_secret(client, given_secret)?;
    if !client.enable_token_revocation {
        return Err(CognitoError::new(
            "UnsupportedOperationException",
            "Token revocation is not enabled for this client.",
        ));
    }
    let Some(record) = store.refresh_tokens.get_mut(token) else {
        if JwtParts::parse(token).is_ok() {
            return Err(CognitoError::new(
                "UnsupportedTokenTypeException",
                "Only refresh tokens can be revoked.",
            ));
        }
        return Ok(json!({}));
    };
    if record.client_id != client_id {
        return Err(CognitoError::new("UnauthorizedException", "Invalid token"));
    }
    record.revoked = true;
    let origin = record.origin_jti.clone();
    store.revoked_origins.insert(origin);
    Ok(json!({}))
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
