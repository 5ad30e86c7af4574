//! CUSTOM_AUTH without Lambda (a dev-only list of question/answer rounds per pool, with or without SRP
//! first) and USER_AUTH choice-based sign-in (SELECT_CHALLENGE, first factors PASSWORD, PASSWORD_SRP,
//! EMAIL_OTP, SMS_OTP, WEB_AUTHN).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::challenges::{Answer, issue, issue_code_challenge, issue_round};
use super::passkey::{issue_web_authn, offered};
use super::password::{
    after_password, flow_not_enabled, named_user, password_check, sign_in_context, srp_challenge,
};
use crate::error::{CognitoError, OpResult};
use crate::names::Flow;
use crate::request::required;
use crate::state::{AppClient, PendingChallenge, SignInContext, Store, User, UserStatus};
use crate::util::ct_eq;

fn no_custom_rounds() -> CognitoError {
    CognitoError::invalid_parameter(
        "Custom auth lambda trigger is not configured for the user pool. (The emulator has no Lambda: give the pool customChallenge rounds, see README.md.)",
    )
}

/// The user a first step names, or Cognito's answer for an unknown one.
fn known_user(
    store: &Store,
    pool_id: &str,
    client: &AppClient,
    params: &BTreeMap<String, String>,
) -> OpResult<(String, User)> {
    let username = required(params, "USERNAME")?;
    let pool = store.sign_in_pool(pool_id)?;
    let (key, user) = named_user(pool, client, params, username)?;
    match (key, user) {
        (Some(key), Some(user)) => Ok((key, user.clone())),
        _ if client.prevent_user_existence_errors => Err(CognitoError::incorrect_credentials()),
        _ => Err(CognitoError::user_not_found()),
    }
}

// ---------------------------------------------------------------------------------------------------------
// CUSTOM_AUTH

/// InitiateAuth CUSTOM_AUTH: with `CHALLENGE_NAME: SRP_A` the password comes first (PASSWORD_VERIFIER),
/// otherwise the first CUSTOM_CHALLENGE round at once.
pub fn custom_auth(
    store: &mut Store,
    pool_id: &str,
    client: &AppClient,
    params: &BTreeMap<String, String>,
    now: i64,
) -> OpResult<Value> {
    if !client.allows(Flow::CustomAuth) {
        return Err(flow_not_enabled("CUSTOM_AUTH"));
    }
    if store.sign_in_pool(pool_id)?.custom_challenge.is_empty() {
        return Err(no_custom_rounds());
    }
    if params.get("CHALLENGE_NAME").map(String::as_str) == Some("SRP_A") {
        return srp_challenge(store, pool_id, client, params, now, true);
    }
    let (key, user) = known_user(store, pool_id, client, params)?;
    let mut ctx = sign_in_context(pool_id, client, &key, &user, params.get("DEVICE_KEY"));
    ctx.custom_round = 1;
    after_password(store, ctx, now)
}

/// RespondToAuthChallenge CUSTOM_CHALLENGE: the right ANSWER moves to the next round; a wrong one asks the
/// same question again (new Session) until the attempts run out.
pub fn custom_challenge(store: &mut Store, answer: &Answer) -> OpResult<Value> {
    let Answer { responses, now, .. } = *answer;
    let (session, pending) = answer.take(store)?;
    let Some(answer) = responses.get("ANSWER") else {
        store.challenges.insert(session, pending);
        return Err(CognitoError::missing_parameter("ANSWER"));
    };
    let mut ctx = pending.ctx;
    let expected = store
        .sign_in_pool(&ctx.pool_id)?
        .custom_challenge
        .get(ctx.custom_round.saturating_sub(1))
        .map(|round| round.answer.clone())
        .ok_or_else(CognitoError::invalid_session)?;
    if ct_eq(answer.as_bytes(), expected.as_bytes()) {
        ctx.custom_round += 1;
        return issue_round(store, &mut ctx, now, crate::codes::MAX_ATTEMPTS);
    }
    let left = pending.attempts_left.saturating_sub(1);
    if left == 0 {
        return Err(CognitoError::incorrect_credentials());
    }
    issue_round(store, &mut ctx, now, left)
}

// ---------------------------------------------------------------------------------------------------------
// USER_AUTH

/// The first factors a user can use: PASSWORD and PASSWORD_SRP with a password, EMAIL_OTP / SMS_OTP with a
/// verified e-mail address / phone number, WEB_AUTHN with a passkey in a pool that allows them.
fn first_factors(store: &Store, ctx: &SignInContext, user: &User) -> Vec<&'static str> {
    let mut factors = Vec::new();
    if user.verifier.is_some() {
        factors.push("PASSWORD");
        factors.push("PASSWORD_SRP");
    }
    if user.attribute("email").is_some() && user.attribute("email_verified") == Some("true") {
        factors.push("EMAIL_OTP");
    }
    if user.attribute("phone_number").is_some()
        && user.attribute("phone_number_verified") == Some("true")
    {
        factors.push("SMS_OTP");
    }
    if offered(store, ctx) {
        factors.push("WEB_AUTHN");
    }
    factors
}

fn select(
    store: &mut Store,
    ctx: SignInContext,
    factors: Vec<&'static str>,
    now: i64,
) -> OpResult<Value> {
    let mut pending = PendingChallenge::new("SELECT_CHALLENGE", ctx, now);
    pending.options = factors.iter().map(|f| (*f).to_owned()).collect();
    let mut reply = issue(store, pending, json!({}))?;
    reply["AvailableChallenges"] = json!(factors);
    Ok(reply)
}

/// InitiateAuth USER_AUTH: PREFERRED_CHALLENGE starts that factor; without one (or with one the user can't
/// use) SELECT_CHALLENGE lists `AvailableChallenges`.
pub fn user_auth(
    store: &mut Store,
    pool_id: &str,
    client: &AppClient,
    params: &BTreeMap<String, String>,
    now: i64,
) -> OpResult<Value> {
    if !client.allows(Flow::UserAuth) {
        return Err(flow_not_enabled("USER_AUTH"));
    }
    let (key, user) = known_user(store, pool_id, client, params)?;
    let ctx = sign_in_context(pool_id, client, &key, &user, params.get("DEVICE_KEY"));
    let factors = first_factors(store, &ctx, &user);
    match params.get("PREFERRED_CHALLENGE").map(String::as_str) {
        Some(choice) if factors.contains(&choice) => {
            start_factor(store, client, ctx, choice, params, now)
        }
        _ => select(store, ctx, factors, now),
    }
}

/// RespondToAuthChallenge SELECT_CHALLENGE: ANSWER names the factor, with its own keys (PASSWORD, SRP_A).
pub fn select_challenge(store: &mut Store, answer: &Answer) -> OpResult<Value> {
    let Answer {
        client,
        responses,
        now,
        ..
    } = *answer;
    let (session, pending) = answer.take(store)?;
    let answer = match responses.get("ANSWER") {
        Some(answer) if pending.options.contains(answer) => answer.clone(),
        Some(answer) => {
            let message = format!("Invalid ANSWER {answer}: not one of AvailableChallenges.");
            store.challenges.insert(session, pending);
            return Err(CognitoError::invalid_parameter(message));
        }
        None => {
            store.challenges.insert(session, pending);
            return Err(CognitoError::missing_parameter("ANSWER"));
        }
    };
    start_factor(store, client, pending.ctx, &answer, responses, now)
}

fn start_factor(
    store: &mut Store,
    client: &AppClient,
    ctx: SignInContext,
    choice: &str,
    params: &BTreeMap<String, String>,
    now: i64,
) -> OpResult<Value> {
    let pool_id = ctx.pool_id.clone();
    match choice {
        "PASSWORD" => password_check(store, &pool_id, client, params, now),
        "PASSWORD_SRP" => srp_challenge(store, &pool_id, client, params, now, false),
        "EMAIL_OTP" | "SMS_OTP" | "WEB_AUTHN" => {
            let user = store
                .sign_in_pool(&pool_id)?
                .users
                .get(&ctx.user_key)
                .ok_or_else(CognitoError::invalid_session)?;
            if !user.enabled {
                return Err(CognitoError::not_authorized("User is disabled."));
            }
            match user.status {
                UserStatus::Unconfirmed => {
                    return Err(CognitoError::new(
                        "UserNotConfirmedException",
                        "User is not confirmed.",
                    ));
                }
                UserStatus::ResetRequired => {
                    return Err(CognitoError::new(
                        "PasswordResetRequiredException",
                        "Password reset required for the user",
                    ));
                }
                _ => {}
            }
            match choice {
                "WEB_AUTHN" => issue_web_authn(store, ctx, now),
                "EMAIL_OTP" => issue_code_challenge(store, ctx, "EMAIL_OTP", now),
                _ => issue_code_challenge(store, ctx, "SMS_OTP", now),
            }
        }
        _ => Err(CognitoError::invalid_parameter(format!(
            "The first factor {choice} is not supported by this emulator."
        ))),
    }
}
