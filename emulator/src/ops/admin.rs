//! Administrative operations: what boto3 (or the seed file) uses to set up pools, app clients and users.
//! Real Cognito wants SigV4 for these; the emulator accepts any signature, or none.

use std::sync::Arc;

use cognito_wasm::srp;
use serde_json::{Map, Value, json};

use crate::app::AppState;
use crate::credentials::make_verifier;
use crate::error::{CognitoError, OpResult};
use crate::jwt::PoolKeys;
use crate::names::{DEFAULT_EXPLICIT_AUTH_FLOWS, DEFAULT_FIRST_AUTH_FACTORS, EXPLICIT_AUTH_FLOWS};
use crate::oauth_settings::read_client_oauth;
use crate::password::PasswordPolicy;
use crate::pool_settings::{read_device_configuration, read_refresh_rotation, read_sign_in_policy};
use crate::request::CallContext;
use crate::request::Req;
use crate::state::{AppClient, Pool, Store, UserStatus};
use crate::users::{NewUser, insert_user, user_type};
use crate::util::{epoch_seconds, new_client_id, new_client_secret, new_pool_id, random_bytes};

/// Names of pools and clients: `[\w\s+=,.@-]+`, 1 to 128 characters.
fn check_name(member: &str, name: &str) -> OpResult<()> {
    let ok = name.chars().count() <= 128
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c.is_whitespace() || "+=,.@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(CognitoError::validation(
            member,
            "Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+",
        ))
    }
}

// ---------------------------------------------------------------------------------------------------------
// User pools

/// CreateUserPool.
pub fn create_user_pool(state: &AppState, context: &CallContext, req: Req<'_>) -> OpResult<Value> {
    let region = context
        .signed_region
        .clone()
        .unwrap_or_else(|| state.default_region().to_owned());
    let pool_id = create_pool(state, req, None, &region)?;
    let store = state.store();
    Ok(json!({ "UserPool": store.pool(&pool_id)?.to_json() }))
}

/// Creates a pool from a CreateUserPool request, with a fixed id (seed files) or a fresh one.
pub fn create_pool(
    state: &AppState,
    req: Req<'_>,
    fixed_id: Option<&str>,
    region: &str,
) -> OpResult<String> {
    let settings = PoolSettings::read(req)?;
    if let Some(id) = fixed_id {
        if srp::pool_name(id).is_err() {
            return Err(CognitoError::invalid_parameter(format!(
                "Pool id {id:?} must look like Cognito's: <region>_<letters and digits>"
            )));
        }
    }
    // Key generation takes a while; do it before taking the lock.
    let keys = PoolKeys::generate()
        .map_err(|e| CognitoError::internal(format!("RSA key generation failed: {e}")))?;
    let now = state.now_millis();
    let mut store = state.store();
    let id = unused_pool_id(&store, fixed_id, region)?;
    let pool = Pool {
        arn: format!(
            "arn:aws:cognito-idp:{}:000000000000:userpool/{id}",
            id.split('_').next().unwrap_or(region)
        ),
        id: id.clone(),
        name: settings.name.to_owned(),
        created: now,
        modified: now,
        policy: settings.policy,
        username_attributes: settings.username_attributes,
        alias_attributes: settings.alias_attributes,
        auto_verified_attributes: settings.auto_verified_attributes,
        case_sensitive: settings.case_sensitive,
        mfa_configuration: settings.mfa_configuration.to_owned(),
        sms_mfa: true,
        software_token_mfa: true,
        email_mfa: false,
        device_configuration: read_device_configuration(req)?,
        custom_challenge: Vec::new(),
        allowed_first_auth_factors: read_sign_in_policy(req)?.unwrap_or_else(|| {
            DEFAULT_FIRST_AUTH_FACTORS
                .iter()
                .map(|f| (*f).to_owned())
                .collect()
        }),
        web_authn: Default::default(),
        keys: Arc::new(keys),
        clients: Default::default(),
        users: Default::default(),
        fake_salt_key: random_bytes(32),
        oauth: Default::default(),
    };
    store.pools.insert(id.clone(), pool);
    Ok(id)
}

/// What CreateUserPool sets from its request (besides `DeviceConfiguration`).
struct PoolSettings<'r> {
    name: &'r str,
    policy: PasswordPolicy,
    username_attributes: Vec<String>,
    alias_attributes: Vec<String>,
    auto_verified_attributes: Vec<String>,
    case_sensitive: bool,
    mfa_configuration: &'r str,
}

impl<'r> PoolSettings<'r> {
    fn read(req: Req<'r>) -> OpResult<Self> {
        let name = req.str("PoolName")?;
        check_name("poolName", name)?;
        let policy = match req
            .opt_object("Policies")?
            .and_then(|p| p.get("PasswordPolicy"))
        {
            Some(policy) => PasswordPolicy::from_json(policy)?,
            None => PasswordPolicy::default(),
        };
        let username_attributes =
            attribute_list(req, "UsernameAttributes", &["email", "phone_number"])?;
        let alias_attributes = attribute_list(
            req,
            "AliasAttributes",
            &["email", "phone_number", "preferred_username"],
        )?;
        if !username_attributes.is_empty() && !alias_attributes.is_empty() {
            return Err(CognitoError::invalid_parameter(
                "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.",
            ));
        }
        let auto_verified_attributes =
            attribute_list(req, "AutoVerifiedAttributes", &["email", "phone_number"])?;
        let case_sensitive = match req.opt_object("UsernameConfiguration")? {
            Some(config) => config.opt_bool("CaseSensitive")?.unwrap_or(false),
            None => false,
        };
        let mfa_configuration = req.opt_str("MfaConfiguration")?.unwrap_or("OFF");
        if !["OFF", "ON", "OPTIONAL"].contains(&mfa_configuration) {
            return Err(CognitoError::validation(
                "mfaConfiguration",
                "Member must satisfy enum value set: [OFF, ON, OPTIONAL]",
            ));
        }
        Ok(Self {
            name,
            policy,
            username_attributes,
            alias_attributes,
            auto_verified_attributes,
            case_sensitive,
            mfa_configuration,
        })
    }
}

/// The id for a new pool: the one asked for if it is free, else a new random one in `region`.
fn unused_pool_id(store: &Store, fixed_id: Option<&str>, region: &str) -> OpResult<String> {
    match fixed_id {
        Some(id) if store.pools.contains_key(id) => Err(CognitoError::invalid_parameter(format!(
            "User pool {id} already exists."
        ))),
        Some(id) => Ok(id.to_owned()),
        None => loop {
            let id = new_pool_id(region);
            if !store.pools.contains_key(&id) {
                break Ok(id);
            }
        },
    }
}

fn attribute_list(req: Req<'_>, member: &str, allowed: &[&str]) -> OpResult<Vec<String>> {
    let values = req.opt_str_list(member)?.unwrap_or_default();
    for value in &values {
        if !allowed.contains(&value.as_str()) {
            return Err(CognitoError::validation(
                member,
                &format!(
                    "Member must satisfy enum value set: [{}]",
                    allowed.join(", ")
                ),
            ));
        }
    }
    Ok(values)
}

/// DescribeUserPool.
pub fn describe_user_pool(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let store = state.store();
    Ok(json!({ "UserPool": store.pool(pool_id)?.to_json() }))
}

/// ListUserPools: pages in id order; NextToken is the last id returned.
pub fn list_user_pools(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let max = req
        .opt_i64("MaxResults")?
        .ok_or_else(|| CognitoError::missing_member("MaxResults"))?;
    if !(1..=60).contains(&max) {
        return Err(CognitoError::validation(
            "maxResults",
            "Member must have value less than or equal to 60 and greater than or equal to 1",
        ));
    }
    let after = req.opt_str("NextToken")?;
    let store = state.store();
    let mut remaining = store
        .pools
        .values()
        .filter(|p| after.is_none_or(|token| p.id.as_str() > token));
    let page: Vec<&Pool> = remaining.by_ref().take(max as usize).collect();
    let mut response = json!({
        "UserPools": page.iter().map(|p| json!({
            "Id": p.id,
            "Name": p.name,
            "LambdaConfig": {},
            "LastModifiedDate": epoch_seconds(p.modified),
            "CreationDate": epoch_seconds(p.created),
        })).collect::<Vec<_>>()
    });
    if remaining.next().is_some() {
        if let Some(last) = page.last() {
            response["NextToken"] = json!(last.id);
        }
    }
    Ok(response)
}

/// DeleteUserPool; sign-in state of the pool goes with it.
pub fn delete_user_pool(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let mut store = state.store();
    store
        .pools
        .remove(pool_id)
        .ok_or_else(|| CognitoError::pool_not_found(pool_id))?;
    store.handshakes.retain(|_, p| p.pool_id != pool_id);
    store.challenges.retain(|_, p| p.ctx.pool_id != pool_id);
    store.refresh_tokens.retain(|_, r| r.pool_id != pool_id);
    store.lockouts.forget_pool(pool_id);
    store.password_change_lockouts.forget_pool(pool_id);
    Ok(json!({}))
}

// ---------------------------------------------------------------------------------------------------------
// App clients

/// CreateUserPoolClient.
pub fn create_user_pool_client(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let (pool_id, client_id) = create_client(state, req, None, None)?;
    let store = state.store();
    let pool = store.pool(&pool_id)?;
    let client = pool.client(&client_id)?;
    Ok(json!({ "UserPoolClient": client.to_json(&pool_id) }))
}

/// Creates an app client; the seed passes a fixed id and secret.
pub fn create_client(
    state: &AppState,
    req: Req<'_>,
    fixed_id: Option<&str>,
    fixed_secret: Option<&str>,
) -> OpResult<(String, String)> {
    let pool_id = req.str("UserPoolId")?;
    let name = req.str("ClientName")?;
    check_name("clientName", name)?;
    let secret = match fixed_secret {
        Some(secret) => Some(secret.to_owned()),
        None => req
            .opt_bool("GenerateSecret")?
            .unwrap_or(false)
            .then(new_client_secret),
    };
    let explicit_auth_flows = read_explicit_auth_flows(req)?;
    let validity = Validity::read(req)?;
    let prevent_user_existence_errors = match req.opt_str("PreventUserExistenceErrors")? {
        None | Some("ENABLED") => true,
        Some("LEGACY") => false,
        Some(_) => {
            return Err(CognitoError::validation(
                "preventUserExistenceErrors",
                "Member must satisfy enum value set: [LEGACY, ENABLED]",
            ));
        }
    };
    let enable_token_revocation = req.opt_bool("EnableTokenRevocation")?.unwrap_or(true);
    let auth_session_validity_mins = req.opt_i64("AuthSessionValidity")?.unwrap_or(3);
    if !(3..=15).contains(&auth_session_validity_mins) {
        return Err(CognitoError::validation(
            "authSessionValidity",
            "Member must have value between 3 and 15",
        ));
    }
    if let Some(id) = fixed_id {
        check_client_id(id)?;
    }
    let now = state.now_millis();
    let mut store = state.store();
    let oauth = read_client_oauth(req, secret.is_some(), store.pool(pool_id)?)?;
    let id = unused_client_id(&store, fixed_id)?;
    let client = AppClient {
        id: id.clone(),
        name: name.to_owned(),
        secret,
        explicit_auth_flows,
        access_validity_secs: validity.access_secs,
        id_validity_secs: validity.id_secs,
        refresh_validity_secs: validity.refresh_secs,
        validity_echo: validity.echo,
        prevent_user_existence_errors,
        enable_token_revocation,
        auth_session_validity_mins,
        refresh_rotation: read_refresh_rotation(req)?,
        created: now,
        modified: now,
        oauth,
    };
    store.pool_mut(pool_id)?.clients.insert(id.clone(), client);
    Ok((pool_id.to_owned(), id))
}

/// `ExplicitAuthFlows`, or Cognito's default without it; legacy and `ALLOW_` values do not mix.
fn read_explicit_auth_flows(req: Req<'_>) -> OpResult<Vec<String>> {
    let explicit_auth_flows = match req.opt_str_list("ExplicitAuthFlows")? {
        Some(flows) => flows,
        None => DEFAULT_EXPLICIT_AUTH_FLOWS
            .iter()
            .map(|f| (*f).to_owned())
            .collect(),
    };
    for flow in &explicit_auth_flows {
        if !EXPLICIT_AUTH_FLOWS.contains(&flow.as_str()) {
            return Err(CognitoError::validation(
                "explicitAuthFlows",
                &format!(
                    "Member must satisfy enum value set: [{}]",
                    EXPLICIT_AUTH_FLOWS.join(", ")
                ),
            ));
        }
    }
    let legacy = explicit_auth_flows.iter().any(|f| !f.starts_with("ALLOW_"));
    if legacy && explicit_auth_flows.iter().any(|f| f.starts_with("ALLOW_")) {
        return Err(CognitoError::invalid_parameter(
            "ExplicitAuthFlows cannot mix legacy values (without ALLOW_) with new ALLOW_ values.",
        ));
    }
    Ok(explicit_auth_flows)
}

/// A client id asked for (by the seed file or a dev endpoint) must look like one.
fn check_client_id(id: &str) -> OpResult<()> {
    let ok = !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '+');
    if ok {
        Ok(())
    } else {
        Err(CognitoError::invalid_parameter(format!(
            "Client id {id:?} must match [\\w+]+ (1 to 128 characters)"
        )))
    }
}

/// The id for a new app client: the one asked for if no pool has it, else a new random one.
fn unused_client_id(store: &Store, fixed_id: Option<&str>) -> OpResult<String> {
    match fixed_id {
        Some(id) if store.client(id).is_ok() => Err(CognitoError::invalid_parameter(format!(
            "User pool client {id} already exists."
        ))),
        Some(id) => Ok(id.to_owned()),
        None => loop {
            let id = new_client_id();
            if store.client(&id).is_err() {
                break Ok(id);
            }
        },
    }
}

/// The shortest token lifetime the emulator accepts when given in seconds (Cognito's minimum is 5 minutes
/// for access and ID tokens, 60 minutes for refresh tokens).
pub const DEV_MIN_VALIDITY_SECS: i64 = 3;

/// The longest lifetimes Cognito accepts: 1 day for access and ID tokens, 10 years for refresh tokens.
pub const MAX_TOKEN_VALIDITY_SECS: i64 = 86_400;
pub const MAX_REFRESH_VALIDITY_SECS: i64 = 3650 * 86_400;

/// Token lifetimes of a client, from `*TokenValidity` and `TokenValidityUnits`.
struct Validity {
    access_secs: i64,
    id_secs: i64,
    refresh_secs: i64,
    echo: Map<String, Value>,
}

impl Validity {
    fn read(req: Req<'_>) -> OpResult<Self> {
        let units = req.opt_object("TokenValidityUnits")?;
        let unit = |name: &str, default: &str| -> OpResult<i64> {
            let unit = match units {
                Some(units) => units.opt_str(name)?.unwrap_or(default),
                None => default,
            };
            match unit {
                "seconds" => Ok(1),
                "minutes" => Ok(60),
                "hours" => Ok(3600),
                "days" => Ok(86_400),
                _ => Err(CognitoError::validation(
                    &format!("tokenValidityUnits.{}", crate::error::lower_camel(name)),
                    "Member must satisfy enum value set: [seconds, minutes, hours, days]",
                )),
            }
        };
        let mut echo = Map::new();
        let mut one = |member: &str,
                       unit_name: &str,
                       default_unit: &str,
                       default_secs: i64,
                       range: (i64, i64),
                       what: &str|
         -> OpResult<i64> {
            let (secs, min) = match req.opt_i64(member)? {
                Some(value) => {
                    echo.insert(member.to_owned(), json!(value));
                    let unit_secs = unit(unit_name, default_unit)?;
                    // Dev extension: lifetimes in seconds may go below Cognito's minimum, so that tests
                    // can watch tokens expire.
                    let min = if unit_secs == 1 {
                        DEV_MIN_VALIDITY_SECS
                    } else {
                        range.0
                    };
                    (value.saturating_mul(unit_secs), min)
                }
                None => (default_secs, range.0),
            };
            if secs < min || secs > range.1 {
                return Err(CognitoError::invalid_parameter(format!(
                    "{member} must be between {what}."
                )));
            }
            Ok(secs)
        };
        let access_secs = one(
            "AccessTokenValidity",
            "AccessToken",
            "hours",
            3600,
            (300, MAX_TOKEN_VALIDITY_SECS),
            "5 minutes and 1 day",
        )?;
        let id_secs = one(
            "IdTokenValidity",
            "IdToken",
            "hours",
            3600,
            (300, MAX_TOKEN_VALIDITY_SECS),
            "5 minutes and 1 day",
        )?;
        let refresh_secs = one(
            "RefreshTokenValidity",
            "RefreshToken",
            "days",
            30 * 86_400,
            (3600, MAX_REFRESH_VALIDITY_SECS),
            "60 minutes and 10 years",
        )?;
        if let Some(units) = req.get("TokenValidityUnits") {
            echo.insert("TokenValidityUnits".to_owned(), units.clone());
        }
        Ok(Self {
            access_secs,
            id_secs,
            refresh_secs,
            echo,
        })
    }
}

/// UpdateUserPoolClient. As in Cognito, settings left out of the request go back to their defaults; the
/// id, the secret and the creation date stay.
pub fn update_user_pool_client(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let client_id = req.str("ClientId")?;
    let old = {
        let mut store = state.store();
        store
            .pool_mut(pool_id)?
            .clients
            .remove(client_id)
            .ok_or_else(|| CognitoError::client_not_found(client_id))?
    };
    let mut request = req.0.clone();
    request.remove("GenerateSecret");
    if !request.contains_key("ClientName") {
        request.insert("ClientName".to_owned(), json!(old.name));
    }
    let created = create_client(state, Req(&request), Some(&old.id), old.secret.as_deref());
    let mut store = state.store();
    let pool = store.pool_mut(pool_id)?;
    if let Err(error) = created {
        pool.clients.insert(old.id.clone(), old);
        return Err(error);
    }
    let client = pool.client_mut(client_id)?;
    client.created = old.created;
    Ok(json!({ "UserPoolClient": client.to_json(pool_id) }))
}

/// DescribeUserPoolClient.
pub fn describe_user_pool_client(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let client_id = req.str("ClientId")?;
    let store = state.store();
    let client = store.pool(pool_id)?.client(client_id)?;
    Ok(json!({ "UserPoolClient": client.to_json(pool_id) }))
}

/// DeleteUserPoolClient.
pub fn delete_user_pool_client(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let client_id = req.str("ClientId")?;
    let mut store = state.store();
    store
        .pool_mut(pool_id)?
        .clients
        .remove(client_id)
        .ok_or_else(|| CognitoError::client_not_found(client_id))?;
    store.refresh_tokens.retain(|_, r| r.client_id != client_id);
    Ok(json!({}))
}

// ---------------------------------------------------------------------------------------------------------
// Users

/// AdminCreateUser: the user starts in FORCE_CHANGE_PASSWORD with a temporary password. No message is
/// ever sent, so `MessageAction` only matters for RESEND (which re-sets the temporary password).
pub fn admin_create_user(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let attributes = req.attributes("UserAttributes")?;
    let temporary_password = req.opt_str("TemporaryPassword")?;
    let action = req.opt_str("MessageAction")?;
    if action.is_some_and(|a| a != "RESEND" && a != "SUPPRESS") {
        return Err(CognitoError::validation(
            "messageAction",
            "Member must satisfy enum value set: [RESEND, SUPPRESS]",
        ));
    }
    let now = state.now_millis();
    let mut store = state.store();
    let pool = store.pool_mut(pool_id)?;
    if action == Some("RESEND") {
        let key = pool.existing_user_key(username)?;
        let password = match temporary_password {
            Some(password) => {
                pool.policy.check(password)?;
                password.to_owned()
            }
            None => pool.policy.random_password(),
        };
        let identity = pool
            .users
            .get(&key)
            .map(|u| u.username.clone())
            .unwrap_or_default();
        let verifier = make_verifier(pool, &identity, &password);
        let user = pool
            .users
            .get_mut(&key)
            .ok_or_else(CognitoError::user_not_found)?;
        if user.status != UserStatus::ForceChangePassword {
            return Err(CognitoError::new(
                "UnsupportedUserStateException",
                format!(
                    "Resend not possible. {} status is not FORCE_CHANGE_PASSWORD",
                    user.username
                ),
            ));
        }
        user.verifier = Some(verifier);
        user.modified = now;
        return Ok(json!({ "User": user_type(user) }));
    }
    let new = NewUser {
        username,
        attributes,
        password: temporary_password,
        status: UserStatus::ForceChangePassword,
        enabled: true,
        sub: None,
    };
    let key = insert_user(pool, new, now)?;
    let user = pool
        .users
        .get(&key)
        .ok_or_else(CognitoError::user_not_found)?;
    Ok(json!({ "User": user_type(user) }))
}

/// AdminSetUserPassword: permanent → CONFIRMED, otherwise FORCE_CHANGE_PASSWORD.
pub fn admin_set_user_password(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let password = req.str("Password")?;
    let permanent = req.opt_bool("Permanent")?.unwrap_or(false);
    let now = state.now_millis();
    let mut store = state.store();
    let pool = store.pool_mut(pool_id)?;
    let key = pool.existing_user_key(username)?;
    pool.policy.check(password)?;
    let identity = pool
        .users
        .get(&key)
        .map(|u| u.username.clone())
        .unwrap_or_default();
    let verifier = make_verifier(pool, &identity, password);
    let user = pool
        .users
        .get_mut(&key)
        .ok_or_else(CognitoError::user_not_found)?;
    user.verifier = Some(verifier);
    user.status = if permanent {
        UserStatus::Confirmed
    } else {
        UserStatus::ForceChangePassword
    };
    user.modified = now;
    Ok(json!({}))
}

/// AdminConfirmSignUp: only for UNCONFIRMED users.
pub fn admin_confirm_sign_up(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let now = state.now_millis();
    let mut store = state.store();
    let user = store.pool_mut(pool_id)?.user_mut(username)?;
    if user.status != UserStatus::Unconfirmed {
        return Err(CognitoError::not_authorized(format!(
            "User cannot be confirmed. Current status is {}",
            user.status.as_str()
        )));
    }
    user.status = UserStatus::Confirmed;
    user.modified = now;
    Ok(json!({}))
}

/// AdminGetUser.
pub fn admin_get_user(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let store = state.store();
    let pool = store.pool(pool_id)?;
    let user = pool.user(username)?;
    let mut response = json!({
        "Username": user.username,
        "UserAttributes": user.attributes_json(),
        "UserCreateDate": epoch_seconds(user.created),
        "UserLastModifiedDate": epoch_seconds(user.modified),
        "Enabled": user.enabled,
        "UserStatus": user.status.as_str(),
    });
    crate::users::mfa_fields(pool, user, &mut response);
    Ok(response)
}

/// AdminDeleteUser. Its tokens die with it: refresh and GetUser look the user up.
pub fn admin_delete_user(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let mut store = state.store();
    let pool = store.pool_mut(pool_id)?;
    let key = pool.existing_user_key(username)?;
    pool.users.remove(&key);
    Ok(json!({}))
}

/// AdminDisableUser / AdminEnableUser.
pub fn admin_set_enabled(state: &AppState, req: Req<'_>, enabled: bool) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let now = state.now_millis();
    let mut store = state.store();
    let user = store.pool_mut(pool_id)?.user_mut(username)?;
    user.enabled = enabled;
    user.modified = now;
    Ok(json!({}))
}
