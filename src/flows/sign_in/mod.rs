//! Sign-in: `USER_SRP_AUTH` (InitiateAuth → PASSWORD_VERIFIER → tokens, exactly two requests) or
//! `USER_PASSWORD_AUTH`, `CUSTOM_AUTH` and choice-based `USER_AUTH`, followed by whatever challenges the
//! pool asks for (MFA by SMS, e-mail or TOTP, MFA selection and setup, a new password, custom challenges,
//! device SRP). Each challenge becomes a [`NextStep`] the app answers with [`SignIn::answer`]; challenges
//! this module does not know are reported by name, never mistaken for success.
//!
//! The flow is a state machine with one type per state, after rustls's `client/hs.rs`: either a request is
//! on the wire (`Sent`, holding exactly what its reply needs: the SRP ephemeral, the session to finish,
//! the device to register) or a `Challenge` waits for the app's answer, or the sign-in is over. A reply
//! can only be read as the request that is out expects, and an answer only as the challenge on the table
//! expects.

mod challenge;
mod claim;
mod device;
mod steps;

use crate::prelude::*;
use crate::text;
use core::mem;

use crate::clock::Now;
use crate::config::ClientConfig;
use crate::error::Error;
use crate::flows::code_delivery::CodeDeliveryDetails;
use crate::flows::web_authn::{Credential, RequestOptions};
use crate::json::{Reader, Value};
use crate::protocol::{AuthCall, AuthRequest, AuthResponse, Operation, Request, StringMap};
use crate::secret::Password;
use crate::session::Session;
use crate::srp::client::SrpClient;

pub use crate::flows::mfa_type::MfaType;
use challenge::{Challenge, CodeChallenge, FirstFactor, Kind, WebAuthnChallenge};
use claim::{Claim, required_parameter};
pub use device::{DeviceSecrets, NewDevice};
pub use steps::{NextStep, TotpSetup};

/// How the password is proven.
pub enum Method {
    /// SRP-6a with this ephemeral; the password never leaves the device.
    Srp(SrpClient),
    /// The password is sent to Cognito over TLS (`USER_PASSWORD_AUTH`, must be enabled on the client).
    Password,
    /// `CUSTOM_AUTH` opened with SRP (`CHALLENGE_NAME=SRP_A`): the password first, then custom challenges.
    CustomWithSrp(SrpClient),
    /// `CUSTOM_AUTH` with custom challenges only; no password.
    CustomWithoutSrp,
    /// `USER_AUTH`, choice-based: with a preferred first factor (`PASSWORD`, `PASSWORD_SRP`, `EMAIL_OTP`,
    /// `SMS_OTP`, `WEB_AUTHN`) Cognito starts it at once, otherwise the app picks one of those available.
    UserAuth { preferred: Option<String> },
}

pub struct SignInInput {
    pub username: String,
    pub password: Password,
    pub client_metadata: Option<StringMap>,
    /// This device's credentials from an earlier sign-in, if Cognito tracks it.
    pub device: Option<DeviceSecrets>,
    /// The name ConfirmDevice registers a new device under.
    pub device_name: String,
}

/// The app's answer to a [`NextStep`]: a code, a new password, an MFA type, a custom answer, an address.
#[derive(Default)]
pub struct Answer {
    pub response: String,
    /// Attributes Cognito asked for with NEW_PASSWORD_REQUIRED.
    pub user_attributes: StringMap,
    /// Shown in the user's list of TOTP devices.
    pub friendly_device_name: Option<String>,
    pub client_metadata: Option<StringMap>,
}

#[derive(Debug)]
pub enum Progress {
    /// Send this request and pass its reply to [`SignIn::on_response`].
    Send(Request),
    SignedIn(Box<Session>),
    /// Wait for the app's [`Answer`].
    NextStep(NextStep),
}

/// An SRP ephemeral waiting for its verifier challenge, and whose password it will prove: a reply asking
/// for the other kind of claim is refused.
enum Ephemeral {
    Password(SrpClient),
    Device(SrpClient),
}

/// The request on the wire, holding what its reply needs.
enum Sent {
    /// InitiateAuth, or a challenge answered: tokens or another challenge come back. `srp` is the ephemeral
    /// a verifier challenge in the reply will need (an SRP sign-in, PASSWORD_SRP chosen, DEVICE_SRP_AUTH
    /// sent).
    Auth {
        request: AuthRequest,
        srp: Option<Ephemeral>,
    },
    /// MFA setup by TOTP: the secret comes back, to show.
    AssociateSoftwareToken,
    /// MFA setup by TOTP: the code was checked; MFA_SETUP is then answered.
    VerifySoftwareToken,
    /// Signed in, registering the device Cognito started tracking; the session is handed over after.
    ConfirmDevice {
        session: Box<Session>,
        device: NewDevice,
    },
}

enum State {
    /// `back` is the challenge the request answered, which is on the table again if it fails (a wrong
    /// code can be typed again); without one, a failure ends the sign-in.
    AwaitingReply {
        sent: Sent,
        back: Option<Challenge>,
    },
    AwaitingAnswer(Challenge),
    SignedIn {
        new_device: Option<NewDevice>,
    },
    /// Failed, or ended on a challenge this library cannot answer.
    Ended,
}

pub struct SignIn {
    input: SignInInput,
    /// The name Cognito knows the user by (`USER_ID_FOR_SRP`), once a challenge said it.
    user_id: Option<String>,
    /// Cognito did not know the stored device, so it was dropped from the sign-in.
    device_forgotten: bool,
    totp_issuer: String,
    state: State,
}

impl SignIn {
    /// The InitiateAuth request that opens the flow.
    pub fn start(
        config: &ClientConfig,
        input: SignInInput,
        method: Method,
    ) -> Result<(Self, Request), Error> {
        if input.username.is_empty() {
            return Err(Error::invalid_parameter("username is required"));
        }
        let preferred = match &method {
            Method::UserAuth {
                preferred: Some(name),
            } => Some(
                FirstFactor::parse(name)
                    .ok_or_else(|| Error::invalid_parameter(PREFERRED_CHALLENGE_REFUSED))?,
            ),
            _ => None,
        };
        let needs_password = match &method {
            Method::Srp(_) | Method::Password | Method::CustomWithSrp(_) => true,
            Method::CustomWithoutSrp => false,
            Method::UserAuth { .. } => preferred.is_some_and(FirstFactor::needs_password),
        };
        if needs_password && input.password.expose().is_empty() {
            return Err(Error::invalid_parameter("password is required"));
        }
        let mut auth_parameters = parameter("USERNAME", input.username.clone());
        let (auth_flow, srp) = match method {
            Method::Srp(srp) => {
                auth_parameters.set("SRP_A", srp.srp_a_hex());
                ("USER_SRP_AUTH", Some(srp))
            }
            Method::Password => {
                auth_parameters.set("PASSWORD", input.password.expose().to_owned());
                ("USER_PASSWORD_AUTH", None)
            }
            Method::CustomWithSrp(srp) => {
                auth_parameters.set("SRP_A", srp.srp_a_hex());
                auth_parameters.set("CHALLENGE_NAME", "SRP_A".into());
                ("CUSTOM_AUTH", Some(srp))
            }
            Method::CustomWithoutSrp => ("CUSTOM_AUTH", None),
            Method::UserAuth { .. } => {
                let srp = match preferred {
                    Some(factor) => {
                        let srp = factor_parameters(factor, &input.password, &mut auth_parameters)?;
                        auth_parameters.set("PREFERRED_CHALLENGE", factor.name().into());
                        srp
                    }
                    None => None,
                };
                ("USER_AUTH", srp)
            }
        };
        if let Some(hash) = config.secret_hash(&input.username) {
            auth_parameters.set("SECRET_HASH", hash);
        }
        if let Some(device) = &input.device {
            auth_parameters.set("DEVICE_KEY", device.device_key.clone());
        }
        let request = AuthRequest {
            call: AuthCall::InitiateAuth,
            name: auth_flow,
            client_id: config.client_id.clone(),
            parameters: auth_parameters,
            client_metadata: input.client_metadata.clone(),
        };
        let wire = request.to_request();
        let flow = Self {
            input,
            user_id: None,
            device_forgotten: false,
            totp_issuer: config.totp_issuer.clone(),
            state: State::AwaitingReply {
                sent: Sent::Auth {
                    request,
                    srp: srp.map(Ephemeral::Password),
                },
                back: None,
            },
        };
        Ok((flow, wire))
    }

    /// Whether an [`Answer`] is expected now.
    pub fn is_waiting_for_answer(&self) -> bool {
        matches!(self.state, State::AwaitingAnswer(_))
    }

    /// Whether a request of this flow is on the wire.
    pub fn is_waiting_for_reply(&self) -> bool {
        matches!(self.state, State::AwaitingReply { .. })
    }

    /// The device Cognito started tracking in this sign-in (being registered with ConfirmDevice, or
    /// registered): store it.
    pub fn new_device(&self) -> Option<&NewDevice> {
        match &self.state {
            State::SignedIn { new_device } => new_device.as_ref(),
            State::AwaitingReply {
                sent: Sent::ConfirmDevice { device, .. },
                ..
            } => Some(device),
            _ => None,
        }
    }

    /// The username as typed at sign-in.
    pub fn typed_username(&self) -> &str {
        &self.input.username
    }

    /// Whether the stored device turned out to be unknown to Cognito: delete it.
    pub fn device_forgotten(&self) -> bool {
        self.device_forgotten
    }

    /// Advances the flow with the body of a successful reply. The SRP timestamp is signed with `now.server`;
    /// the clock drift of the new session is measured with `now.device`.
    pub fn on_response(
        &mut self,
        config: &ClientConfig,
        body: &Value,
        now: Now,
    ) -> Result<Progress, Error> {
        // What a failure leaves goes on the table first (the challenge the request answered, if any): the
        // reply's handlers change the state only once they succeed, and take that challenge when they keep
        // it as their own request's `back`.
        let sent = match mem::replace(&mut self.state, State::Ended) {
            State::AwaitingReply { sent, back } => {
                self.state = back.map_or(State::Ended, State::AwaitingAnswer);
                sent
            }
            other => {
                let finished = matches!(other, State::SignedIn { .. } | State::Ended);
                self.state = other;
                return Err(Error::invalid_response(if finished {
                    "reply after the sign-in finished"
                } else {
                    "a reply came when none was expected"
                }));
            }
        };
        self.on_reply(config, sent, body, now)
    }

    /// Call when the request this flow sent failed with `error`. Returns a request to send instead when
    /// Cognito no longer knows the stored device (as amazon-cognito-identity-js does: drop DEVICE_KEY and
    /// try again); otherwise the challenge the request answered is on the table again, so a wrong code or
    /// password can be answered again.
    pub fn request_failed(&mut self, error: &Error) -> Option<Request> {
        // Cognito names no separate exception for a device it forgot: the message says "device".
        let unknown_device = error.is("ResourceNotFoundException")
            && text::contains(&error.message.to_ascii_lowercase(), "device");
        if unknown_device && self.input.device.is_some() {
            if let State::AwaitingReply { sent, .. } = &mut self.state {
                // Where the device was an optional extra, the request goes again without it; where it
                // was the one proving itself (device SRP), the sign-in fails. Either way the stored
                // device is stale and is forgotten, so the next sign-in does not trip on it again.
                let retry = sent.without_device_key();
                self.input.device = None;
                self.device_forgotten = true;
                if retry.is_some() {
                    return retry;
                }
            }
        }
        self.state = match mem::replace(&mut self.state, State::Ended) {
            State::AwaitingReply {
                back: Some(challenge),
                ..
            } => State::AwaitingAnswer(challenge),
            _ => State::Ended,
        };
        None
    }

    /// Answers the current [`NextStep`]. A refused answer leaves the step on the table: nothing here
    /// changes the state before the answer is accepted, and an accepted one that may be refused by Cognito
    /// keeps the challenge as the request's `back`.
    pub fn answer(&mut self, config: &ClientConfig, answer: Answer) -> Result<Progress, Error> {
        let State::AwaitingAnswer(challenge) = &self.state else {
            return Err(Error::invalid_parameter(
                "no sign-in step is waiting for an answer",
            ));
        };
        let response = answer.response.trim().to_owned();
        if response.is_empty() {
            return Err(Error::invalid_parameter("challengeResponse is required"));
        }
        let metadata = answer.client_metadata.as_ref();
        let session = challenge.session.clone();
        let (name, responses) = match &challenge.kind {
            Kind::Code(code) => (code.name(), parameter(code.response_key(), response)),
            Kind::Custom => ("CUSTOM_CHALLENGE", parameter("ANSWER", response)),
            Kind::SelectMfaType { allowed } => {
                let chosen = choose_mfa_type(allowed, &response)?;
                (
                    "SELECT_MFA_TYPE",
                    parameter("ANSWER", chosen.challenge_name().to_owned()),
                )
            }
            Kind::NewPassword => {
                // The password as typed: spaces at its ends are part of it.
                let mut responses = parameter("NEW_PASSWORD", answer.response.clone());
                for (attribute, value) in &answer.user_attributes {
                    responses.insert(text::concat(&["userAttributes.", attribute]), value.clone());
                }
                ("NEW_PASSWORD_REQUIRED", responses)
            }
            Kind::EmailAddress => ("MFA_SETUP", parameter("EMAIL", response)),
            Kind::ChooseMfaSetup { allowed } => {
                return match choose_mfa_type(allowed, &response)? {
                    MfaType::Totp => Ok(self.associate_software_token()),
                    MfaType::Email => {
                        self.state = State::AwaitingAnswer(Challenge {
                            session,
                            kind: Kind::EmailAddress,
                        });
                        Ok(Progress::NextStep(NextStep::SetUpEmail))
                    }
                    MfaType::Sms => Err(not_one_of(&MfaType::names(allowed), &response)),
                };
            }
            Kind::TotpCode => {
                let mut body = Value::object([
                    ("Session", session.as_ref().into()),
                    ("UserCode", (&response).into()),
                ]);
                body.insert_some("FriendlyDeviceName", answer.friendly_device_name.as_ref());
                let request = Request::new(Operation::VerifySoftwareToken, body);
                let back = self.take_challenge();
                return Ok(self.send(request, Sent::VerifySoftwareToken, back));
            }
            Kind::SelectFirstFactor { available } => {
                let factor = FirstFactor::parse(&response)
                    .filter(|factor| Kind::usable_factors(available).any(|a| a == *factor))
                    .ok_or_else(|| {
                        not_one_of(
                            &FirstFactor::names(Kind::usable_factors(available)),
                            &response.to_ascii_uppercase(),
                        )
                    })?;
                if factor.needs_password() && self.input.password.expose().is_empty() {
                    self.state = State::AwaitingAnswer(Challenge {
                        session,
                        kind: Kind::PasswordFor {
                            factor,
                            available: available.clone(),
                        },
                    });
                    return Ok(Progress::NextStep(NextStep::ConfirmWithPassword));
                }
                return self.choose_first_factor(config, factor, session, None, metadata);
            }
            Kind::WebAuthn(asked) => {
                let assertion = Credential::assertion(&response)?;
                if !asked.options.allows(&assertion.id) {
                    return Err(Error::invalid_parameter(
                        "the passkey that signed is not one the WEB_AUTHN challenge allows",
                    ));
                }
                let responses = parameter("CREDENTIAL", assertion.to_challenge_response());
                let request =
                    self.respond_request(config, "WEB_AUTHN", responses, session, metadata);
                // Cognito's session is used up by this answer: no second try on it.
                return self.send_response(request, None, None);
            }
            Kind::PasswordFor { factor, available } => {
                // A refused password goes back to the choice, not to the password prompt.
                let offer = Challenge {
                    session: session.clone(),
                    kind: Kind::SelectFirstFactor {
                        available: available.clone(),
                    },
                };
                let factor = *factor;
                self.input.password = Password::new(answer.response.clone());
                return self.choose_first_factor(config, factor, session, Some(offer), metadata);
            }
        };
        let request = self.respond_request(config, name, responses, session, metadata);
        let back = self.take_challenge();
        self.send_response(request, None, back)
    }

    /// SELECT_CHALLENGE answered with `factor`; password factors carry the password (or SRP_A) with it.
    /// A refusal puts `offer` on the table again, else the challenge on the table now.
    fn choose_first_factor(
        &mut self,
        config: &ClientConfig,
        factor: FirstFactor,
        session: Option<String>,
        offer: Option<Challenge>,
        metadata: Option<&StringMap>,
    ) -> Result<Progress, Error> {
        let mut responses = parameter("ANSWER", factor.name().to_owned());
        let srp = factor_parameters(factor, &self.input.password, &mut responses)?;
        let request =
            self.respond_request(config, "SELECT_CHALLENGE", responses, session, metadata);
        let back = offer.or_else(|| self.take_challenge());
        self.send_response(request, srp.map(Ephemeral::Password), back)
    }

    /// Starts MFA setup by TOTP for the challenge on the table, which a failure puts back.
    fn associate_software_token(&mut self) -> Progress {
        let back = self.take_challenge();
        let session = back.as_ref().and_then(|setup| setup.session.as_ref());
        let request = Request::new(
            Operation::AssociateSoftwareToken,
            Value::object([("Session", session.into())]),
        );
        self.send(request, Sent::AssociateSoftwareToken, back)
    }

    /// The MFA setup on the table, its session renewed with `session` if the reply carried one.
    fn setup_under_way(&mut self, session: Option<String>) -> Result<&mut Challenge, Error> {
        let State::AwaitingAnswer(setup) = &mut self.state else {
            return Err(Error::invalid_response("no MFA setup under way"));
        };
        if session.is_some() {
            setup.session = session;
        }
        Ok(setup)
    }

    /// The challenge on the table, taken off it (the state is `Ended` until the caller sets the next).
    fn take_challenge(&mut self) -> Option<Challenge> {
        match mem::replace(&mut self.state, State::Ended) {
            State::AwaitingAnswer(challenge) => Some(challenge),
            _ => None,
        }
    }

    fn on_reply(
        &mut self,
        config: &ClientConfig,
        sent: Sent,
        body: &Value,
        now: Now,
    ) -> Result<Progress, Error> {
        match sent {
            Sent::Auth { request, srp } => {
                let reply = AuthResponse::read(body, request.operation().name())?;
                self.on_auth_reply(config, reply, srp, now)
            }
            Sent::AssociateSoftwareToken => {
                let reply = Reader::reply(body, "AssociateSoftwareToken")?;
                let (secret_code, session) =
                    (reply.string("SecretCode")?, reply.opt_string("Session")?);
                let setup = self.setup_under_way(session)?;
                setup.kind = Kind::TotpCode;
                let details = TotpSetup::new(secret_code, &self.totp_issuer, &self.input.username);
                Ok(Progress::NextStep(NextStep::SetUpTotp {
                    totp_setup_details: details,
                }))
            }
            Sent::VerifySoftwareToken => {
                let reply = Reader::reply(body, "VerifySoftwareToken")?;
                if reply.opt_string("Status")?.as_deref() != Some("SUCCESS") {
                    return Err(Error::new(
                        "EnableSoftwareTokenMFAException",
                        "the TOTP code was not accepted",
                    ));
                }
                let session = self
                    .setup_under_way(reply.opt_string("Session")?)?
                    .session
                    .clone();
                let request =
                    self.respond_request(config, "MFA_SETUP", StringMap::new(), session, None);
                let back = self.take_challenge();
                self.send_response(request, None, back)
            }
            Sent::ConfirmDevice {
                session,
                mut device,
            } => {
                let reply = Reader::reply(body, "ConfirmDevice")?;
                device.user_confirmation_necessary = reply
                    .opt_bool("UserConfirmationNecessary")?
                    .unwrap_or(false);
                self.state = State::SignedIn {
                    new_device: Some(device),
                };
                Ok(Progress::SignedIn(session))
            }
        }
    }

    fn on_auth_reply(
        &mut self,
        config: &ClientConfig,
        reply: AuthResponse,
        srp: Option<Ephemeral>,
        now: Now,
    ) -> Result<Progress, Error> {
        if let Some(result) = &reply.authentication_result {
            let session = Session::from_authentication(result, self.username(), None, now.device)?;
            let metadata = result.new_device_metadata.as_ref();
            if let Some((key, group)) =
                metadata.and_then(|m| m.device_key.as_ref().zip(m.device_group_key.as_ref()))
            {
                let (request, device) = device::confirm_device(
                    session.access_token(),
                    key,
                    group,
                    &self.input.device_name,
                )?;
                let sent = Sent::ConfirmDevice {
                    session: Box::new(session),
                    device,
                };
                return Ok(self.send(request, sent, None));
            }
            self.state = State::SignedIn { new_device: None };
            return Ok(Progress::SignedIn(Box::new(session)));
        }

        let name = reply.challenge_name.clone().ok_or_else(|| {
            Error::invalid_response("reply has neither AuthenticationResult nor ChallengeName")
        })?;
        if name == "PASSWORD_VERIFIER" {
            let Some(Ephemeral::Password(srp)) = srp else {
                return Err(Error::invalid_response(
                    "unexpected PASSWORD_VERIFIER challenge",
                ));
            };
            let request = self.password_claim(config, &srp, &reply, now.server)?;
            // A refused claim after a chosen PASSWORD_SRP factor goes back to the choice.
            let back = self.take_challenge();
            return self.send_response(request, None, back);
        }
        let parameters = reply.challenge_parameters;
        if let Some(user) = parameters
            .get("USER_ID_FOR_SRP")
            .or_else(|| parameters.get("USERNAME"))
        {
            self.user_id = Some(user.clone());
        }
        if let Some(device) = &self.input.device {
            match name.as_str() {
                "DEVICE_SRP_AUTH" => {
                    let srp = SrpClient::generate()?;
                    let mut responses = parameter("DEVICE_KEY", device.device_key.clone());
                    responses.set("SRP_A", srp.srp_a_hex());
                    let request = self.respond_request(
                        config,
                        "DEVICE_SRP_AUTH",
                        responses,
                        reply.session,
                        None,
                    );
                    return self.send_response(request, Some(Ephemeral::Device(srp)), None);
                }
                "DEVICE_PASSWORD_VERIFIER" => {
                    let Some(Ephemeral::Device(srp)) = srp else {
                        return Err(Error::invalid_response(
                            "DEVICE_PASSWORD_VERIFIER before DEVICE_SRP_AUTH",
                        ));
                    };
                    let claim = Claim {
                        realm: &device.device_group_key,
                        identity: &device.device_key,
                        password: device.device_password.expose(),
                    };
                    let mut responses = claim.responses(&name, &parameters, &srp, now.server)?;
                    responses.set("DEVICE_KEY", device.device_key.clone());
                    let request = self.respond_request(
                        config,
                        "DEVICE_PASSWORD_VERIFIER",
                        responses,
                        reply.session,
                        None,
                    );
                    return self.send_response(request, None, None);
                }
                _ => {}
            }
        }
        let unhandled = || NextStep::Unhandled {
            challenge_name: name.clone(),
            challenge_parameters: parameters.clone(),
        };
        let (kind, step) = match (CodeChallenge::from_name(&name), name.as_str()) {
            (Some(code), _) => {
                let code_delivery_details = CodeDeliveryDetails::from_challenge(&parameters);
                let step = match code {
                    CodeChallenge::SmsMfa | CodeChallenge::SmsOtp => NextStep::ConfirmWithSmsCode {
                        code_delivery_details,
                    },
                    CodeChallenge::EmailOtp => NextStep::ConfirmWithEmailCode {
                        code_delivery_details,
                    },
                    CodeChallenge::SoftwareTokenMfa => NextStep::ConfirmWithTotpCode,
                };
                (Kind::Code(code), step)
            }
            (_, "SELECT_MFA_TYPE") => {
                let allowed = MfaType::list(&parameters, "MFAS_CAN_CHOOSE");
                let step = NextStep::SelectMfaType {
                    allowed_mfa_types: allowed.clone(),
                };
                (Kind::SelectMfaType { allowed }, step)
            }
            (_, "MFA_SETUP") => {
                let allowed = MfaType::list(&parameters, "MFAS_CAN_SETUP");
                match allowed.as_slice() {
                    // The only factor to set up is TOTP: associate right away, the secret is the next
                    // step.
                    [MfaType::Totp] => {
                        self.state = State::AwaitingAnswer(Challenge {
                            session: reply.session,
                            kind: Kind::ChooseMfaSetup { allowed },
                        });
                        return Ok(self.associate_software_token());
                    }
                    [MfaType::Email] => (Kind::EmailAddress, NextStep::SetUpEmail),
                    [] => return Ok(self.end_on(unhandled())),
                    _ => (
                        Kind::ChooseMfaSetup {
                            allowed: allowed.clone(),
                        },
                        NextStep::SelectMfaSetup {
                            allowed_mfa_types: allowed,
                        },
                    ),
                }
            }
            (_, "NEW_PASSWORD_REQUIRED") => (
                Kind::NewPassword,
                NextStep::NewPasswordRequired {
                    missing_attributes: steps::missing_attributes(&parameters),
                },
            ),
            (_, "SELECT_CHALLENGE") => (
                Kind::SelectFirstFactor {
                    available: reply.available_challenges.clone(),
                },
                NextStep::SelectFirstFactor {
                    available_challenges: reply.available_challenges,
                },
            ),
            (_, "WEB_AUTHN") => {
                let options = required_parameter(&name, &parameters, "CREDENTIAL_REQUEST_OPTIONS")?;
                let options = RequestOptions::parse(options)?;
                (
                    Kind::WebAuthn(WebAuthnChallenge {
                        options: options.clone(),
                    }),
                    NextStep::ConfirmWithPasskey {
                        credential_request_options: options,
                    },
                )
            }
            (_, "CUSTOM_CHALLENGE") => (
                Kind::Custom,
                NextStep::CustomChallenge {
                    additional_info: parameters,
                },
            ),
            _ => return Ok(self.end_on(unhandled())),
        };
        self.state = State::AwaitingAnswer(Challenge {
            session: reply.session,
            kind,
        });
        Ok(Progress::NextStep(step))
    }

    /// Ends the sign-in on a step the app cannot answer here.
    fn end_on(&mut self, step: NextStep) -> Progress {
        self.state = State::Ended;
        Progress::NextStep(step)
    }

    /// Puts `request` on the wire: the flow now waits for its reply.
    fn send(&mut self, request: Request, sent: Sent, back: Option<Challenge>) -> Progress {
        self.state = State::AwaitingReply { sent, back };
        Progress::Send(request)
    }

    fn send_response(
        &mut self,
        request: AuthRequest,
        srp: Option<Ephemeral>,
        back: Option<Challenge>,
    ) -> Result<Progress, Error> {
        let wire = request.to_request();
        Ok(self.send(wire, Sent::Auth { request, srp }, back))
    }

    /// The name challenge answers carry: the challenge's, else `USER_ID_FOR_SRP`, else what was typed.
    fn username(&self) -> &str {
        self.user_id.as_deref().unwrap_or(&self.input.username)
    }

    fn respond_request(
        &self,
        config: &ClientConfig,
        challenge_name: &'static str,
        mut responses: StringMap,
        session: Option<String>,
        client_metadata: Option<&StringMap>,
    ) -> AuthRequest {
        let username = self.username().to_owned();
        if let Some(hash) = config.secret_hash(&username) {
            responses.set("SECRET_HASH", hash);
        }
        responses.set("USERNAME", username);
        AuthRequest {
            call: AuthCall::RespondToAuthChallenge { session },
            name: challenge_name,
            client_id: config.client_id.clone(),
            parameters: responses,
            client_metadata: client_metadata
                .or(self.input.client_metadata.as_ref())
                .cloned(),
        }
    }

    /// Answers PASSWORD_VERIFIER. Everything is keyed on `USER_ID_FOR_SRP`, the name Cognito knows the
    /// user by (it differs from the typed one for alias sign-ins).
    fn password_claim(
        &mut self,
        config: &ClientConfig,
        srp: &SrpClient,
        reply: &AuthResponse,
        now: i64,
    ) -> Result<AuthRequest, Error> {
        let parameters = &reply.challenge_parameters;
        let user_id = required_parameter("PASSWORD_VERIFIER", parameters, "USER_ID_FOR_SRP")?;
        let claim = Claim {
            realm: config.pool_name(),
            identity: user_id,
            password: self.input.password.expose(),
        };
        let mut responses = claim.responses("PASSWORD_VERIFIER", parameters, srp, now)?;
        if let Some(device) = &self.input.device {
            responses.set("DEVICE_KEY", device.device_key.clone());
        }
        self.user_id = Some(user_id.to_owned());
        let session = reply.session.clone();
        let mut request =
            self.respond_request(config, "PASSWORD_VERIFIER", responses, session, None);
        // The hash must name the user as the challenge does (typed aliases fail the check).
        if let Some(hash) = parameters
            .get("USERNAME")
            .and_then(|name| config.secret_hash(name))
        {
            request.parameters.set("SECRET_HASH", hash);
        }
        Ok(request)
    }
}

impl Sent {
    /// This request again without the DEVICE_KEY it carried, for the requests where the device is an
    /// optional extra (InitiateAuth, PASSWORD_VERIFIER); `None` where it carried none or is about the
    /// device itself.
    fn without_device_key(&mut self) -> Option<Request> {
        let Self::Auth { request, .. } = self else {
            return None;
        };
        if request.call != AuthCall::InitiateAuth && request.name != "PASSWORD_VERIFIER" {
            return None;
        }
        request.parameters.remove("DEVICE_KEY")?;
        Some(request.to_request())
    }
}

/// The refusal of a `preferredChallenge` that is no first factor: every factor named, written out (the
/// tests hold it against [`FirstFactor::ALL`]).
const PREFERRED_CHALLENGE_REFUSED: &str =
    "preferredChallenge must be one of PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN";

/// A parameter map of one member (built by hand: `StringMap::from([…])` compiled to a copy of the
/// iterator machinery per array length).
fn parameter(key: &str, value: String) -> StringMap {
    let mut map = StringMap::new();
    map.set(key, value);
    map
}

/// The MFA type `answer` names, if it is one of `allowed`.
fn choose_mfa_type(allowed: &[MfaType], answer: &str) -> Result<MfaType, Error> {
    MfaType::parse(answer)
        .filter(|t| allowed.contains(t))
        .ok_or_else(|| not_one_of(&MfaType::names(allowed), answer))
}

/// The refusal of an answer that is not one of `names`.
fn not_one_of(names: &str, answer: &str) -> Error {
    Error::invalid_parameter(text::concat(&[
        "choose one of ",
        names,
        ", not '",
        answer,
        "'",
    ]))
}

/// What a first factor carries into `parameters` besides its name: the password, or SRP_A (whose
/// ephemeral is returned, for the PASSWORD_VERIFIER that follows).
fn factor_parameters(
    factor: FirstFactor,
    password: &Password,
    parameters: &mut StringMap,
) -> Result<Option<SrpClient>, Error> {
    match factor {
        FirstFactor::Password => {
            parameters.set("PASSWORD", password.expose().to_owned());
            Ok(None)
        }
        FirstFactor::PasswordSrp => {
            let srp = SrpClient::generate()?;
            parameters.set("SRP_A", srp.srp_a_hex());
            Ok(Some(srp))
        }
        FirstFactor::EmailOtp | FirstFactor::SmsOtp | FirstFactor::WebAuthn => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_what_was_allowed_and_what_was_missing() {
        assert_eq!(
            PREFERRED_CHALLENGE_REFUSED,
            format!(
                "preferredChallenge must be one of {}",
                FirstFactor::names(FirstFactor::ALL)
            )
        );
        let error = choose_mfa_type(&[MfaType::Sms, MfaType::Totp], "email").unwrap_err();
        assert_eq!(error.message, "choose one of SMS, TOTP, not 'email'");
        let parameters = StringMap::from([("SALT".to_owned(), "ab".to_owned())]);
        assert_eq!(
            required_parameter("PASSWORD_VERIFIER", &parameters, "SRP_B")
                .unwrap_err()
                .message,
            "PASSWORD_VERIFIER without SRP_B"
        );
    }
}
