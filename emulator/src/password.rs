//! Pool password policies: Cognito's defaults, the checks with Cognito's messages, and temporary
//! passwords that satisfy a policy.

use rand::Rng as _;
use rand::rngs::OsRng;
use serde_json::{Value, json};

use crate::error::{CognitoError, OpResult};

/// Characters Cognito counts as symbols (plus an inner space).
const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/// `Policies.PasswordPolicy` of a pool.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PasswordPolicy {
    pub minimum_length: u32,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
    pub temporary_password_validity_days: u32,
}

impl Default for PasswordPolicy {
    /// A pool created without `Policies` gets Cognito's default policy: 8 characters, all four classes.
    fn default() -> Self {
        Self {
            minimum_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            temporary_password_validity_days: 7,
        }
    }
}

impl PasswordPolicy {
    /// Reads a `PasswordPolicy` structure; members left out are off (length 8), as in Cognito.
    pub fn from_json(value: &Value) -> OpResult<Self> {
        let Some(object) = value.as_object() else {
            return Err(CognitoError::serialization(
                "PasswordPolicy must be a structure",
            ));
        };
        let flag = |name: &str| -> OpResult<bool> {
            match object.get(name) {
                None | Some(Value::Null) => Ok(false),
                Some(Value::Bool(b)) => Ok(*b),
                Some(_) => Err(CognitoError::serialization(format!(
                    "{name} must be a boolean"
                ))),
            }
        };
        let number = |name: &str,
                      default: u32,
                      range: std::ops::RangeInclusive<u32>|
         -> OpResult<u32> {
            match object.get(name) {
                None | Some(Value::Null) => Ok(default),
                Some(v) => {
                    let n = v.as_u64().ok_or_else(|| {
                        CognitoError::serialization(format!("{name} must be an integer"))
                    })?;
                    u32::try_from(n).ok().filter(|n| range.contains(n)).ok_or_else(|| {
                        CognitoError::invalid_parameter(format!(
                            "1 validation error detected: Value '{n}' at 'policies.passwordPolicy.{}' failed to satisfy constraint: Member must be between {} and {}",
                            crate::error::lower_camel(name),
                            range.start(),
                            range.end()
                        ))
                    })
                }
            }
        };
        Ok(Self {
            minimum_length: number("MinimumLength", 8, 6..=99)?,
            require_uppercase: flag("RequireUppercase")?,
            require_lowercase: flag("RequireLowercase")?,
            require_numbers: flag("RequireNumbers")?,
            require_symbols: flag("RequireSymbols")?,
            temporary_password_validity_days: number("TemporaryPasswordValidityDays", 7, 0..=365)?,
        })
    }

    pub fn to_json(&self) -> Value {
        json!({
            "MinimumLength": self.minimum_length,
            "RequireUppercase": self.require_uppercase,
            "RequireLowercase": self.require_lowercase,
            "RequireNumbers": self.require_numbers,
            "RequireSymbols": self.require_symbols,
            "TemporaryPasswordValidityDays": self.temporary_password_validity_days,
        })
    }

    /// Checks a password against the policy with Cognito's `InvalidPasswordException` messages.
    pub fn check(&self, password: &str) -> OpResult<()> {
        // The model's PasswordType pattern is `[\S]+.*[\S]+`, max 256: the service validator rejects these
        // before the policy is looked at.
        if password.chars().count() > 256 {
            return Err(CognitoError::invalid_parameter(
                "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 256",
            ));
        }
        if password.starts_with(char::is_whitespace) || password.ends_with(char::is_whitespace) {
            return Err(CognitoError::invalid_parameter(
                "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$",
            ));
        }
        let fail = |what: &str| {
            Err(CognitoError::new(
                "InvalidPasswordException",
                format!("Password did not conform with policy: {what}"),
            ))
        };
        if (password.chars().count() as u32) < self.minimum_length {
            return fail("Password not long enough");
        }
        if self.require_uppercase && !password.chars().any(|c| c.is_ascii_uppercase()) {
            return fail("Password must have uppercase characters");
        }
        if self.require_lowercase && !password.chars().any(|c| c.is_ascii_lowercase()) {
            return fail("Password must have lowercase characters");
        }
        if self.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
            return fail("Password must have numeric characters");
        }
        if self.require_symbols && !password.chars().any(|c| SYMBOLS.contains(c)) {
            return fail("Password must have symbol characters");
        }
        Ok(())
    }

    /// A random temporary password that satisfies the policy (for AdminCreateUser without one).
    pub fn random_password(&self) -> String {
        const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
        const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
        const DIGITS: &[u8] = b"23456789";
        const SYMS: &[u8] = b"!#%&*+-=?@^_";
        let pick = |set: &[u8]| char::from(set[OsRng.gen_range(0..set.len())]);
        // One of each class, then fill with a mix, then shuffle so the classes are not in fixed places.
        let mut chars = vec![pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMS)];
        let all: Vec<u8> = [UPPER, LOWER, DIGITS, SYMS].concat();
        let length = (self.minimum_length as usize).max(12);
        while chars.len() < length {
            chars.push(pick(&all));
        }
        for i in (1..chars.len()).rev() {
            chars.swap(i, OsRng.gen_range(0..=i));
        }
        chars.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: OpResult<()>) -> String {
        result.unwrap_err().message
    }

    #[test]
    fn default_policy_messages() {
        let policy = PasswordPolicy::default();
        assert!(policy.check("Demo-Passw0rd!").is_ok());
        assert_eq!(
            message(policy.check("Ab1!")),
            "Password did not conform with policy: Password not long enough"
        );
        assert_eq!(
            message(policy.check("abcdefg1!")),
            "Password did not conform with policy: Password must have uppercase characters"
        );
        assert_eq!(
            message(policy.check("ABCDEFG1!")),
            "Password did not conform with policy: Password must have lowercase characters"
        );
        assert_eq!(
            message(policy.check("Abcdefgh!")),
            "Password did not conform with policy: Password must have numeric characters"
        );
        assert_eq!(
            message(policy.check("Abcdefgh1")),
            "Password did not conform with policy: Password must have symbol characters"
        );
        assert_eq!(
            policy.check(" Abcdefg1!").unwrap_err().name,
            "InvalidParameterException"
        );
    }

    #[test]
    fn partial_policy_turns_unmentioned_rules_off() {
        let policy = PasswordPolicy::from_json(&json!({"MinimumLength": 6})).unwrap();
        assert!(policy.check("abcdef").is_ok());
        assert!(policy.check("abcde").is_err());
        assert!(PasswordPolicy::from_json(&json!({"MinimumLength": 3})).is_err());
    }

    #[test]
    fn random_passwords_satisfy_the_policy() {
        let policy = PasswordPolicy {
            minimum_length: 20,
            ..PasswordPolicy::default()
        };
        for _ in 0..50 {
            let password = policy.random_password();
            assert!(policy.check(&password).is_ok(), "{password}");
        }
    }
}
