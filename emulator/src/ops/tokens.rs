//! Tokens: GetTokensFromRefreshToken and RevokeToken (issuing them is [`crate::tokens`]).

use serde_json::{Value, json};

use crate::app::AppState;
use crate::error::{CognitoError, OpResult};
use crate::jwt::JwtParts;
use crate::request::Req;
use crate::state::{AppClient, RefreshRecord};
use crate::tokens::{new_refresh_token, refresh_user, refreshed_result, usable_refresh_token};
use crate::util::ct_eq;

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
    let client = store.client(client_id)?.1.clone();
    check_client_secret(&client, given_secret)?;
    if !client.allows(crate::names::Flow::RefreshToken) {
        return Err(CognitoError::invalid_parameter(
            "REFRESH_TOKEN_AUTH flow not enabled for this client",
        ));
    }
    let record = usable_refresh_token(&store, &client, token, now)?;
    if !refresh_user(&store, &record)?.enabled {
        return Err(CognitoError::not_authorized("User is disabled."));
    }
    let mut reply = refreshed_result(&mut store, &client.id, &record, now)?;
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
    let (_, client) = store.client(client_id)?;
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
