//! The JavaScript API (wasm32 only): `CognitoClient`, shaped like Amplify v6's auth functions. This layer
//! only converts values, sends the core's requests with `fetch`, keeps the session in storage and reads the
//! clock; every decision is made by the sans-IO core.

mod events;
mod js_error;
mod storage;
mod transport;

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};

use crate::config::RefreshMethod;
use crate::error::names;
use crate::flows::account::{self, MfaPreference};
use crate::flows::devices;
use crate::flows::sign_in::{Answer, Method, NextStep, Progress, SignIn, SignInInput, TotpSetup};
use crate::flows::{refresh, sign_out};
use crate::jwt::Claims;
use crate::protocol::{Request, StringMap};
use crate::secret::{ClientSecret, Password};
use crate::session::Session;
use crate::srp::client::SrpClient;
use crate::{ClientConfig, Error};
use events::{AuthEvent, Listeners};
use serde_json::{Value, json};
use storage::{SessionStore, StorageKind};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** Where the session is kept. Defaults to 'local' where localStorage exists, else 'memory'. */
export type StorageKind = 'memory' | 'local' | 'session';

export interface CognitoClientConfig {
  /** e.g. 'us-east-1_AbCdEf123' */
  userPoolId: string;
  /** The app client id. */
  clientId: string;
  /** Only for app clients created with a secret; sent as SECRET_HASH / ClientSecret. */
  clientSecret?: string;
  /** Defaults to https://cognito-idp.{region}.amazonaws.com/ (the region is taken from userPoolId). */
  endpoint?: string;
  storage?: StorageKind;
  /** The issuer authenticator apps show for TOTP set up through this client. Default 'Cognito'. */
  totpIssuer?: string;
  /**
   * How tokens are refreshed. 'InitiateAuth' (default) uses REFRESH_TOKEN_AUTH; 'GetTokensFromRefreshToken'
   * is needed when the app client rotates refresh tokens (the new refresh token replaces the old one).
   */
  refreshMethod?: 'InitiateAuth' | 'GetTokensFromRefreshToken';
  /**
   * Retries of requests that failed with throttling, a server fault or a network error (never of
   * authentication errors), with exponential back-off and jitter. Default 3 attempts, 100 ms base delay.
   */
  retry?: { maxAttempts?: number; baseDelayMs?: number };
  /** getSession refreshes tokens that expire within this many seconds. Default 60. */
  refreshMarginSeconds?: number;
}

/**
 * USER_SRP_AUTH (default): the password never leaves the device. USER_PASSWORD_AUTH: it is sent over TLS.
 * CUSTOM_WITH_SRP / CUSTOM_WITHOUT_SRP: CUSTOM_AUTH, with or without proving the password first.
 * USER_AUTH: choice-based sign-in (password, e-mail or SMS one-time code), see preferredChallenge.
 */
export type AuthFlowType = 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | 'CUSTOM_WITH_SRP' | 'CUSTOM_WITHOUT_SRP' | 'USER_AUTH';
export type FirstFactor = 'PASSWORD' | 'PASSWORD_SRP' | 'EMAIL_OTP' | 'SMS_OTP';
export type MfaType = 'SMS' | 'TOTP' | 'EMAIL';
export type ClientMetadata = Record<string, string>;

export interface SignInInput {
  username: string;
  /** Required except for CUSTOM_WITHOUT_SRP and USER_AUTH with a code factor. */
  password?: string;
  /** Defaults to 'USER_SRP_AUTH'. */
  authFlowType?: AuthFlowType;
  /** USER_AUTH: start with this factor instead of asking which. */
  preferredChallenge?: FirstFactor;
  clientMetadata?: ClientMetadata;
}

export interface CodeDeliveryDetails {
  deliveryMedium?: 'SMS' | 'EMAIL' | string;
  /** Masked, e.g. '+*******1234' or 'a***@e***'. */
  destination?: string;
  attributeName?: string;
}

export interface TotpSetupDetails {
  /** Base32 secret, for typing into an authenticator app. */
  sharedSecret: string;
  /** otpauth:// URI, for a QR code. */
  setupUri: string;
}

export type SignInStep =
  | { signInStep: 'DONE' }
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_SMS_CODE'; codeDeliveryDetails: CodeDeliveryDetails }
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE'; codeDeliveryDetails: CodeDeliveryDetails }
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' }
  /** Answer with one of allowedMFATypes. */
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION'; allowedMFATypes: MfaType[] }
  /** Answer with the factor to set up: one of allowedMFATypes. */
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION'; allowedMFATypes: MfaType[] }
  /** Add the secret to an authenticator app, then answer with a code from it. */
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP'; totpSetupDetails: TotpSetupDetails }
  /** Answer with the e-mail address to send codes to. */
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP' }
  /** Answer with the new password, and options.userAttributes for missingAttributes. */
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED'; missingAttributes: string[] }
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE'; additionalInfo: Record<string, string> }
  /** USER_AUTH: answer with one of availableChallenges (WEB_AUTHN is listed but not supported yet). */
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION'; availableChallenges: string[] }
  /** USER_AUTH: a password factor was chosen; answer with the password. */
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_PASSWORD' }
  /** Call confirmSignUp with the code that was sent at sign-up. */
  | { signInStep: 'CONFIRM_SIGN_UP' }
  /** Call resetPassword. */
  | { signInStep: 'RESET_PASSWORD' }
  /** A challenge this version does not handle; the sign-in cannot continue. */
  | { signInStep: 'UNHANDLED_CHALLENGE'; challengeName: string; challengeParameters: Record<string, string> };

export type SignInOutput =
  | { isSignedIn: true; nextStep: { signInStep: 'DONE' } }
  | { isSignedIn: false; nextStep: Exclude<SignInStep, { signInStep: 'DONE' }> };

export interface ConfirmSignInInput {
  /** The code, new password, chosen MFA type, e-mail address or custom answer the current step asks for. */
  challengeResponse: string;
  options?: {
    userAttributes?: Record<string, string>;
    friendlyDeviceName?: string;
    clientMetadata?: ClientMetadata;
  };
}

/** Claims of the ID token (not verified: the tokens came from Cognito over TLS). */
export interface IdTokenClaims {
  sub: string;
  'cognito:username': string;
  aud: string;
  iss: string;
  exp: number;
  iat: number;
  auth_time: number;
  token_use: 'id';
  [claim: string]: unknown;
}

export interface Session {
  /** The name Cognito knows the user by (for alias sign-ins, not what was typed). */
  username: string;
  idToken: string;
  accessToken: string;
  refreshToken: string | null;
  /** When the earlier of the ID and access tokens expires, in device-clock milliseconds since the epoch. */
  expiresAt: number;
  /** Device clock minus Cognito's clock, in seconds, measured when the tokens arrived. */
  clockDrift: number;
  idTokenClaims: IdTokenClaims;
}

export interface SignUpInput {
  username: string;
  password: string;
  options?: {
    userAttributes?: Record<string, string>;
    validationData?: Record<string, string>;
    clientMetadata?: ClientMetadata;
  };
}

export interface SignUpOutput {
  isSignUpComplete: boolean;
  /** The new user's sub. */
  userId?: string;
  nextStep:
    | { signUpStep: 'DONE' }
    | { signUpStep: 'CONFIRM_SIGN_UP'; codeDeliveryDetails?: CodeDeliveryDetails };
}

export interface ConfirmSignUpInput {
  username: string;
  confirmationCode: string;
  options?: { clientMetadata?: ClientMetadata };
}

export interface UsernameInput {
  username: string;
  options?: { clientMetadata?: ClientMetadata };
}

export interface ResetPasswordOutput {
  isPasswordReset: false;
  nextStep: { resetPasswordStep: 'CONFIRM_RESET_PASSWORD_WITH_CODE'; codeDeliveryDetails?: CodeDeliveryDetails };
}

export interface ConfirmResetPasswordInput {
  username: string;
  confirmationCode: string;
  newPassword: string;
  options?: { clientMetadata?: ClientMetadata };
}

export interface UpdatePasswordInput {
  oldPassword: string;
  newPassword: string;
}

export interface UpdateUserAttributesInput {
  userAttributes: Record<string, string>;
  options?: { clientMetadata?: ClientMetadata };
}

export type UpdateUserAttributesOutput = Record<
  string,
  {
    isUpdated: boolean;
    nextStep:
      | { updateAttributeStep: 'DONE' }
      | { updateAttributeStep: 'CONFIRM_ATTRIBUTE_WITH_CODE'; codeDeliveryDetails: CodeDeliveryDetails };
  }
>;

export interface ConfirmUserAttributeInput {
  userAttributeKey: string;
  confirmationCode: string;
}

export type MfaPreferenceValue = 'ENABLED' | 'DISABLED' | 'PREFERRED' | 'NOT_PREFERRED';

export interface UpdateMfaPreferenceInput {
  sms?: MfaPreferenceValue;
  totp?: MfaPreferenceValue;
  email?: MfaPreferenceValue;
}

export interface MfaPreferenceOutput {
  enabled?: MfaType[];
  preferred?: MfaType;
}

/** A device Cognito tracks for the user. Dates are epoch milliseconds. */
export interface Device {
  id: string;
  name?: string;
  attributes: Record<string, string>;
  createDate?: number;
  lastModifiedDate?: number;
  lastAuthenticatedDate?: number;
}

export type AuthEventName = 'signedIn' | 'signedOut' | 'tokenRefreshed' | 'tokenRefreshFailed' | 'sessionExpired';

export interface AuthEvent {
  event: AuthEventName;
  username?: string;
  /** tokenRefreshFailed, sessionExpired: why. */
  error?: { name: string; message: string };
}

export interface VerifyTotpSetupInput {
  code: string;
  options?: { friendlyDeviceName?: string };
}
"#;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfigInput {
    user_pool_id: String,
    client_id: String,
    client_secret: Option<String>,
    endpoint: Option<String>,
    storage: Option<StorageKind>,
    totp_issuer: Option<String>,
    refresh_method: Option<RefreshMethodInput>,
    retry: Option<RetryInput>,
    refresh_margin_seconds: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RetryInput {
    max_attempts: Option<u32>,
    base_delay_ms: Option<u32>,
}

#[derive(Deserialize)]
enum RefreshMethodInput {
    InitiateAuth,
    GetTokensFromRefreshToken,
}

#[derive(Deserialize)]
enum AuthFlowType {
    #[serde(rename = "USER_SRP_AUTH")]
    UserSrp,
    #[serde(rename = "USER_PASSWORD_AUTH")]
    UserPassword,
    #[serde(rename = "CUSTOM_WITH_SRP")]
    CustomWithSrp,
    #[serde(rename = "CUSTOM_WITHOUT_SRP")]
    CustomWithoutSrp,
    #[serde(rename = "USER_AUTH")]
    UserAuth,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignInArgs {
    username: String,
    #[serde(default)]
    password: String,
    auth_flow_type: Option<AuthFlowType>,
    preferred_challenge: Option<String>,
    client_metadata: Option<StringMap>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ConfirmSignInOptions {
    #[serde(default)]
    user_attributes: StringMap,
    friendly_device_name: Option<String>,
    client_metadata: Option<StringMap>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfirmSignInArgs {
    challenge_response: String,
    #[serde(default)]
    options: ConfirmSignInOptions,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignInOutput {
    is_signed_in: bool,
    next_step: NextStep,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionOutput<'a> {
    username: &'a str,
    id_token: &'a str,
    access_token: &'a str,
    refresh_token: Option<&'a str>,
    expires_at: f64,
    clock_drift: i64,
    id_token_claims: &'a Claims,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct MetadataOptions {
    client_metadata: Option<StringMap>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SignUpOptions {
    #[serde(default)]
    user_attributes: StringMap,
    #[serde(default)]
    validation_data: StringMap,
    client_metadata: Option<StringMap>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignUpArgs {
    username: String,
    password: String,
    #[serde(default)]
    options: SignUpOptions,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfirmSignUpArgs {
    username: String,
    confirmation_code: String,
    #[serde(default)]
    options: MetadataOptions,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UsernameArgs {
    username: String,
    #[serde(default)]
    options: MetadataOptions,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfirmResetPasswordArgs {
    username: String,
    confirmation_code: String,
    new_password: String,
    #[serde(default)]
    options: MetadataOptions,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdatePasswordArgs {
    old_password: String,
    new_password: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateUserAttributesArgs {
    user_attributes: StringMap,
    #[serde(default)]
    options: MetadataOptions,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AttributeKeyArgs {
    user_attribute_key: String,
    #[serde(default)]
    options: MetadataOptions,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfirmUserAttributeArgs {
    user_attribute_key: String,
    confirmation_code: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AttributeKeysArgs {
    user_attribute_keys: Vec<String>,
}

#[derive(Deserialize)]
struct MfaPreferenceArgs {
    sms: Option<MfaPreference>,
    totp: Option<MfaPreference>,
    email: Option<MfaPreference>,
}

#[derive(Deserialize)]
struct DeviceId {
    id: String,
}

#[derive(Deserialize)]
struct DeviceArgs {
    device: Option<DeviceId>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct VerifyTotpOptions {
    friendly_device_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerifyTotpArgs {
    code: String,
    #[serde(default)]
    options: VerifyTotpOptions,
}

fn from_js<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, Error> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| Error::invalid_parameter(format!("{what}: {e}")))
}

fn to_js(value: &impl Serialize) -> Result<JsValue, Error> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| Error::invalid_response(format!("cannot convert result: {e}")))
}

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0).floor() as i64
}

/// Runs an async operation as a Promise whose rejection is a `CognitoError`.
fn promise<F>(future: F) -> Promise
where
    F: Future<Output = Result<JsValue, Error>> + 'static,
{
    future_to_promise(async move { future.await.map_err(JsValue::from) })
}

/// A client for one user pool app client. Create one per app and share it.
#[wasm_bindgen]
pub struct CognitoClient {
    inner: Rc<Inner>,
}

struct Inner {
    config: ClientConfig,
    store: SessionStore,
    /// A sign-in waiting for `confirmSignIn`.
    pending_sign_in: RefCell<Option<SignIn>>,
    /// The refresh under way in this tab, which concurrent callers wait for instead of sending their own.
    refreshing: RefCell<Option<Promise>>,
    listeners: Listeners,
}

impl AsRef<Listeners> for Inner {
    fn as_ref(&self) -> &Listeners {
        &self.listeners
    }
}

/// Defines `CognitoClient`'s async methods: each `name(args) -> Promise<ret>` parses its argument, then runs
/// the body with the shared state, and rejects with a `CognitoError`. (wasm-bindgen cannot expand macros
/// inside an exported impl, so the macro writes the whole impl block.)
macro_rules! async_methods {
    ($(
        $(#[$doc:meta])*
        $js:literal -> $ret:literal,
        fn $name:ident(&$inner:ident $(, $arg:ident : $arg_ty:literal => $arg_rust:ty)?) $body:block
    )*) => {
        #[wasm_bindgen]
        impl CognitoClient {
            $(
                $(#[$doc])*
                #[wasm_bindgen(js_name = $js, unchecked_return_type = $ret)]
                pub fn $name(&self $(, #[wasm_bindgen(unchecked_param_type = $arg_ty)] $arg: JsValue)?) -> Promise {
                    let $inner = self.inner.clone();
                    promise(async move {
                        $(let $arg: $arg_rust = from_js($arg, concat!($js, " input"))?;)?
                        $body
                    })
                }
            )*
        }
    };
}

#[wasm_bindgen]
impl CognitoClient {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "CognitoClientConfig")] config: JsValue,
    ) -> Result<CognitoClient, JsValue> {
        let input: ConfigInput = from_js(config, "CognitoClient config")?;
        let mut config = ClientConfig::new(
            input.user_pool_id,
            input.client_id,
            input.client_secret.map(ClientSecret::new),
            input.endpoint,
        )?;
        if let Some(issuer) = input.totp_issuer {
            config.totp_issuer = issuer;
        }
        if let Some(margin) = input.refresh_margin_seconds {
            config.refresh_margin_secs = i64::from(margin);
        }
        if let Some(retry) = input.retry {
            config.retry.max_attempts = retry
                .max_attempts
                .unwrap_or(config.retry.max_attempts)
                .max(1);
            config.retry.base_delay_ms = retry.base_delay_ms.unwrap_or(config.retry.base_delay_ms);
        }
        config.refresh_method = match input.refresh_method {
            Some(RefreshMethodInput::GetTokensFromRefreshToken) => {
                RefreshMethod::GetTokensFromRefreshToken
            }
            Some(RefreshMethodInput::InitiateAuth) | None => RefreshMethod::InitiateAuth,
        };
        let store = match input.storage {
            Some(kind) => SessionStore::new(kind, &config.user_pool_id, &config.client_id)?,
            None => SessionStore::new(StorageKind::Local, &config.user_pool_id, &config.client_id)
                .or_else(|_| {
                    SessionStore::new(StorageKind::Memory, &config.user_pool_id, &config.client_id)
                })?,
        };
        let inner = Inner {
            config,
            store,
            pending_sign_in: RefCell::new(None),
            refreshing: RefCell::new(None),
            listeners: Listeners::default(),
        };
        Ok(CognitoClient {
            inner: Rc::new(inner),
        })
    }
}

#[wasm_bindgen]
impl CognitoClient {
    /// Calls `handler` on every `event` in this tab; returns a function that stops it.
    #[wasm_bindgen(unchecked_return_type = "() => void")]
    pub fn on(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AuthEventName")] event: JsValue,
        #[wasm_bindgen(unchecked_param_type = "(event: AuthEvent) => void")]
        handler: js_sys::Function,
    ) -> Result<js_sys::Function, JsValue> {
        let event: AuthEvent = from_js(event, "event name")?;
        Ok(self
            .inner
            .listeners
            .add(event, handler, Rc::downgrade(&self.inner)))
    }
}

async_methods! {
    /// Signs in with USER_SRP_AUTH (default) or USER_PASSWORD_AUTH. Resolves with the next step: DONE
    /// (the session is stored), or a challenge to answer with `confirmSignIn`.
    "signIn" -> "Promise<SignInOutput>", fn sign_in(&inner, input: "SignInInput" => SignInArgs) {
        inner.sign_in(input).await
    }

    /// Answers the step `signIn` (or the previous `confirmSignIn`) returned. After a wrong code the same
    /// step can be answered again.
    "confirmSignIn" -> "Promise<SignInOutput>", fn confirm_sign_in(&inner, input: "ConfirmSignInInput" => ConfirmSignInArgs) {
        inner.confirm_sign_in(input).await
    }

    /// The current session; refreshes it first when its tokens expire within the refresh margin. Rejects with
    /// `UserUnAuthenticatedException` when nobody is signed in.
    "getSession" -> "Promise<Session>", fn get_session(&inner) {
        session_output(&inner.valid_session().await?)
    }

    /// Refreshes the tokens now (REFRESH_TOKEN_AUTH), keeping the refresh token.
    "refreshSession" -> "Promise<Session>", fn refresh_session(&inner) {
        let session = inner.stored_session()?;
        session_output(&inner.refresh(&session).await?)
    }

    /// Forgets the session on this device and revokes its refresh token. The local sign-out always
    /// happens; a failed revocation (e.g. offline) is not reported.
    "signOut" -> "Promise<void>", fn sign_out(&inner) {
        let session = inner.load_session();
        inner.end_session(session.as_ref());
        if let Some(token) = session.as_ref().and_then(Session::refresh_token) {
            let request = sign_out::revoke_request(&inner.config, token)?;
            let _ = inner.send(&request).await;
        }
        Ok(JsValue::UNDEFINED)
    }

    /// Signs the user out everywhere (GlobalSignOut): every refresh token is revoked, then the local
    /// session is cleared.
    "globalSignOut" -> "Promise<void>", fn global_sign_out(&inner) {
        let session = inner.valid_session().await?;
        inner.send(&account::global_sign_out(session.access_token())?).await?;
        inner.end_session(Some(&session));
        Ok(JsValue::UNDEFINED)
    }

    /// Registers a new user (SignUp).
    "signUp" -> "Promise<SignUpOutput>", fn sign_up(&inner, input: "SignUpInput" => SignUpArgs) {
        let request = account::sign_up(&inner.config, &account::SignUpInput {
            username: input.username,
            password: Password::new(input.password),
            user_attributes: input.options.user_attributes,
            validation_data: input.options.validation_data,
            client_metadata: input.options.client_metadata,
        })?;
        let reply: account::SignUpReply = account::read(request.operation, &inner.send(&request).await?)?;
        let next_step = if reply.user_confirmed {
            json!({"signUpStep": "DONE"})
        } else {
            json!({"signUpStep": "CONFIRM_SIGN_UP", "codeDeliveryDetails": reply.code_delivery_details})
        };
        to_js(&json!({"isSignUpComplete": reply.user_confirmed, "userId": reply.user_sub, "nextStep": next_step}))
    }

    /// Confirms a sign-up with the code that was sent (ConfirmSignUp).
    "confirmSignUp" -> "Promise<SignUpOutput>", fn confirm_sign_up(&inner, input: "ConfirmSignUpInput" => ConfirmSignUpArgs) {
        let request = account::confirm_sign_up(&inner.config, &input.username, input.confirmation_code.trim(), input.options.client_metadata.as_ref())?;
        inner.send(&request).await?;
        to_js(&json!({"isSignUpComplete": true, "nextStep": {"signUpStep": "DONE"}}))
    }

    /// Sends the sign-up code again (ResendConfirmationCode).
    "resendSignUpCode" -> "Promise<CodeDeliveryDetails>", fn resend_sign_up_code(&inner, input: "UsernameInput" => UsernameArgs) {
        let request = account::resend_confirmation_code(&inner.config, &input.username, input.options.client_metadata.as_ref())?;
        let reply: account::CodeDeliveryReply = account::read(request.operation, &inner.send(&request).await?)?;
        to_js(&reply.code_delivery_details.unwrap_or_default())
    }

    /// Starts a password reset: Cognito sends a code (ForgotPassword).
    "resetPassword" -> "Promise<ResetPasswordOutput>", fn reset_password(&inner, input: "UsernameInput" => UsernameArgs) {
        let request = account::forgot_password(&inner.config, &input.username, input.options.client_metadata.as_ref())?;
        let reply: account::CodeDeliveryReply = account::read(request.operation, &inner.send(&request).await?)?;
        to_js(&json!({"isPasswordReset": false, "nextStep": {
            "resetPasswordStep": "CONFIRM_RESET_PASSWORD_WITH_CODE",
            "codeDeliveryDetails": reply.code_delivery_details}}))
    }

    /// Sets the new password with the code from `resetPassword` (ConfirmForgotPassword).
    "confirmResetPassword" -> "Promise<void>", fn confirm_reset_password(&inner, input: "ConfirmResetPasswordInput" => ConfirmResetPasswordArgs) {
        let request = account::confirm_forgot_password(
            &inner.config,
            &input.username,
            input.confirmation_code.trim(),
            &Password::new(input.new_password),
            input.options.client_metadata.as_ref(),
        )?;
        inner.send(&request).await?;
        Ok(JsValue::UNDEFINED)
    }

    /// Changes the signed-in user's password (ChangePassword).
    "updatePassword" -> "Promise<void>", fn update_password(&inner, input: "UpdatePasswordInput" => UpdatePasswordArgs) {
        let token = inner.access_token().await?;
        let request = account::change_password(&token, &Password::new(input.old_password), &Password::new(input.new_password))?;
        inner.send(&request).await?;
        Ok(JsValue::UNDEFINED)
    }

    /// The signed-in user's attributes (GetUser).
    "fetchUserAttributes" -> "Promise<Record<string, string>>", fn fetch_user_attributes(&inner) {
        to_js(&inner.get_user().await?.attributes())
    }

    /// Updates attributes; those that need verification (e-mail, phone) get a code (UpdateUserAttributes).
    "updateUserAttributes" -> "Promise<UpdateUserAttributesOutput>", fn update_user_attributes(&inner, input: "UpdateUserAttributesInput" => UpdateUserAttributesArgs) {
        let token = inner.access_token().await?;
        let request = account::update_user_attributes(&token, &input.user_attributes, input.options.client_metadata.as_ref())?;
        let reply: account::UpdateUserAttributesReply = account::read(request.operation, &inner.send(&request).await?)?;
        let mut output = serde_json::Map::new();
        for name in input.user_attributes.keys() {
            let delivery = reply.code_delivery_details_list.iter().find(|d| d.attribute_name.as_deref() == Some(name));
            let entry = match delivery {
                Some(details) => json!({"isUpdated": false, "nextStep": {"updateAttributeStep": "CONFIRM_ATTRIBUTE_WITH_CODE", "codeDeliveryDetails": details}}),
                None => json!({"isUpdated": true, "nextStep": {"updateAttributeStep": "DONE"}}),
            };
            output.insert(name.clone(), entry);
        }
        to_js(&output)
    }

    /// Sends a verification code for an attribute (GetUserAttributeVerificationCode).
    "sendUserAttributeVerificationCode" -> "Promise<CodeDeliveryDetails>", fn send_user_attribute_verification_code(&inner, input: "{ userAttributeKey: string; options?: { clientMetadata?: ClientMetadata } }" => AttributeKeyArgs) {
        let token = inner.access_token().await?;
        let request = account::get_user_attribute_verification_code(&token, &input.user_attribute_key, input.options.client_metadata.as_ref())?;
        let reply: account::CodeDeliveryReply = account::read(request.operation, &inner.send(&request).await?)?;
        to_js(&reply.code_delivery_details.unwrap_or_default())
    }

    /// Verifies an attribute with its code (VerifyUserAttribute).
    "confirmUserAttribute" -> "Promise<void>", fn confirm_user_attribute(&inner, input: "ConfirmUserAttributeInput" => ConfirmUserAttributeArgs) {
        let token = inner.access_token().await?;
        inner.send(&account::verify_user_attribute(&token, &input.user_attribute_key, input.confirmation_code.trim())?).await?;
        Ok(JsValue::UNDEFINED)
    }

    /// Deletes attributes (DeleteUserAttributes).
    "deleteUserAttributes" -> "Promise<void>", fn delete_user_attributes(&inner, input: "{ userAttributeKeys: string[] }" => AttributeKeysArgs) {
        let token = inner.access_token().await?;
        inner.send(&account::delete_user_attributes(&token, &input.user_attribute_keys)?).await?;
        Ok(JsValue::UNDEFINED)
    }

    /// Deletes the signed-in user (DeleteUser) and clears the session.
    "deleteUser" -> "Promise<void>", fn delete_user(&inner) {
        let session = inner.valid_session().await?;
        inner.send(&account::delete_user(session.access_token())?).await?;
        inner.end_session(Some(&session));
        Ok(JsValue::UNDEFINED)
    }

    /// Starts TOTP setup for the signed-in user (AssociateSoftwareToken).
    "setUpTOTP" -> "Promise<TotpSetupDetails>", fn set_up_totp(&inner) {
        let session = inner.valid_session().await?;
        let request = account::associate_software_token(session.access_token())?;
        let reply: account::AssociateSoftwareTokenReply = account::read(request.operation, &inner.send(&request).await?)?;
        to_js(&TotpSetup::new(reply.secret_code, &inner.config.totp_issuer, session.username()))
    }

    /// Finishes TOTP setup with a code from the app (VerifySoftwareToken).
    "verifyTOTPSetup" -> "Promise<void>", fn verify_totp_setup(&inner, input: "VerifyTotpSetupInput" => VerifyTotpArgs) {
        let token = inner.access_token().await?;
        let request = account::verify_software_token(&token, input.code.trim(), input.options.friendly_device_name.as_deref())?;
        let reply: account::VerifySoftwareTokenReply = account::read(request.operation, &inner.send(&request).await?)?;
        if reply.status.as_deref() != Some("SUCCESS") {
            return Err(Error::new("EnableSoftwareTokenMFAException", "the TOTP code was not accepted"));
        }
        Ok(JsValue::UNDEFINED)
    }

    /// Enables, disables or prefers MFA factors (SetUserMFAPreference).
    "updateMFAPreference" -> "Promise<void>", fn update_mfa_preference(&inner, input: "UpdateMfaPreferenceInput" => MfaPreferenceArgs) {
        let token = inner.access_token().await?;
        inner.send(&account::set_user_mfa_preference(&token, input.sms, input.totp, input.email)?).await?;
        Ok(JsValue::UNDEFINED)
    }

    /// The enabled and preferred MFA factors (from GetUser).
        "fetchMFAPreference" -> "Promise<MfaPreferenceOutput>", fn fetch_mfa_preference(&inner) {
    to_js(&inner.get_user().await?.mfa_preference())
}

/// Marks this browser's device as remembered, so later sign-ins from it can skip MFA where the pool allows
/// (UpdateDeviceStatus).
"rememberDevice" -> "Promise<void>", fn remember_device(&inner) {
    let session = inner.valid_session().await?;
    let key = inner.current_device_key(&session).ok_or_else(|| Error::invalid_parameter("this device is not tracked"))?;
    inner.send(&devices::update_status(session.access_token(), &key, true)?).await?;
    Ok(JsValue::UNDEFINED)
}

/// Forgets a device (this one when none is given): Cognito stops tracking it (ForgetDevice).
"forgetDevice" -> "Promise<void>", fn forget_device(&inner, input: "{ device?: { id: string } } | undefined" => Option<DeviceArgs>) {
    let session = inner.valid_session().await?;
    let current = inner.current_device_key(&session);
    let key = input
        .and_then(|i| i.device)
        .map(|d| d.id)
        .or_else(|| current.clone())
        .ok_or_else(|| Error::invalid_parameter("this device is not tracked"))?;
    inner.send(&devices::forget(session.access_token(), &key)?).await?;
    if current.as_deref() == Some(key.as_str()) {
        inner.store.forget_device(session.username());
    }
    Ok(JsValue::UNDEFINED)
}

/// The user's tracked devices (ListDevices).
"listDevices" -> "Promise<Device[]>", fn list_devices(&inner) {
    let token = inner.access_token().await?;
    let request = devices::list(&token, Some(60))?;
    let reply: devices::ListDevicesReply = account::read(request.operation, &inner.send(&request).await?)?;
    to_js(&reply.devices.into_iter().map(devices::Device::from).collect::<Vec<_>>())
}

/// One device (this one when no id is given) (GetDevice).
"getDevice" -> "Promise<Device>", fn get_device(&inner, input: "{ device?: { id: string } } | undefined" => Option<DeviceArgs>) {
    let session = inner.valid_session().await?;
    let key = input
        .and_then(|i| i.device)
        .map(|d| d.id)
        .or_else(|| inner.current_device_key(&session))
        .ok_or_else(|| Error::invalid_parameter("this device is not tracked"))?;
    let request = devices::get(session.access_token(), &key)?;
    let reply: devices::GetDeviceReply = account::read(request.operation, &inner.send(&request).await?)?;
    to_js(&devices::Device::from(reply.device))
}
}

impl Inner {
    /// Sends a request, retrying the failures that may pass (see [`crate::retry`]).
    async fn send(&self, request: &Request) -> Result<Value, Error> {
        let mut attempt = 1;
        loop {
            let error = match transport::send(&self.config.endpoint, request).await {
                Ok(reply) => return Ok(reply),
                Err(error) => error,
            };
            match self
                .config
                .retry
                .delay_ms(attempt, &error, js_sys::Math::random())
            {
                Some(delay) => transport::sleep(delay).await,
                None => return Err(error),
            }
            attempt += 1;
        }
    }

    async fn sign_in(&self, args: SignInArgs) -> Result<JsValue, Error> {
        let method = match args.auth_flow_type.unwrap_or(AuthFlowType::UserSrp) {
            AuthFlowType::UserSrp => Method::Srp(SrpClient::generate()?),
            AuthFlowType::UserPassword => Method::Password,
            AuthFlowType::CustomWithSrp => Method::CustomWithSrp(SrpClient::generate()?),
            AuthFlowType::CustomWithoutSrp => Method::CustomWithoutSrp,
            AuthFlowType::UserAuth => Method::UserAuth {
                preferred: args.preferred_challenge,
            },
        };
        let input = SignInInput {
            device: self.store.load_device(&args.username),
            device_name: device_name(),
            username: args.username,
            password: Password::new(args.password),
            client_metadata: args.client_metadata,
        };
        self.pending_sign_in.replace(None);
        let (flow, request) = SignIn::start(&self.config, input, method)?;
        match self.drive(flow, Progress::Send(request)).await {
            // Amplify reports these as steps of the sign-in rather than failures.
            Err(error) if error.is("UserNotConfirmedException") => {
                sign_in_output(NextStep::ConfirmSignUp)
            }
            Err(error) if error.is("PasswordResetRequiredException") => {
                sign_in_output(NextStep::ResetPassword)
            }
            other => other,
        }
    }

    async fn confirm_sign_in(&self, args: ConfirmSignInArgs) -> Result<JsValue, Error> {
        let mut flow = self.pending_sign_in.take().ok_or_else(|| {
            Error::invalid_parameter("no sign-in is waiting for confirmSignIn; call signIn first")
        })?;
        let answer = Answer {
            response: args.challenge_response,
            user_attributes: args.options.user_attributes,
            friendly_device_name: args.options.friendly_device_name,
            client_metadata: args.options.client_metadata,
        };
        match flow.answer(&self.config, answer) {
            Ok(progress) => self.drive(flow, progress).await,
            Err(error) => {
                self.pending_sign_in.replace(Some(flow));
                Err(error)
            }
        }
    }

    /// Sends the flow's requests until it finishes or needs the app; a flow that can still be answered is
    /// kept for `confirmSignIn`, also after a failed answer.
    async fn drive(&self, mut flow: SignIn, mut progress: Progress) -> Result<JsValue, Error> {
        loop {
            progress = match progress {
                Progress::Send(request) => {
                    let outcome = match self.send(&request).await {
                        Ok(body) => flow.on_response(&self.config, &body, now()),
                        Err(error) => match flow.request_failed(&request, &error) {
                            Some(retry) => {
                                progress = Progress::Send(retry);
                                continue;
                            }
                            None => Err(error),
                        },
                    };
                    match outcome {
                        Ok(next) => next,
                        Err(error) => {
                            if flow.is_waiting_for_answer() {
                                self.pending_sign_in.replace(Some(flow));
                            }
                            return Err(error);
                        }
                    }
                }
                Progress::SignedIn(session) => {
                    self.store.save(&session)?;
                    self.keep_device(&flow, &session)?;
                    self.listeners
                        .emit(AuthEvent::SignedIn, Some(session.username()), None);
                    return sign_in_output(NextStep::Done);
                }
                Progress::NextStep(step) => {
                    if flow.is_waiting_for_answer() {
                        self.pending_sign_in.replace(Some(flow));
                    }
                    return sign_in_output(step);
                }
            };
        }
    }

    /// Forgets the local session and tells the listeners.
    fn end_session(&self, session: Option<&Session>) {
        self.store.clear();
        self.listeners
            .emit(AuthEvent::SignedOut, session.map(Session::username), None);
    }

    /// Stores a newly tracked device (under the typed and the internal username, so the next sign-in finds
    /// it whichever is typed) or drops one Cognito did not know.
    fn keep_device(&self, flow: &SignIn, session: &Session) -> Result<(), Error> {
        let names = [flow.typed_username(), session.username()];
        if flow.device_forgotten() {
            names.iter().for_each(|name| self.store.forget_device(name));
        }
        if let Some(device) = flow.new_device() {
            for name in names {
                self.store.save_device(name, &device.secrets)?;
            }
        }
        Ok(())
    }

    /// The key of this browser's device for the signed-in user, if Cognito tracks it.
    fn current_device_key(&self, session: &Session) -> Option<String> {
        session.device_key().map(str::to_owned).or_else(|| {
            self.store
                .load_device(session.username())
                .map(|d| d.device_key)
        })
    }

    fn stored_session(&self) -> Result<Session, Error> {
        self.load_session()
            .ok_or_else(|| Error::unauthenticated("no user is signed in"))
    }

    /// The stored session, if any. One that cannot be read (corrupted, or written by something else) means
    /// signed out, announced with a `signedOut` event that carries the reason.
    fn load_session(&self) -> Option<Session> {
        self.store.load().unwrap_or_else(|error| {
            let reason = Error::new("StoredSessionUnreadable", error.message);
            self.listeners
                .emit(AuthEvent::SignedOut, None, Some(&reason));
            None
        })
    }

    /// The session, refreshed first if its tokens expire within the refresh margin.
    async fn valid_session(self: &Rc<Self>) -> Result<Session, Error> {
        let session = self.stored_session()?;
        if session.is_valid_at(now().saturating_add(self.config.refresh_margin_secs)) {
            Ok(session)
        } else {
            self.refresh(&session).await
        }
    }

    async fn access_token(self: &Rc<Self>) -> Result<String, Error> {
        Ok(self.valid_session().await?.access_token().to_owned())
    }

    async fn get_user(self: &Rc<Self>) -> Result<account::GetUserReply, Error> {
        let request = account::get_user(&self.access_token().await?)?;
        account::read(request.operation, &self.send(&request).await?)
    }

    /// Refreshes and stores. Concurrent callers in this tab share one request: the first starts it, the
    /// others wait for it and then read its result from storage.
    async fn refresh(self: &Rc<Self>, session: &Session) -> Result<Session, Error> {
        let in_flight = self.refreshing.borrow().clone();
        let shared = match in_flight {
            Some(promise) => promise,
            None => {
                let (inner, session) = (self.clone(), session.clone());
                // future_to_promise only starts the future on a later microtask, so the slot is filled first.
                let promise = future_to_promise(async move {
                    let result = inner.refresh_now(&session).await;
                    inner.refreshing.replace(None);
                    result.map(|_| JsValue::UNDEFINED).map_err(JsValue::from)
                });
                self.refreshing.replace(Some(promise.clone()));
                promise
            }
        };
        JsFuture::from(shared)
            .await
            .map_err(|e| js_error::from_js(&e))?;
        self.stored_session()
    }

    /// Sends one refresh; a refresh token Cognito refuses ends the session, a transient failure keeps it.
    async fn refresh_now(&self, session: &Session) -> Result<Session, Error> {
        let request = refresh::request(&self.config, session)?;
        let outcome = match self.send(&request).await {
            Ok(reply) => refresh::refreshed(session, &reply, now()),
            Err(error) => Err(error),
        };
        let refreshed = match outcome {
            Ok(refreshed) => refreshed,
            Err(error) => {
                let user = Some(session.username());
                self.listeners
                    .emit(AuthEvent::TokenRefreshFailed, user, Some(&error));
                let refused = error.is("NotAuthorizedException")
                    || error.is("RefreshTokenReuseException")
                    || error.is(names::UNAUTHENTICATED);
                if refused {
                    self.store.clear();
                    self.listeners
                        .emit(AuthEvent::SessionExpired, user, Some(&error));
                }
                return Err(error);
            }
        };
        self.store.save(&refreshed)?;
        self.listeners
            .emit(AuthEvent::TokenRefreshed, Some(refreshed.username()), None);
        Ok(refreshed)
    }
}

/// The name a new device is registered under: the browser's user agent, as amazon-cognito-identity-js does.
fn device_name() -> String {
    Reflect::get(&js_sys::global(), &"navigator".into())
        .and_then(|navigator| Reflect::get(&navigator, &"userAgent".into()))
        .ok()
        .and_then(|agent| agent.as_string())
        .filter(|agent| !agent.is_empty())
        .unwrap_or_else(|| "cognito-wasm".to_owned())
}

fn sign_in_output(step: NextStep) -> Result<JsValue, Error> {
    to_js(&SignInOutput {
        is_signed_in: step == NextStep::Done,
        next_step: step,
    })
}

fn session_output(session: &Session) -> Result<JsValue, Error> {
    to_js(&SessionOutput {
        username: session.username(),
        id_token: session.id_token(),
        access_token: session.access_token(),
        refresh_token: session.refresh_token().map(|t| t.expose()),
        expires_at: session.expires_at() as f64 * 1000.0,
        clock_drift: session.clock_drift(),
        id_token_claims: session.id_claims(),
    })
}
