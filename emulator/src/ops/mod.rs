//! The `X-Amz-Target` operations, one module per group, and the table that names them:
//! [`admin`] (pools, clients, users — what boto3 seeds with), [`auth`] (InitiateAuth,
//! RespondToAuthChallenge), [`account`] (self-service sign-up, passwords, attributes), [`mfa`],
//! [`devices`], [`oauth`] (domains, identity providers, resource servers), [`passkeys`], [`tokens`] (refreshing and revoking tokens) and [`user`] (GetUser). The groups never use
//! one another: what two of them share lives in the layers below (see `tests/layers.rs`).

pub mod account;
pub mod admin;
pub mod auth;
pub mod devices;
pub mod mfa;
pub mod oauth;
pub mod passkeys;
pub mod tokens;
pub mod user;

use serde_json::{Map, Value};

use crate::app::AppState;
use crate::error::{CognitoError, OpResult};
use crate::request::{CallContext, Req};

/// An operation's handler. Blocking (RSA key generation, SRP maths): call it off the async runtime.
type Handler = fn(&AppState, &CallContext, Req<'_>) -> OpResult<Value>;

/// Every operation the emulator answers, by its `X-Amz-Target` name: the one list that both
/// [`OPERATIONS`] and [`dispatch`] read.
const TABLE: &[(&str, Handler)] = &[
    ("CreateUserPool", |state, context, req| {
        admin::create_user_pool(state, context, req)
    }),
    ("DescribeUserPool", |state, _, req| {
        admin::describe_user_pool(state, req)
    }),
    ("ListUserPools", |state, _, req| {
        admin::list_user_pools(state, req)
    }),
    ("DeleteUserPool", |state, _, req| {
        admin::delete_user_pool(state, req)
    }),
    ("CreateUserPoolClient", |state, _, req| {
        admin::create_user_pool_client(state, req)
    }),
    ("DescribeUserPoolClient", |state, _, req| {
        admin::describe_user_pool_client(state, req)
    }),
    ("DeleteUserPoolClient", |state, _, req| {
        admin::delete_user_pool_client(state, req)
    }),
    ("AdminCreateUser", |state, _, req| {
        admin::admin_create_user(state, req)
    }),
    ("AdminSetUserPassword", |state, _, req| {
        admin::admin_set_user_password(state, req)
    }),
    ("AdminConfirmSignUp", |state, _, req| {
        admin::admin_confirm_sign_up(state, req)
    }),
    ("AdminGetUser", |state, _, req| {
        admin::admin_get_user(state, req)
    }),
    ("AdminDeleteUser", |state, _, req| {
        admin::admin_delete_user(state, req)
    }),
    ("AdminDisableUser", |state, _, req| {
        admin::admin_set_enabled(state, req, false)
    }),
    ("AdminEnableUser", |state, _, req| {
        admin::admin_set_enabled(state, req, true)
    }),
    ("InitiateAuth", |state, _, req| {
        auth::initiate_auth(state, req)
    }),
    ("RespondToAuthChallenge", |state, _, req| {
        auth::respond_to_auth_challenge(state, req)
    }),
    ("RevokeToken", |state, _, req| {
        tokens::revoke_token(state, req)
    }),
    ("GetUser", |state, _, req| user::get_user(state, req)),
    ("SignUp", |state, _, req| account::sign_up(state, req)),
    ("ConfirmSignUp", |state, _, req| {
        account::confirm_sign_up(state, req)
    }),
    ("ResendConfirmationCode", |state, _, req| {
        account::resend_confirmation_code(state, req)
    }),
    ("ForgotPassword", |state, _, req| {
        account::forgot_password(state, req)
    }),
    ("ConfirmForgotPassword", |state, _, req| {
        account::confirm_forgot_password(state, req)
    }),
    ("ChangePassword", |state, _, req| {
        account::change_password(state, req)
    }),
    ("UpdateUserAttributes", |state, _, req| {
        account::update_user_attributes(state, req)
    }),
    ("GetUserAttributeVerificationCode", |state, _, req| {
        account::get_user_attribute_verification_code(state, req)
    }),
    ("VerifyUserAttribute", |state, _, req| {
        account::verify_user_attribute(state, req)
    }),
    ("DeleteUserAttributes", |state, _, req| {
        account::delete_user_attributes(state, req)
    }),
    ("DeleteUser", |state, _, req| {
        account::delete_user(state, req)
    }),
    ("GlobalSignOut", |state, _, req| {
        account::global_sign_out(state, req)
    }),
    ("AdminResetUserPassword", |state, _, req| {
        account::admin_reset_user_password(state, req)
    }),
    ("AdminUpdateUserAttributes", |state, _, req| {
        account::admin_update_user_attributes(state, req)
    }),
    ("UpdateUserPool", |state, _, req| {
        mfa::update_user_pool(state, req)
    }),
    ("SetUserPoolMfaConfig", |state, _, req| {
        mfa::set_user_pool_mfa_config(state, req)
    }),
    ("GetUserPoolMfaConfig", |state, _, req| {
        mfa::get_user_pool_mfa_config(state, req)
    }),
    ("SetUserMFAPreference", |state, _, req| {
        mfa::set_user_mfa_preference(state, req)
    }),
    ("AdminSetUserMFAPreference", |state, _, req| {
        mfa::admin_set_user_mfa_preference(state, req)
    }),
    ("SetUserSettings", |state, _, req| {
        mfa::set_user_settings(state, req)
    }),
    ("AdminSetUserSettings", |state, _, req| {
        mfa::admin_set_user_settings(state, req)
    }),
    ("AssociateSoftwareToken", |state, _, req| {
        mfa::associate_software_token(state, req)
    }),
    ("VerifySoftwareToken", |state, _, req| {
        mfa::verify_software_token(state, req)
    }),
    ("ConfirmDevice", |state, _, req| {
        devices::confirm_device(state, req)
    }),
    ("ListDevices", |state, _, req| {
        devices::list_devices(state, req, false)
    }),
    ("GetDevice", |state, _, req| {
        devices::get_device(state, req, false)
    }),
    ("UpdateDeviceStatus", |state, _, req| {
        devices::update_device_status(state, req, false)
    }),
    ("ForgetDevice", |state, _, req| {
        devices::forget_device(state, req, false)
    }),
    ("AdminListDevices", |state, _, req| {
        devices::list_devices(state, req, true)
    }),
    ("AdminGetDevice", |state, _, req| {
        devices::get_device(state, req, true)
    }),
    ("AdminUpdateDeviceStatus", |state, _, req| {
        devices::update_device_status(state, req, true)
    }),
    ("AdminForgetDevice", |state, _, req| {
        devices::forget_device(state, req, true)
    }),
    ("GetTokensFromRefreshToken", |state, _, req| {
        tokens::get_tokens_from_refresh_token(state, req)
    }),
    ("UpdateUserPoolClient", |state, _, req| {
        admin::update_user_pool_client(state, req)
    }),
    ("StartWebAuthnRegistration", |state, _, req| {
        passkeys::start_web_authn_registration(state, req)
    }),
    ("CompleteWebAuthnRegistration", |state, _, req| {
        passkeys::complete_web_authn_registration(state, req)
    }),
    ("ListWebAuthnCredentials", |state, _, req| {
        passkeys::list_web_authn_credentials(state, req)
    }),
    ("DeleteWebAuthnCredential", |state, _, req| {
        passkeys::delete_web_authn_credential(state, req)
    }),
    ("CreateUserPoolDomain", |state, _, req| {
        oauth::create_user_pool_domain(state, req)
    }),
    ("DescribeUserPoolDomain", |state, _, req| {
        oauth::describe_user_pool_domain(state, req)
    }),
    ("DeleteUserPoolDomain", |state, _, req| {
        oauth::delete_user_pool_domain(state, req)
    }),
    ("CreateIdentityProvider", |state, _, req| {
        oauth::create_identity_provider(state, req)
    }),
    ("DescribeIdentityProvider", |state, _, req| {
        oauth::describe_identity_provider(state, req)
    }),
    ("ListIdentityProviders", |state, _, req| {
        oauth::list_identity_providers(state, req)
    }),
    ("CreateResourceServer", |state, _, req| {
        oauth::create_resource_server(state, req)
    }),
    ("DescribeResourceServer", |state, _, req| {
        oauth::describe_resource_server(state, req)
    }),
];

/// The names of [`TABLE`], as a constant (the fuzz harness builds requests from it).
pub const OPERATIONS: &[&str] = &names::<{ TABLE.len() }>();

const fn names<const N: usize>() -> [&'static str; N] {
    let mut names = [""; N];
    let mut i = 0;
    while i < N {
        names[i] = TABLE[i].0;
        i += 1;
    }
    names
}

pub fn is_known(operation: &str) -> bool {
    OPERATIONS.contains(&operation)
}

/// Runs one operation. Blocking (RSA key generation, SRP maths): call it off the async runtime.
pub fn dispatch(
    state: &AppState,
    operation: &str,
    context: &CallContext,
    body: &Map<String, Value>,
) -> OpResult<Value> {
    match TABLE.iter().find(|(name, _)| *name == operation) {
        Some((_, handler)) => handler(state, context, Req(body)),
        None => Err(unknown_operation(operation)),
    }
}

pub fn unknown_operation(operation: &str) -> CognitoError {
    CognitoError::new(
        "UnknownOperationException",
        format!("Operation {operation} is not supported by this emulator."),
    )
}
