//! Access-token checks: the user an `AccessToken` stands for, as the user operations need it.

use serde_json::{Map, Value};

use crate::error::{CognitoError, OpResult};
use crate::jwt::JwtParts;
use crate::state::{Pool, Store, User};

fn invalid_access_token() -> CognitoError {
    CognitoError::not_authorized("Invalid Access Token")
}

/// Checks an access token as Cognito does for its AccessToken operations: our signature (the pool's
/// access-token key), `token_use`, issuer, expiry, revocation, and that the user still exists.
pub fn authenticate<'s>(store: &'s Store, token: &str, now: i64) -> OpResult<(&'s Pool, &'s User)> {
    let (pool, user, _) = authenticate_claims(store, token, now)?;
    Ok((pool, user))
}

/// Who an access token belongs to, as keys (so that the store can be changed afterwards).
#[derive(Clone, Debug)]
pub struct Authed {
    pub pool_id: String,
    pub user_key: String,
    pub claims: Map<String, Value>,
}

impl Authed {
    pub fn claim(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }
}

/// [`authenticate`], answering keys and the token's claims.
pub fn authenticate_ids(store: &Store, token: &str, now: i64) -> OpResult<Authed> {
    let (pool, user, claims) = authenticate_claims(store, token, now)?;
    Ok(Authed {
        pool_id: pool.id.clone(),
        user_key: pool.user_key(&user.username),
        claims,
    })
}

fn authenticate_claims<'s>(
    store: &'s Store,
    token: &str,
    now: i64,
) -> OpResult<(&'s Pool, &'s User, Map<String, Value>)> {
    let parts = JwtParts::parse(token).map_err(|_| invalid_access_token())?;
    let kid = parts.kid().ok_or_else(invalid_access_token)?;
    let pool = store
        .pools
        .values()
        .find(|pool| pool.keys.access_token.kid() == kid)
        .ok_or_else(invalid_access_token)?;
    let claims = pool
        .keys
        .access_token
        .verify(token)
        .map_err(|_| invalid_access_token())?;
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    if text("token_use") != Some("access") || text("iss") != Some(pool.issuer().as_str()) {
        return Err(invalid_access_token());
    }
    let expires = claims
        .get("exp")
        .and_then(Value::as_i64)
        .ok_or_else(invalid_access_token)?;
    if expires <= now {
        return Err(CognitoError::not_authorized("Access Token has expired"));
    }
    if text("origin_jti").is_some_and(|origin| store.revoked_origins.contains(origin)) {
        return Err(CognitoError::not_authorized(
            "Access Token has been revoked",
        ));
    }
    let username = text("username").ok_or_else(invalid_access_token)?;
    let user = pool
        .users
        .get(&pool.user_key(username))
        .filter(|user| Some(user.sub.as_str()) == text("sub"))
        .ok_or_else(CognitoError::user_not_found)?;
    if !user.enabled {
        return Err(CognitoError::not_authorized("User is disabled."));
    }
    Ok((pool, user, claims))
}
