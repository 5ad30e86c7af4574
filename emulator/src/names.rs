//! The service model's names the emulator checks requests against: sign-in flows and challenges, and the
//! app-client settings that allow flows. Kept below everything else, so that the HTTP layer, the call
//! counts, the app-client model and the sign-in operations all read the same lists.

/// InitiateAuth's `AuthFlow` values (the service model's enum).
pub const AUTH_FLOWS: &[&str] = &[
    "USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH",
    "USER_AUTH",
];

/// RespondToAuthChallenge's `ChallengeName` values (the service model's enum).
pub const CHALLENGE_NAMES: &[&str] = &[
    "SMS_MFA",
    "EMAIL_OTP",
    "SOFTWARE_TOKEN_MFA",
    "SELECT_MFA_TYPE",
    "MFA_SETUP",
    "PASSWORD_VERIFIER",
    "CUSTOM_CHALLENGE",
    "SELECT_CHALLENGE",
    "DEVICE_SRP_AUTH",
    "DEVICE_PASSWORD_VERIFIER",
    "ADMIN_NO_SRP_AUTH",
    "NEW_PASSWORD_REQUIRED",
    "SMS_OTP",
    "PASSWORD",
    "WEB_AUTHN",
    "PASSWORD_SRP",
];

/// An app client's `ExplicitAuthFlows` values (the service model's enum): what a client allows, not what
/// InitiateAuth is asked for.
pub const EXPLICIT_AUTH_FLOWS: &[&str] = &[
    "ADMIN_NO_SRP_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY",
    "USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_AUTH",
    "ALLOW_TOKEN_EXCHANGE_DELEGATION",
    "ALLOW_TOKEN_EXCHANGE_IMPERSONATION",
];

/// Cognito's default when a client is created without `ExplicitAuthFlows`.
pub const DEFAULT_EXPLICIT_AUTH_FLOWS: &[&str] = &[
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_CUSTOM_AUTH",
];

/// `AllowedFirstAuthFactors` values of a pool's SignInPolicy (the model's `AuthFactorType`, less
/// SOFTWARE_TOKEN, which the model says is not a first factor).
pub const FIRST_AUTH_FACTORS: &[&str] = &["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"];

/// Cognito's SignInPolicy for a pool created without one: passwords only.
pub const DEFAULT_FIRST_AUTH_FACTORS: &[&str] = &["PASSWORD"];

/// Sign-in flows an app client can allow (see `AppClient::allows`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    UserSrp,
    UserPassword,
    RefreshToken,
    CustomAuth,
    UserAuth,
}
