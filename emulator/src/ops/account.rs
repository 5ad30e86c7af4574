//! Self-service account operations: sign-up and its confirmation, forgotten and changed passwords,
//! attributes and their verification, deleting the account, global sign-out. Codes go to the dev inbox.

use serde_json::{Value, json};

use crate::access::{Authed, authenticate_ids};
use crate::app::AppState;
use crate::attributes::check_attributes;
use crate::codes::{
    ATTRIBUTE_CODE_SECS, CodeKind, FORGOT_PASSWORD_CODE_SECS, OneTimeCode, SIGN_UP_CODE_SECS,
};
use crate::credentials::{check_secret_hash, make_verifier};
use crate::error::{CognitoError, OpResult};
use crate::inbox::{self, TooMany};
use crate::lockout::{Refused, Target, attempt_limit_exceeded};
use crate::request::Req;
use crate::state::{AppClient, Pool, Store, User, UserStatus};

/// What the self-service operations say about a user that does not exist (LEGACY clients).
fn no_such_user() -> CognitoError {
    CognitoError::new(
        "UserNotFoundException",
        "Username/client id combination not found.",
    )
}

/// Checks `SecretHash` (the member, not an AuthParameter) over the name given or the internal username.
fn check_member_secret_hash(
    client: &AppClient,
    req: Req<'_>,
    username: &str,
    user: Option<&User>,
) -> OpResult<()> {
    let given = req.opt_str("SecretHash")?.map(str::to_owned);
    let mut names = vec![username];
    names.extend(user.map(|u| u.username.as_str()));
    check_secret_hash(client, given.as_ref(), &names)
}

/// Stores a fresh code on the user and "sends" it; answers the CodeDeliveryDetails.
#[allow(clippy::too_many_arguments)]
fn send_code(
    store: &mut Store,
    pool_id: &str,
    user_key: &str,
    kind: CodeKind<'_>,
    attribute: &str,
    purpose: &str,
    lifetime_secs: i64,
    now_millis: i64,
) -> OpResult<Value> {
    let Store { pools, inbox, .. } = store;
    let user = pools
        .get_mut(pool_id)
        .and_then(|pool| pool.users.get_mut(user_key))
        .ok_or_else(CognitoError::user_not_found)?;
    let (medium, destination) = inbox::destination_for(user, attribute).ok_or_else(|| {
        CognitoError::invalid_parameter(format!("User has no value for the attribute {attribute}."))
    })?;
    let code = OneTimeCode::new(now_millis.div_euclid(1000) + lifetime_secs, Some(attribute));
    let text = code.code.clone();
    user.codes.insert(kind.key(), code);
    inbox::deliver(
        inbox,
        pool_id,
        user,
        medium,
        &destination,
        purpose,
        &text,
        now_millis,
    );
    Ok(inbox::delivery_details(medium, attribute, &destination))
}

/// Where a sign-up confirmation code goes: an auto-verified attribute the user has (SMS first, as Cognito
/// does when both are auto-verified).
fn sign_up_destination(pool: &Pool, user: &User) -> Option<&'static str> {
    ["phone_number", "email"].into_iter().find(|attribute| {
        pool.auto_verified_attributes.iter().any(|a| a == attribute)
            && user.attribute(attribute).is_some()
    })
}

/// Believable delivery details for a name that matches no user (user-existence errors prevented).
fn decoy_delivery(pool: &Pool, username: &str) -> Value {
    if username.contains('@') {
        inbox::delivery_details("EMAIL", "email", username)
    } else if pool
        .auto_verified_attributes
        .iter()
        .any(|a| a == "phone_number")
    {
        inbox::delivery_details("SMS", "phone_number", "+10000000000")
    } else {
        inbox::delivery_details("EMAIL", "email", "x@x.x")
    }
}

// ---------------------------------------------------------------------------------------------------------
// Sign-up

/// SignUp: an UNCONFIRMED user, and a confirmation code to an auto-verified attribute.
pub fn sign_up(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let client_id = req.str("ClientId")?;
    let username = req.str("Username")?;
    let password = req.opt_str("Password")?;
    let attributes = req.attributes("UserAttributes")?;
    // Accepted and checked for shape; there are no Lambda triggers to hand them to.
    req.attributes("ValidationData")?;
    req.string_map("ClientMetadata")?;
    let now_millis = state.now_millis();
    let mut store = state.store();
    let (pool_id, client) = store.client_of(client_id)?;
    check_member_secret_hash(&client, req, username, None)?;
    for (name, _) in &attributes {
        if name == "email_verified" || name == "phone_number_verified" {
            return Err(CognitoError::not_authorized(
                "A client attempted to write unauthorized attribute",
            ));
        }
    }
    check_attributes(&attributes)?;
    if password.is_some_and(str::is_empty) {
        return Err(CognitoError::new(
            "InvalidPasswordException",
            "Password did not conform with policy: Password not long enough",
        ));
    }
    let pool = store.pool_mut(&pool_id)?;
    let plain_usernames = pool.username_attributes.is_empty();
    let new = crate::users::NewUser {
        username,
        attributes,
        password,
        status: UserStatus::Unconfirmed,
        enabled: true,
        sub: None,
    };
    let user_key = crate::users::insert_user(pool, new, now_millis).map_err(|mut e| {
        if e.name == "UsernameExistsException" && plain_usernames {
            e.message = "User already exists".to_owned();
        }
        e
    })?;
    let pool = store.pool(&pool_id)?;
    let user = pool
        .users
        .get(&user_key)
        .ok_or_else(CognitoError::user_not_found)?;
    let sub = user.sub.clone();
    let mut response = json!({ "UserConfirmed": false, "UserSub": sub });
    if let Some(attribute) = sign_up_destination(pool, user) {
        response["CodeDeliveryDetails"] = send_code(
            &mut store,
            &pool_id,
            &user_key,
            CodeKind::SignUp,
            attribute,
            "SignUp",
            SIGN_UP_CODE_SECS,
            now_millis,
        )?;
    }
    Ok(response)
}

/// The user a self-service call names, once the SecretHash checks out: `None` if there is none.
fn named(
    store: &Store,
    client_id: &str,
    req: Req<'_>,
    username: &str,
) -> OpResult<(String, AppClient, Option<String>)> {
    let (pool_id, client) = store.client_of(client_id)?;
    let pool = store.pool(&pool_id)?;
    let key = pool.find_user_key(username);
    let user = key.as_ref().and_then(|k| pool.users.get(k));
    check_member_secret_hash(&client, req, username, user)?;
    Ok((pool_id, client, key))
}

/// ConfirmSignUp.
pub fn confirm_sign_up(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let client_id = req.str("ClientId")?;
    let username = req.str("Username")?;
    let code = req.str("ConfirmationCode")?;
    let now_millis = state.now_millis();
    let now = now_millis.div_euclid(1000);
    let mut store = state.store();
    let (pool_id, client, key) = named(&store, client_id, req, username)?;
    let Some(key) = key else {
        return Err(if client.prevent_user_existence_errors {
            inbox::code_mismatch()
        } else {
            no_such_user()
        });
    };
    let user = store.user_mut(&pool_id, &key)?;
    if user.status != UserStatus::Unconfirmed {
        return Err(CognitoError::not_authorized(format!(
            "User cannot be confirmed. Current status is {}",
            user.status.as_str()
        )));
    }
    let used = inbox::take_code(user, CodeKind::SignUp, code, now, TooMany::FailedAttempts)?;
    user.status = UserStatus::Confirmed;
    if let Some(attribute) = used.attribute {
        user.set_attribute(&format!("{attribute}_verified"), "true");
    }
    user.modified = now_millis;
    Ok(json!({}))
}

/// ResendConfirmationCode.
pub fn resend_confirmation_code(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let client_id = req.str("ClientId")?;
    let username = req.str("Username")?;
    req.string_map("ClientMetadata")?;
    let now_millis = state.now_millis();
    let mut store = state.store();
    let (pool_id, client, key) = named(&store, client_id, req, username)?;
    let pool = store.pool(&pool_id)?;
    let Some(user) = key.as_ref().and_then(|k| pool.users.get(k)) else {
        if client.prevent_user_existence_errors {
            return Ok(json!({ "CodeDeliveryDetails": decoy_delivery(pool, username) }));
        }
        return Err(no_such_user());
    };
    if user.status != UserStatus::Unconfirmed {
        return Err(CognitoError::invalid_parameter(
            "User is already confirmed.",
        ));
    }
    let Some(attribute) = sign_up_destination(pool, user) else {
        return Err(CognitoError::invalid_parameter(
            "Auto verification not turned on.",
        ));
    };
    let key = key.unwrap_or_default();
    let details = send_code(
        &mut store,
        &pool_id,
        &key,
        CodeKind::SignUp,
        attribute,
        "ResendConfirmationCode",
        SIGN_UP_CODE_SECS,
        now_millis,
    )?;
    Ok(json!({ "CodeDeliveryDetails": details }))
}

// ---------------------------------------------------------------------------------------------------------
// Passwords

/// Where a password-reset code goes: a verified e-mail address, else a verified phone number.
fn recovery_destination(user: &User) -> Option<&'static str> {
    if user.attribute("email").is_some() && user.attribute("email_verified") == Some("true") {
        Some("email")
    } else if user.attribute("phone_number").is_some()
        && user.attribute("phone_number_verified") == Some("true")
    {
        Some("phone_number")
    } else {
        None
    }
}

fn no_recovery_destination() -> CognitoError {
    CognitoError::invalid_parameter(
        "Cannot reset password for the user as there is no registered/verified email or phone_number",
    )
}

/// ForgotPassword.
pub fn forgot_password(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let client_id = req.str("ClientId")?;
    let username = req.str("Username")?;
    req.string_map("ClientMetadata")?;
    let now_millis = state.now_millis();
    let mut store = state.store();
    let (pool_id, client, key) = named(&store, client_id, req, username)?;
    let pool = store.pool(&pool_id)?;
    let Some(user) = key.as_ref().and_then(|k| pool.users.get(k)) else {
        if client.prevent_user_existence_errors {
            return Ok(json!({ "CodeDeliveryDetails": decoy_delivery(pool, username) }));
        }
        return Err(no_such_user());
    };
    if !user.enabled {
        return Err(CognitoError::not_authorized("User is disabled."));
    }
    let attribute = recovery_destination(user).ok_or_else(no_recovery_destination)?;
    let key = key.unwrap_or_default();
    let details = send_code(
        &mut store,
        &pool_id,
        &key,
        CodeKind::ForgotPassword,
        attribute,
        "ForgotPassword",
        FORGOT_PASSWORD_CODE_SECS,
        now_millis,
    )?;
    Ok(json!({ "CodeDeliveryDetails": details }))
}

/// ConfirmForgotPassword.
pub fn confirm_forgot_password(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let client_id = req.str("ClientId")?;
    let username = req.str("Username")?;
    let code = req.str("ConfirmationCode")?;
    let password = req.str("Password")?;
    let now_millis = state.now_millis();
    let now = now_millis.div_euclid(1000);
    let mut store = state.store();
    let (pool_id, client, key) = named(&store, client_id, req, username)?;
    let Some(key) = key else {
        return Err(if client.prevent_user_existence_errors {
            inbox::code_mismatch()
        } else {
            no_such_user()
        });
    };
    let pool = store.pool(&pool_id)?;
    pool.policy.check(password)?;
    let identity = pool
        .users
        .get(&key)
        .map(|u| u.username.clone())
        .unwrap_or_default();
    let verifier = make_verifier(pool, &identity, password);
    let user = store.user_mut(&pool_id, &key)?;
    inbox::take_code(
        user,
        CodeKind::ForgotPassword,
        code,
        now,
        TooMany::FailedAttempts,
    )?;
    user.verifier = Some(verifier);
    if matches!(
        user.status,
        UserStatus::ResetRequired | UserStatus::ForceChangePassword
    ) {
        user.status = UserStatus::Confirmed;
    }
    user.modified = now_millis;
    Ok(json!({}))
}

/// The user of an access token, for operations that change it.
fn authed(state: &AppState, store: &Store, req: Req<'_>) -> OpResult<Authed> {
    let token = req.str("AccessToken")?;
    authenticate_ids(store, token, state.now_secs())
}

/// ChangePassword.
pub fn change_password(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let proposed = req.str("ProposedPassword")?;
    let previous = req.opt_str("PreviousPassword")?;
    let now_millis = state.now_millis();
    let mut guard = state.store();
    let who = authed(state, &guard, req)?;
    // One `&mut Store`, so that the user (in `pools`) and the lockouts can be borrowed side by side.
    let store: &mut Store = &mut guard;
    let pool = store
        .pools
        .get(&who.pool_id)
        .ok_or_else(|| CognitoError::pool_not_found(&who.pool_id))?;
    let user = pool
        .users
        .get(&who.user_key)
        .ok_or_else(CognitoError::user_not_found)?;
    if let Some(verifier) = &user.verifier {
        let Some(previous) = previous else {
            return Err(CognitoError::missing_member("PreviousPassword"));
        };
        let right = verifier.matches(pool.realm(), &user.username, previous);
        let target = Target::User(user.sub.clone());
        let now = now_millis.div_euclid(1000);
        store
            .password_change_lockouts
            .settle(&who.pool_id, &target, right, now)
            .map_err(|refused| match refused {
                Refused::LockedOut => attempt_limit_exceeded(),
                Refused::WrongPassword => CognitoError::incorrect_credentials(),
            })?;
    }
    pool.policy.check(proposed)?;
    let verifier = make_verifier(pool, &user.username, proposed);
    let user = store.user_mut(&who.pool_id, &who.user_key)?;
    user.verifier = Some(verifier);
    user.modified = now_millis;
    Ok(json!({}))
}

// ---------------------------------------------------------------------------------------------------------
// Attributes

/// UpdateUserAttributes: a changed e-mail address or phone number is unverified until VerifyUserAttribute;
/// a code goes to it when the pool auto-verifies that attribute.
pub fn update_user_attributes(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let attributes = req.attributes("UserAttributes")?;
    if req.get("UserAttributes").is_none() {
        return Err(CognitoError::missing_member("UserAttributes"));
    }
    req.string_map("ClientMetadata")?;
    let now_millis = state.now_millis();
    let mut store = state.store();
    let who = authed(state, &store, req)?;
    for (name, _) in &attributes {
        if name == "email_verified" || name == "phone_number_verified" {
            return Err(CognitoError::not_authorized(
                "A client attempted to write unauthorized attribute",
            ));
        }
    }
    check_attributes(&attributes)?;
    let pool = store.pool(&who.pool_id)?;
    // An e-mail address or phone number that signs someone else in can't be taken.
    for (name, value) in &attributes {
        let signs_in =
            pool.username_attributes.contains(name) || pool.alias_attributes.contains(name);
        if signs_in
            && pool
                .find_user_key(value)
                .is_some_and(|other| other != who.user_key)
        {
            let what = if name == "email" {
                "email"
            } else {
                "phone number"
            };
            return Err(CognitoError::new(
                "AliasExistsException",
                format!("An account with the given {what} already exists."),
            ));
        }
    }
    let auto_verified = pool.auto_verified_attributes.clone();
    let user = store.user_mut(&who.pool_id, &who.user_key)?;
    let mut to_verify = Vec::new();
    for (name, value) in &attributes {
        let changed = user.attribute(name) != Some(value.as_str());
        user.set_attribute(name, value);
        if changed && (name == "email" || name == "phone_number") {
            user.set_attribute(&format!("{name}_verified"), "false");
            user.codes.remove(&CodeKind::Attribute(name).key());
            if auto_verified.contains(name) {
                to_verify.push(name.clone());
            }
        }
    }
    user.modified = now_millis;
    let mut details = Vec::new();
    for name in to_verify {
        details.push(send_code(
            &mut store,
            &who.pool_id,
            &who.user_key,
            CodeKind::Attribute(&name),
            &name,
            "UpdateUserAttributes",
            ATTRIBUTE_CODE_SECS,
            now_millis,
        )?);
    }
    if details.is_empty() {
        Ok(json!({}))
    } else {
        Ok(json!({ "CodeDeliveryDetailsList": details }))
    }
}

fn verifiable(name: &str) -> OpResult<()> {
    if name == "email" || name == "phone_number" {
        Ok(())
    } else {
        Err(CognitoError::invalid_parameter(format!(
            "Invalid attribute name: {name}. Only email and phone_number can be verified."
        )))
    }
}

/// GetUserAttributeVerificationCode.
pub fn get_user_attribute_verification_code(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let name = req.str("AttributeName")?;
    req.string_map("ClientMetadata")?;
    verifiable(name)?;
    let now_millis = state.now_millis();
    let mut store = state.store();
    let who = authed(state, &store, req)?;
    let details = send_code(
        &mut store,
        &who.pool_id,
        &who.user_key,
        CodeKind::Attribute(name),
        name,
        "GetUserAttributeVerificationCode",
        ATTRIBUTE_CODE_SECS,
        now_millis,
    )?;
    Ok(json!({ "CodeDeliveryDetails": details }))
}

/// VerifyUserAttribute.
pub fn verify_user_attribute(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let name = req.str("AttributeName")?;
    let code = req.str("Code")?;
    verifiable(name)?;
    let now_millis = state.now_millis();
    let mut store = state.store();
    let who = authed(state, &store, req)?;
    let user = store.user_mut(&who.pool_id, &who.user_key)?;
    inbox::take_code(
        user,
        CodeKind::Attribute(name),
        code,
        now_millis.div_euclid(1000),
        TooMany::LimitExceeded,
    )?;
    user.set_attribute(&format!("{name}_verified"), "true");
    user.modified = now_millis;
    Ok(json!({}))
}

/// DeleteUserAttributes.
pub fn delete_user_attributes(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let names = req
        .opt_str_list("UserAttributeNames")?
        .ok_or_else(|| CognitoError::missing_member("UserAttributeNames"))?;
    let now_millis = state.now_millis();
    let mut store = state.store();
    let who = authed(state, &store, req)?;
    let probe: Vec<(String, String)> = names
        .iter()
        .filter(|n| *n != "sub")
        .map(|n| (n.clone(), "false".to_owned()))
        .collect();
    check_attributes(&probe)?;
    if names.iter().any(|n| n == "sub") {
        return Err(CognitoError::invalid_parameter(
            "Attributes did not conform to the schema: sub: Attribute cannot be deleted.",
        ));
    }
    let pool = store.pool(&who.pool_id)?;
    if names.iter().any(|n| pool.username_attributes.contains(n)) {
        return Err(CognitoError::invalid_parameter(
            "Cannot delete an attribute the user signs in with.",
        ));
    }
    let user = store.user_mut(&who.pool_id, &who.user_key)?;
    for name in &names {
        user.remove_attribute(name);
        if name == "email" || name == "phone_number" {
            user.remove_attribute(&format!("{name}_verified"));
        }
    }
    user.modified = now_millis;
    Ok(json!({}))
}

// ---------------------------------------------------------------------------------------------------------
// The account as a whole

/// Revokes every sign-in of a user: its refresh tokens and, through their `origin_jti`, its access tokens.
pub fn revoke_all_sign_ins(store: &mut Store, pool_id: &str, sub: &str) {
    let mut origins = Vec::new();
    for record in store.refresh_tokens.values_mut() {
        if record.pool_id == pool_id && record.sub == sub {
            record.revoked = true;
            origins.push(record.origin_jti.clone());
        }
    }
    store.revoked_origins.extend(origins);
}

/// GlobalSignOut.
pub fn global_sign_out(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let mut store = state.store();
    let who = authed(state, &store, req)?;
    let sub = who.claim("sub").unwrap_or_default().to_owned();
    revoke_all_sign_ins(&mut store, &who.pool_id, &sub);
    if let Some(origin) = who.claim("origin_jti") {
        store.revoked_origins.insert(origin.to_owned());
    }
    Ok(json!({}))
}

/// DeleteUser.
pub fn delete_user(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let mut store = state.store();
    let who = authed(state, &store, req)?;
    let sub = who.claim("sub").unwrap_or_default().to_owned();
    revoke_all_sign_ins(&mut store, &who.pool_id, &sub);
    if let Some(pool) = store.pools.get_mut(&who.pool_id) {
        pool.users.remove(&who.user_key);
    }
    Ok(json!({}))
}

// ---------------------------------------------------------------------------------------------------------
// Admin counterparts that tests and seeds use

/// AdminResetUserPassword: RESET_REQUIRED, and a reset code to a verified address if there is one.
pub fn admin_reset_user_password(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let now_millis = state.now_millis();
    let mut store = state.store();
    let pool = store.pool(pool_id)?;
    let key = pool.existing_user_key(username)?;
    let destination = pool.users.get(&key).and_then(recovery_destination);
    let user = store.user_mut(pool_id, &key)?;
    user.status = UserStatus::ResetRequired;
    user.modified = now_millis;
    if let Some(attribute) = destination {
        send_code(
            &mut store,
            pool_id,
            &key,
            CodeKind::ForgotPassword,
            attribute,
            "AdminResetUserPassword",
            FORGOT_PASSWORD_CODE_SECS,
            now_millis,
        )?;
    }
    Ok(json!({}))
}

/// AdminUpdateUserAttributes: sets attributes as given (`*_verified` included); nothing is sent.
pub fn admin_update_user_attributes(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let attributes = req.attributes("UserAttributes")?;
    check_attributes(&attributes)?;
    let now_millis = state.now_millis();
    let mut store = state.store();
    let pool = store.pool(pool_id)?;
    let key = pool.existing_user_key(username)?;
    let user = store.user_mut(pool_id, &key)?;
    for (name, value) in &attributes {
        user.set_attribute(name, value);
    }
    user.modified = now_millis;
    Ok(json!({}))
}
