//! Pool settings read from a request, shared by CreateUserPool, UpdateUserPool and SetUserPoolMfaConfig.

use crate::error::{CognitoError, OpResult};
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
