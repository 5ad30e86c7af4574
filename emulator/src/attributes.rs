//! User attributes: which names exist, and what a value must look like.

use crate::error::{CognitoError, OpResult};

/// Standard (OIDC) attributes a user may carry; anything else must be `custom:`.
const STANDARD_ATTRIBUTES: &[&str] = &[
    "address",
    "birthdate",
    "email",
    "email_verified",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "phone_number_verified",
    "picture",
    "preferred_username",
    "profile",
    "updated_at",
    "website",
    "zoneinfo",
];

pub fn check_attributes(attributes: &[(String, String)]) -> OpResult<()> {
    for (name, value) in attributes {
        let schema_error = |why: &str| {
            CognitoError::invalid_parameter(format!(
                "Attributes did not conform to the schema: {name}: {why}"
            ))
        };
        if name == "sub" {
            return Err(schema_error(
                "Attribute cannot be updated. (changing an immutable attribute)",
            ));
        }
        let custom = name
            .strip_prefix("custom:")
            .is_some_and(|rest| !rest.is_empty());
        if !custom && !STANDARD_ATTRIBUTES.contains(&name.as_str()) {
            return Err(schema_error("Attribute does not exist in the schema."));
        }
        if (name == "email_verified" || name == "phone_number_verified")
            && value != "true"
            && value != "false"
        {
            return Err(schema_error("Attribute value must be true or false."));
        }
        if value.chars().count() > 2048 {
            return Err(schema_error("String attribute value is too long."));
        }
    }
    Ok(())
}

pub fn looks_like_email(text: &str) -> bool {
    text.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
    })
}

pub fn looks_like_phone(text: &str) -> bool {
    text.strip_prefix('+').is_some_and(|digits| {
        (4..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    })
}
