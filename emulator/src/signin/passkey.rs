//! The WEB_AUTHN challenge of USER_AUTH: `CREDENTIAL_REQUEST_OPTIONS` for the user's passkeys, and the
//! `CREDENTIAL` answer verified by [`crate::passkeys::relying_party`]. A passkey is a whole sign-in:
//! no MFA follows (as after EMAIL_OTP / SMS_OTP), a remembered device still may.

use serde_json::{Value, json};

use super::challenges::{Answer, continue_sign_in, issue};
use crate::error::{CognitoError, OpResult};
use crate::passkeys::relying_party::RelyingParty;
use crate::request::required;
use crate::state::{PendingChallenge, SignInContext, Store};
use crate::util::b64url;

/// Whether USER_AUTH offers WEB_AUTHN to this user: the pool allows it and the user has a passkey.
pub fn offered(store: &Store, ctx: &SignInContext) -> bool {
    ctx.pool_and_user(&store.pools)
        .is_ok_and(|(pool, user)| !user.passkeys.is_empty() && RelyingParty::of(pool).is_ok())
}

/// Sends the WEB_AUTHN challenge: a fresh WebAuthn challenge allowing the user's passkeys, answerable for
/// the client's AuthSessionValidity.
pub fn issue_web_authn(store: &mut Store, ctx: SignInContext, now: i64) -> OpResult<Value> {
    let (pool, user) = ctx.pool_and_user(&store.pools)?;
    let relying_party = RelyingParty::of(pool)?;
    if user.passkeys.is_empty() {
        return Err(CognitoError::invalid_parameter(
            "The user has no passkey: WEB_AUTHN is not available.",
        ));
    }
    let (options, assertion) =
        relying_party.start_assertion(&user.passkeys, ctx.session_mins * 60)?;
    let mut pending = PendingChallenge::new("WEB_AUTHN", ctx, now);
    pending.passkey_assertion = Some(Box::new(assertion));
    issue(
        store,
        pending,
        json!({ "CREDENTIAL_REQUEST_OPTIONS": options }),
    )
}

/// RespondToAuthChallenge WEB_AUTHN: `CREDENTIAL`, the authenticator's assertion. The session is used up
/// whatever the outcome; on success the passkey's signature counter is kept for the next sign-in.
pub fn web_authn(store: &mut Store, answer: &Answer) -> OpResult<Value> {
    let Answer { responses, now, .. } = *answer;
    let (_, pending) = answer.take(store)?;
    let credential = required(responses, "CREDENTIAL")?;
    let assertion = pending
        .passkey_assertion
        .ok_or_else(CognitoError::invalid_session)?;
    let mut ctx = pending.ctx;
    let (pool, _) = ctx.pool_and_user(&store.pools)?;
    let verified = RelyingParty::of(pool)?.finish_assertion(credential, &assertion)?;
    let id = b64url(verified.cred_id().as_slice());
    let user = store.user_mut(&ctx.pool_id, &ctx.user_key)?;
    // Deleted since the challenge was sent: the challenge's copy of it no longer counts.
    let passkey = user
        .passkeys
        .iter_mut()
        .find(|p| p.id == id)
        .ok_or_else(|| CognitoError::not_authorized("The passkey is not one of the user's."))?;
    let credential = &mut passkey.credential;
    credential.counter = credential.counter.max(verified.counter());
    credential.backup_state = verified.backup_state();
    credential.backup_eligible |= verified.backup_eligible();
    ctx.mfa_done = true;
    continue_sign_in(store, ctx, now)
}
