//! InitiateAuth and RespondToAuthChallenge: the SRP-6a PASSWORD_VERIFIER handshake (really verified,
//! with the root crate's server half), USER_PASSWORD_AUTH, refresh, and NEW_PASSWORD_REQUIRED.

use std::collections::BTreeMap;

use cognito_wasm::srp;
use cognito_wasm::srp::server::{PasswordVerifier, ServerHandshake};
use hmac::{Hmac, Mac};
use serde_json::{Map, Value, json};
use sha2::Sha256;

use super::admin::{client_not_found, make_verifier};
use super::challenges::{self, continue_sign_in};
use super::prepared_srp;
use super::request::Req;
use super::tokens::{check_secret_hash, refresh};
use crate::error::{CognitoError, OpResult};
use crate::state::{
    AppClient, AppState, Flow, PendingChallenge, PendingSrp, Pool, SignInContext, Store, User,
    UserStatus,
};
use crate::util::{b64, new_session, random_bytes};

/// Size of the opaque SECRET_BLOCK; Cognito's are several hundred bytes.
const SECRET_BLOCK_BYTES: usize = 512;

/// InitiateAuth's `AuthFlow` values (the service model's enum).
pub const AUTH_FLOWS: &[&str] = &[
    "USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH",
    "USER_AUTH",
];

/// RespondToAuthChallenge's `ChallengeName` values (the service model's enum).
pub const CHALLENGE_NAMES: &[&str] = &[
    "SMS_MFA",
    "EMAIL_OTP",
    "SOFTWARE_TOKEN_MFA",
    "SELECT_MFA_TYPE",
    "MFA_SETUP",
    "PASSWORD_VERIFIER",
    "CUSTOM_CHALLENGE",
    "SELECT_CHALLENGE",
    "DEVICE_SRP_AUTH",
    "DEVICE_PASSWORD_VERIFIER",
    "ADMIN_NO_SRP_AUTH",
    "NEW_PASSWORD_REQUIRED",
    "SMS_OTP",
    "PASSWORD",
    "WEB_AUTHN",
    "PASSWORD_SRP",
];

fn enum_error(member: &str, values: &[&str]) -> CognitoError {
    CognitoError::invalid_parameter(format!(
        "1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
        values.join(", ")
    ))
}

fn invalid_session() -> CognitoError {
    CognitoError::not_authorized("Invalid session for the user.")
}

pub(crate) fn flow_not_enabled(flow: &str) -> CognitoError {
    CognitoError::invalid_parameter(format!("{flow} flow not enabled for this client"))
}

pub(crate) fn required<'m>(params: &'m BTreeMap<String, String>, name: &str) -> OpResult<&'m str> {
    params
        .get(name)
        .map(String::as_str)
        .ok_or_else(|| CognitoError::missing_parameter(name))
}

/// The pool and app client for a ClientId (cloned, so the store can be changed afterwards).
pub(crate) fn client_of(store: &Store, client_id: &str) -> OpResult<(String, AppClient)> {
    let pool = store
        .pool_of_client(client_id)
        .ok_or_else(|| client_not_found(client_id))?;
    let client = pool
        .clients
        .get(client_id)
        .ok_or_else(|| client_not_found(client_id))?;
    Ok((pool.id.clone(), client.clone()))
}

pub(crate) fn pool_of<'s>(store: &'s Store, pool_id: &str) -> OpResult<&'s Pool> {
    store
        .pool(pool_id)
        .ok_or_else(|| CognitoError::internal("pool vanished during sign-in"))
}

// ---------------------------------------------------------------------------------------------------------
// InitiateAuth

/// InitiateAuth.
pub fn initiate_auth(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let flow = req.str("AuthFlow")?;
    let client_id = req.str("ClientId")?;
    let params = req.string_map("AuthParameters")?;
    if !AUTH_FLOWS.contains(&flow) {
        return Err(enum_error("authFlow", AUTH_FLOWS));
    }
    let now = state.now_secs();
    super::prepared_srp::run(state, client_id, &params, || {
        initiate_locked(state, flow, client_id, &params, now)
    })
}

/// InitiateAuth under the store lock (any SRP handshake it needs was prepared before).
fn initiate_locked(
    state: &AppState,
    flow: &str,
    client_id: &str,
    params: &BTreeMap<String, String>,
    now: i64,
) -> OpResult<Value> {
    let mut store = state.store();
    store.prune(now);
    let (pool_id, client) = client_of(&store, client_id)?;
    match flow {
        "USER_SRP_AUTH" => user_srp_auth(&mut store, &pool_id, &client, params, now),
        "USER_PASSWORD_AUTH" => user_password_auth(&mut store, &pool_id, &client, params, now),
        "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => {
            if !client.allows(Flow::RefreshToken) {
                return Err(flow_not_enabled("REFRESH_TOKEN_AUTH"));
            }
            refresh(&mut store, &client, params, now)
        }
        "CUSTOM_AUTH" => {
            super::first_factor::custom_auth(&mut store, &pool_id, &client, params, now)
        }
        "USER_AUTH" => super::first_factor::user_auth(&mut store, &pool_id, &client, params, now),
        "ADMIN_NO_SRP_AUTH" | "ADMIN_USER_PASSWORD_AUTH" => Err(CognitoError::invalid_parameter(
            "Initiate Auth method not supported.",
        )),
        _ => Err(CognitoError::invalid_parameter(format!(
            "AuthFlow {flow} is not supported by this emulator yet."
        ))),
    }
}

/// The user a sign-in names (key and record, if there is one), once the client's SECRET_HASH checks out:
/// it may be computed over the name as typed or the user's internal username.
pub(crate) fn named_user<'p>(
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
fn user_srp_auth(
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
pub(crate) fn srp_challenge(
    store: &mut Store,
    pool_id: &str,
    client: &AppClient,
    params: &BTreeMap<String, String>,
    now: i64,
    custom: bool,
) -> OpResult<Value> {
    let username = required(params, "USERNAME")?;
    let srp_a = required(params, "SRP_A")?;
    let pool = pool_of(store, pool_id)?;
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

/// What a decoy verifier is made from (cheap to find under the lock; the verifier itself is an
/// exponentiation, see [`DecoySeed::verifier`]).
pub(crate) struct DecoySeed {
    realm: String,
    identity: String,
    salt: Vec<u8>,
}

impl DecoySeed {
    /// The decoy's verifier, for a random password, and its USER_ID_FOR_SRP.
    pub(crate) fn verifier(self) -> (PasswordVerifier, String) {
        let password = b64(&random_bytes(24));
        (
            PasswordVerifier::new(&self.realm, &self.identity, &password, &self.salt),
            self.identity,
        )
    }
}

/// A verifier for a user that does not exist: the salt is stable per name (a changing salt would give the
/// game away), the password random. In pools that sign in by e-mail or phone the USER_ID_FOR_SRP of a real
/// user is a UUID, so the decoy's is one too. In case-insensitive pools a real user's is the spelling it was
/// created with, whatever the caller typed; echoing "ALICE" for an unknown name where a known one answers
/// "alice" would tell the two apart, so the decoy answers in lower case, as names are usually created.
pub(crate) fn decoy_seed(pool: &Pool, username: &str) -> DecoySeed {
    let digest = match Hmac::<Sha256>::new_from_slice(&pool.fake_salt_key) {
        Ok(mut mac) => {
            mac.update(pool.user_key(username).as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => random_bytes(32),
    };
    let identity = if pool.username_attributes.is_empty() {
        pool.user_key(username)
    } else {
        let mut uuid_bytes = [0u8; 16];
        uuid_bytes.copy_from_slice(&digest[16..32]);
        uuid::Builder::from_random_bytes(uuid_bytes)
            .into_uuid()
            .to_string()
    };
    DecoySeed {
        realm: pool.realm().to_owned(),
        identity,
        salt: digest[..16].to_vec(),
    }
}

/// USER_PASSWORD_AUTH: the password travels (over TLS, in real life) and is checked against the verifier.
fn user_password_auth(
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
pub(crate) fn password_check(
    store: &mut Store,
    pool_id: &str,
    client: &AppClient,
    params: &BTreeMap<String, String>,
    now: i64,
) -> OpResult<Value> {
    let username = required(params, "USERNAME")?;
    let password = required(params, "PASSWORD")?;
    let pool = pool_of(store, pool_id)?;
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
pub(crate) fn sign_in_context(
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
pub(crate) fn after_password(store: &mut Store, ctx: SignInContext, now: i64) -> OpResult<Value> {
    let pool = pool_of(store, &ctx.pool_id)?;
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
        UserStatus::Confirmed if ctx.custom_round > 0 => {
            super::first_factor::issue_custom_round(store, ctx, now)
        }
        UserStatus::Confirmed => continue_sign_in(store, ctx, now),
    }
}

// ---------------------------------------------------------------------------------------------------------
// RespondToAuthChallenge

/// RespondToAuthChallenge.
pub fn respond_to_auth_challenge(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let client_id = req.str("ClientId")?;
    let challenge = req.str("ChallengeName")?;
    let session = req.opt_str("Session")?;
    let responses = req.string_map("ChallengeResponses")?;
    if !CHALLENGE_NAMES.contains(&challenge) {
        return Err(enum_error("challengeName", CHALLENGE_NAMES));
    }
    let now = state.now_secs();
    if challenge == "PASSWORD_VERIFIER" {
        return password_verifier(state, client_id, session, &responses, now);
    }
    if challenge == "SELECT_CHALLENGE"
        && responses.get("ANSWER").map(String::as_str) == Some("PASSWORD_SRP")
    {
        return super::prepared_srp::run(state, client_id, &responses, || {
            respond_locked(state, client_id, challenge, session, &responses, now)
        });
    }
    respond_locked(state, client_id, challenge, session, &responses, now)
}

/// RespondToAuthChallenge for the challenges that run wholly under the store lock.
fn respond_locked(
    state: &AppState,
    client_id: &str,
    challenge: &str,
    session: Option<&str>,
    responses: &BTreeMap<String, String>,
    now: i64,
) -> OpResult<Value> {
    let mut store = state.store();
    store.prune(now);
    let (_, client) = client_of(&store, client_id)?;
    let store = &mut *store;
    match challenge {
        "NEW_PASSWORD_REQUIRED" => new_password_required(store, &client, session, responses, now),
        "SMS_MFA" => challenges::mfa_code(store, &client, session, "SMS_MFA", responses, now),
        "EMAIL_OTP" => challenges::mfa_code(store, &client, session, "EMAIL_OTP", responses, now),
        "SOFTWARE_TOKEN_MFA" => challenges::mfa_code(
            store,
            &client,
            session,
            "SOFTWARE_TOKEN_MFA",
            responses,
            now,
        ),
        "SELECT_MFA_TYPE" => challenges::select_mfa_type(store, &client, session, responses, now),
        "MFA_SETUP" => challenges::mfa_setup(store, &client, session, responses, now),
        "DEVICE_SRP_AUTH" => challenges::device_srp_auth(store, &client, session, responses, now),
        "DEVICE_PASSWORD_VERIFIER" => {
            challenges::device_password_verifier(store, &client, session, responses, now)
        }
        "SMS_OTP" => challenges::mfa_code(store, &client, session, "SMS_OTP", responses, now),
        "CUSTOM_CHALLENGE" => {
            super::first_factor::custom_challenge(store, &client, session, responses, now)
        }
        "SELECT_CHALLENGE" => {
            super::first_factor::select_challenge(store, &client, session, responses, now)
        }
        _ => Err(CognitoError::invalid_parameter(format!(
            "Challenge {challenge} is not supported by this emulator yet."
        ))),
    }
}

/// PASSWORD_VERIFIER: checks the client's proof of the password. The handshake is found by its SECRET_BLOCK
/// (pycognito sends no Session) and is used up whatever the outcome.
///
/// In three steps, so that the costly part — `S = (A·v^u)^b`, two 3072-bit exponentiations — runs without
/// the store lock: the handshake is taken out of the store under the lock (so a replay, even a concurrent
/// one, finds nothing), the proof is checked outside it, and the outcome (lockout count, tokens) is applied
/// under the lock again, against the store as it is then.
fn password_verifier(
    state: &AppState,
    client_id: &str,
    session: Option<&str>,
    responses: &BTreeMap<String, String>,
    now: i64,
) -> OpResult<Value> {
    let (client, pending, realm, secret_block, signature, timestamp) = {
        let mut store = state.store();
        store.prune(now);
        let (_, client) = client_of(&store, client_id)?;
        let secret_block = required(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
        let signature = required(responses, "PASSWORD_CLAIM_SIGNATURE")?;
        let timestamp = required(responses, "TIMESTAMP")?;
        let username = required(responses, "USERNAME")?;
        let pending = store
            .handshakes
            .remove(secret_block)
            .ok_or_else(invalid_session)?;
        if pending.client_id != client.id || session.is_some_and(|s| s != pending.session) {
            return Err(invalid_session());
        }
        if pending.expires_at <= now {
            return Err(CognitoError::not_authorized(
                "Invalid session for the user, session is expired.",
            ));
        }
        let pool = pool_of(&store, &pending.pool_id)?;
        let user = pending
            .user_key
            .as_ref()
            .and_then(|key| pool.users.get(key));
        let mut names = vec![username, pending.identity.as_str()];
        names.extend(user.map(|u| u.username.as_str()));
        check_secret_hash(&client, responses.get("SECRET_HASH"), &names)?;
        super::timestamp::check("PASSWORD_VERIFIER", timestamp, now)?;
        let realm = pool.realm().to_owned();
        (client, pending, realm, secret_block, signature, timestamp)
    };
    let block = srp::decode_secret_block(secret_block).map_err(|_| invalid_session())?;
    let proof_ok = pending
        .handshake
        .verify_claim(&realm, &pending.identity, &block, timestamp, signature)
        .is_ok();
    let mut store = state.store();
    let store = &mut *store;
    let username = required(responses, "USERNAME")?;
    let pool = pool_of(store, &pending.pool_id)?;
    // The USERNAME answered must name the user the challenge was for.
    let right_user = pending
        .user_key
        .as_deref()
        .is_some_and(|key| pool.find_user_key(username).as_deref() == Some(key));
    store.lockouts.settle(
        &pending.pool_id,
        &pending.lockout,
        proof_ok && right_user,
        now,
    )?;
    let pool = pool_of(store, &pending.pool_id)?;
    let Some(user_key) = pending.user_key.as_deref() else {
        return Err(CognitoError::incorrect_credentials());
    };
    let user = pool
        .users
        .get(user_key)
        .ok_or_else(CognitoError::incorrect_credentials)?;
    // DEVICE_KEY may come with InitiateAuth or (amazon-cognito-identity-js) only with this answer.
    let device_key = responses.get("DEVICE_KEY").or(pending.device_key.as_ref());
    if let Some(key) = device_key {
        if user.devices.get(key).is_none_or(|d| d.verifier.is_none()) {
            // Clients retry the same answer without DEVICE_KEY, so the handshake stays usable for that.
            let mut pending = pending;
            pending.device_key = None;
            store.handshakes.insert(secret_block.to_owned(), pending);
            return Err(challenges::device_not_found());
        }
    }
    let mut ctx = sign_in_context(&pending.pool_id, &client, user_key, user, device_key);
    if pending.custom {
        // CUSTOM_AUTH with SRP: the custom rounds follow the password (round numbers start at 1).
        ctx.custom_round = 1;
    }
    after_password(store, ctx, now)
}

/// NEW_PASSWORD_REQUIRED: sets the user's own password (and any attributes sent as `userAttributes.*`).
fn new_password_required(
    store: &mut Store,
    client: &AppClient,
    session: Option<&str>,
    responses: &BTreeMap<String, String>,
    now: i64,
) -> OpResult<Value> {
    let username = required(responses, "USERNAME")?;
    let new_password = required(responses, "NEW_PASSWORD")?;
    let session = session.ok_or_else(invalid_session)?;
    let expired =
        || CognitoError::not_authorized("Invalid session for the user, session is expired.");
    let pending = store.challenges.get(session).ok_or_else(expired)?;
    if pending.challenge != "NEW_PASSWORD_REQUIRED" || pending.ctx.client_id != client.id {
        return Err(invalid_session());
    }
    if pending.expires_at <= now {
        return Err(expired());
    }
    let ctx = pending.ctx.clone();
    let (pool_id, user_key, sub) = (ctx.pool_id.clone(), ctx.user_key.clone(), ctx.sub.clone());
    let pool = pool_of(store, &pool_id)?;
    let user = pool
        .users
        .get(&user_key)
        .filter(|u| u.sub == sub)
        .ok_or_else(invalid_session)?;
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
    super::admin::check_attributes(&attributes)?;
    pool.policy.check(new_password)?;
    let verifier = make_verifier(pool, &user.username, new_password);
    let pool = store.pool_mut(&pool_id).ok_or_else(invalid_session)?;
    let user = pool.users.get_mut(&user_key).ok_or_else(invalid_session)?;
    user.verifier = Some(verifier);
    user.status = UserStatus::Confirmed;
    for (name, value) in &attributes {
        user.set_attribute(name, value);
    }
    user.modified = now * 1000;
    store.challenges.remove(session);
    continue_sign_in(store, ctx, now)
}
