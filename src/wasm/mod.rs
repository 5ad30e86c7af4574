//! The module's exports (wasm32 only): a synchronous face of the sans-IO core for the package's JavaScript
//! (`pkg-template/client.js`), which owns every effect — `fetch`, storage, timers, other tabs, events.
//!
//! Values cross as JSON text, because the engine's `JSON.parse` is native and free to ship while converting
//! JS objects field by field would compile into the module. Every fallible export returns an [`Outcome`]:
//! `{"ok": value}` or `{"error": {"name", "message", "retryable"}}`. Sessions and device secrets are kept by
//! the JS side as the JSON text these exports produced, and read back here whenever a decision needs them.

mod account;

use wasm_bindgen::prelude::*;

use crate::clock::{self, Now};
use crate::config::RefreshMethod;
use crate::error::names;
use crate::flows::refresh::{self, Reason};
use crate::flows::sign_in::{
    Answer, DeviceSecrets, Method, NextStep, Progress, SignIn, SignInInput,
};
use crate::flows::sign_out;
use crate::json::{self, Reader, Value};
use crate::protocol::{RawResponse, Request, parse_response};
use crate::secret::{ClientSecret, Password};
use crate::session::Session;
use crate::srp::client::SrpClient;
use crate::{ClientConfig, Error};

use account::AccountOperation;

/// The JSON text of an export's result.
fn outcome(result: Result<Value, Error>) -> String {
    match result {
        Ok(value) => Value::object([("ok", value)]).to_string(),
        Err(error) => error_json(&error),
    }
}

fn error_json(error: &Error) -> String {
    let error = Value::object([
        ("name", error.name().into()),
        ("message", (&error.message).into()),
        ("retryable", error.retryable.into()),
    ]);
    Value::object([("error", error)]).to_string()
}

/// The body of a successful reply (the JS transport has already turned error replies into errors).
fn reply_body(text: &str) -> Result<Value, Error> {
    json::parse_reply(text, "Cognito")
}

fn request_json(request: &Request) -> Value {
    Value::object([
        ("target", request.operation.target().into()),
        ("body", (&request.body).into()),
    ])
}

#[derive(Clone, Copy)]
enum AuthFlowType {
    UserSrp,
    UserPassword,
    CustomWithSrp,
    CustomWithoutSrp,
    UserAuth,
}

const AUTH_FLOWS: [(&str, AuthFlowType); 5] = [
    ("USER_SRP_AUTH", AuthFlowType::UserSrp),
    ("USER_PASSWORD_AUTH", AuthFlowType::UserPassword),
    ("CUSTOM_WITH_SRP", AuthFlowType::CustomWithSrp),
    ("CUSTOM_WITHOUT_SRP", AuthFlowType::CustomWithoutSrp),
    ("USER_AUTH", AuthFlowType::UserAuth),
];

const REFRESH_METHODS: [(&str, RefreshMethod); 2] = [
    ("InitiateAuth", RefreshMethod::InitiateAuth),
    (
        "GetTokensFromRefreshToken",
        RefreshMethod::GetTokensFromRefreshToken,
    ),
];

/// A session as the JS side holds it: the text to store, the app's view of it, and this device's key.
fn session_json(session: &Session) -> Result<Value, Error> {
    let view = Value::object([
        ("username", session.username().into()),
        ("idToken", session.id_token().into()),
        ("accessToken", session.access_token().into()),
        (
            "refreshToken",
            session.refresh_token().map(|t| t.expose()).into(),
        ),
        (
            "expiresAt",
            session.expires_at().saturating_mul(1000).into(),
        ),
        ("clockDrift", session.clock_drift().into()),
        ("idTokenClaims", session.id_claims().clone().into()),
    ]);
    Ok(Value::object([
        ("stored", session.to_storage_json().into()),
        ("session", view),
        ("deviceKey", session.device_key().into()),
    ]))
}

/// Account operation `op` with the app's `args` (JSON text).
fn account_operation(op: &str, args: &str) -> Result<AccountOperation, Error> {
    let what = format!("{op} input");
    let args_json = json::parse_argument(args, &what)?;
    AccountOperation::read(op, &Reader::argument(&args_json, &what)?)
}

fn stored_session(stored: &str) -> Result<Session, Error> {
    Session::from_storage_json(stored)
}

fn sign_in_output(step: NextStep) -> Result<Value, Error> {
    let signed_in = matches!(step, NextStep::Done);
    let output = Value::object([
        ("isSignedIn", signed_in.into()),
        ("nextStep", step.to_json()),
    ]);
    Ok(Value::object([("output", output)]))
}

/// One client's core: its configuration and the sign-in under way.
#[wasm_bindgen]
pub struct Core {
    config: ClientConfig,
    sign_in: Option<PendingSignIn>,
    /// Sign-ins opened so far: names each one, so that replies to a sign-in that a newer one replaced
    /// are not taken for the newer one's.
    sign_ins_opened: u32,
    /// The SRP ephemeral `prepareSignIn` computed for the next sign-in.
    prepared_srp: Option<SrpClient>,
    timeout_ms: u32,
    auto_refresh: bool,
}

struct PendingSignIn {
    id: u32,
    flow: SignIn,
    /// Started by `signIn` (not `confirmSignIn`): a not-yet-confirmed user or a required password reset is
    /// reported as the next step, as Amplify does, rather than as a failure.
    opening: bool,
}

const DEFAULT_TIMEOUT_MS: u32 = 30_000;

#[wasm_bindgen]
impl Core {
    /// Validates the app's configuration (as JSON); throws the error's JSON text when it is unusable.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str) -> Result<Core, String> {
        Self::open(config).map_err(|e| error_json(&e))
    }

    /// What the JS side needs of the configuration: `{endpoint, timeoutMs, autoRefresh}`.
    pub fn settings(&self) -> String {
        Value::object([
            ("endpoint", (&self.config.endpoint).into()),
            ("timeoutMs", self.timeout_ms.into()),
            ("autoRefresh", self.auto_refresh.into()),
        ])
        .to_string()
    }

    /// Milliseconds to wait before attempt `attempt + 1` of a request that failed, or -1 to give up.
    #[wasm_bindgen(js_name = retryDelay)]
    pub fn retry_delay(&self, attempt: u32, error_name: &str, retryable: bool, jitter: f64) -> i32 {
        let mut error = Error::new(error_name, "");
        error.retryable = retryable;
        self.config
            .retry
            .delay_ms(attempt, &error, jitter)
            .map_or(-1, |ms| i32::try_from(ms).unwrap_or(i32::MAX))
    }

    /// The error a reply carries as an outcome's JSON, or "" for a success (2xx). A success's body is parsed
    /// once, by the export that reads it (an unreadable one is its `InvalidResponseException`).
    #[wasm_bindgen(js_name = replyError)]
    pub fn reply_error(
        &self,
        status: u16,
        body: &str,
        error_type_header: Option<String>,
    ) -> String {
        if (200..300).contains(&status) {
            return String::new();
        }
        match parse_response(&RawResponse {
            status,
            body,
            error_type_header: error_type_header.as_deref(),
        }) {
            Ok(_) => String::new(),
            Err(error) => error_json(&error),
        }
    }

    /// Computes the SRP ephemeral of the next sign-in now.
    #[wasm_bindgen(js_name = prepareSignIn)]
    pub fn prepare_sign_in(&mut self) -> String {
        outcome(SrpClient::generate().map_err(Error::from).map(|srp| {
            self.prepared_srp = Some(srp);
            Value::Null
        }))
    }

    /// Opens a sign-in. `device` is the stored device secrets for this username ("" when none). Returns a
    /// progress: `{send: {target, body}}`, `{signedIn, output}` or `{output}`.
    #[wasm_bindgen(js_name = signIn)]
    pub fn sign_in(&mut self, args: &str, device: &str, device_name: String) -> String {
        self.sign_in = None;
        outcome(self.open_sign_in(args, device, device_name))
    }

    /// Answers the step the sign-in is waiting on; returns a progress.
    #[wasm_bindgen(js_name = confirmSignIn)]
    pub fn confirm_sign_in(&mut self, args: &str) -> String {
        outcome(self.answer(args))
    }

    /// The sign-in request succeeded with `body`: returns the next progress. `device_now` is Unix seconds by
    /// the device clock, `clock_offset` Cognito's clock minus the device's (seconds).
    /// `flow` is the id its `send` progress carried.
    #[wasm_bindgen(js_name = signInReplied)]
    pub fn sign_in_replied(
        &mut self,
        flow: u32,
        body: &str,
        device_now: f64,
        clock_offset: f64,
    ) -> String {
        let now = Now::with_offset(device_now as i64, clock_offset as i64);
        outcome(self.advance(flow, |flow, config| {
            flow.on_response(config, &reply_body(body)?, now)
        }))
    }

    /// The sign-in request failed with `error` (`{name, message, retryable}`): returns the request to send
    /// instead (a device Cognito forgot is dropped), or the error.
    #[wasm_bindgen(js_name = signInFailed)]
    pub fn sign_in_failed(&mut self, flow: u32, error: &str) -> String {
        outcome(self.request_failed(flow, error))
    }

    /// Forgets the sign-in under way (another tab signed out).
    #[wasm_bindgen(js_name = dropSignIn)]
    pub fn drop_sign_in(&mut self) {
        self.sign_in = None;
    }

    /// A stored session, checked and decoded: `{stored, session, deviceKey}`.
    #[wasm_bindgen(js_name = readSession)]
    pub fn read_session(&self, stored: &str) -> String {
        outcome(stored_session(stored).and_then(|s| session_json(&s)))
    }

    /// Whether the session's tokens expire within the refresh margin at `device_now` (Unix seconds).
    #[wasm_bindgen(js_name = needsRefresh)]
    pub fn needs_refresh(&self, stored: &str, device_now: f64) -> bool {
        stored_session(stored)
            .is_ok_and(|s| s.needs_refresh(device_now as i64, self.config.refresh_margin_secs))
    }

    /// Milliseconds from `now_ms` until the session needs a refresh.
    #[wasm_bindgen(js_name = refreshDueInMs)]
    pub fn refresh_due_in_ms(&self, stored: &str, now_ms: f64) -> f64 {
        stored_session(stored).map_or(0.0, |s| {
            s.refresh_due_in_ms(now_ms, self.config.refresh_margin_secs)
        })
    }

    /// Whether `current` (stored now) has other tokens than `earlier`: another tab refreshed or signed in.
    pub fn supersedes(&self, current: &str, earlier: &str) -> bool {
        match (stored_session(current), stored_session(earlier)) {
            (Ok(current), Ok(earlier)) => current.supersedes(&earlier),
            _ => current != earlier,
        }
    }

    /// Holding the refresh lock: whether `current` must still be refreshed (see [`refresh::still_needed`]).
    #[wasm_bindgen(js_name = stillNeeded)]
    pub fn still_needed(
        &self,
        requested: bool,
        before: &str,
        current: &str,
        device_now: f64,
    ) -> bool {
        let reason = if requested {
            Reason::Requested
        } else {
            Reason::Expiring
        };
        match (stored_session(before), stored_session(current)) {
            (Ok(before), Ok(current)) => refresh::still_needed(
                reason,
                &before,
                &current,
                device_now as i64,
                self.config.refresh_margin_secs,
            ),
            _ => true,
        }
    }

    /// The request that refreshes the stored session.
    #[wasm_bindgen(js_name = refreshRequest)]
    pub fn refresh_request(&self, stored: &str) -> String {
        outcome(
            stored_session(stored)
                .and_then(|s| refresh::request(&self.config, &s))
                .map(|r| request_json(&r)),
        )
    }

    /// The session the refresh reply `body` gives: `{stored, session, deviceKey}`.
    pub fn refreshed(&self, stored: &str, body: &str, device_now: f64) -> String {
        outcome(stored_session(stored).and_then(|before| {
            let after = refresh::refreshed(&before, &reply_body(body)?, device_now as i64)?;
            session_json(&after)
        }))
    }

    /// RevokeToken for the session's refresh token (`null` when it has none).
    #[wasm_bindgen(js_name = revokeRequest)]
    pub fn revoke_request(&self, stored: &str) -> String {
        outcome(
            stored_session(stored).and_then(|s| match s.refresh_token() {
                Some(token) => Ok(request_json(&sign_out::revoke_request(
                    &self.config,
                    token,
                )?)),
                None => Ok(Value::Null),
            }),
        )
    }

    /// Whether stored device secrets can be read back.
    #[wasm_bindgen(js_name = deviceReadable)]
    pub fn device_readable(&self, device: &str) -> bool {
        DeviceSecrets::from_storage_json(device).is_ok()
    }

    /// The request of account operation `op` (named as the JS method) with the app's `args`.
    pub fn account(&self, op: &str, args: &str, access_token: &str) -> String {
        outcome(
            account_operation(op, args)
                .and_then(|operation| operation.request(&self.config, access_token))
                .map(|r| request_json(&r)),
        )
    }

    /// What account operation `op` resolves with, from its reply `body`.
    #[wasm_bindgen(js_name = accountResult)]
    pub fn account_result(&self, op: &str, args: &str, body: &str, username: &str) -> String {
        outcome(
            account_operation(op, args)
                .and_then(|operation| operation.output(&self.config, &reply_body(body)?, username)),
        )
    }
}

/// Server minus device time in whole seconds from a reply's `Date` header, when it is believable.
#[wasm_bindgen(js_name = clockOffset)]
pub fn clock_offset(device_ms: f64, server_date_ms: f64) -> Option<f64> {
    clock::offset_from_date(device_ms, server_date_ms).map(|s| s as f64)
}

impl Core {
    fn open(config: &str) -> Result<Self, Error> {
        let input_json = json::parse_argument(config, "CognitoClient config")?;
        let input = Reader::argument(&input_json, "CognitoClient config")?;
        let mut config = ClientConfig::new(
            input.string("userPoolId")?,
            input.string("clientId")?,
            input.opt_string("clientSecret")?.map(ClientSecret::new),
            input.opt_string("endpoint")?,
        )?;
        if let Some(issuer) = input.opt_string("totpIssuer")? {
            config.totp_issuer = issuer;
        }
        if let Some(margin) = input.opt_u32("refreshMarginSeconds")? {
            config.refresh_margin_secs = i64::from(margin);
        }
        if let Some(attempts) = input.opt_u32("retry.maxAttempts")? {
            config.retry.max_attempts = attempts.max(1);
        }
        if let Some(delay) = input.opt_u32("retry.baseDelayMs")? {
            config.retry.base_delay_ms = delay;
        }
        if let Some(method) = input.opt_choice("refreshMethod", &REFRESH_METHODS)? {
            config.refresh_method = method;
        }
        Ok(Self {
            config,
            sign_in: None,
            sign_ins_opened: 0,
            prepared_srp: None,
            timeout_ms: input
                .opt_u32("timeoutMs")?
                .unwrap_or(DEFAULT_TIMEOUT_MS)
                .max(1),
            auto_refresh: input.opt_bool("autoRefresh")?.unwrap_or(true),
        })
    }

    fn open_sign_in(
        &mut self,
        args: &str,
        device: &str,
        device_name: String,
    ) -> Result<Value, Error> {
        let args_json = json::parse_argument(args, "signIn input")?;
        let args = Reader::argument(&args_json, "signIn input")?;
        let flow = args.opt_choice("authFlowType", &AUTH_FLOWS)?;
        // An ephemeral is used once: the prepared one, else a fresh one.
        let mut ephemeral = || {
            self.prepared_srp
                .take()
                .map_or_else(SrpClient::generate, Ok)
        };
        let method = match flow.unwrap_or(AuthFlowType::UserSrp) {
            AuthFlowType::UserSrp => Method::Srp(ephemeral()?),
            AuthFlowType::UserPassword => Method::Password,
            AuthFlowType::CustomWithSrp => Method::CustomWithSrp(ephemeral()?),
            AuthFlowType::CustomWithoutSrp => Method::CustomWithoutSrp,
            AuthFlowType::UserAuth => Method::UserAuth {
                preferred: args.opt_string("preferredChallenge")?,
            },
        };
        let sign_in = SignInInput {
            device: DeviceSecrets::from_storage_json(device).ok(),
            device_name,
            username: args.string("username")?,
            password: Password::new(args.string_or_empty("password")?),
            client_metadata: args.opt_map("clientMetadata")?,
        };
        let (flow, request) = SignIn::start(&self.config, sign_in, method)?;
        self.sign_ins_opened = self.sign_ins_opened.wrapping_add(1);
        self.sign_in = Some(PendingSignIn {
            id: self.sign_ins_opened,
            flow,
            opening: true,
        });
        self.progress(Progress::Send(request))
    }

    fn answer(&mut self, args: &str) -> Result<Value, Error> {
        let args_json = json::parse_argument(args, "confirmSignIn input")?;
        let args = Reader::argument(&args_json, "confirmSignIn input")?;
        let answer = Answer {
            response: args.string("challengeResponse")?,
            user_attributes: args.map_or_empty("options.userAttributes")?,
            friendly_device_name: args.opt_string("options.friendlyDeviceName")?,
            client_metadata: args.opt_map("options.clientMetadata")?,
        };
        let pending = self.sign_in.as_mut().ok_or_else(|| {
            Error::invalid_parameter("no sign-in is waiting for confirmSignIn; call signIn first")
        })?;
        if pending.flow.is_waiting_for_reply() {
            return Err(Error::invalid_parameter(
                "the sign-in is still waiting for Cognito",
            ));
        }
        pending.opening = false;
        let progress = pending.flow.answer(&self.config, answer)?;
        self.progress(progress)
    }

    /// Runs `step` on the sign-in waiting for a reply; a flow that can no longer be answered is dropped.
    fn advance(
        &mut self,
        flow: u32,
        step: impl FnOnce(&mut SignIn, &ClientConfig) -> Result<Progress, Error>,
    ) -> Result<Value, Error> {
        let pending = Self::awaiting_reply(&mut self.sign_in, flow)?;
        match step(&mut pending.flow, &self.config) {
            Ok(progress) => self.progress(progress),
            Err(error) => Err(self.failed(error)),
        }
    }

    /// The sign-in `flow`, which must be waiting for a reply.
    fn awaiting_reply(
        sign_in: &mut Option<PendingSignIn>,
        flow: u32,
    ) -> Result<&mut PendingSignIn, Error> {
        sign_in
            .as_mut()
            .filter(|p| p.id == flow && p.flow.is_waiting_for_reply())
            .ok_or_else(|| {
                Error::new(
                    names::ABORTED,
                    "the sign-in was abandoned (a newer one started, or another tab signed out)",
                )
            })
    }

    fn request_failed(&mut self, flow: u32, error: &str) -> Result<Value, Error> {
        let reported_json = json::parse_argument(error, "error")?;
        let reported = Reader::argument(&reported_json, "error")?;
        let mut error = Error::new(
            reported.string("name")?,
            reported.string_or_empty("message")?,
        );
        error.retryable = reported.opt_bool("retryable")?.unwrap_or(false);
        let pending = Self::awaiting_reply(&mut self.sign_in, flow)?;
        if let Some(retry) = pending.flow.request_failed(&error) {
            return self.progress(Progress::Send(retry));
        }
        let opening = pending.opening;
        match self.failed(error) {
            error if opening && error.is("UserNotConfirmedException") => {
                sign_in_output(NextStep::ConfirmSignUp)
            }
            error if opening && error.is("PasswordResetRequiredException") => {
                sign_in_output(NextStep::ResetPassword)
            }
            error => Err(error),
        }
    }

    /// Keeps a flow the app can still answer (after a wrong code, say); passes `error` on.
    fn failed(&mut self, error: Error) -> Error {
        if !self
            .sign_in
            .as_ref()
            .is_some_and(|p| p.flow.is_waiting_for_answer())
        {
            self.sign_in = None;
        }
        error
    }

    /// The JSON of `progress`, keeping the flow for the reply or answer it waits for.
    fn progress(&mut self, progress: Progress) -> Result<Value, Error> {
        let Some(pending) = self.sign_in.as_mut() else {
            return Err(Error::invalid_response("no sign-in under way"));
        };
        match progress {
            Progress::Send(request) => Ok(Value::object([
                ("send", request_json(&request)),
                ("flow", pending.id.into()),
            ])),
            Progress::SignedIn(session) => {
                let flow = &pending.flow;
                let device = flow
                    .new_device()
                    .map(|device| device.secrets.to_storage_json());
                let signed_in = Value::object([
                    ("session", session_json(&session)?),
                    ("typedUsername", flow.typed_username().into()),
                    ("device", device.into()),
                    ("deviceForgotten", flow.device_forgotten().into()),
                ]);
                self.sign_in = None;
                let mut value = sign_in_output(NextStep::Done)?;
                value.insert("signedIn", signed_in);
                Ok(value)
            }
            Progress::NextStep(step) => {
                if !pending.flow.is_waiting_for_answer() {
                    self.sign_in = None;
                }
                sign_in_output(step)
            }
        }
    }
}
