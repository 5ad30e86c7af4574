//! MFA settings: the pool's (SetUserPoolMfaConfig, UpdateUserPool), the user's (SetUserMFAPreference,
//! SetUserSettings and their Admin forms), and TOTP registration (AssociateSoftwareToken,
//! VerifySoftwareToken), with an access token or inside an MFA_SETUP challenge session.

use serde_json::{Value, json};

use crate::access::authenticate_ids;
use crate::app::AppState;
use crate::error::{CognitoError, OpResult};
use crate::pool_settings::{
    check_mfa_configuration, read_device_configuration, read_sign_in_policy,
    read_web_authn_configuration,
};
use crate::request::Req;
use crate::second_factor::{new_totp_secret, totp_matches};
use crate::state::{MfaSettings, Pool, Store, User};
use crate::util::new_session;

// ---------------------------------------------------------------------------------------------------------
// Pool configuration

fn mfa_config_json(pool: &Pool) -> Value {
    let mut config = json!({
        "MfaConfiguration": pool.mfa_configuration,
        "SoftwareTokenMfaConfiguration": { "Enabled": pool.software_token_mfa },
    });
    if pool.sms_mfa {
        config["SmsMfaConfiguration"] =
            json!({ "SmsAuthenticationMessage": "Your code is {####}" });
    }
    if pool.email_mfa {
        config["EmailMfaConfiguration"] =
            json!({ "Message": "Your code is {####}", "Subject": "Your code" });
    }
    let mut web_authn = json!({ "UserVerification": pool.web_authn.user_verification() });
    if let Some(id) = &pool.web_authn.relying_party_id {
        web_authn["RelyingPartyId"] = json!(id);
    }
    config["WebAuthnConfiguration"] = web_authn;
    config
}

/// SetUserPoolMfaConfig.
pub fn set_user_pool_mfa_config(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let mfa = req.opt_str("MfaConfiguration")?;
    if let Some(mfa) = mfa {
        check_mfa_configuration(mfa)?;
    }
    let sms = req.opt_object("SmsMfaConfiguration")?.is_some();
    let totp = match req.opt_object("SoftwareTokenMfaConfiguration")? {
        Some(config) => config.opt_bool("Enabled")?,
        None => None,
    };
    let email = req.opt_object("EmailMfaConfiguration")?.is_some();
    let web_authn = read_web_authn_configuration(req)?;
    let mut store = state.store();
    let pool = store.pool_mut(pool_id)?;
    // Like Cognito, a call sets the whole configuration: factors left out are off.
    let (new_sms, new_totp, new_email) = (sms, totp.unwrap_or(false), email);
    let new_mfa = mfa.unwrap_or(&pool.mfa_configuration).to_owned();
    if new_mfa == "ON" && !(new_sms || new_totp || new_email) {
        return Err(CognitoError::invalid_parameter(
            "At least one MFA factor must be enabled when MFA is ON.",
        ));
    }
    pool.sms_mfa = new_sms;
    pool.software_token_mfa = new_totp;
    pool.email_mfa = new_email;
    pool.mfa_configuration = new_mfa;
    if let Some(web_authn) = web_authn {
        pool.web_authn = web_authn;
    }
    Ok(mfa_config_json(pool))
}

/// GetUserPoolMfaConfig.
pub fn get_user_pool_mfa_config(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let store = state.store();
    let pool = store.pool(pool_id)?;
    Ok(mfa_config_json(pool))
}

/// UpdateUserPool: the settings this emulator uses. Unlike Cognito, members left out keep their value.
pub fn update_user_pool(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let mfa = req.opt_str("MfaConfiguration")?;
    if let Some(mfa) = mfa {
        check_mfa_configuration(mfa)?;
    }
    let devices = read_device_configuration(req)?;
    let auto_verified = req.opt_str_list("AutoVerifiedAttributes")?;
    let policy = match req
        .opt_object("Policies")?
        .and_then(|p| p.get("PasswordPolicy"))
    {
        Some(policy) => Some(crate::password::PasswordPolicy::from_json(policy)?),
        None => None,
    };
    let first_factors = read_sign_in_policy(req)?;
    let now = state.now_millis();
    let mut store = state.store();
    let pool = store.pool_mut(pool_id)?;
    if let Some(mfa) = mfa {
        pool.mfa_configuration = mfa.to_owned();
    }
    if let Some(factors) = first_factors {
        pool.allowed_first_auth_factors = factors;
    }
    if devices.is_some() {
        pool.device_configuration = devices;
    }
    if let Some(list) = auto_verified {
        pool.auto_verified_attributes = list;
    }
    if let Some(policy) = policy {
        pool.policy = policy;
    }
    pool.modified = now;
    Ok(json!({}))
}

// ---------------------------------------------------------------------------------------------------------
// User preferences

/// Applies `SMSMfaSettings` / `SoftwareTokenMfaSettings` / `EmailMfaSettings` to a user.
fn apply_preferences(user: &mut User, req: Req<'_>) -> OpResult<()> {
    let read = |member: &str| -> OpResult<Option<(bool, bool)>> {
        match req.opt_object(member)? {
            None => Ok(None),
            Some(settings) => {
                let preferred = settings.opt_bool("PreferredMfa")?.unwrap_or(false);
                let enabled = settings.opt_bool("Enabled")?.unwrap_or(false) || preferred;
                Ok(Some((enabled, preferred)))
            }
        }
    };
    let sms = read("SMSMfaSettings")?;
    let totp = read("SoftwareTokenMfaSettings")?;
    let email = read("EmailMfaSettings")?;
    if totp.is_some_and(|(enabled, _)| enabled) && user.totp_secret.is_none() {
        return Err(CognitoError::invalid_parameter(
            "User has not verified software token mfa",
        ));
    }
    if sms.is_some_and(|(enabled, _)| enabled) && user.attribute("phone_number").is_none() {
        return Err(CognitoError::invalid_parameter(
            "User does not have a phone_number to use for SMS MFA.",
        ));
    }
    if email.is_some_and(|(enabled, _)| enabled) && user.attribute("email").is_none() {
        return Err(CognitoError::invalid_parameter(
            "User does not have an email to use for email MFA.",
        ));
    }
    let mut mfa: MfaSettings = user.mfa;
    let any_preferred = [sms, totp, email]
        .iter()
        .any(|s| s.is_some_and(|(_, preferred)| preferred));
    if any_preferred {
        mfa.sms_preferred = false;
        mfa.totp_preferred = false;
        mfa.email_preferred = false;
    }
    if let Some((enabled, preferred)) = sms {
        mfa.sms = enabled;
        mfa.sms_preferred = preferred;
    }
    if let Some((enabled, preferred)) = totp {
        mfa.totp = enabled;
        mfa.totp_preferred = preferred;
    }
    if let Some((enabled, preferred)) = email {
        mfa.email = enabled;
        mfa.email_preferred = preferred;
    }
    user.mfa = mfa;
    Ok(())
}

/// SetUserMFAPreference.
pub fn set_user_mfa_preference(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let token = req.str("AccessToken")?;
    let now = state.now_secs();
    let mut store = state.store();
    let who = authenticate_ids(&store, token, now)?;
    apply_preferences(store.user_mut(&who.pool_id, &who.user_key)?, req)?;
    Ok(json!({}))
}

fn admin_user<'s>(store: &'s mut Store, req: Req<'_>) -> OpResult<&'s mut User> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    store.pool_mut(pool_id)?.user_mut(username)
}

/// AdminSetUserMFAPreference.
pub fn admin_set_user_mfa_preference(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let mut store = state.store();
    apply_preferences(admin_user(&mut store, req)?, req)?;
    Ok(json!({}))
}

/// The legacy `MFAOptions`: SMS to phone_number on, or (empty list) off.
fn apply_mfa_options(user: &mut User, req: Req<'_>) -> OpResult<()> {
    let options = req
        .get("MFAOptions")
        .and_then(Value::as_array)
        .ok_or_else(|| CognitoError::missing_member("MFAOptions"))?;
    let sms = options.iter().any(|o| o["DeliveryMedium"] == "SMS");
    if sms && user.attribute("phone_number").is_none() {
        return Err(CognitoError::invalid_parameter(
            "User does not have a phone_number to use for SMS MFA.",
        ));
    }
    user.mfa.sms = sms;
    if !sms {
        user.mfa.sms_preferred = false;
    }
    Ok(())
}

/// SetUserSettings.
pub fn set_user_settings(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let token = req.str("AccessToken")?;
    let now = state.now_secs();
    let mut store = state.store();
    let who = authenticate_ids(&store, token, now)?;
    apply_mfa_options(store.user_mut(&who.pool_id, &who.user_key)?, req)?;
    Ok(json!({}))
}

/// AdminSetUserSettings.
pub fn admin_set_user_settings(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let mut store = state.store();
    apply_mfa_options(admin_user(&mut store, req)?, req)?;
    Ok(json!({}))
}

// ---------------------------------------------------------------------------------------------------------
// TOTP registration

/// AssociateSoftwareToken: a fresh secret for the user of an access token, or for the user of an
/// MFA_SETUP challenge session (answered with a new Session).
pub fn associate_software_token(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let token = req.opt_str("AccessToken")?;
    let session = req.opt_str("Session")?;
    let now = state.now_secs();
    let mut store = state.store();
    let secret = new_totp_secret();
    match (token, session) {
        (Some(token), _) => {
            let who = authenticate_ids(&store, token, now)?;
            let pool = store.pool(&who.pool_id)?;
            if !pool.software_token_mfa {
                return Err(software_token_not_enabled());
            }
            store.user_mut(&who.pool_id, &who.user_key)?.totp_pending = Some(secret.clone());
            Ok(json!({ "SecretCode": secret }))
        }
        (None, Some(session)) => {
            let mut pending = setup_session(&mut store, session, now)?;
            pending.totp_secret = Some(secret.clone());
            pending.setup_verified = false;
            let next = new_session();
            store.challenges.insert(next.clone(), pending);
            Ok(json!({ "SecretCode": secret, "Session": next }))
        }
        (None, None) => Err(CognitoError::invalid_parameter(
            "Either AccessToken or Session must be provided.",
        )),
    }
}

fn software_token_not_enabled() -> CognitoError {
    CognitoError::new(
        "SoftwareTokenMFANotFoundException",
        "Software token MFA is not enabled for the user pool.",
    )
}

/// Removes and returns the MFA_SETUP challenge a Session names.
fn setup_session(
    store: &mut Store,
    session: &str,
    now: i64,
) -> OpResult<crate::state::PendingChallenge> {
    let pending = store
        .challenges
        .remove(session)
        .ok_or_else(CognitoError::invalid_session)?;
    if pending.challenge != "MFA_SETUP" || pending.expires_at <= now {
        return Err(CognitoError::invalid_session());
    }
    Ok(pending)
}

fn enable_failed() -> CognitoError {
    CognitoError::new(
        "EnableSoftwareTokenMFAException",
        "Code mismatch and fail enable Software Token MFA",
    )
}

/// VerifySoftwareToken: checks a code from the authenticator app against the associated secret.
pub fn verify_software_token(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let code = req.str("UserCode")?;
    let token = req.opt_str("AccessToken")?;
    let session = req.opt_str("Session")?;
    let device_name = req.opt_str("FriendlyDeviceName")?.map(str::to_owned);
    let now = state.now_secs();
    let mut store = state.store();
    match (token, session) {
        (Some(token), _) => {
            let who = authenticate_ids(&store, token, now)?;
            let user = store.user_mut(&who.pool_id, &who.user_key)?;
            let secret = user.totp_pending.clone().ok_or_else(|| {
                CognitoError::new(
                    "SoftwareTokenMFANotFoundException",
                    "Software Token MFA has not been associated with the user.",
                )
            })?;
            if !totp_matches(&secret, code, now) {
                return Err(enable_failed());
            }
            user.totp_secret = Some(secret);
            user.totp_pending = None;
            user.totp_device_name = device_name;
            Ok(json!({ "Status": "SUCCESS" }))
        }
        (None, Some(session)) => {
            let mut pending = setup_session(&mut store, session, now)?;
            let Some(secret) = pending.totp_secret.clone() else {
                return Err(CognitoError::new(
                    "SoftwareTokenMFANotFoundException",
                    "Software Token MFA has not been associated with the user.",
                ));
            };
            if !totp_matches(&secret, code, now) {
                // The session stays usable for another try.
                store.challenges.insert(session.to_owned(), pending);
                return Err(enable_failed());
            }
            let user = store.user_mut(&pending.ctx.pool_id, &pending.ctx.user_key)?;
            user.totp_secret = Some(secret);
            user.totp_pending = None;
            user.totp_device_name = device_name;
            // Set up during sign-in: TOTP becomes the user's MFA.
            user.mfa.totp = true;
            if !(user.mfa.sms_preferred || user.mfa.email_preferred) {
                user.mfa.totp_preferred = true;
            }
            pending.setup_verified = true;
            let next = new_session();
            store.challenges.insert(next.clone(), pending);
            Ok(json!({ "Status": "SUCCESS", "Session": next }))
        }
        (None, None) => Err(CognitoError::invalid_parameter(
            "Either AccessToken or Session must be provided.",
        )),
    }
}
