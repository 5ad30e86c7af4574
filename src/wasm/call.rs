//! The one method each core class exports besides its constructor: `call(op, args)`, an operation named by
//! `op` with its arguments as the JSON text of an array, answering an outcome's text as every export does.
//! (And the session core's `refresh(op, args)` and the sign-in core's `account(op, args)`, the same for
//! their refresh and account operations, which ship in modules of their own.)
//! Each `#[wasm_bindgen]` method cost its own export shim in the module and its own glue function in the JS
//! wasm-bindgen writes; one method taking text costs one of each (measured when it was made, gzip -9: the
//! session core's wasm and its minified glue 1,426 B smaller, the sign-in core's 1,740 B).
//!
//! [`SessionOp`], [`RefreshOp`], [`SignInOp`] and [`AccountOp`] are the only places that map names to
//! operations, one table per exported method: a name a core does not know is a typed
//! `InvalidParameterException`, as is an argument missing or of the wrong type ([`Args`]).

use crate::prelude::*;

use crate::clock::Now;
use crate::error::Error;
use crate::json::{self, Value};
use crate::text;

use super::Core;
use super::SignInCore;
use super::settings;

/// Declares a core's operations from one list: an enum of them, its name table and the core's dispatch, from
/// each operation's name, its variant, and what running it does with the core and the call's arguments, so
/// that no operation lacks a name, a name an operation, or an operation its call.
macro_rules! ops {
    (
        $(#[$enum_attr:meta])* $core_type:ident::$run_fn:ident: $op:ident {
            $( $name:literal => $variant:ident($core:ident, $args:ident) => $run:expr, )*
        }
    ) => {
        $(#[$enum_attr])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(super) enum $op {
            $( $variant, )*
        }

        impl $op {
            /// Every operation of this core, by name.
            const BY_NAME: &[(&str, Self)] = &[ $( ($name, Self::$variant), )* ];

            /// The operation called `name`.
            pub(super) fn named(name: &str) -> Result<Self, Error> {
                by_name(Self::BY_NAME, name)
            }

            /// The name the JS side calls it by (for the tests: a call names its operation itself).
            #[cfg(test)]
            pub(super) fn name(self) -> &'static str {
                Self::BY_NAME.iter().find(|(_, op)| *op == self).map_or("", |(name, _)| name)
            }

            /// Every operation of this core (for the tests).
            #[cfg(test)]
            pub(super) fn all() -> impl Iterator<Item = Self> {
                Self::BY_NAME.iter().map(|(_, op)| *op)
            }
        }

        impl $core_type {
            /// Runs `op`: its arguments read, then the core's method for it.
            pub(super) fn $run_fn(&mut self, op: $op, args: &Args<'_>) -> Result<Value, Error> {
                match op {
                    $( $op::$variant => {
                        // Not every operation takes arguments, or needs the core.
                        #[allow(unused_variables)]
                        let ($core, $args) = (&mut *self, args);
                        $run
                    } )*
                }
            }
        }
    };
}

/// The operation called `name` in a core's table (`ops!`'s `BY_NAME`), or an `InvalidParameterException`.
fn by_name<Op: Copy>(table: &[(&str, Op)], name: &str) -> Result<Op, Error> {
    table
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, op)| *op)
        .ok_or_else(|| Error::invalid_parameter(text::concat(&["no operation is called ", name])))
}

ops! {
    /// The session core's operations ([`Core::call`]): the page's, in the session module every page loads.
    Core::run: SessionOp {
        "settings" => Settings(core, args) => settings(&core.opened),
        "retryDelay" => RetryDelay(core, args) =>
            core.retry_delay(args.whole(0)?, args.bool(1)?, args.int(2)?),
        "replyError" => ReplyError(core, args) =>
            Core::reply_error(args.whole(0)?, args.string(1)?, args.opt_string(2)?),
        "clockOffset" => ClockOffset(core, args) => Ok(Core::clock_offset(args.int(0)?, args.int(1)?)),
        "readSession" => ReadSession(core, args) => core.read_session(args.string(0)?),
        "needsRefresh" => NeedsRefresh(core, args) => core.needs_refresh(args.string(0)?, args.int(1)?),
        "refreshDueInMs" => RefreshDueInMs(core, args) =>
            core.refresh_due_in_ms(args.string(0)?, args.int(1)?),
        "revokeRequest" => RevokeRequest(core, args) => core.revoke_request(args.string(0)?),
    }
}

ops! {
    /// The session core's refresh operations ([`Core::refresh`]): in the refresh module, which a page loads
    /// when its tokens are first due (and a sign-in before its own module), so that a returning user whose
    /// tokens are good downloads none of their code.
    Core::run_refresh: RefreshOp {
        "stillNeeded" => StillNeeded(core, args) =>
            core.still_needed(args.bool(0)?, args.string(1)?, args.string(2)?, args.int(3)?),
        "supersedes" => Supersedes(core, args) => core.supersedes(args.string(0)?, args.string(1)?),
        "refreshRequest" => RefreshRequest(core, args) => core.refresh_request(args.string(0)?),
        "refreshed" => Refreshed(core, args) =>
            core.refreshed(args.string(0)?, args.string(1)?, args.int(2)?),
    }
}

ops! {
    /// The sign-in core's operations ([`SignInCore`]).
    SignInCore::run: SignInOp {
        "settings" => Settings(core, args) => settings(&core.opened),
        "prepareSignIn" => PrepareSignIn(core, args) => core.prepare_sign_in(),
        "signIn" => SignIn(core, args) =>
            core.sign_in(args.string(0)?, args.string(1)?, args.string(2)?),
        "confirmSignIn" => ConfirmSignIn(core, args) => core.answer(args.string(0)?),
        "signInReplied" => SignInReplied(core, args) =>
            core.sign_in_replied(args.whole(0)?, args.string(1)?, args.now(2)?),
        "signInFailed" => SignInFailed(core, args) =>
            core.request_failed(args.whole(0)?, args.string(1)?),
        "dropSignIn" => DropSignIn(core, args) => Ok(core.drop_sign_in()),
        "deviceReadable" => DeviceReadable(core, args) => Ok(SignInCore::device_readable(args.string(0)?)),
        "oauthBegin" => OauthBegin(core, args) => core.begin_redirect(args.string(0)?, args.string(1)?),
        "oauthCallback" => OauthCallback(core, args) =>
            core.oauth_callback(args.string(0)?, args.string(1)?),
        "oauthCustomState" => OauthCustomState(core, args) => SignInCore::oauth_custom_state(args.string(0)?),
        "oauthFinish" => OauthFinish(core, args) =>
            core.oauth_finish(args.string(0)?, args.whole(1)?, args.string(2)?, args.now(3)?),
        "oauthSignOutUrl" => OauthSignOutUrl(core, args) => core.oauth_sign_out_url(args.string(0)?),
    }
}

ops! {
    /// The sign-in core's account operations ([`SignInCore::account`]): in the account module, which the
    /// package loads on the first account operation (on top of the sign-in module), so that an app that only
    /// signs in downloads none of their code. Each takes the JS method's name and the app's input.
    SignInCore::run_account: AccountOp {
        "request" => Request(core, args) =>
            core.account_request(args.string(0)?, args.string(1)?, args.string(2)?),
        "result" => Result(core, args) =>
            core.account_result(args.string(0)?, args.string(1)?, args.string(2)?, args.string(3)?),
    }
}

/// The arguments of one call, read by position. An absent or `null` argument is missing; whole numbers
/// only (a time in milliseconds or seconds, a count), read without floating point.
pub(super) struct Args<'a> {
    /// The operation's name, for the errors.
    op: &'a str,
    items: Vec<Value>,
}

impl<'a> Args<'a> {
    /// The arguments of `op` (as the call named it, a known operation's name): JSON text of an array.
    pub(super) fn read(op: &'a str, text: &str) -> Result<Self, Error> {
        let what = text::concat(&[op, " arguments"]);
        match json::parse_argument(text, &what)? {
            Value::Array(items) => Ok(Self { op, items }),
            _ => Err(Error::invalid_parameter(text::concat(&[
                &what,
                ": expected an array",
            ]))),
        }
    }

    /// Argument `at` (`null` when absent).
    fn value(&self, at: usize) -> &Value {
        self.items.get(at).unwrap_or(&Value::Null)
    }

    fn wrong(&self, at: usize, expected: &str) -> Error {
        Error::invalid_parameter(text::concat(&[
            self.op,
            " argument ",
            &text::decimal(at as i64),
            " must be ",
            expected,
        ]))
    }

    /// Argument `at` read by `read`, which says `None` when it is not `expected`.
    fn read_as<'v, T>(
        &'v self,
        at: usize,
        expected: &str,
        read: impl FnOnce(&'v Value) -> Option<T>,
    ) -> Result<T, Error> {
        read(self.value(at)).ok_or_else(|| self.wrong(at, expected))
    }

    pub(super) fn string(&self, at: usize) -> Result<&str, Error> {
        self.read_as(at, "a string", Value::as_str)
    }

    /// A string that may be absent or `null`.
    pub(super) fn opt_string(&self, at: usize) -> Result<Option<&str>, Error> {
        match self.value(at) {
            Value::Null => Ok(None),
            value => self.read_as(at, "a string", |_| value.as_str().map(Some)),
        }
    }

    pub(super) fn bool(&self, at: usize) -> Result<bool, Error> {
        self.read_as(at, "true or false", Value::as_bool)
    }

    /// A number's floor (below 10^15 in magnitude: times in milliseconds fit).
    pub(super) fn int(&self, at: usize) -> Result<i64, Error> {
        self.read_as(at, "a number", Value::floor_below_1e15)
    }

    /// The time of a reply: Unix seconds by the device clock at `at`, and Cognito's clock minus the
    /// device's (seconds) after it.
    pub(super) fn now(&self, at: usize) -> Result<Now, Error> {
        Ok(Now::with_offset(self.int(at)?, self.int(at + 1)?))
    }

    /// A whole number that fits `T` (a `u32` count, a `u16` HTTP status).
    pub(super) fn whole<T: TryFrom<i64>>(&self, at: usize) -> Result<T, Error> {
        self.read_as(at, "a whole number in range", |value| {
            value.as_i64().and_then(|n| T::try_from(n).ok())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;
    use crate::wasm::Core;
    use crate::wasm::SignInCore;

    const GOOD: &str =
        r#"{"userPoolId":"us-east-1_Test","clientId":"client","endpoint":"http://127.0.0.1:1"}"#;

    /// The outcome `text` holds: `Ok(value)`, or `Err((name, message))` of a well-formed error.
    fn outcome_of(text: &str) -> Result<Value, (String, String)> {
        let outcome = parse(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
        let members = outcome.as_object().expect("an object");
        assert_eq!(members.keys().count(), 1, "{text}");
        if let Some(value) = members.get("ok") {
            return Ok(value.clone());
        }
        let error = members.get("error").and_then(Value::as_object);
        let error = error.unwrap_or_else(|| panic!("neither ok nor error: {text}"));
        let mut keys: Vec<_> = error.keys().collect();
        keys.sort_unstable();
        assert_eq!(keys, ["message", "name", "retryable"], "{text}");
        assert!(
            error.get("retryable").and_then(Value::as_bool).is_some(),
            "{text}"
        );
        let text_of = |key| error.get(key).and_then(Value::as_str).unwrap().to_owned();
        Err((text_of("name"), text_of("message")))
    }

    /// `table` (an `ops!` table) names each operation once, and `named` finds each by its name only.
    fn each_name_is_one_operation<Op: Copy + Eq + core::fmt::Debug>(
        table: &[(&str, Op)],
        named: fn(&str) -> Result<Op, Error>,
        name: fn(Op) -> &'static str,
    ) {
        assert!(table.len() > 1);
        for (op_name, op) in table {
            assert_eq!(
                named(op_name).unwrap(),
                *op,
                "{op_name} names another operation"
            );
            assert_eq!(name(*op), *op_name, "{op:?} has another name too");
        }
        for unknown in [
            "",
            "nope",
            "Settings",
            "settings ",
            "call",
            "constructor",
            "__proto__",
        ] {
            let error = named(unknown).unwrap_err();
            assert_eq!(error.name(), "InvalidParameterException", "{unknown:?}");
        }
    }

    #[test]
    fn each_name_is_one_operation_and_each_operation_one_name() {
        each_name_is_one_operation(SessionOp::BY_NAME, SessionOp::named, SessionOp::name);
        each_name_is_one_operation(RefreshOp::BY_NAME, RefreshOp::named, RefreshOp::name);
        each_name_is_one_operation(SignInOp::BY_NAME, SignInOp::named, SignInOp::name);
        each_name_is_one_operation(AccountOp::BY_NAME, AccountOp::named, AccountOp::name);
    }

    #[test]
    fn the_tables_share_only_settings() {
        for (name, _) in SessionOp::BY_NAME {
            assert_eq!(SignInOp::named(name).is_ok(), *name == "settings", "{name}");
            assert!(RefreshOp::named(name).is_err(), "{name}");
            assert!(AccountOp::named(name).is_err(), "{name}");
        }
        for (name, _) in RefreshOp::BY_NAME {
            assert!(SignInOp::named(name).is_err(), "{name}");
            assert!(AccountOp::named(name).is_err(), "{name}");
        }
        for (name, _) in SignInOp::BY_NAME {
            assert!(AccountOp::named(name).is_err(), "{name}");
        }
    }

    /// A fresh core of either class opened with a configuration, then called once: `(config, op, args)`.
    type CallFresh = fn(&str, &str, &str) -> String;

    /// Arguments no operation can take, or only some: each call must still answer a well-formed outcome.
    const HOSTILE_ARGS: [&str; 10] = [
        "[]",
        "",
        "not json",
        "{}",
        "null",
        r#""x""#,
        "[null,null,null,null,null,null]",
        r#"[{},[],true,-1,"x",1e300]"#,
        r#"["x","x","x","x","x","x"]"#,
        "[4294967296,-1,0.5,-0,99999999999999999999,false]",
    ];

    #[test]
    fn every_operation_answers_an_outcome_whatever_it_is_handed() {
        let mut calls: Vec<(&str, CallFresh)> = Vec::new();
        for op in SessionOp::all() {
            calls.push((op.name(), |config, op, args| {
                Core::new(config).call(op, args)
            }));
        }
        for op in RefreshOp::all() {
            calls.push((op.name(), |config, op, args| {
                Core::new(config).refresh(op, args)
            }));
        }
        for op in SignInOp::all() {
            calls.push((op.name(), |config, op, args| {
                SignInCore::new(config).call(op, args)
            }));
        }
        for op in AccountOp::all() {
            calls.push((op.name(), |config, op, args| {
                SignInCore::new(config).account(op, args)
            }));
        }
        for config in [GOOD, "{}", "not json"] {
            for (op, call) in &calls {
                for args in HOSTILE_ARGS {
                    // A fresh core each time: one call must not leave a core that later calls trip over.
                    let answer = call(config, op, args);
                    if let Err((name, _)) = outcome_of(&answer) {
                        assert!(!name.is_empty(), "{op}({args}): {answer}");
                    }
                }
            }
        }
        for (call, op) in [
            (Core::new(GOOD).call("nope", "[]"), "nope"),
            (Core::new(GOOD).refresh("nope", "[]"), "nope"),
            // A session operation is not a refresh operation, nor the other way round.
            (Core::new(GOOD).refresh("readSession", "[]"), "readSession"),
            (
                Core::new(GOOD).call("refreshRequest", "[]"),
                "refreshRequest",
            ),
            (SignInCore::new(GOOD).call("nope", "[]"), "nope"),
            (SignInCore::new(GOOD).account("nope", "[]"), "nope"),
            // A sign-in operation is not an account operation, nor the other way round.
            (SignInCore::new(GOOD).account("signIn", "[]"), "signIn"),
            (SignInCore::new(GOOD).call("request", "[]"), "request"),
        ] {
            let (name, message) = outcome_of(&call).unwrap_err();
            assert_eq!(name, "InvalidParameterException");
            // Each refusal names the operation it was called with.
            assert!(message.contains(op), "{op}: {message}");
        }
    }

    #[test]
    fn the_arguments_reach_the_operation_and_a_wrong_one_is_named() {
        let cores: [CallFresh; 2] = [
            |config, op, args| Core::new(config).call(op, args),
            |config, op, args| SignInCore::new(config).call(op, args),
        ];
        for call in cores {
            let settings_of = |args| call(GOOD, "settings", args);
            let settings = outcome_of(&settings_of("[]")).unwrap();
            assert_eq!(
                settings.get("endpoint").and_then(Value::as_str),
                Some("http://127.0.0.1:1")
            );
            let (name, message) = outcome_of(&settings_of("{}")).unwrap_err();
            assert_eq!(name, "InvalidParameterException");
            assert!(message.contains("settings arguments"), "{message}");
        }
        {
            let mut core = Core::new(GOOD);
            let (name, message) = outcome_of(&core.call("readSession", "[7]")).unwrap_err();
            assert_eq!(name, "InvalidParameterException");
            assert!(message.contains("readSession argument 0"), "{message}");
            let refused =
                r#"[400,"{\"__type\":\"NotAuthorizedException\",\"message\":\"no\"}",null]"#;
            let (name, _) = outcome_of(&core.call("replyError", refused)).unwrap_err();
            assert_eq!(name, "NotAuthorizedException");
            assert_eq!(
                outcome_of(&core.call("replyError", r#"[204,""]"#)),
                Ok(Value::Null)
            );
            // Jitter in millionths: a whole half of the base delay (100 ms by default) on top.
            let mut delay = |jitter: &str| {
                let args = format!(r#"[1,true,{jitter}]"#);
                outcome_of(&core.call("retryDelay", &args)).unwrap()
            };
            assert_eq!(
                delay("0").as_i64().unwrap() + 50,
                delay("500000").as_i64().unwrap()
            );
        }
        {
            let mut core = SignInCore::new(GOOD);
            assert_eq!(
                outcome_of(&core.call("deviceReadable", r#"["{}"]"#)),
                Ok(false.into())
            );
            let (_, message) = outcome_of(&core.call("signInFailed", r#"["1"]"#)).unwrap_err();
            assert!(message.contains("signInFailed argument 0"), "{message}");
        }
        {
            let mut core = SignInCore::new(GOOD);
            let args = r#"["resetPassword","{\"username\":\"bob\"}",""]"#;
            let request = outcome_of(&core.account("request", args)).unwrap();
            assert_eq!(
                request.get("target").and_then(Value::as_str),
                Some("AWSCognitoIdentityProviderService.ForgotPassword")
            );
            let (_, message) =
                outcome_of(&core.account("result", r#"["resetPassword"]"#)).unwrap_err();
            assert!(message.contains("result argument 1"), "{message}");
        }
    }
}
