//! The second factors as apps name them (`SMS`, `TOTP`, `EMAIL`), and as Cognito names them in challenges,
//! settings and answers. Read by the sign-in flow and by the MFA-preference operations.

use crate::json::Value;
use crate::prelude::*;
use crate::protocol::{StringMap, string_list};
use crate::text;

/// A second factor, as apps name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MfaType {
    Sms,
    Totp,
    Email,
}

impl MfaType {
    pub(crate) fn from_challenge(name: &str) -> Option<Self> {
        match name {
            "SMS_MFA" | "SMS_OTP" => Some(Self::Sms),
            "SOFTWARE_TOKEN_MFA" => Some(Self::Totp),
            "EMAIL_OTP" | "EMAIL_MFA" => Some(Self::Email),
            _ => None,
        }
    }

    /// `UserMFASettingList` / `PreferredMfaSetting` values.
    pub(crate) fn from_setting(name: &str) -> Option<Self> {
        Self::from_challenge(name)
    }

    /// The type an app's answer names, in any case: as apps name it, or as Cognito does.
    pub(crate) fn parse(answer: &str) -> Option<Self> {
        const NAMES: [(&str, MfaType); 7] = [
            ("SMS", MfaType::Sms),
            ("SMS_MFA", MfaType::Sms),
            ("TOTP", MfaType::Totp),
            ("SOFTWARE_TOKEN_MFA", MfaType::Totp),
            ("EMAIL", MfaType::Email),
            ("EMAIL_OTP", MfaType::Email),
            ("EMAIL_MFA", MfaType::Email),
        ];
        let answer = answer.trim();
        NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(answer))
            .map(|&(_, mfa)| mfa)
    }

    /// As the app names it (`allowedMFATypes`).
    fn name(self) -> &'static str {
        match self {
            Self::Sms => "SMS",
            Self::Totp => "TOTP",
            Self::Email => "EMAIL",
        }
    }

    /// `["SMS", "TOTP"]`: a list of types as apps see it (`allowedMFATypes`, `enabled`). A loop over the
    /// slice, where `Value::from` of a vector is generic code per type of item and wants the vector owned.
    pub(crate) fn list_to_json(types: &[Self]) -> Value {
        let mut list = Vec::new();
        for t in types {
            list.push(Value::from(t.name()));
        }
        Value::Array(list)
    }

    /// "SMS, TOTP", for messages.
    pub(crate) fn names(types: &[Self]) -> String {
        text::join(types.iter().map(|t| t.name()), ", ")
    }

    /// The `ANSWER` to SELECT_MFA_TYPE.
    pub(crate) fn challenge_name(self) -> &'static str {
        match self {
            Self::Sms => "SMS_MFA",
            Self::Totp => "SOFTWARE_TOKEN_MFA",
            Self::Email => "EMAIL_OTP",
        }
    }

    /// The MFA types in a JSON list of challenge names (`MFAS_CAN_CHOOSE`, `MFAS_CAN_SETUP`).
    pub(crate) fn list(parameters: &StringMap, key: &str) -> Vec<Self> {
        let mut types = Vec::new();
        for name in &string_list(parameters, key) {
            // A repeat of the type before it is left out (`dedup`'s rule, without its generic code).
            if let Some(t) = Self::from_challenge(name).filter(|t| types.last() != Some(t)) {
                types.push(t);
            }
        }
        types
    }
}

impl From<MfaType> for Value {
    fn from(mfa: MfaType) -> Self {
        mfa.name().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mfa_lists_ignore_unknown_and_malformed_entries() {
        let parameters = StringMap::from([(
            "MFAS_CAN_CHOOSE".to_owned(),
            r#"["SMS_MFA","WHATEVER","SOFTWARE_TOKEN_MFA"]"#.to_owned(),
        )]);
        assert_eq!(
            MfaType::list(&parameters, "MFAS_CAN_CHOOSE"),
            vec![MfaType::Sms, MfaType::Totp]
        );
        let broken = StringMap::from([("MFAS_CAN_CHOOSE".to_owned(), "not json".to_owned())]);
        assert!(MfaType::list(&broken, "MFAS_CAN_CHOOSE").is_empty());
    }
}
