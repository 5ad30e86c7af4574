//! The modules' exports (wasm32 only; natively for their unit tests): a synchronous face of the sans-IO core
//! for the package's JavaScript (`pkg-template/client.js`), which owns every effect — `fetch`, storage,
//! timers, other tabs, events.
//!
//! The crate builds into one wasm module with two classes, which `scripts/build-pkg.sh` splits in four at
//! function level (scripts/wasm-split); each later part imports the earlier parts' memory, table and
//! functions instead of carrying its own.
//! - [`Core`] ([`session`]): what a page needs to restore a stored session, answer `getSession()`, refresh
//!   when due and sign out. Every page loads its part, the session module; `Core.refresh`'s part, the
//!   refresh module, is loaded when tokens are first due.
//! - [`SignInCore`] ([`sign_in`], [`oauth`]): SRP and the sign-in flows (`signInWithRedirect` too). Its
//!   part, the sign-in module, is loaded on first use by the sign-in worker (with the session module under
//!   it) or on the page where no worker starts, so that a returning user's page never downloads or compiles
//!   it; `SignInCore.account`'s part ([`account`]: sign-up, password reset, attributes, MFA, devices,
//!   passkeys), the account module, on the first account operation only.
//!
//! Each class is opened with the app's configuration and has one method per part: `call(op, args)` runs the
//! operation named `op` (its class's table in [`call`]) with its arguments, the JSON text of an array, and
//! `Core.refresh` and `SignInCore.account` the same for their parts' tables. One method rather than one per
//! operation: each `#[wasm_bindgen]` method cost an export shim in the module and a glue function in the JS
//! wasm-bindgen writes (see [`call`] for what it saved).
//!
//! One boundary convention: `call` returns the JSON text of an outcome, `{"ok": value}` or
//! `{"error": {"name", "message", "retryable"}}`, which the package's `invoke` (pkg-template/outcome.js) turns
//! into the value or a thrown `CognitoError` — an unknown operation or an argument of the wrong type included
//! (`InvalidParameterException`), and the constructor's configuration too (an unusable one is the error of
//! every later call, first of `settings`). Values cross as JSON text, because the engine's `JSON.parse` and
//! `JSON.stringify` are native and free to ship while converting JS objects field by field would compile into
//! the module.
//!
//! Sessions are kept by the JS side as the stored text these exports produced (storage and other tabs hold
//! nothing else). The session module parses each such text once and holds the session ([`session`]'s
//! `HeldSessions`): later decisions about the same text use what it holds.

mod account;
mod call;
mod oauth;
mod session;
mod sign_in;

use crate::prelude::*;
use wasm_bindgen::prelude::*;

use crate::config::ClientConfig;
use crate::config::RefreshMethod;
use crate::error::Error;
use crate::json::{self, Reader, Value};
use crate::protocol::Request;
use crate::secret::ClientSecret;
use crate::session::Session;

/// The JSON text of an export's result.
fn outcome(result: Result<Value, Error>) -> String {
    let member = match result {
        Ok(value) => ("ok", value),
        Err(mut error) => (
            "error",
            Value::object([
                ("name", error.name().into()),
                ("message", core::mem::take(&mut error.message).into()),
                ("retryable", error.retryable.into()),
            ]),
        ),
    };
    Value::object([member]).to_json()
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

const REFRESH_METHODS: [(&str, RefreshMethod); 2] = [
    ("InitiateAuth", RefreshMethod::InitiateAuth),
    (
        "GetTokensFromRefreshToken",
        RefreshMethod::GetTokensFromRefreshToken,
    ),
];

/// A session as the JS side holds it: the text to store, the app's view of it, and this device's key.
fn session_json(session: &Session) -> Value {
    session_view(session, session.to_storage_json())
}

/// [`session_json`] of a session whose stored text is `stored`.
fn session_view(session: &Session, stored: String) -> Value {
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
            crate::clock::millis(session.expires_at()).into(),
        ),
        ("clockDrift", session.clock_drift().into()),
        ("idTokenClaims", session.id_claims().clone().into()),
    ]);
    Value::object([
        ("stored", stored.into()),
        ("session", view),
        ("deviceKey", session.device_key().into()),
    ])
}

/// One client's session core (the page's): its configuration and the sessions it has read.
#[wasm_bindgen]
pub struct Core {
    /// The app's configuration, or why it cannot be used: every operation that needs it answers with that
    /// error.
    opened: Result<Opened, Error>,
    sessions: crate::session::HeldSessions,
}

/// One client's sign-in core (the sign-in worker's, or the page's where no worker starts): its
/// configuration and the sign-in under way.
#[wasm_bindgen]
pub struct SignInCore {
    /// As [`Core`]'s.
    opened: Result<Opened, Error>,
    /// The app's `oauth` configuration, read when `signInWithRedirect` needs it: not in [`Opened`], whose
    /// reading is the session module's too.
    oauth: Option<Value>,
    sign_in: sign_in::SignInState,
}

/// A usable configuration, as read from the app's.
struct Opened {
    config: ClientConfig,
    timeout_ms: u32,
    auto_refresh: bool,
}

/// The configuration of a core, or the error it was opened with (a free function over the field, so that
/// callers may borrow the core's other fields mutably meanwhile). The error is made again from its name,
/// message and verdict, an equal one (names and kinds map one to one): `Error`'s derived `Clone` was 222 B
/// more of the session module, and this is the module's only copy of an error.
fn opened(opened: &Result<Opened, Error>) -> Result<&Opened, Error> {
    opened.as_ref().map_err(|error| {
        let mut again = Error::new(error.name(), error.message.as_str());
        again.retryable = error.retryable;
        again
    })
}

const DEFAULT_TIMEOUT_MS: u32 = 30_000;

#[wasm_bindgen]
impl Core {
    /// Reads the app's configuration (as JSON). Never throws: an unusable one is the error of every call.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str) -> Core {
        Core {
            opened: Opened::read(config),
            sessions: crate::session::HeldSessions::default(),
        }
    }

    /// Operation `op` (see [`call::SessionOp`]) with `args`, the JSON text of an array of its arguments: an
    /// outcome's text. An unknown operation, or arguments it cannot take, is its error.
    pub fn call(&mut self, op: &str, args: &str) -> String {
        outcome(
            call::SessionOp::named(op)
                .and_then(|known| self.run(known, &call::Args::read(op, args)?)),
        )
    }

    /// As [`Core::call`], with the refresh operations ([`call::RefreshOp`]). A method of its own, so that
    /// scripts/wasm-split can put what only it reaches in the refresh module: the session module, which every
    /// page loads, then has none of a refresh's code.
    pub fn refresh(&mut self, op: &str, args: &str) -> String {
        outcome(
            call::RefreshOp::named(op)
                .and_then(|known| self.run_refresh(known, &call::Args::read(op, args)?)),
        )
    }
}

#[wasm_bindgen]
impl SignInCore {
    /// As [`Core::new`].
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str) -> SignInCore {
        SignInCore {
            opened: Opened::read(config),
            // Parsed a second time, here: an unreadable configuration is `opened`'s error.
            oauth: json::parse(config)
                .ok()
                .and_then(|config| config.get("oauth").cloned()),
            sign_in: sign_in::SignInState::default(),
        }
    }

    /// As [`Core::call`], with the operations of [`call::SignInOp`].
    pub fn call(&mut self, op: &str, args: &str) -> String {
        outcome(
            call::SignInOp::named(op)
                .and_then(|known| self.run(known, &call::Args::read(op, args)?)),
        )
    }

    /// As [`Core::call`], with the account operations ([`call::AccountOp`]). A method of its own, so that
    /// scripts/wasm-split can put what only it reaches in the account module: an app that only signs in
    /// then downloads none of the account operations' code.
    pub fn account(&mut self, op: &str, args: &str) -> String {
        outcome(
            call::AccountOp::named(op)
                .and_then(|known| self.run_account(known, &call::Args::read(op, args)?)),
        )
    }
}

/// What the JS side needs of a configuration, `{endpoint, timeoutMs, autoRefresh}`, or why it is unusable
/// (either core's `settings`).
fn settings(opened: &Result<Opened, Error>) -> Result<Value, Error> {
    self::opened(opened).map(|opened| {
        Value::object([
            ("endpoint", (&opened.config.endpoint).into()),
            ("timeoutMs", opened.timeout_ms.into()),
            ("autoRefresh", opened.auto_refresh.into()),
        ])
    })
}

impl Opened {
    fn read(config: &str) -> Result<Self, Error> {
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
            timeout_ms: input
                .opt_u32("timeoutMs")?
                .unwrap_or(DEFAULT_TIMEOUT_MS)
                .max(1),
            auto_refresh: input.opt_bool("autoRefresh")?.unwrap_or(true),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_core_answers_the_error_it_was_opened_with() {
        for config in [
            "",
            "{}",
            "[]",
            r#"{"userPoolId":"nope","clientId":"c"}"#,
            r#"{"userPoolId":"us-east-1_Abc","clientId":""}"#,
            r#"{"userPoolId":"us-east-1_Abc","clientId":"c","endpoint":"http://example.com"}"#,
            r#"{"userPoolId":"us-east-1_Abc","clientId":"c","refreshMethod":"x"}"#,
        ] {
            let read = Opened::read(config);
            let error = read.as_ref().err().expect(config).clone();
            assert_eq!(opened(&read).err(), Some(error), "{config}");
        }
        let mut retryable = Error::new("ThrottlingException", "slow");
        retryable.retryable = false;
        assert_eq!(opened(&Err(retryable.clone())).err(), Some(retryable));
    }
}
