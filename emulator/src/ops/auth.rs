//! InitiateAuth and RespondToAuthChallenge: each flow and challenge handed to the sign-in engine
//! ([`crate::signin`]), or to [`crate::tokens`] for a refresh.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::app::AppState;
use crate::error::{CognitoError, OpResult};
use crate::names::{AUTH_FLOWS, CHALLENGE_NAMES, Flow};
use crate::request::Req;
use crate::signin::challenges::Answer;
use crate::signin::password::{
    flow_not_enabled, new_password_required, password_verifier, user_password_auth, user_srp_auth,
};
use crate::signin::{challenges, first_factor, passkey, prepared_srp};
use crate::state::Store;
use crate::tokens::refresh;

fn enum_error(member: &str, values: &[&str]) -> CognitoError {
    CognitoError::invalid_parameter(format!(
        "1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
        values.join(", ")
    ))
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
    prepared_srp::run(state, client_id, &params, || {
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
    let (pool_id, client) = store.client_of(client_id)?;
    match flow {
        "USER_SRP_AUTH" => user_srp_auth(&mut store, &pool_id, &client, params, now),
        "USER_PASSWORD_AUTH" => user_password_auth(&mut store, &pool_id, &client, params, now),
        "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => {
            if !client.allows(Flow::RefreshToken) {
                return Err(flow_not_enabled("REFRESH_TOKEN_AUTH"));
            }
            refresh(&mut store, &client, params, now)
        }
        "CUSTOM_AUTH" => first_factor::custom_auth(&mut store, &pool_id, &client, params, now),
        "USER_AUTH" => first_factor::user_auth(&mut store, &pool_id, &client, params, now),
        "ADMIN_NO_SRP_AUTH" | "ADMIN_USER_PASSWORD_AUTH" => Err(CognitoError::invalid_parameter(
            "Initiate Auth method not supported.",
        )),
        _ => Err(CognitoError::invalid_parameter(format!(
            "AuthFlow {flow} is not supported by this emulator yet."
        ))),
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
        return prepared_srp::run(state, client_id, &responses, || {
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
    let (_, client) = store.client_of(client_id)?;
    let answer = Answer {
        client: &client,
        challenge,
        session,
        responses,
        now,
    };
    let handler: fn(&mut Store, &Answer) -> OpResult<Value> = match challenge {
        "NEW_PASSWORD_REQUIRED" => new_password_required,
        "SMS_MFA" | "SMS_OTP" | "EMAIL_OTP" | "SOFTWARE_TOKEN_MFA" => challenges::mfa_code,
        "SELECT_MFA_TYPE" => challenges::select_mfa_type,
        "MFA_SETUP" => challenges::mfa_setup,
        "DEVICE_SRP_AUTH" => challenges::device_srp_auth,
        "DEVICE_PASSWORD_VERIFIER" => challenges::device_password_verifier,
        "CUSTOM_CHALLENGE" => first_factor::custom_challenge,
        "SELECT_CHALLENGE" => first_factor::select_challenge,
        "WEB_AUTHN" => passkey::web_authn,
        _ => {
            return Err(CognitoError::invalid_parameter(format!(
                "Challenge {challenge} is not supported by this emulator yet."
            )));
        }
    };
    handler(&mut store, &answer)
}
