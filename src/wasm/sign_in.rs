//! The sign-in module's operations ([`super::SignInCore`]'s, run by [`super::call`]): SRP, every sign-in flow with
//! its challenges and remembered devices (the account operations are [`super::account`]'s, in a module of
//! their own). The package loads this module only when a sign-in or an account operation needs it — in the
//! page's sign-in worker, or on the page where no worker can start.

use crate::prelude::*;

use super::{SignInCore, opened, reply_body, request_json, session_json};
use crate::clock::Now;
use crate::config::ClientConfig;
use crate::error::Error;
use crate::error::names;
use crate::flows::sign_in::{
    Answer, DeviceSecrets, Method, NextStep, Progress, SignIn, SignInInput,
};
use crate::json::{self, Reader, Value};
use crate::secret::Password;
use crate::srp::client::SrpClient;

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

fn sign_in_output(step: NextStep) -> Result<Value, Error> {
    let signed_in = matches!(step, NextStep::Done);
    let output = Value::object([
        ("isSignedIn", signed_in.into()),
        ("nextStep", step.to_json()),
    ]);
    Ok(Value::object([("output", output)]))
}

/// A client's sign-in state in the sign-in module.
#[derive(Default)]
pub(super) struct SignInState {
    pending: Option<PendingSignIn>,
    /// Sign-ins opened so far: names each one, so that replies to a sign-in that a newer one replaced
    /// are not taken for the newer one's.
    opened: u32,
    /// The SRP ephemeral `prepareSignIn` computed for the next sign-in.
    prepared_srp: Option<SrpClient>,
}

struct PendingSignIn {
    id: u32,
    flow: SignIn,
    /// Started by `signIn` (not `confirmSignIn`): a not-yet-confirmed user or a required password reset is
    /// reported as the next step, as Amplify does, rather than as a failure.
    opening: bool,
}

impl SignInCore {
    /// Computes the SRP ephemeral of the next sign-in now.
    pub(super) fn prepare_sign_in(&mut self) -> Result<Value, Error> {
        let srp = SrpClient::generate()?;
        self.sign_in.prepared_srp = Some(srp);
        Ok(Value::Null)
    }

    /// Opens a sign-in. `device` is the stored device secrets for this username ("" when none). Returns a
    /// progress: `{send: {target, body}}`, `{signedIn, output}` or `{output}`.
    pub(super) fn sign_in(
        &mut self,
        args: &str,
        device: &str,
        device_name: &str,
    ) -> Result<Value, Error> {
        self.sign_in.pending = None;
        let config = &opened(&self.opened)?.config;
        let args_json = json::parse_argument(args, "signIn input")?;
        let args = Reader::argument(&args_json, "signIn input")?;
        let flow = args.opt_choice("authFlowType", &AUTH_FLOWS)?;
        // An ephemeral is used once: the prepared one, else a fresh one.
        let mut ephemeral = || {
            self.sign_in
                .prepared_srp
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
            device_name: device_name.to_owned(),
            username: args.string("username")?,
            password: Password::new(args.string_or_empty("password")?),
            client_metadata: args.opt_map("clientMetadata")?,
        };
        let (flow, request) = SignIn::start(config, sign_in, method)?;
        self.sign_in.opened = self.sign_in.opened.wrapping_add(1);
        self.sign_in.pending = Some(PendingSignIn {
            id: self.sign_in.opened,
            flow,
            opening: true,
        });
        self.progress(Progress::Send(request))
    }

    /// The sign-in request succeeded with `body` at `now`: returns the next progress. `flow` is the id its
    /// `send` progress carried.
    pub(super) fn sign_in_replied(
        &mut self,
        flow: u32,
        body: &str,
        now: Now,
    ) -> Result<Value, Error> {
        self.advance(flow, |flow, config| {
            flow.on_response(config, &reply_body(body)?, now)
        })
    }

    /// Forgets the sign-in under way (another tab signed out).
    pub(super) fn drop_sign_in(&mut self) -> Value {
        self.sign_in.pending = None;
        Value::Null
    }

    /// Whether stored device secrets can be read back.
    pub(super) fn device_readable(device: &str) -> Value {
        DeviceSecrets::from_storage_json(device).is_ok().into()
    }

    /// Answers the step the sign-in is waiting on; returns a progress.
    pub(super) fn answer(&mut self, args: &str) -> Result<Value, Error> {
        let config = &opened(&self.opened)?.config;
        let args_json = json::parse_argument(args, "confirmSignIn input")?;
        let args = Reader::argument(&args_json, "confirmSignIn input")?;
        let answer = Answer {
            response: args.string("challengeResponse")?,
            user_attributes: args.map_or_empty("options.userAttributes")?,
            friendly_device_name: args.opt_string("options.friendlyDeviceName")?,
            client_metadata: args.opt_map("options.clientMetadata")?,
        };
        let pending = self.sign_in.pending.as_mut().ok_or_else(|| {
            Error::invalid_parameter("no sign-in is waiting for confirmSignIn; call signIn first")
        })?;
        if pending.flow.is_waiting_for_reply() {
            return Err(Error::invalid_parameter(
                "the sign-in is still waiting for Cognito",
            ));
        }
        pending.opening = false;
        let progress = pending.flow.answer(config, answer)?;
        self.progress(progress)
    }

    /// Runs `step` on the sign-in waiting for a reply; a flow that can no longer be answered is dropped.
    fn advance(
        &mut self,
        flow: u32,
        step: impl FnOnce(&mut SignIn, &ClientConfig) -> Result<Progress, Error>,
    ) -> Result<Value, Error> {
        let config = &opened(&self.opened)?.config;
        let pending = Self::awaiting_reply(&mut self.sign_in.pending, flow)?;
        match step(&mut pending.flow, config) {
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

    /// The sign-in request failed with `error` (`{name, message, retryable}`): returns the request to send
    /// instead (a device Cognito forgot is dropped), or the error.
    pub(super) fn request_failed(&mut self, flow: u32, error: &str) -> Result<Value, Error> {
        let reported_json = json::parse_argument(error, "error")?;
        let reported = Reader::argument(&reported_json, "error")?;
        let mut error = Error::new(
            reported.string("name")?,
            reported.string_or_empty("message")?,
        );
        error.retryable = reported.opt_bool("retryable")?.unwrap_or(false);
        let pending = Self::awaiting_reply(&mut self.sign_in.pending, flow)?;
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
            .pending
            .as_ref()
            .is_some_and(|p| p.flow.is_waiting_for_answer())
        {
            self.sign_in.pending = None;
        }
        error
    }

    /// The JSON of `progress`, keeping the flow for the reply or answer it waits for.
    fn progress(&mut self, progress: Progress) -> Result<Value, Error> {
        let Some(pending) = self.sign_in.pending.as_mut() else {
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
                    ("session", session_json(&session)),
                    ("typedUsername", flow.typed_username().into()),
                    ("device", device.into()),
                    ("deviceForgotten", flow.device_forgotten().into()),
                ]);
                self.sign_in.pending = None;
                let mut value = sign_in_output(NextStep::Done)?;
                value.insert("signedIn", signed_in);
                Ok(value)
            }
            Progress::NextStep(step) => {
                if !pending.flow.is_waiting_for_answer() {
                    self.sign_in.pending = None;
                }
                sign_in_output(step)
            }
        }
    }
}
