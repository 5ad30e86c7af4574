//! The `X-Amz-Target` operations, one module per group:
//! [`admin`] (pools, clients, users — what boto3 seeds with), [`auth`] (InitiateAuth,
//! RespondToAuthChallenge), [`tokens`] (issuing, refreshing and revoking tokens), [`user`]
//! (GetUser, with access-token checks) and [`timestamp`] (the SRP TIMESTAMP check).

pub mod account;
pub mod admin;
pub mod auth;
pub mod challenges;
pub mod devices;
pub mod first_factor;
pub mod mfa;
mod prepared_srp;
pub mod request;
pub mod timestamp;
pub mod tokens;
pub mod user;

use serde_json::{Map, Value};

use crate::error::{CognitoError, OpResult};
use crate::state::AppState;
use request::Req;

/// What the HTTP layer knows about a call besides its body.
#[derive(Clone, Debug, Default)]
pub struct CallContext {
    /// Region of a SigV4 `Authorization` header's credential scope (boto3 signs admin calls); new pools
    /// are created in it so that ids match the client's configured region.
    pub signed_region: Option<String>,
}

/// Every operation the emulator answers.
pub const OPERATIONS: &[&str] = &[
    "CreateUserPool",
    "DescribeUserPool",
    "ListUserPools",
    "DeleteUserPool",
    "CreateUserPoolClient",
    "DescribeUserPoolClient",
    "DeleteUserPoolClient",
    "AdminCreateUser",
    "AdminSetUserPassword",
    "AdminConfirmSignUp",
    "AdminGetUser",
    "AdminDeleteUser",
    "AdminDisableUser",
    "AdminEnableUser",
    "InitiateAuth",
    "RespondToAuthChallenge",
    "RevokeToken",
    "GetUser",
    "SignUp",
    "ConfirmSignUp",
    "ResendConfirmationCode",
    "ForgotPassword",
    "ConfirmForgotPassword",
    "ChangePassword",
    "UpdateUserAttributes",
    "GetUserAttributeVerificationCode",
    "VerifyUserAttribute",
    "DeleteUserAttributes",
    "DeleteUser",
    "GlobalSignOut",
    "AdminResetUserPassword",
    "AdminUpdateUserAttributes",
    "UpdateUserPool",
    "SetUserPoolMfaConfig",
    "GetUserPoolMfaConfig",
    "SetUserMFAPreference",
    "AdminSetUserMFAPreference",
    "SetUserSettings",
    "AdminSetUserSettings",
    "AssociateSoftwareToken",
    "VerifySoftwareToken",
    "ConfirmDevice",
    "ListDevices",
    "GetDevice",
    "UpdateDeviceStatus",
    "ForgetDevice",
    "AdminListDevices",
    "AdminGetDevice",
    "AdminUpdateDeviceStatus",
    "AdminForgetDevice",
    "GetTokensFromRefreshToken",
    "UpdateUserPoolClient",
];

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
    let req = Req(body);
    match operation {
        "CreateUserPool" => admin::create_user_pool(state, context, req),
        "DescribeUserPool" => admin::describe_user_pool(state, req),
        "ListUserPools" => admin::list_user_pools(state, req),
        "DeleteUserPool" => admin::delete_user_pool(state, req),
        "CreateUserPoolClient" => admin::create_user_pool_client(state, req),
        "DescribeUserPoolClient" => admin::describe_user_pool_client(state, req),
        "DeleteUserPoolClient" => admin::delete_user_pool_client(state, req),
        "AdminCreateUser" => admin::admin_create_user(state, req),
        "AdminSetUserPassword" => admin::admin_set_user_password(state, req),
        "AdminConfirmSignUp" => admin::admin_confirm_sign_up(state, req),
        "AdminGetUser" => admin::admin_get_user(state, req),
        "AdminDeleteUser" => admin::admin_delete_user(state, req),
        "AdminDisableUser" => admin::admin_set_enabled(state, req, false),
        "AdminEnableUser" => admin::admin_set_enabled(state, req, true),
        "InitiateAuth" => auth::initiate_auth(state, req),
        "RespondToAuthChallenge" => auth::respond_to_auth_challenge(state, req),
        "RevokeToken" => tokens::revoke_token(state, req),
        "GetUser" => user::get_user(state, req),
        "SignUp" => account::sign_up(state, req),
        "ConfirmSignUp" => account::confirm_sign_up(state, req),
        "ResendConfirmationCode" => account::resend_confirmation_code(state, req),
        "ForgotPassword" => account::forgot_password(state, req),
        "ConfirmForgotPassword" => account::confirm_forgot_password(state, req),
        "ChangePassword" => account::change_password(state, req),
        "UpdateUserAttributes" => account::update_user_attributes(state, req),
        "GetUserAttributeVerificationCode" => {
            account::get_user_attribute_verification_code(state, req)
        }
        "VerifyUserAttribute" => account::verify_user_attribute(state, req),
        "DeleteUserAttributes" => account::delete_user_attributes(state, req),
        "DeleteUser" => account::delete_user(state, req),
        "GlobalSignOut" => account::global_sign_out(state, req),
        "AdminResetUserPassword" => account::admin_reset_user_password(state, req),
        "AdminUpdateUserAttributes" => account::admin_update_user_attributes(state, req),
        "UpdateUserPool" => mfa::update_user_pool(state, req),
        "SetUserPoolMfaConfig" => mfa::set_user_pool_mfa_config(state, req),
        "GetUserPoolMfaConfig" => mfa::get_user_pool_mfa_config(state, req),
        "SetUserMFAPreference" => mfa::set_user_mfa_preference(state, req),
        "AdminSetUserMFAPreference" => mfa::admin_set_user_mfa_preference(state, req),
        "SetUserSettings" => mfa::set_user_settings(state, req),
        "AdminSetUserSettings" => mfa::admin_set_user_settings(state, req),
        "AssociateSoftwareToken" => mfa::associate_software_token(state, req),
        "VerifySoftwareToken" => mfa::verify_software_token(state, req),
        "ConfirmDevice" => devices::confirm_device(state, req),
        "ListDevices" => devices::list_devices(state, req, false),
        "GetDevice" => devices::get_device(state, req, false),
        "UpdateDeviceStatus" => devices::update_device_status(state, req, false),
        "ForgetDevice" => devices::forget_device(state, req, false),
        "AdminListDevices" => devices::list_devices(state, req, true),
        "AdminGetDevice" => devices::get_device(state, req, true),
        "AdminUpdateDeviceStatus" => devices::update_device_status(state, req, true),
        "AdminForgetDevice" => devices::forget_device(state, req, true),
        "GetTokensFromRefreshToken" => tokens::get_tokens_from_refresh_token(state, req),
        "UpdateUserPoolClient" => admin::update_user_pool_client(state, req),
        _ => Err(unknown_operation(operation)),
    }
}

pub fn unknown_operation(operation: &str) -> CognitoError {
    CognitoError::new(
        "UnknownOperationException",
        format!("Operation {operation} is not supported by this emulator."),
    )
}
