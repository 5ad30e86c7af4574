//! Passkey management with an access token: StartWebAuthnRegistration, CompleteWebAuthnRegistration,
//! ListWebAuthnCredentials and DeleteWebAuthnCredential. The ceremony itself is
//! [`crate::passkeys::relying_party`]'s.

use serde_json::{Value, json};

use crate::access::{Authed, authenticate_ids};
use crate::app::AppState;
use crate::error::{CognitoError, OpResult};
use crate::passkeys::model::{MAX_PASSKEYS_PER_USER, Passkey, PendingRegistration};
use crate::passkeys::relying_party::{REGISTRATION_SECS, RelyingParty};
use crate::request::Req;
use crate::state::{Pool, User};
use crate::util::{b64url, b64url_decode, epoch_seconds};

fn too_many_passkeys() -> CognitoError {
    CognitoError::new(
        "LimitExceededException",
        format!("A user can have at most {MAX_PASSKEYS_PER_USER} passkeys."),
    )
}

fn challenge_not_found(why: &str) -> CognitoError {
    CognitoError::new("WebAuthnChallengeNotFoundException", why)
}

/// The app client an access token was issued to.
fn token_client(who: &Authed) -> String {
    who.claim("client_id").unwrap_or_default().to_owned()
}

/// The name the authenticator shows for the account: what the user signs in with.
fn sign_in_name<'u>(pool: &Pool, user: &'u User) -> &'u str {
    pool.username_attributes
        .iter()
        .find_map(|attribute| user.attribute(attribute))
        .unwrap_or(&user.username)
}

/// StartWebAuthnRegistration: `CredentialCreationOptions` for the signed-in user; the challenge waits for
/// CompleteWebAuthnRegistration for [`REGISTRATION_SECS`], and replaces any earlier one of the user's.
pub fn start_web_authn_registration(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let token = req.str("AccessToken")?;
    let now = state.now_secs();
    let mut store = state.store();
    let who = authenticate_ids(&store, token, now)?;
    let pool = store.pool(&who.pool_id)?;
    let relying_party = RelyingParty::of(pool)?;
    let user = store.user(&who.pool_id, &who.user_key)?;
    if user.passkeys.len() >= MAX_PASSKEYS_PER_USER {
        return Err(too_many_passkeys());
    }
    let (options, registration) =
        relying_party.start_registration(user, sign_in_name(pool, user))?;
    let pending = PendingRegistration {
        client_id: token_client(&who),
        sub: user.sub.clone(),
        state: registration,
        relying_party_id: relying_party.id().to_owned(),
        expires_at: now + REGISTRATION_SECS,
    };
    store
        .passkey_registrations
        .insert((who.pool_id, who.user_key), pending);
    Ok(json!({ "CredentialCreationOptions": options }))
}

/// CompleteWebAuthnRegistration: verifies the authenticator's answer to the user's registration challenge
/// and keeps the passkey. The challenge is used up, whatever the outcome.
pub fn complete_web_authn_registration(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let token = req.str("AccessToken")?;
    let credential = match req.get("Credential") {
        Some(value @ Value::Object(_)) => value,
        Some(_) => {
            return Err(CognitoError::invalid_parameter(
                "Credential must be a RegistrationResponseJSON object.",
            ));
        }
        None => return Err(CognitoError::missing_member("Credential")),
    };
    let now = state.now_secs();
    let mut store = state.store();
    let who = authenticate_ids(&store, token, now)?;
    let pending = store
        .passkey_registrations
        .remove(&(who.pool_id.clone(), who.user_key.clone()))
        .ok_or_else(|| challenge_not_found("No registration was started for this user."))?;
    let pool = store.pool(&who.pool_id)?;
    let user = store.user(&who.pool_id, &who.user_key)?;
    if pending.sub != user.sub || pending.expires_at <= now {
        return Err(challenge_not_found(
            "The registration challenge has expired.",
        ));
    }
    if pending.client_id != token_client(&who) {
        return Err(CognitoError::new(
            "WebAuthnClientMismatchException",
            "The registration was started with an access token of another app client.",
        ));
    }
    let relying_party = RelyingParty::of(pool)?;
    if relying_party.id() != pending.relying_party_id {
        return Err(CognitoError::new(
            "WebAuthnRelyingPartyMismatchException",
            "The user pool's relying party changed since the registration started.",
        ));
    }
    if user.passkeys.len() >= MAX_PASSKEYS_PER_USER {
        return Err(too_many_passkeys());
    }
    let verified = relying_party.finish_registration(credential, &pending.state)?;
    let id = b64url(verified.cred_id.as_slice());
    let taken = pool
        .users
        .values()
        .any(|other| other.passkeys.iter().any(|passkey| passkey.id == id));
    if taken {
        return Err(CognitoError::invalid_parameter(
            "This passkey is already registered in the user pool.",
        ));
    }
    let attachment = credential["authenticatorAttachment"]
        .as_str()
        .map(str::to_owned);
    let transports = credential["response"]["transports"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let friendly_name = match attachment.as_deref() {
        Some("platform") => "Platform authenticator",
        Some("cross-platform") => "Security key",
        _ => "Passkey",
    };
    let passkey = Passkey {
        id,
        credential: verified,
        friendly_name: friendly_name.to_owned(),
        relying_party_id: pending.relying_party_id,
        attachment,
        transports,
        created: now * 1000,
    };
    store
        .user_mut(&who.pool_id, &who.user_key)?
        .passkeys
        .push(passkey);
    Ok(json!({}))
}

/// ListWebAuthnCredentials: the user's passkeys, oldest first, `MaxResults` (0–20, default 20) at a time.
/// `NextToken` is the position of the next one, opaque to clients.
pub fn list_web_authn_credentials(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let token = req.str("AccessToken")?;
    let max = req.opt_i64("MaxResults")?.unwrap_or(20);
    if !(0..=20).contains(&max) {
        return Err(CognitoError::validation(
            "maxResults",
            "Member must have value less than or equal to 20",
        ));
    }
    let start = match req.opt_str("NextToken")? {
        None => 0,
        Some(text) => b64url_decode(text)
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .and_then(|text| text.strip_prefix("passkeys:")?.parse::<usize>().ok())
            .ok_or_else(|| CognitoError::invalid_parameter("Invalid NextToken."))?,
    };
    let now = state.now_secs();
    let store = state.store();
    let who = authenticate_ids(&store, token, now)?;
    let user = store.user(&who.pool_id, &who.user_key)?;
    let end = (start + max as usize).min(user.passkeys.len());
    let page: Vec<Value> = user
        .passkeys
        .get(start..end)
        .unwrap_or_default()
        .iter()
        .map(describe)
        .collect();
    let mut reply = json!({ "Credentials": page });
    if end < user.passkeys.len() {
        reply["NextToken"] = json!(b64url(format!("passkeys:{end}").as_bytes()));
    }
    Ok(reply)
}

/// `WebAuthnCredentialDescription`.
fn describe(passkey: &Passkey) -> Value {
    let mut description = json!({
        "CredentialId": passkey.id,
        "FriendlyCredentialName": passkey.friendly_name,
        "RelyingPartyId": passkey.relying_party_id,
        "AuthenticatorTransports": passkey.transports,
        "CreatedAt": epoch_seconds(passkey.created),
    });
    if let Some(attachment) = &passkey.attachment {
        description["AuthenticatorAttachment"] = json!(attachment);
    }
    description
}

/// DeleteWebAuthnCredential: forgets one of the user's passkeys; it can no longer sign in.
pub fn delete_web_authn_credential(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let token = req.str("AccessToken")?;
    let credential_id = req.str("CredentialId")?;
    let now = state.now_secs();
    let mut store = state.store();
    let who = authenticate_ids(&store, token, now)?;
    let user = store.user_mut(&who.pool_id, &who.user_key)?;
    let before = user.passkeys.len();
    user.passkeys.retain(|passkey| passkey.id != credential_id);
    if user.passkeys.len() == before {
        return Err(CognitoError::resource_not_found(
            "The user has no passkey with this CredentialId.",
        ));
    }
    Ok(json!({}))
}
