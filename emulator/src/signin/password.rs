//! The password step of a sign-in: the SRP-6a PASSWORD_VERIFIER handshake (really verified, with the root
//! crate's server half), USER_PASSWORD_AUTH, NEW_PASSWORD_REQUIRED, and what a proven password leads to.

use std::collections::BTreeMap;

use cognito_wasm::srp;
use cognito_wasm::srp::server::ServerHandshake;
use serde_json::{Map, Value, json};

use super::challenges::{Answer, continue_sign_in, issue_custom_round};
use super::prepared_srp;
use crate::app::AppState;
use crate::credentials::{check_secret_hash, decoy_seed, make_verifier};
use crate::error::{CognitoError, OpResult};
use crate::names::Flow;
use crate::request::required;
use crate::state::{
    AppClient, PendingChallenge, PendingSrp, Pool, SignInContext, Store, User, UserStatus,
};
use crate::util::{b64, new_session, random_bytes};

/// Size of the opaque SECRET_BLOCK; Cognito's are several hundred bytes.
const SECRET_BLOCK_BYTES: usize = 512;

pub fn flow_not_enabled(flow: &str) -> CognitoError {
    CognitoError::invalid_parameter(format!("{flow} flow not enabled for this client"))
}

/// The user a sign-in names (key and record, if there is one), once the client's SECRET_HASH checks out:
/// it may be computed over the name as typed or the user's internal username.
pub fn named_user<'p>(
    pool: &'p Pool,
    client: &AppClient,
    params: &BTreeMap<String, String>,
    username: &str,
) -> OpResult<(Option<String>, Option<&'p User>)> {
    let user_key = pool.find_user_key(username);
    let user = user_key.as_ref().and_then(|key| pool.users.get(key));
    let mut names = vec![username];
    names.extend(user.map(|u| u.username.as_str()));
    check_secret_hash(client, params.get("SECRET_HASH"), &names)?;
    Ok((user_key, user))
}

/// USER_SRP_AUTH: answers the client's A with a PASSWORD_VERIFIER challenge and keeps the handshake.
pub fn user_srp_auth(
    store: &mut Store,
    pool_id: &str,
    client: &AppClient,
    params: &BTreeMap<String, String>,
    now: i64,
) -> OpResult<Value> {
    if !client.allows(Flow::UserSrp) {
        return Err(flow_not_enabled("USER_SRP_AUTH"));
    }
    srp_challenge(store, pool_id, client, params, now, false)
}

/// The PASSWORD_VERIFIER challenge for USERNAME and SRP_A (USER_SRP_AUTH, CUSTOM_AUTH with SRP, USER_AUTH
/// PASSWORD_SRP); `custom`: CUSTOM_CHALLENGE rounds follow the password.
pub fn srp_challenge(
    store: &mut Store,
    pool_id: &str,
    client: &AppClient,
    params: &BTreeMap<String, String>,
    now: i64,
    custom: bool,
) -> OpResult<Value> {
    let username = required(params, "USERNAME")?;
    let srp_a = required(params, "SRP_A")?;
    let pool = store.sign_in_pool(pool_id)?;
    let (user_key, user) = named_user(pool, client, params, username)?;
    let (verifier, identity, prepared) =
        match user.and_then(|u| u.verifier.clone().map(|v| (v, u.username.clone()))) {
            Some((verifier, identity)) => {
                let prepared = prepared_srp::take(|p| {
                    p.decoy_for.is_none() && p.srp_a == srp_a && p.verifier == verifier
                });
                (verifier, identity, prepared)
            }
            // With user-existence errors prevented, an unknown user gets a believable challenge and then
            // fails the password check like a wrong password would.
            None if client.prevent_user_existence_errors => {
                let decoy_for = (pool_id.to_owned(), pool.user_key(username));
                match prepared_srp::take(|p| {
                    p.decoy_for.as_ref() == Some(&decoy_for) && p.srp_a == srp_a
                }) {
                    Some(p) => (p.verifier.clone(), p.identity.clone(), Some(p)),
                    None => {
                        let (verifier, identity) = decoy_seed(pool, username).verifier();
                        (verifier, identity, None)
                    }
                }
            }
            None => return Err(CognitoError::user_not_found()),
        };
    let handshake = match prepared {
        Some(prepared) => prepared.handshake,
        None => ServerHandshake::new(&verifier, srp_a, &random_bytes(32))
            .map_err(|e| CognitoError::invalid_parameter(format!("Invalid SRP_A: {e}")))?,
    };
    let secret_block = b64(&random_bytes(SECRET_BLOCK_BYTES));
    let session = new_session();
    let challenge = json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {
            "SALT": verifier.salt_hex,
            "SECRET_BLOCK": secret_block,
            "SRP_B": handshake.srp_b_hex(),
            "USERNAME": identity,
            "USER_ID_FOR_SRP": identity,
        },
        "Session": session,
    });
    let pending = PendingSrp {
        pool_id: pool_id.to_owned(),
        client_id: client.id.clone(),
        user_key: user.and(user_key),
        identity,
        handshake,
        session,
        expires_at: now + client.auth_session_validity_mins * 60,
        device_key: params.get("DEVICE_KEY").cloned(),
        custom,
        lockout: pool.lockout_target(username),
    };
    store.handshakes.insert(secret_block, pending);
    Ok(challenge)
}

/// USER_PASSWORD_AUTH: the password travels (over TLS, in real life) and is checked against the verifier.
pub fn user_password_auth(
    store: &mut Store,
    pool_id: &str,
    client: &AppClient,
    params: &BTreeMap<String, String>,
    now: i64,
) -> OpResult<Value> {
    if !client.allows(Flow::UserPassword) {
        return Err(flow_not_enabled("USER_PASSWORD_AUTH"));
    }
    password_check(store, pool_id, client, params, now)
}

/// USERNAME and PASSWORD checked against the verifier, then the rest of the sign-in.
pub fn password_check(
    store: &mut Store,
    pool_id: &str,
    client: &AppClient,
    params: &BTreeMap<String, String>,
    now: i64,
) -> OpResult<Value> {
    let username = required(params, "USERNAME")?;
    let password = required(params, "PASSWORD")?;
    let pool = store.sign_in_pool(pool_id)?;
    let (user_key, user) = named_user(pool, client, params, username)?;
    let (Some(user), Some(user_key)) = (user, user_key.clone()) else {
        if !client.prevent_user_existence_errors {
            return Err(CognitoError::user_not_found());
        }
        // Counted like a real user's guesses, so that the lockout does not tell the two apart.
        let target = pool.lockout_target(username);
        store.lockouts.check(pool_id, &target, now)?;
        store.lockouts.failed(pool_id, &target, now);
        return Err(CognitoError::incorrect_credentials());
    };
    let target = pool.lockout_target(username);
    let correct = user
        .verifier
        .as_ref()
        .is_some_and(|v| v.matches(pool.realm(), &user.username, password));
    let ctx = sign_in_context(pool_id, client, &user_key, user, params.get("DEVICE_KEY"));
    store.lockouts.settle(pool_id, &target, correct, now)?;
    after_password(store, ctx, now)
}

/// The state a sign-in carries from the password to the tokens.
pub fn sign_in_context(
    pool_id: &str,
    client: &AppClient,
    user_key: &str,
    user: &User,
    device_key: Option<&String>,
) -> SignInContext {
    SignInContext {
        pool_id: pool_id.to_owned(),
        client_id: client.id.clone(),
        user_key: user_key.to_owned(),
        sub: user.sub.clone(),
        device_key: device_key.cloned(),
        session_mins: client.auth_session_validity_mins,
        mfa_done: false,
        custom_round: 0,
    }
}

/// Once the password is proven: refuse disabled / unconfirmed users, ask for a new password where one is
/// required, otherwise go on to MFA, device authentication and the tokens.
pub fn after_password(store: &mut Store, ctx: SignInContext, now: i64) -> OpResult<Value> {
    let pool = store.sign_in_pool(&ctx.pool_id)?;
    let user = pool
        .users
        .get(&ctx.user_key)
        .ok_or_else(CognitoError::incorrect_credentials)?;
    if !user.enabled {
        return Err(CognitoError::not_authorized("User is disabled."));
    }
    match user.status {
        UserStatus::Unconfirmed => Err(CognitoError::new(
            "UserNotConfirmedException",
            "User is not confirmed.",
        )),
        UserStatus::ResetRequired => Err(CognitoError::new(
            "PasswordResetRequiredException",
            "Password reset required for the user",
        )),
        UserStatus::ForceChangePassword => {
            let validity_days = i64::from(pool.policy.temporary_password_validity_days);
            if validity_days > 0 && now - user.modified.div_euclid(1000) > validity_days * 86_400 {
                return Err(CognitoError::not_authorized(
                    "Temporary password has expired and must be reset by an administrator.",
                ));
            }
            // Cognito lists the current attributes (without sub) for the client to show or amend.
            let attributes: Map<String, Value> = user
                .attributes
                .iter()
                .filter(|(name, _)| name != "sub")
                .map(|(name, value)| (name.clone(), Value::String(value.clone())))
                .collect();
            let session = new_session();
            let response = json!({
                "ChallengeName": "NEW_PASSWORD_REQUIRED",
                "ChallengeParameters": {
                    "USER_ID_FOR_SRP": user.username,
                    "requiredAttributes": "[]",
                    "userAttributes": Value::Object(attributes).to_string(),
                },
                "Session": session,
            });
            let pending = PendingChallenge::new("NEW_PASSWORD_REQUIRED", ctx, now);
            store.challenges.insert(session, pending);
            Ok(response)
        }
        UserStatus::Confirmed if ctx.custom_round > 0 => issue_custom_round(store, ctx, now),
        UserStatus::Confirmed => continue_sign_in(store, ctx, now),
    }
}

/// PASSWORD_VERIFIER: checks the client's proof of the password. The handshake is found by its SECRET_BLOCK
/// (pycognito sends no Session) and is used up whatever the outcome.
///
/// In three steps, so that the costly part — `S = (A·v^u)^b`, two 3072-bit exponentiations — runs without
/// the store lock: the handshake is taken out of the store under the lock (so a replay, even a concurrent
/// one, finds nothing), the proof is checked outside it, and the outcome (lockout count, tokens) is applied
/// under the lock again, against the store as it is then.
pub fn password_verifier(
    state: &AppState,
    client_id: &str,
    session: Option<&str>,
    responses: &BTreeMap<String, String>,
    now: i64,
) -> OpResult<Value> {
    let claim = take_handshake(state, client_id, session, responses, now)?;
    let block = srp::decode_secret_block(claim.secret_block)
        .map_err(|_| CognitoError::invalid_session())?;
    let pending = &claim.pending;
    let proof_ok = pending
        .handshake
        .verify_claim(
            &claim.realm,
            &pending.identity,
            &block,
            claim.timestamp,
            claim.signature,
        )
        .is_ok();
    let mut store = state.store();
    settle_password_claim(&mut store, claim, proof_ok, responses, now)
}

/// A PASSWORD_VERIFIER answer whose handshake has been taken out of the store, checked as far as it can be
/// without the SRP maths.
struct PasswordClaim<'r> {
    client: AppClient,
    pending: PendingSrp,
    realm: String,
    secret_block: &'r str,
    signature: &'r str,
    timestamp: &'r str,
}

/// The first step of [`password_verifier`], under the lock: takes the handshake out of the store and checks
/// everything but the proof (client, session, expiry, SECRET_HASH, TIMESTAMP).
fn take_handshake<'r>(
    state: &AppState,
    client_id: &str,
    session: Option<&str>,
    responses: &'r BTreeMap<String, String>,
    now: i64,
) -> OpResult<PasswordClaim<'r>> {
    let mut store = state.store();
    store.prune(now);
    let (_, client) = store.client_of(client_id)?;
    let secret_block = required(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
    let signature = required(responses, "PASSWORD_CLAIM_SIGNATURE")?;
    let timestamp = required(responses, "TIMESTAMP")?;
    let username = required(responses, "USERNAME")?;
    let pending = store
        .handshakes
        .remove(secret_block)
        .ok_or_else(CognitoError::invalid_session)?;
    if pending.client_id != client.id || session.is_some_and(|s| s != pending.session) {
        return Err(CognitoError::invalid_session());
    }
    if pending.expires_at <= now {
        return Err(CognitoError::not_authorized(
            "Invalid session for the user, session is expired.",
        ));
    }
    let pool = store.sign_in_pool(&pending.pool_id)?;
    let user = pending
        .user_key
        .as_ref()
        .and_then(|key| pool.users.get(key));
    let mut names = vec![username, pending.identity.as_str()];
    names.extend(user.map(|u| u.username.as_str()));
    check_secret_hash(&client, responses.get("SECRET_HASH"), &names)?;
    crate::signin::timestamp::check("PASSWORD_VERIFIER", timestamp, now)?;
    let realm = pool.realm().to_owned();
    Ok(PasswordClaim {
        client,
        pending,
        realm,
        secret_block,
        signature,
        timestamp,
    })
}

/// The last step of [`password_verifier`], under the lock again: counts the attempt for the lockout, then
/// goes on with the sign-in if the proof and the USERNAME were right.
fn settle_password_claim(
    store: &mut Store,
    claim: PasswordClaim<'_>,
    proof_ok: bool,
    responses: &BTreeMap<String, String>,
    now: i64,
) -> OpResult<Value> {
    let username = required(responses, "USERNAME")?;
    let PasswordClaim {
        client,
        mut pending,
        secret_block,
        ..
    } = claim;
    // DEVICE_KEY may come with InitiateAuth or (amazon-cognito-identity-js) only with this answer.
    let device_key = responses.get("DEVICE_KEY").or(pending.device_key.as_ref());
    let pool = store.sign_in_pool(&pending.pool_id)?;
    // The USERNAME answered must name the user the challenge was for.
    let right_user = pending
        .user_key
        .as_deref()
        .is_some_and(|key| pool.find_user_key(username).as_deref() == Some(key));
    // What the user's record says, read now so that the pool is looked up once; acted on after the lockout
    // has counted the attempt, as before.
    let signing_in = pending.user_key.as_deref().and_then(|key| {
        let user = pool.users.get(key)?;
        let device_known =
            device_key.is_none_or(|k| user.devices.get(k).is_some_and(|d| d.verifier.is_some()));
        Some((
            sign_in_context(&pending.pool_id, &client, key, user, device_key),
            device_known,
        ))
    });
    store.lockouts.settle(
        &pending.pool_id,
        &pending.lockout,
        proof_ok && right_user,
        now,
    )?;
    let Some((mut ctx, device_known)) = signing_in else {
        return Err(CognitoError::incorrect_credentials());
    };
    if !device_known {
        // Clients retry the same answer without DEVICE_KEY, so the handshake stays usable for that.
        pending.device_key = None;
        store.handshakes.insert(secret_block.to_owned(), pending);
        return Err(CognitoError::device_not_found());
    }
    if pending.custom {
        // CUSTOM_AUTH with SRP: the custom rounds follow the password (round numbers start at 1).
        ctx.custom_round = 1;
    }
    after_password(store, ctx, now)
}

/// NEW_PASSWORD_REQUIRED: sets the user's own password (and any attributes sent as `userAttributes.*`).
pub fn new_password_required(store: &mut Store, answer: &Answer) -> OpResult<Value> {
    let Answer {
        client,
        session,
        responses,
        now,
        ..
    } = *answer;
    let username = required(responses, "USERNAME")?;
    let new_password = required(responses, "NEW_PASSWORD")?;
    let session = session.ok_or_else(CognitoError::invalid_session)?;
    let expired =
        || CognitoError::not_authorized("Invalid session for the user, session is expired.");
    let pending = store.challenges.get(session).ok_or_else(expired)?;
    if pending.challenge != "NEW_PASSWORD_REQUIRED" || pending.ctx.client_id != client.id {
        return Err(CognitoError::invalid_session());
    }
    if pending.expires_at <= now {
        return Err(expired());
    }
    let ctx = pending.ctx.clone();
    let (pool_id, user_key, sub) = (ctx.pool_id.clone(), ctx.user_key.clone(), ctx.sub.clone());
    let pool = store.sign_in_pool(&pool_id)?;
    let user = pool
        .users
        .get(&user_key)
        .filter(|u| u.sub == sub)
        .ok_or_else(CognitoError::invalid_session)?;
    check_secret_hash(
        client,
        responses.get("SECRET_HASH"),
        &[username, user.username.as_str()],
    )?;
    if pool.find_user_key(username).as_deref() != Some(user_key.as_str()) {
        return Err(CognitoError::incorrect_credentials());
    }
    let attributes: Vec<(String, String)> = responses
        .iter()
        .filter_map(|(key, value)| {
            key.strip_prefix("userAttributes.")
                .map(|name| (name.to_owned(), value.clone()))
        })
        .collect();
    crate::attributes::check_attributes(&attributes)?;
    pool.policy.check(new_password)?;
    let verifier = make_verifier(pool, &user.username, new_password);
    let pool = store
        .pools
        .get_mut(&pool_id)
        .ok_or_else(CognitoError::invalid_session)?;
    let user = pool
        .users
        .get_mut(&user_key)
        .ok_or_else(CognitoError::invalid_session)?;
    user.verifier = Some(verifier);
    user.status = UserStatus::Confirmed;
    for (name, value) in &attributes {
        user.set_attribute(name, value);
    }
    user.modified = now * 1000;
    store.challenges.remove(session);
    continue_sign_in(store, ctx, now)
}
