//! What follows the password: MFA (SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE, MFA_SETUP),
//! remembered-device SRP (DEVICE_SRP_AUTH → DEVICE_PASSWORD_VERIFIER, verified for real with the device's
//! registered verifier), and finally the tokens.

use std::collections::BTreeMap;

use cognito_wasm::srp;
use cognito_wasm::srp::server::ServerHandshake;
use serde_json::{Value, json};

use crate::codes::{MFA_CODE_SECS, OneTimeCode};
use crate::credentials::check_secret_hash;
use crate::error::{CognitoError, OpResult};
use crate::inbox;
use crate::request::required;
use crate::second_factor::{enabled_methods, preferred_method, totp_matches};
use crate::state::{AppClient, PendingChallenge, Pool, SignInContext, Store, User};
use crate::tokens::{Issue, issue as issue_tokens};
use crate::util::{b64, new_session, random_bytes};

fn expired_session() -> CognitoError {
    CognitoError::not_authorized("Invalid session for the user, session is expired.")
}

fn mfa_code_mismatch() -> CognitoError {
    CognitoError::new(
        "CodeMismatchException",
        "Invalid code or auth state for the user.",
    )
}

/// The second factor a sign-in needs next, if any.
enum MfaStep {
    Challenge(&'static str),
    Select(Vec<&'static str>),
    Setup(Vec<&'static str>),
}

fn mfa_step(pool: &Pool, user: &User) -> Option<MfaStep> {
    if pool.mfa_configuration == "OFF" {
        return None;
    }
    let enabled = enabled_methods(pool, user);
    if enabled.is_empty() {
        if pool.mfa_configuration != "ON" {
            return None;
        }
        // Required MFA: SMS to a phone number the user has, as Cognito does, else set up a factor.
        if pool.sms_mfa && user.attribute("phone_number").is_some() {
            return Some(MfaStep::Challenge("SMS_MFA"));
        }
        let mut can_setup = Vec::new();
        if pool.sms_mfa {
            can_setup.push("SMS_MFA");
        }
        if pool.software_token_mfa {
            can_setup.push("SOFTWARE_TOKEN_MFA");
        }
        if pool.email_mfa {
            can_setup.push("EMAIL_OTP");
        }
        return Some(MfaStep::Setup(can_setup));
    }
    if let Some(preferred) = preferred_method(pool, user) {
        return Some(MfaStep::Challenge(preferred));
    }
    if enabled.len() == 1 {
        return Some(MfaStep::Challenge(enabled[0]));
    }
    Some(MfaStep::Select(enabled))
}

/// Stores a challenge under a fresh Session and answers it.
pub(crate) fn issue(
    store: &mut Store,
    pending: PendingChallenge,
    parameters: Value,
) -> OpResult<Value> {
    let session = new_session();
    let name = pending.challenge;
    store.challenges.insert(session.clone(), pending);
    Ok(json!({
        "ChallengeName": name,
        "ChallengeParameters": parameters,
        "Session": session,
    }))
}

/// SMS_MFA / EMAIL_OTP: sends a code and asks for it.
pub(crate) fn issue_code_challenge(
    store: &mut Store,
    ctx: SignInContext,
    challenge: &'static str,
    now: i64,
) -> OpResult<Value> {
    let Store { pools, inbox, .. } = &mut *store;
    let (_, user) = ctx.pool_and_user(pools)?;
    let attribute = if challenge == "SMS_MFA" || challenge == "SMS_OTP" {
        "phone_number"
    } else {
        "email"
    };
    let (medium, destination) = inbox::destination_for(user, attribute).ok_or_else(|| {
        CognitoError::new(
            "MFAMethodNotFoundException",
            format!("The user has no {attribute} to send the code to."),
        )
    })?;
    let code = OneTimeCode::new(now + MFA_CODE_SECS, Some(attribute));
    inbox::deliver(
        inbox,
        &ctx.pool_id,
        user,
        medium,
        &destination,
        challenge,
        &code.code,
        now * 1000,
    );
    let parameters = json!({
        "CODE_DELIVERY_DELIVERY_MEDIUM": medium,
        "CODE_DELIVERY_DESTINATION": inbox::mask(medium, &destination),
    });
    let mut pending = PendingChallenge::new(challenge, ctx, now);
    pending.code = Some(code);
    issue(store, pending, parameters)
}

fn issue_mfa(store: &mut Store, ctx: SignInContext, step: MfaStep, now: i64) -> OpResult<Value> {
    match step {
        MfaStep::Challenge(name @ ("SMS_MFA" | "EMAIL_OTP")) => {
            issue_code_challenge(store, ctx, name, now)
        }
        MfaStep::Challenge(name) => {
            let device_name = store
                .pools
                .get(&ctx.pool_id)
                .and_then(|p| p.users.get(&ctx.user_key))
                .and_then(|u| u.totp_device_name.clone());
            let parameters = match device_name {
                Some(name) => json!({ "FRIENDLY_DEVICE_NAME": name }),
                None => json!({}),
            };
            issue(store, PendingChallenge::new(name, ctx, now), parameters)
        }
        MfaStep::Select(options) => {
            let mut pending = PendingChallenge::new("SELECT_MFA_TYPE", ctx, now);
            pending.options = options.iter().map(|o| (*o).to_owned()).collect();
            issue(
                store,
                pending,
                json!({ "MFAS_CAN_CHOOSE": json!(options).to_string() }),
            )
        }
        MfaStep::Setup(options) => issue(
            store,
            PendingChallenge::new("MFA_SETUP", ctx, now),
            json!({ "MFAS_CAN_SETUP": json!(options).to_string() }),
        ),
    }
}

/// After the password (and after each later step): a remembered device skips MFA; otherwise MFA if the
/// pool and user call for it; then device SRP when DEVICE_KEY was sent; then the tokens.
pub fn continue_sign_in(store: &mut Store, mut ctx: SignInContext, now: i64) -> OpResult<Value> {
    let (pool, user) = ctx.pool_and_user(&store.pools)?;
    if let Some(key) = &ctx.device_key {
        let device = user
            .devices
            .get(key)
            .filter(|d| d.verifier.is_some())
            .ok_or_else(CognitoError::device_not_found)?;
        if device.remembered {
            ctx.mfa_done = true;
        }
    }
    if !ctx.mfa_done {
        match mfa_step(pool, user) {
            Some(step) => return issue_mfa(store, ctx, step, now),
            None => ctx.mfa_done = true,
        }
    }
    if ctx.device_key.is_some() {
        let parameters = json!({ "USERNAME": user.username });
        return issue(
            store,
            PendingChallenge::new("DEVICE_SRP_AUTH", ctx, now),
            parameters,
        );
    }
    issue_tokens(
        store,
        &ctx.pool_id,
        &ctx.client_id,
        &ctx.user_key,
        now,
        Issue::SignIn { device_key: None },
    )
}

/// One RespondToAuthChallenge call, as every challenge's handler takes it.
#[derive(Clone, Copy)]
pub struct Answer<'a> {
    pub client: &'a AppClient,
    /// `ChallengeName`: the challenge this call answers.
    pub challenge: &'a str,
    pub session: Option<&'a str>,
    pub responses: &'a BTreeMap<String, String>,
    pub now: i64,
}

impl Answer<'_> {
    /// Takes the pending challenge the Session names, checking it is the one being answered, by this
    /// client, in time, for the user USERNAME names, with the client's SECRET_HASH. A handler that finds
    /// the answer incomplete puts it back, so the Session stays usable.
    pub(crate) fn take(&self, store: &mut Store) -> OpResult<(String, PendingChallenge)> {
        let username = required(self.responses, "USERNAME")?;
        let session = self.session.ok_or_else(CognitoError::invalid_session)?;
        let pending = store
            .challenges
            .remove(session)
            .ok_or_else(expired_session)?;
        if pending.challenge != self.challenge || pending.ctx.client_id != self.client.id {
            return Err(CognitoError::invalid_session());
        }
        if pending.expires_at <= self.now {
            return Err(expired_session());
        }
        let pool = store
            .pools
            .get(&pending.ctx.pool_id)
            .ok_or_else(CognitoError::invalid_session)?;
        let user = pool
            .users
            .get(&pending.ctx.user_key)
            .filter(|u| u.sub == pending.ctx.sub)
            .ok_or_else(CognitoError::invalid_session)?;
        check_secret_hash(
            self.client,
            self.responses.get("SECRET_HASH"),
            &[username, user.username.as_str()],
        )?;
        if pool.find_user_key(username).as_deref() != Some(pending.ctx.user_key.as_str()) {
            return Err(CognitoError::invalid_session());
        }
        Ok((session.to_owned(), pending))
    }
}

/// A wrong answer: the session stays usable until its attempts run out.
fn wrong_answer(store: &mut Store, session: String, mut pending: PendingChallenge) -> CognitoError {
    pending.attempts_left = pending.attempts_left.saturating_sub(1);
    if pending.attempts_left > 0 {
        store.challenges.insert(session, pending);
    }
    mfa_code_mismatch()
}

/// SMS_MFA / EMAIL_OTP / SOFTWARE_TOKEN_MFA answers.
pub fn mfa_code(store: &mut Store, answer: &Answer) -> OpResult<Value> {
    let Answer {
        challenge,
        responses,
        now,
        ..
    } = *answer;
    let (session, pending) = answer.take(store)?;
    let key = match challenge {
        "SMS_MFA" => "SMS_MFA_CODE",
        "SMS_OTP" => "SMS_OTP_CODE",
        "EMAIL_OTP" => "EMAIL_OTP_CODE",
        _ => "SOFTWARE_TOKEN_MFA_CODE",
    };
    let Some(given) = responses.get(key) else {
        store.challenges.insert(session, pending);
        return Err(CognitoError::missing_parameter(key));
    };
    let ok = if challenge == "SOFTWARE_TOKEN_MFA" {
        store
            .pools
            .get(&pending.ctx.pool_id)
            .and_then(|p| p.users.get(&pending.ctx.user_key))
            .and_then(|u| u.totp_secret.as_deref())
            .is_some_and(|secret| totp_matches(secret, given, now))
    } else {
        let code = pending
            .code
            .as_ref()
            .ok_or_else(CognitoError::invalid_session)?;
        if code.expires_at <= now {
            return Err(inbox::expired_code());
        }
        crate::util::ct_eq(code.code.as_bytes(), given.trim().as_bytes())
    };
    if !ok {
        return Err(wrong_answer(store, session, pending));
    }
    if pending.setup_email {
        if let Some(user) = store
            .pools
            .get_mut(&pending.ctx.pool_id)
            .and_then(|p| p.users.get_mut(&pending.ctx.user_key))
        {
            user.mfa.email = true;
            if !(user.mfa.sms_preferred || user.mfa.totp_preferred) {
                user.mfa.email_preferred = true;
            }
            user.set_attribute("email_verified", "true");
        }
    }
    let mut ctx = pending.ctx;
    ctx.mfa_done = true;
    continue_after_mfa(store, ctx, now, session)
}

/// After MFA: as [`continue_sign_in`]. When DEVICE_SRP_AUTH follows, the answered MFA Session is accepted for it
/// too: amazon-cognito-identity-js (`sendMFACode`) answers DEVICE_SRP_AUTH with the Session it already had.
fn continue_after_mfa(
    store: &mut Store,
    ctx: SignInContext,
    now: i64,
    answered_session: String,
) -> OpResult<Value> {
    let reply = continue_sign_in(store, ctx.clone(), now)?;
    if reply["ChallengeName"] == "DEVICE_SRP_AUTH" {
        store.challenges.insert(
            answered_session,
            PendingChallenge::new("DEVICE_SRP_AUTH", ctx, now),
        );
    }
    Ok(reply)
}

/// SELECT_MFA_TYPE: the chosen method's challenge follows.
pub fn select_mfa_type(store: &mut Store, answer: &Answer) -> OpResult<Value> {
    let Answer { responses, now, .. } = *answer;
    let (session, pending) = answer.take(store)?;
    let answer = match responses.get("ANSWER").map(String::as_str) {
        Some("EMAIL_MFA") => "EMAIL_OTP",
        Some(answer) => answer,
        None => {
            store.challenges.insert(session, pending);
            return Err(CognitoError::missing_parameter("ANSWER"));
        }
    };
    let chosen = ["SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"]
        .into_iter()
        .find(|name| *name == answer && pending.options.iter().any(|o| o == name));
    let Some(chosen) = chosen else {
        store.challenges.insert(session, pending);
        return Err(CognitoError::invalid_parameter(format!(
            "Invalid ANSWER {answer}: not one of MFAS_CAN_CHOOSE."
        )));
    };
    issue_mfa(store, pending.ctx, MfaStep::Challenge(chosen), now)
}

/// MFA_SETUP, answered once VerifySoftwareToken accepted a code for the Session's secret.
pub fn mfa_setup(store: &mut Store, answer: &Answer) -> OpResult<Value> {
    let Answer { responses, now, .. } = *answer;
    let (session, pending) = answer.take(store)?;
    if let (false, Some(email)) = (pending.setup_verified, responses.get("EMAIL")) {
        // E-mail set-up: the address (the user's, or a new one) gets an EMAIL_OTP code; answering it turns
        // e-mail MFA on.
        let offered = store
            .pools
            .get(&pending.ctx.pool_id)
            .is_some_and(|p| p.email_mfa);
        if !offered {
            store.challenges.insert(session, pending);
            return Err(CognitoError::invalid_parameter(
                "Email MFA is not enabled for the user pool.",
            ));
        }
        if let Some(user) = store
            .pools
            .get_mut(&pending.ctx.pool_id)
            .and_then(|p| p.users.get_mut(&pending.ctx.user_key))
        {
            if user.attribute("email") != Some(email.as_str()) {
                user.set_attribute("email", email);
                user.set_attribute("email_verified", "false");
            }
        }
        let mut reply = issue_code_challenge(store, pending.ctx, "EMAIL_OTP", now)?;
        if let Some(next) = reply["Session"]
            .as_str()
            .and_then(|s| store.challenges.get_mut(s))
        {
            next.setup_email = true;
        }
        reply["ChallengeParameters"]["USERNAME"] =
            responses.get("USERNAME").map_or(Value::Null, |u| json!(u));
        return Ok(reply);
    }
    if !pending.setup_verified {
        store.challenges.insert(session, pending);
        return Err(CognitoError::invalid_parameter(
            "MFA_SETUP needs the Session that VerifySoftwareToken returned.",
        ));
    }
    let mut ctx = pending.ctx;
    ctx.mfa_done = true;
    continue_after_mfa(store, ctx, now, session)
}

/// DEVICE_SRP_AUTH: the device's A; answers DEVICE_PASSWORD_VERIFIER with B, the salt it registered and a
/// fresh SECRET_BLOCK.
pub fn device_srp_auth(store: &mut Store, answer: &Answer) -> OpResult<Value> {
    let Answer { responses, now, .. } = *answer;
    let (_, pending) = answer.take(store)?;
    let device_key = required(responses, "DEVICE_KEY")?;
    let srp_a = required(responses, "SRP_A")?;
    if pending.ctx.device_key.as_deref() != Some(device_key) {
        return Err(CognitoError::device_not_found());
    }
    let pool = store
        .pools
        .get(&pending.ctx.pool_id)
        .ok_or_else(CognitoError::invalid_session)?;
    let user = pool
        .users
        .get(&pending.ctx.user_key)
        .ok_or_else(CognitoError::invalid_session)?;
    let device = user
        .devices
        .get(device_key)
        .ok_or_else(CognitoError::device_not_found)?;
    let verifier = device
        .verifier
        .clone()
        .ok_or_else(CognitoError::device_not_found)?;
    let handshake = ServerHandshake::new(&verifier, srp_a, &random_bytes(32))
        .map_err(|e| CognitoError::invalid_parameter(format!("Invalid SRP_A: {e}")))?;
    let secret_block = b64(&random_bytes(512));
    let parameters = json!({
        "SALT": verifier.salt_hex,
        "SRP_B": handshake.srp_b_hex(),
        "SECRET_BLOCK": secret_block,
        "USERNAME": user.username,
        "DEVICE_KEY": device_key,
    });
    let mut next = PendingChallenge::new("DEVICE_PASSWORD_VERIFIER", pending.ctx, now);
    next.device_srp = Some((handshake, secret_block));
    issue(store, next, parameters)
}

/// DEVICE_PASSWORD_VERIFIER: checks the device's proof (realm = DeviceGroupKey, identity = DeviceKey).
pub fn device_password_verifier(store: &mut Store, answer: &Answer) -> OpResult<Value> {
    let Answer { responses, now, .. } = *answer;
    let (_, pending) = answer.take(store)?;
    let device_key = required(responses, "DEVICE_KEY")?;
    let secret_block = required(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
    let signature = required(responses, "PASSWORD_CLAIM_SIGNATURE")?;
    let timestamp = required(responses, "TIMESTAMP")?;
    let ctx = pending.ctx;
    let (handshake, sent_block) = pending
        .device_srp
        .ok_or_else(CognitoError::invalid_session)?;
    if ctx.device_key.as_deref() != Some(device_key) || sent_block != secret_block {
        return Err(CognitoError::invalid_session());
    }
    let (_, user) = ctx.pool_and_user(&store.pools)?;
    let device = user
        .devices
        .get(device_key)
        .ok_or_else(CognitoError::device_not_found)?;
    let block =
        srp::decode_secret_block(secret_block).map_err(|_| CognitoError::invalid_session())?;
    crate::signin::timestamp::check("DEVICE_PASSWORD_VERIFIER", timestamp, now)?;
    handshake
        .verify_claim(&device.group_key, device_key, &block, timestamp, signature)
        .map_err(|_| CognitoError::incorrect_credentials())?;
    let (pool_id, user_key) = (ctx.pool_id.clone(), ctx.user_key.clone());
    if let Some(device) = store
        .pools
        .get_mut(&pool_id)
        .and_then(|p| p.users.get_mut(&user_key))
        .and_then(|u| u.devices.get_mut(device_key))
    {
        device.last_authenticated = now * 1000;
    }
    issue_tokens(
        store,
        &ctx.pool_id,
        &ctx.client_id,
        &ctx.user_key,
        now,
        Issue::SignIn {
            device_key: Some(device_key.to_owned()),
        },
    )
}

// ---------------------------------------------------------------------------------------------------------
// TOTP

/// The CUSTOM_CHALLENGE of round `ctx.custom_round` (1-based), or, after the last, the rest of the sign-in
/// (devices, tokens; a custom flow decides on its own second factors, so no MFA).
pub fn issue_custom_round(store: &mut Store, mut ctx: SignInContext, now: i64) -> OpResult<Value> {
    issue_round(store, &mut ctx, now, crate::codes::MAX_ATTEMPTS)
}

pub fn issue_round(
    store: &mut Store,
    ctx: &mut SignInContext,
    now: i64,
    attempts_left: u32,
) -> OpResult<Value> {
    let pool = store.sign_in_pool(&ctx.pool_id)?;
    let user = pool
        .users
        .get(&ctx.user_key)
        .ok_or_else(CognitoError::invalid_session)?;
    let Some(round) = pool.custom_challenge.get(ctx.custom_round - 1) else {
        ctx.mfa_done = true;
        return continue_sign_in(store, ctx.clone(), now);
    };
    let parameters = json!({
        "USERNAME": user.username,
        "question": round.question,
        "round": ctx.custom_round.to_string(),
    });
    let mut pending = PendingChallenge::new("CUSTOM_CHALLENGE", ctx.clone(), now);
    pending.attempts_left = attempts_left;
    issue(store, pending, parameters)
}
