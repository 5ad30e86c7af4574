//! Pool settings read from a request, shared by CreateUserPool, UpdateUserPool and SetUserPoolMfaConfig
//! (and the seed).

use crate::error::{CognitoError, OpResult};
use crate::names::FIRST_AUTH_FACTORS;
use crate::passkeys::model::WebAuthnConfiguration;
use crate::request::Req;
use crate::state::DeviceConfiguration;

/// `DeviceConfiguration` of CreateUserPool / UpdateUserPool.
pub fn read_device_configuration(req: Req<'_>) -> OpResult<Option<DeviceConfiguration>> {
    Ok(match req.opt_object("DeviceConfiguration")? {
        None => None,
        Some(config) => Some(DeviceConfiguration {
            challenge_required_on_new_device: config
                .opt_bool("ChallengeRequiredOnNewDevice")?
                .unwrap_or(false),
            device_only_remembered_on_user_prompt: config
                .opt_bool("DeviceOnlyRememberedOnUserPrompt")?
                .unwrap_or(false),
        }),
    })
}

/// `RefreshTokenRotation` of CreateUserPoolClient / UpdateUserPoolClient.
pub fn read_refresh_rotation(req: Req<'_>) -> OpResult<Option<i64>> {
    let Some(rotation) = req.opt_object("RefreshTokenRotation")? else {
        return Ok(None);
    };
    let grace = rotation.opt_i64("RetryGracePeriodSeconds")?.unwrap_or(0);
    if !(0..=60).contains(&grace) {
        return Err(CognitoError::validation(
            "refreshTokenRotation.retryGracePeriodSeconds",
            "Member must have value less than or equal to 60",
        ));
    }
    match rotation.str("Feature")? {
        "ENABLED" => Ok(Some(grace)),
        "DISABLED" => Ok(None),
        _ => Err(CognitoError::validation(
            "refreshTokenRotation.feature",
            "Member must satisfy enum value set: [ENABLED, DISABLED]",
        )),
    }
}

pub fn check_mfa_configuration(value: &str) -> OpResult<()> {
    if ["OFF", "ON", "OPTIONAL"].contains(&value) {
        Ok(())
    } else {
        Err(CognitoError::invalid_parameter(
            "1 validation error detected: Value at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]",
        ))
    }
}

/// `Policies.SignInPolicy.AllowedFirstAuthFactors` of CreateUserPool / UpdateUserPool: 1 to 5 known
/// factors, PASSWORD among them (Cognito keeps passwords as a way in).
pub fn read_sign_in_policy(req: Req<'_>) -> OpResult<Option<Vec<String>>> {
    let Some(sign_in) = req
        .opt_object("Policies")?
        .map(|policies| policies.opt_object("SignInPolicy"))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    let Some(factors) = sign_in.opt_str_list("AllowedFirstAuthFactors")? else {
        return Ok(None);
    };
    if factors.is_empty() || factors.len() > 5 {
        return Err(CognitoError::validation(
            "policies.signInPolicy.allowedFirstAuthFactors",
            "Member must have length between 1 and 5",
        ));
    }
    if let Some(unknown) = factors
        .iter()
        .find(|f| !FIRST_AUTH_FACTORS.contains(&f.as_str()))
    {
        return Err(CognitoError::invalid_parameter(format!(
            "{unknown} is not an allowed first auth factor: use {}.",
            FIRST_AUTH_FACTORS.join(", ")
        )));
    }
    if !factors.iter().any(|f| f == "PASSWORD") {
        return Err(CognitoError::invalid_parameter(
            "AllowedFirstAuthFactors must include PASSWORD.",
        ));
    }
    Ok(Some(factors))
}

/// `WebAuthnConfiguration` of SetUserPoolMfaConfig: the relying party id (1 to 127 characters, a host
/// name) and `UserVerification` (`preferred`, the default, or `required`).
pub fn read_web_authn_configuration(req: Req<'_>) -> OpResult<Option<WebAuthnConfiguration>> {
    let Some(config) = req.opt_object("WebAuthnConfiguration")? else {
        return Ok(None);
    };
    let relying_party_id = config.opt_str("RelyingPartyId")?;
    if let Some(id) = relying_party_id {
        let host_like = !id.is_empty()
            && id.len() <= 127
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        if !host_like {
            return Err(CognitoError::invalid_parameter(format!(
                "RelyingPartyId {id:?} is not a domain name."
            )));
        }
    }
    let user_verification_required = match config.opt_str("UserVerification")? {
        None | Some("preferred") => false,
        Some("required") => true,
        Some(_) => {
            return Err(CognitoError::validation(
                "webAuthnConfiguration.userVerification",
                "Member must satisfy enum value set: [required, preferred]",
            ));
        }
    };
    Ok(Some(WebAuthnConfiguration {
        relying_party_id: relying_party_id.map(str::to_owned),
        user_verification_required,
    }))
}
