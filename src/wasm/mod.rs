//! The JavaScript API (wasm32 only): `CognitoClient`, shaped like Amplify v6's auth functions. This layer
//! only converts values, sends the core's requests with `fetch`, keeps the session in storage and reads the
//! clock; every decision is made by the sans-IO core.

mod events;
mod js_error;
mod storage;
mod tabs;
mod transport;

use std::cell::{Cell, RefCell};
use std::ops::Deref;
use std::pin::Pin;
use std::rc::{Rc, Weak};

use js_sys::{Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, spawn_local};

use crate::clock::{self, Now};
use crate::config::RefreshMethod;
use crate::error::names;
use crate::flows::account::{self, MfaPreference};
use crate::flows::devices;
use crate::flows::refresh::{self, Reason};
use crate::flows::sign_in::{Answer, Method, NextStep, Progress, SignIn, SignInInput, TotpSetup};
use crate::flows::sign_out;
use crate::jwt::Claims;
use crate::protocol::{Request, StringMap};
use crate::secret::{ClientSecret, Password};
use crate::session::Session;
use crate::srp::client::SrpClient;
use crate::{ClientConfig, Error};
use events::{AuthEvent, Listeners};
use serde_json::{Value, json};
use storage::SessionStore;
use tabs::{TabMessage, Tabs};
use transport::{Cancel, Timer};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** Where the session is kept. Defaults to 'local' where localStorage exists, else 'memory'. */
export type StorageKind = 'memory' | 'local' | 'session';

/**
 * Storage of the app's own (IndexedDB, a native bridge, an encrypted store...). Each method may return a
 * value or a promise of it. Sessions kept in it are treated as shared with other tabs of the origin.
 */
export interface CustomStorage {
  getItem(key: string): string | null | undefined | Promise<string | null | undefined>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/** The last, optional argument of every call. */
export interface CallOptions {
  /** Abandons the call: it rejects with an error named 'AbortError' and its request is cancelled. */
  signal?: AbortSignal;
  /** Overrides the client's timeoutMs for this call's requests. */
  timeoutMs?: number;
}

export interface CognitoClientConfig {
  /** e.g. 'us-east-1_AbCdEf123' */
  userPoolId: string;
  /** The app client id. */
  clientId: string;
  /** Only for app clients created with a secret; sent as SECRET_HASH / ClientSecret. */
  clientSecret?: string;
  /** Defaults to https://cognito-idp.{region}.amazonaws.com/ (the region is taken from userPoolId). */
  endpoint?: string;
  storage?: StorageKind | CustomStorage;
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
  /**
   * getSession refreshes tokens that expire within this many seconds (at most half their lifetime).
   * Default 60.
   */
  refreshMarginSeconds?: number;
  /**
   * Refresh the tokens shortly (a jittered few seconds) before the margin is reached, by a timer that pauses
   * while the page is hidden and catches up when it is shown. Default true.
   */
  autoRefresh?: boolean;
  /** A request with no complete reply after this long fails with 'TimeoutError' (and is retried). Default 30000. */
  timeoutMs?: number;
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

/** Events are fired in every tab (and worker) of the origin that shares the session. */
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
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    storage: JsValue,
    auto_refresh: Option<bool>,
    timeout_ms: Option<u32>,
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
    #[serde(default, deserialize_with = "or_default")]
    password: String,
    auth_flow_type: Option<AuthFlowType>,
    preferred_challenge: Option<String>,
    client_metadata: Option<StringMap>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ConfirmSignInOptions {
    #[serde(default, deserialize_with = "or_default")]
    user_attributes: StringMap,
    friendly_device_name: Option<String>,
    client_metadata: Option<StringMap>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfirmSignInArgs {
    challenge_response: String,
    #[serde(default, deserialize_with = "or_default")]
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
    #[serde(default, deserialize_with = "or_default")]
    user_attributes: StringMap,
    #[serde(default, deserialize_with = "or_default")]
    validation_data: StringMap,
    client_metadata: Option<StringMap>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignUpArgs {
    username: String,
    password: String,
    #[serde(default, deserialize_with = "or_default")]
    options: SignUpOptions,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfirmSignUpArgs {
    username: String,
    confirmation_code: String,
    #[serde(default, deserialize_with = "or_default")]
    options: MetadataOptions,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UsernameArgs {
    username: String,
    #[serde(default, deserialize_with = "or_default")]
    options: MetadataOptions,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfirmResetPasswordArgs {
    username: String,
    confirmation_code: String,
    new_password: String,
    #[serde(default, deserialize_with = "or_default")]
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
    #[serde(default, deserialize_with = "or_default")]
    options: MetadataOptions,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AttributeKeyArgs {
    user_attribute_key: String,
    #[serde(default, deserialize_with = "or_default")]
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
    #[serde(default, deserialize_with = "or_default")]
    options: VerifyTotpOptions,
}

/// An optional member: absent, `undefined` and `null` all mean the default (serde's `default` alone covers
/// only the absent case, and apps often pass `{ options: undefined }`).
fn or_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
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

/// Device time, Unix seconds.
fn device_now() -> i64 {
    (js_sys::Date::now() / 1000.0).floor() as i64
}

/// How much earlier than due the proactive refresh may run, at most: spreads the refreshes of many tabs and
/// clients.
const REFRESH_JITTER_MS: f64 = 5_000.0;
/// After a proactive refresh failed with something that may pass (offline, throttled), try again this much
/// later.
const REFRESH_RETRY_MS: f64 = 30_000.0;
const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// How long a write to localStorage may take to reach the other tabs' processes (a few ms in Chromium).
const STORAGE_SETTLE_MS: u32 = 50;
const STORAGE_SETTLE_TRIES: u32 = 10;

/// Runs an async operation as a Promise whose rejection is a `CognitoError`.
/// Every method's future is boxed, so that the promise machinery is compiled once rather than per method.
fn promise(future: Pin<Box<dyn Future<Output = Result<JsValue, Error>>>>) -> Promise {
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
    tabs: Tabs,
    /// A sign-in waiting for `confirmSignIn`.
    pending_sign_in: RefCell<Option<SignIn>>,
    /// The SRP ephemeral `prepareSignIn` computed for the next sign-in.
    prepared_srp: RefCell<Option<SrpClient>>,
    /// The refresh under way in this tab, which concurrent callers wait for instead of sending their own.
    refreshing: RefCell<Option<Promise>>,
    listeners: Listeners,
    /// Server time minus device time (seconds), from the `Date` of the latest reply.
    clock_offset: Cell<Option<i64>>,
    timeout_ms: u32,
    auto_refresh: bool,
    /// The proactive refresh timer; dropping it cancels it.
    refresh_timer: RefCell<Option<RefreshTimer>>,
    /// The timer came due while the page was hidden: refresh when it is shown.
    refresh_paused: Cell<bool>,
    on_visibility_change: RefCell<Option<Closure<dyn FnMut()>>>,
}

/// A pending proactive refresh. Fields drop in order: the timer is cleared before its callback is freed.
struct RefreshTimer {
    _timer: Timer,
    _on_due: Closure<dyn FnMut()>,
}

/// One call of the JS API: the client plus what may cut this call short.
struct Call {
    inner: Rc<Inner>,
    cancel: Cancel,
}

impl Deref for Call {
    type Target = Rc<Inner>;

    fn deref(&self) -> &Rc<Inner> {
        &self.inner
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct CallOptionsInput {
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    signal: JsValue,
    timeout_ms: Option<u32>,
}

impl Call {
    fn new(inner: Rc<Inner>, options: Option<JsValue>) -> Result<Self, Error> {
        let options: CallOptionsInput = match options {
            Some(options) if !options.is_undefined() && !options.is_null() => {
                from_js(options, "call options")?
            }
            _ => CallOptionsInput::default(),
        };
        let signal = if options.signal.is_undefined() || options.signal.is_null() {
            None
        } else {
            Some(
                options
                    .signal
                    .dyn_into::<web_sys::AbortSignal>()
                    .map_err(|_| {
                        Error::invalid_parameter("call options: signal must be an AbortSignal")
                    })?,
            )
        };
        let timeout_ms = options.timeout_ms.unwrap_or(inner.timeout_ms);
        Ok(Self {
            inner,
            cancel: Cancel { signal, timeout_ms },
        })
    }

    /// For work nobody is waiting on (the proactive refresh, a refresh shared by several callers).
    fn background(inner: Rc<Inner>) -> Self {
        let timeout_ms = inner.timeout_ms;
        Self {
            inner,
            cancel: Cancel {
                signal: None,
                timeout_ms,
            },
        }
    }
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
                pub fn $name(
                    &self,
                    $(#[wasm_bindgen(unchecked_param_type = $arg_ty)] $arg: JsValue,)?
                    #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
                ) -> Promise {
                    let inner = self.inner.clone();
                    promise(Box::pin(async move {
                        let $inner = Call::new(inner, options)?;
                        $(let $arg: $arg_rust = from_js($arg, concat!($js, " input"))?;)?
                        $body
                    }))
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
        let store = SessionStore::new(&input.storage, &config.user_pool_id, &config.client_id)?;
        let auto_refresh = input.auto_refresh.unwrap_or(true);
        let inner = Rc::new_cyclic(|weak: &Weak<Inner>| {
            let tabs = if store.is_shared_across_tabs() {
                let weak = weak.clone();
                Tabs::join(store.namespace(), move |message| {
                    if let Some(inner) = weak.upgrade() {
                        inner.heard(message);
                    }
                })
            } else {
                Tabs::alone()
            };
            Inner {
                config,
                store,
                tabs,
                pending_sign_in: RefCell::new(None),
                prepared_srp: RefCell::new(None),
                refreshing: RefCell::new(None),
                listeners: Listeners::default(),
                clock_offset: Cell::new(None),
                timeout_ms: input.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS).max(1),
                auto_refresh,
                refresh_timer: RefCell::new(None),
                refresh_paused: Cell::new(false),
                on_visibility_change: RefCell::new(None),
            }
        });
        if auto_refresh {
            inner.watch_visibility();
            // A session restored from storage gets its timer too (after the app had a chance to subscribe
            // to events, since reading storage may report an unreadable session).
            spawn_local(inner.clone().rearm_refresh_from_storage());
        }
        Ok(CognitoClient { inner })
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
    /// Computes the SRP values of the next sign-in now (the costly `A = g^a mod N`), so that `signIn` sends its
    /// first request at once. Call it when the sign-in form is shown; each preparation serves one sign-in.
    "prepareSignIn" -> "Promise<void>", fn prepare_sign_in(&inner) {
        inner.prepared_srp.replace(Some(SrpClient::generate()?));
        Ok(JsValue::UNDEFINED)
    }

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
        let session = inner.stored_session().await?;
        session_output(&inner.refresh(&session, Reason::Requested).await?)
    }

    /// Forgets the session on this device and revokes its refresh token. The local sign-out always
    /// happens; a failed revocation (e.g. offline) is not reported.
    "signOut" -> "Promise<void>", fn sign_out(&inner) {
        let session = inner.load_session().await;
        inner.end_session(session.as_ref()).await;
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
        inner.end_session(Some(&session)).await;
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
        inner.end_session(Some(&session)).await;
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
        let key = inner.current_device_key(&session).await.ok_or_else(|| Error::invalid_parameter("this device is not tracked"))?;
        inner.send(&devices::update_status(session.access_token(), &key, true)?).await?;
        Ok(JsValue::UNDEFINED)
    }

    /// Forgets a device (this one when none is given): Cognito stops tracking it (ForgetDevice).
    "forgetDevice" -> "Promise<void>", fn forget_device(&inner, input: "{ device?: { id: string } } | undefined" => Option<DeviceArgs>) {
        let session = inner.valid_session().await?;
        let current = inner.current_device_key(&session).await;
        let key = input
            .and_then(|i| i.device)
            .map(|d| d.id)
            .or_else(|| current.clone())
            .ok_or_else(|| Error::invalid_parameter("this device is not tracked"))?;
        inner.send(&devices::forget(session.access_token(), &key)?).await?;
        if current.as_deref() == Some(key.as_str()) {
            inner.store.forget_device(session.username()).await?;
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
        let key = match input.and_then(|i| i.device) {
            Some(device) => device.id,
            None => inner
                .current_device_key(&session)
                .await
                .ok_or_else(|| Error::invalid_parameter("this device is not tracked"))?,
        };
        let request = devices::get(session.access_token(), &key)?;
        let reply: devices::GetDeviceReply = account::read(request.operation, &inner.send(&request).await?)?;
        to_js(&devices::Device::from(reply.device))
    }
}

impl Call {
    /// Sends a request, retrying the failures that may pass (see [`crate::retry`]).
    async fn send(&self, request: &Request) -> Result<Value, Error> {
        let mut attempt = 1;
        loop {
            let error = match transport::send(&self.config.endpoint, request, &self.cancel).await {
                Ok(reply) => {
                    if let Some(server_ms) = reply.server_date_ms {
                        let offset = clock::offset_from_date(js_sys::Date::now(), server_ms);
                        self.clock_offset.set(offset.or(self.clock_offset.get()));
                    }
                    return Ok(reply.body);
                }
                Err(error) => error,
            };
            match self
                .config
                .retry
                .delay_ms(attempt, &error, js_sys::Math::random())
            {
                Some(delay) => transport::sleep(&self.cancel, delay).await?,
                None => return Err(error),
            }
            attempt += 1;
        }
    }

    async fn sign_in(&self, args: SignInArgs) -> Result<JsValue, Error> {
        // An ephemeral is used once: the prepared one, else a fresh one.
        let ephemeral = || {
            self.prepared_srp
                .take()
                .map_or_else(SrpClient::generate, Ok)
        };
        let method = match args.auth_flow_type.unwrap_or(AuthFlowType::UserSrp) {
            AuthFlowType::UserSrp => Method::Srp(ephemeral()?),
            AuthFlowType::UserPassword => Method::Password,
            AuthFlowType::CustomWithSrp => Method::CustomWithSrp(ephemeral()?),
            AuthFlowType::CustomWithoutSrp => Method::CustomWithoutSrp,
            AuthFlowType::UserAuth => Method::UserAuth {
                preferred: args.preferred_challenge,
            },
        };
        let input = SignInInput {
            device: self.store.load_device(&args.username).await,
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
                        Ok(body) => flow.on_response(&self.config, &body, self.now()),
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
                    self.store.save(&session).await?;
                    self.keep_device(&flow, &session).await?;
                    self.announce(AuthEvent::SignedIn, Some(session.username()), None);
                    self.schedule_refresh(&session, None);
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

    /// The session, refreshed first if its tokens expire within the refresh margin.
    async fn valid_session(&self) -> Result<Session, Error> {
        let session = self.stored_session().await?;
        if session.needs_refresh(device_now(), self.config.refresh_margin_secs) {
            self.refresh(&session, Reason::Expiring).await
        } else {
            Ok(session)
        }
    }

    async fn access_token(&self) -> Result<String, Error> {
        Ok(self.valid_session().await?.access_token().to_owned())
    }

    async fn get_user(&self) -> Result<account::GetUserReply, Error> {
        let request = account::get_user(&self.access_token().await?)?;
        account::read(request.operation, &self.send(&request).await?)
    }

    /// Refreshes `before` (or takes the tokens another tab refreshed meanwhile). Concurrent callers in this
    /// tab share one refresh; across tabs, one runs at a time under a Web Lock. This call can be aborted;
    /// the shared refresh goes on for the others.
    async fn refresh(&self, before: &Session, reason: Reason) -> Result<Session, Error> {
        let shared = self.inner.shared_refresh(before, reason);
        self.cancel
            .wait(shared)
            .await
            .map_err(|e| js_error::from_js(&e))?;
        self.stored_session().await
    }

    /// Sends one refresh of `current`; a refresh token Cognito refuses ends the session, a transient failure
    /// keeps it.
    async fn refresh_now(&self, current: &Session) -> Result<Session, Error> {
        let request = refresh::request(&self.config, current)?;
        let outcome = match self.send(&request).await {
            Ok(reply) => refresh::refreshed(current, &reply, device_now()),
            Err(error) => Err(error),
        };
        let user = Some(current.username());
        let refreshed = match outcome {
            Ok(refreshed) => refreshed,
            Err(error) => {
                let refused = error.is("NotAuthorizedException")
                    || error.is("RefreshTokenReuseException")
                    || error.is(names::UNAUTHENTICATED);
                if refused {
                    // localStorage reaches other renderer processes a moment after a write: this tab may
                    // have read the tokens another tab had just rotated out. Their successor is the answer.
                    if let Some(newer) = self.successor_of(current).await {
                        return Ok(newer);
                    }
                }
                self.announce(AuthEvent::TokenRefreshFailed, user, Some(&error));
                if refused {
                    self.store.clear().await?;
                    self.cancel_refresh_timer();
                    self.announce(AuthEvent::SessionExpired, user, Some(&error));
                }
                return Err(error);
            }
        };
        // A sign-out (in any tab) while the request was out wins: its session must not come back.
        let still_signed_in = self
            .load_session()
            .await
            .is_some_and(|stored| stored.username() == current.username());
        if !still_signed_in {
            return Err(Error::unauthenticated(
                "signed out while the refresh was under way",
            ));
        }
        self.store.save(&refreshed).await?;
        self.announce(AuthEvent::TokenRefreshed, Some(refreshed.username()), None);
        self.schedule_refresh(&refreshed, None);
        if self.store.is_shared_across_tabs() {
            // Keep the refresh lock a moment, so that the next tab to take it reads these tokens rather
            // than a copy of storage from before the write.
            let _ = transport::sleep(&Cancel::default(), STORAGE_SETTLE_MS).await;
        }
        Ok(refreshed)
    }

    /// The session another tab stored in place of `current` (same user, other tokens), waiting briefly for
    /// storage to show it.
    async fn successor_of(&self, current: &Session) -> Option<Session> {
        if !self.store.is_shared_across_tabs() {
            return None;
        }
        for _ in 0..STORAGE_SETTLE_TRIES {
            let stored = self.load_session().await?;
            if stored.username() != current.username() {
                return None;
            }
            if stored.supersedes(current) {
                return Some(stored);
            }
            transport::sleep(&Cancel::default(), STORAGE_SETTLE_MS)
                .await
                .ok()?;
        }
        None
    }
}

impl Inner {
    /// Now, by the device clock and by Cognito's as far as its replies told.
    fn now(&self) -> Now {
        Now::with_offset(device_now(), self.clock_offset.get().unwrap_or(0))
    }

    /// Fires `event` here and in the other tabs sharing the session.
    fn announce(&self, event: AuthEvent, username: Option<&str>, error: Option<&Error>) {
        self.listeners.emit(event, username, error);
        self.tabs.announce(&TabMessage::new(event, username, error));
    }

    /// What another tab announced: fire it here too, and follow the session's new state.
    fn heard(self: &Rc<Self>, message: TabMessage) {
        self.listeners.emit(
            message.event,
            message.username.as_deref(),
            message.error().as_ref(),
        );
        match message.event {
            AuthEvent::SignedIn | AuthEvent::TokenRefreshed => {
                spawn_local(self.clone().rearm_refresh_from_storage());
            }
            AuthEvent::SignedOut | AuthEvent::SessionExpired => {
                self.pending_sign_in.replace(None);
                self.cancel_refresh_timer();
            }
            AuthEvent::TokenRefreshFailed => {}
        }
    }

    /// The refresh every caller in this tab waits for: the one under way, or a new one.
    fn shared_refresh(self: &Rc<Self>, before: &Session, reason: Reason) -> Promise {
        if let Some(in_flight) = self.refreshing.borrow().clone() {
            return in_flight;
        }
        let (inner, before) = (self.clone(), before.clone());
        // future_to_promise only starts the future on a later microtask, so the slot is filled first.
        let promise = future_to_promise(async move {
            let locked = inner.clone();
            let result = inner
                .tabs
                .exclusively(async move { locked.refresh_under_lock(before, reason).await })
                .await;
            inner.refreshing.replace(None);
            result.map(|_| JsValue::UNDEFINED).map_err(JsValue::from)
        });
        self.refreshing.replace(Some(promise.clone()));
        promise
    }

    /// Holding the lock, reads storage again: another tab may have refreshed (use its tokens, and with
    /// rotation never present the refresh token it retired) or signed out.
    async fn refresh_under_lock(
        self: Rc<Self>,
        before: Session,
        reason: Reason,
    ) -> Result<(), Error> {
        let current = self
            .load_session()
            .await
            .ok_or_else(|| Error::unauthenticated("no user is signed in"))?;
        let margin = self.config.refresh_margin_secs;
        if refresh::still_needed(reason, &before, &current, device_now(), margin) {
            Call::background(self).refresh_now(&current).await?;
        }
        Ok(())
    }

    /// Forgets the local session and tells the listeners (here and in the other tabs).
    async fn end_session(&self, session: Option<&Session>) {
        // A storage that fails to remove cannot be helped here; the sign-out is announced all the same.
        let _ = self.store.clear().await;
        self.cancel_refresh_timer();
        self.announce(AuthEvent::SignedOut, session.map(Session::username), None);
    }

    /// Stores a newly tracked device (under the typed and the internal username, so the next sign-in finds
    /// it whichever is typed) or drops one Cognito did not know.
    async fn keep_device(&self, flow: &SignIn, session: &Session) -> Result<(), Error> {
        let names = [flow.typed_username(), session.username()];
        if flow.device_forgotten() {
            for name in names {
                self.store.forget_device(name).await?;
            }
        }
        if let Some(device) = flow.new_device() {
            for name in names {
                self.store.save_device(name, &device.secrets).await?;
            }
        }
        Ok(())
    }

    /// The key of this browser's device for the signed-in user, if Cognito tracks it.
    async fn current_device_key(&self, session: &Session) -> Option<String> {
        match session.device_key() {
            Some(key) => Some(key.to_owned()),
            None => self
                .store
                .load_device(session.username())
                .await
                .map(|d| d.device_key),
        }
    }

    async fn stored_session(&self) -> Result<Session, Error> {
        self.load_session()
            .await
            .ok_or_else(|| Error::unauthenticated("no user is signed in"))
    }

    /// The stored session, if any. One that cannot be read (corrupted, or written by something else) means
    /// signed out, announced with a `signedOut` event that carries the reason.
    async fn load_session(&self) -> Option<Session> {
        match self.store.load().await {
            Ok(session) => {
                if self.clock_offset.get().is_none() {
                    // Until a reply says otherwise, the drift measured when the tokens came is the best guess.
                    self.clock_offset
                        .set(session.as_ref().map(|s| -s.clock_drift()));
                }
                session
            }
            Err(error) => {
                let reason = Error::new("StoredSessionUnreadable", error.message);
                self.listeners
                    .emit(AuthEvent::SignedOut, None, Some(&reason));
                None
            }
        }
    }

    /// Arms the proactive refresh of `session`: shortly before its tokens reach the refresh margin, or after
    /// `delay_ms` when given (a retry).
    fn schedule_refresh(self: &Rc<Self>, session: &Session, delay_ms: Option<f64>) {
        if !self.auto_refresh {
            return;
        }
        let delay_ms = delay_ms.unwrap_or_else(|| {
            let due =
                session.refresh_due_in_ms(js_sys::Date::now(), self.config.refresh_margin_secs);
            due - js_sys::Math::random() * REFRESH_JITTER_MS.min(due / 10.0)
        });
        let (weak, before) = (Rc::downgrade(self), session.clone());
        let on_due = Closure::<dyn FnMut()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                spawn_local(inner.refresh_in_background(before.clone()));
            }
        });
        let timer = Timer::start(on_due.as_ref().unchecked_ref(), delay_ms);
        // Replacing the previous timer clears it.
        self.refresh_timer.replace(Some(RefreshTimer {
            _timer: timer,
            _on_due: on_due,
        }));
    }

    /// Arms the proactive refresh for whatever session storage holds now.
    async fn rearm_refresh_from_storage(self: Rc<Self>) {
        if let Some(session) = self.load_session().await {
            self.schedule_refresh(&session, None);
        }
    }

    fn cancel_refresh_timer(&self) {
        self.refresh_timer.replace(None);
        self.refresh_paused.set(false);
    }

    /// The proactive refresh: waits while the page is hidden (browsers throttle hidden tabs' timers, and
    /// nobody needs the tokens there), and tries again later after a failure that may pass.
    async fn refresh_in_background(self: Rc<Self>, before: Session) {
        if page_is_hidden() {
            self.refresh_paused.set(true);
            return;
        }
        self.refresh_paused.set(false);
        let call = Call::background(self.clone());
        if let Err(error) = call.refresh(&before, Reason::Requested).await {
            if error.retryable {
                self.schedule_refresh(&before, Some(REFRESH_RETRY_MS));
            }
        }
    }

    /// When the page is shown again: refresh if the timer came due while hidden or the tokens are now
    /// within the margin, else re-arm the timer (hidden tabs' timers may have been delayed).
    fn watch_visibility(self: &Rc<Self>) {
        let Some(document) = global_property("document").filter(JsValue::is_object) else {
            return;
        };
        let weak = Rc::downgrade(self);
        let on_change = Closure::<dyn FnMut()>::new(move || {
            let Some(inner) = weak.upgrade() else {
                return;
            };
            if page_is_hidden() {
                return;
            }
            spawn_local(async move {
                let Some(session) = inner.load_session().await else {
                    return;
                };
                let margin = inner.config.refresh_margin_secs;
                if inner.refresh_paused.get() || session.needs_refresh(device_now(), margin) {
                    inner.clone().refresh_in_background(session).await;
                } else {
                    inner.schedule_refresh(&session, None);
                }
            });
        });
        let target: &web_sys::EventTarget = document.unchecked_ref();
        let _ = target.add_event_listener_with_callback(
            "visibilitychange",
            on_change.as_ref().unchecked_ref(),
        );
        self.on_visibility_change.replace(Some(on_change));
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let (Some(document), Some(on_change)) = (
            global_property("document").filter(JsValue::is_object),
            self.on_visibility_change.get_mut().take(),
        ) {
            let target: &web_sys::EventTarget = document.unchecked_ref();
            let _ = target.remove_event_listener_with_callback(
                "visibilitychange",
                on_change.as_ref().unchecked_ref(),
            );
        }
    }
}

fn global_property(name: &str) -> Option<JsValue> {
    Reflect::get(&js_sys::global(), &name.into())
        .ok()
        .filter(|value| !value.is_undefined())
}

/// `document.visibilityState === 'hidden'`; never true in workers or Node.
fn page_is_hidden() -> bool {
    global_property("document")
        .and_then(|document| Reflect::get(&document, &"visibilityState".into()).ok())
        .and_then(|state| state.as_string())
        .is_some_and(|state| state == "hidden")
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
