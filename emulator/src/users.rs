//! Creating users and describing them (AdminGetUser / GetUser), shared by the admin, sign-up and seed paths.

use serde_json::{Value, json};

use crate::attributes::{check_attributes, looks_like_email, looks_like_phone};
use crate::credentials::make_verifier;
use crate::error::{CognitoError, OpResult};
use crate::second_factor::{enabled_methods, preferred_method};

use crate::state::{Pool, User, UserStatus};
use crate::util::epoch_seconds;

/// What it takes to create a user (AdminCreateUser, or a seed file).
pub struct NewUser<'a> {
    pub username: &'a str,
    pub attributes: Vec<(String, String)>,
    /// `None`: a random one that satisfies the policy (AdminCreateUser without TemporaryPassword).
    pub password: Option<&'a str>,
    pub status: UserStatus,
    pub enabled: bool,
    /// A fixed `sub` (seed files); otherwise a fresh UUID v4.
    pub sub: Option<String>,
}

/// Adds a user to a pool after Cognito's checks, and returns its key.
pub fn insert_user(pool: &mut Pool, new: NewUser<'_>, now: i64) -> OpResult<String> {
    let username = new.username;
    let username_ok = username.chars().count() <= 128
        && !username
            .chars()
            .any(|c| c.is_whitespace() || c.is_control());
    if !username_ok {
        return Err(CognitoError::validation(
            "username",
            "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
        ));
    }
    check_attributes(&new.attributes)?;
    let sub = new.sub.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let mut attributes: Vec<(String, String)> = vec![("sub".to_owned(), sub.clone())];
    for (name, value) in new.attributes {
        set_attribute(&mut attributes, name, value);
    }
    let internal_username = match sign_in_attribute(pool, username)? {
        None => username.to_owned(),
        Some(attribute) => {
            set_attribute(&mut attributes, attribute.to_owned(), username.to_owned());
            sub.clone()
        }
    };
    let password = match new.password {
        Some(password) => {
            pool.policy.check(password)?;
            password.to_owned()
        }
        None => pool.policy.random_password(),
    };
    let verifier = make_verifier(pool, &internal_username, &password);
    let key = pool.user_key(&internal_username);
    pool.users.insert(
        key.clone(),
        User {
            enabled: new.enabled,
            ..User::new(
                internal_username,
                sub,
                attributes,
                new.status,
                Some(verifier),
                now,
            )
        },
    );
    Ok(key)
}

fn set_attribute(attributes: &mut Vec<(String, String)>, name: String, value: String) {
    match attributes.iter_mut().find(|(n, _)| *n == name) {
        Some(slot) => slot.1 = value,
        None => attributes.push((name, value)),
    }
}

/// Checks that `username` is free and fits the pool. `None`: it is the internal username. In pools that
/// sign in with e-mail / phone number it is that attribute instead (returned), and the internal username
/// is the sub.
fn sign_in_attribute(pool: &Pool, username: &str) -> OpResult<Option<&'static str>> {
    if pool.username_attributes.is_empty() {
        if pool.alias_attributes.iter().any(|a| a == "email") && looks_like_email(username) {
            return Err(CognitoError::invalid_parameter(
                "Username cannot be of email format, since user pool is configured for email alias.",
            ));
        }
        if pool.alias_attributes.iter().any(|a| a == "phone_number") && looks_like_phone(username) {
            return Err(CognitoError::invalid_parameter(
                "Username cannot be of phone number format, since user pool is configured for phone number alias.",
            ));
        }
        if pool.users.contains_key(&pool.user_key(username)) {
            return Err(CognitoError::new(
                "UsernameExistsException",
                "User account already exists",
            ));
        }
        return Ok(None);
    }
    let by_email = pool.username_attributes.iter().any(|a| a == "email");
    let by_phone = pool.username_attributes.iter().any(|a| a == "phone_number");
    let (attribute, what) = if by_email && looks_like_email(username) {
        ("email", "email")
    } else if by_phone && looks_like_phone(username) {
        ("phone_number", "phone number")
    } else {
        return Err(CognitoError::invalid_parameter(
            match (by_email, by_phone) {
                (true, true) => "Username should be either an email or a phone number.",
                (true, false) => "Username should be an email.",
                _ => "Username should be a phone number.",
            },
        ));
    };
    if pool.find_user_key(username).is_some() {
        return Err(CognitoError::new(
            "UsernameExistsException",
            format!("An account with the given {what} already exists."),
        ));
    }
    Ok(Some(attribute))
}

/// The `UserType` structure of AdminCreateUser.
pub fn user_type(user: &User) -> Value {
    json!({
        "Username": user.username,
        "Attributes": user.attributes_json(),
        "UserCreateDate": epoch_seconds(user.created),
        "UserLastModifiedDate": epoch_seconds(user.modified),
        "Enabled": user.enabled,
        "UserStatus": user.status.as_str(),
    })
}

/// `UserMFASettingList`, `PreferredMfaSetting` and the legacy `MFAOptions` of GetUser / AdminGetUser.
pub fn mfa_fields(pool: &Pool, user: &User, into: &mut Value) {
    let enabled = enabled_methods(pool, user);
    into["UserMFASettingList"] = json!(enabled);
    if let Some(preferred) = preferred_method(pool, user) {
        into["PreferredMfaSetting"] = json!(preferred);
    }
    if user.mfa.sms {
        into["MFAOptions"] = json!([{ "DeliveryMedium": "SMS", "AttributeName": "phone_number" }]);
    }
}
