//! Remembered devices: ConfirmDevice stores the device's SRP verifier; ListDevices, GetDevice,
//! UpdateDeviceStatus, ForgetDevice and their Admin forms.

use serde_json::{Value, json};

use crate::access::authenticate_ids;
use crate::app::AppState;
use crate::error::{CognitoError, OpResult};
use crate::request::Req;
use crate::state::{Device, Store, User};
use crate::util::epoch_seconds;

pub use crate::credentials::verifier_from_config;

/// `DeviceType`.
fn device_json(device: &Device) -> Value {
    let mut attributes = vec![
        json!({ "Name": "device_status", "Value": "valid" }),
        json!({ "Name": "dev:device_remembered_status",
                "Value": if device.remembered { "remembered" } else { "not_remembered" } }),
        json!({ "Name": "last_ip_used", "Value": "127.0.0.1" }),
    ];
    if let Some(name) = &device.name {
        attributes.push(json!({ "Name": "device_name", "Value": name }));
    }
    json!({
        "DeviceKey": device.key,
        "DeviceAttributes": attributes,
        "DeviceCreateDate": epoch_seconds(device.created),
        "DeviceLastModifiedDate": epoch_seconds(device.modified),
        "DeviceLastAuthenticatedDate": epoch_seconds(device.last_authenticated),
    })
}

/// The user of an access token, or of `UserPoolId` + `Username` for the Admin forms, as keys.
fn whose(state: &AppState, store: &Store, req: Req<'_>, admin: bool) -> OpResult<(String, String)> {
    if admin {
        let pool_id = req.str("UserPoolId")?;
        let username = req.str("Username")?;
        let pool = store.pool(pool_id)?;
        let key = pool.existing_user_key(username)?;
        Ok((pool_id.to_owned(), key))
    } else {
        let token = req.str("AccessToken")?;
        let who = authenticate_ids(store, token, state.now_secs())?;
        Ok((who.pool_id, who.user_key))
    }
}

/// ConfirmDevice: registers the verifier of a device that NewDeviceMetadata named for this user.
pub fn confirm_device(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let device_key = req.str("DeviceKey")?;
    let config = req
        .opt_object("DeviceSecretVerifierConfig")?
        .ok_or_else(|| CognitoError::missing_member("DeviceSecretVerifierConfig"))?;
    let verifier = verifier_from_config(config.str("Salt")?, config.str("PasswordVerifier")?)?;
    let name = req.opt_str("DeviceName")?.map(str::to_owned);
    let now = state.now_millis();
    let mut store = state.store();
    let (pool_id, user_key) = whose(state, &store, req, false)?;
    let prompt = store
        .pools
        .get(&pool_id)
        .and_then(|p| p.device_configuration)
        .ok_or_else(|| {
            CognitoError::new(
                "InvalidUserPoolConfigurationException",
                "Device tracking is not enabled for the user pool.",
            )
        })?
        .device_only_remembered_on_user_prompt;
    let user = store.user_mut(&pool_id, &user_key)?;
    let device = user
        .devices
        .get_mut(device_key)
        .ok_or_else(CognitoError::device_not_found)?;
    if device.verifier.is_some() {
        return Err(CognitoError::new(
            "DeviceKeyExistsException",
            "Device key already exists.",
        ));
    }
    device.verifier = Some(verifier);
    device.name = name;
    device.remembered = !prompt;
    device.modified = now;
    Ok(json!({ "UserConfirmationNecessary": prompt }))
}

fn confirmed<'u>(user: &'u User, key: &str) -> OpResult<&'u Device> {
    user.devices
        .get(key)
        .filter(|d| d.verifier.is_some())
        .ok_or_else(CognitoError::device_not_found)
}

/// ListDevices / AdminListDevices: confirmed devices, newest last; PaginationToken is the last key.
pub fn list_devices(state: &AppState, req: Req<'_>, admin: bool) -> OpResult<Value> {
    let limit = req.opt_i64("Limit")?.unwrap_or(60).clamp(0, 60) as usize;
    let after = req.opt_str("PaginationToken")?;
    let store = state.store();
    let (pool_id, user_key) = whose(state, &store, req, admin)?;
    let user = store.user(&pool_id, &user_key)?;
    let mut devices = user
        .devices
        .values()
        .filter(|d| d.verifier.is_some())
        .filter(|d| after.is_none_or(|token| d.key.as_str() > token));
    let page: Vec<&Device> = devices.by_ref().take(limit.max(1)).collect();
    let mut response =
        json!({ "Devices": page.iter().map(|d| device_json(d)).collect::<Vec<_>>() });
    if devices.next().is_some() {
        if let Some(last) = page.last() {
            response["PaginationToken"] = json!(last.key);
        }
    }
    Ok(response)
}

/// GetDevice / AdminGetDevice.
pub fn get_device(state: &AppState, req: Req<'_>, admin: bool) -> OpResult<Value> {
    let key = req.str("DeviceKey")?;
    let store = state.store();
    let (pool_id, user_key) = whose(state, &store, req, admin)?;
    let user = store.user(&pool_id, &user_key)?;
    Ok(json!({ "Device": device_json(confirmed(user, key)?) }))
}

/// UpdateDeviceStatus / AdminUpdateDeviceStatus.
pub fn update_device_status(state: &AppState, req: Req<'_>, admin: bool) -> OpResult<Value> {
    let key = req.str("DeviceKey")?;
    let remembered = match req.opt_str("DeviceRememberedStatus")? {
        None | Some("not_remembered") => false,
        Some("remembered") => true,
        Some(_) => {
            return Err(CognitoError::invalid_parameter(
                "1 validation error detected: Value at 'deviceRememberedStatus' failed to satisfy constraint: Member must satisfy enum value set: [remembered, not_remembered]",
            ));
        }
    };
    let now = state.now_millis();
    let mut store = state.store();
    let (pool_id, user_key) = whose(state, &store, req, admin)?;
    let user = store.user_mut(&pool_id, &user_key)?;
    confirmed(user, key)?;
    if let Some(device) = user.devices.get_mut(key) {
        device.remembered = remembered;
        device.modified = now;
    }
    Ok(json!({}))
}

/// ForgetDevice / AdminForgetDevice.
pub fn forget_device(state: &AppState, req: Req<'_>, admin: bool) -> OpResult<Value> {
    let key = req.str("DeviceKey")?;
    let mut store = state.store();
    let (pool_id, user_key) = whose(state, &store, req, admin)?;
    let user = store.user_mut(&pool_id, &user_key)?;
    confirmed(user, key)?;
    user.devices.remove(key);
    Ok(json!({}))
}
