//! Sign-in: `USER_SRP_AUTH` (InitiateAuth → PASSWORD_VERIFIER → tokens, exactly two requests) or
//! `USER_PASSWORD_AUTH`, followed by whatever challenges the pool asks for (MFA by SMS, e-mail or TOTP, MFA
//! selection and setup, a new password, custom challenges). Each challenge becomes a [`NextStep`] the app
//! answers with [`SignIn::answer`]; challenges this module does not know are reported by name, never
//! mistaken for success.

use serde::Serialize;
use serde_json::json;

use crate::clock::Now;
use crate::config::ClientConfig;
use crate::error::Error;
use crate::json::{self, Reader};
use crate::protocol::{
    AuthResponse, InitiateAuthRequest, Operation, Request, RespondToAuthChallengeRequest,
    StringMap, set_member,
};
use crate::secret::Password;
use crate::session::Session;
use crate::srp::client::{DeviceVerifier, SrpClient};
use crate::srp::timestamp;

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
    /// `SMS_OTP`) Cognito starts it at once, otherwise the app picks one of those available.
    UserAuth { preferred: Option<String> },
}

/// The first factors USER_AUTH sign-ins can use here (WEB_AUTHN is listed by Cognito but needs passkeys).
const FIRST_FACTORS: [&str; 4] = ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"];

pub struct SignInInput {
    pub username: String,
    pub password: Password,
    pub client_metadata: Option<StringMap>,
    /// This device's credentials from an earlier sign-in, if Cognito tracks it.
    pub device: Option<DeviceSecrets>,
    /// The name ConfirmDevice registers a new device under.
    pub device_name: String,
}

/// What a tracked device keeps to prove itself with device SRP on later sign-ins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceSecrets {
    pub device_key: String,
    pub device_group_key: String,
    pub device_password: Password,
}

impl DeviceSecrets {
    /// The secrets as they are stored.
    pub fn to_storage_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads stored secrets back; anything else is an error (the device is then forgotten).
    pub fn from_storage_json(text: &str) -> Result<Self, Error> {
        let value = json::parse_stored(text, "stored device")?;
        let stored = Reader::stored(&value, "stored device")?;
        Ok(Self {
            device_key: stored.string("deviceKey")?,
            device_group_key: stored.string("deviceGroupKey")?,
            device_password: Password::new(stored.string("devicePassword")?),
        })
    }
}

/// A device Cognito started tracking during this sign-in, and whether the user must be asked to remember it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDevice {
    pub secrets: DeviceSecrets,
    pub user_confirmation_necessary: bool,
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

/// A second factor, as apps name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum MfaType {
    #[serde(rename = "SMS")]
    Sms,
    #[serde(rename = "TOTP")]
    Totp,
    #[serde(rename = "EMAIL")]
    Email,
}

impl MfaType {
    fn from_challenge(name: &str) -> Option<Self> {
        match name {
            "SMS_MFA" | "SMS_OTP" => Some(Self::Sms),
            "SOFTWARE_TOKEN_MFA" => Some(Self::Totp),
            "EMAIL_OTP" | "EMAIL_MFA" => Some(Self::Email),
            _ => None,
        }
    }

    /// `UserMFASettingList` / `PreferredMfaSetting` values.
    pub(crate) fn from_setting(name: &str) -> Option<Self> {
        Self::from_challenge(name)
    }

    fn parse(answer: &str) -> Option<Self> {
        match answer.trim().to_ascii_uppercase().as_str() {
            "SMS" | "SMS_MFA" => Some(Self::Sms),
            "TOTP" | "SOFTWARE_TOKEN_MFA" => Some(Self::Totp),
            "EMAIL" | "EMAIL_OTP" | "EMAIL_MFA" => Some(Self::Email),
            _ => None,
        }
    }

    /// As the app names it (`allowedMFATypes`).
    fn name(self) -> &'static str {
        match self {
            Self::Sms => "SMS",
            Self::Totp => "TOTP",
            Self::Email => "EMAIL",
        }
    }

    /// "SMS, TOTP", for messages.
    fn names(types: &[Self]) -> String {
        let names: Vec<&str> = types.iter().map(|t| t.name()).collect();
        names.join(", ")
    }

    /// The `ANSWER` to SELECT_MFA_TYPE.
    fn challenge_name(self) -> &'static str {
        match self {
            Self::Sms => "SMS_MFA",
            Self::Totp => "SOFTWARE_TOKEN_MFA",
            Self::Email => "EMAIL_OTP",
        }
    }

    /// The MFA types in a JSON list of challenge names (`MFAS_CAN_CHOOSE`, `MFAS_CAN_SETUP`).
    fn list(parameters: &StringMap, key: &str) -> Vec<Self> {
        let names = string_list(parameters, key);
        let mut types: Vec<Self> = names
            .iter()
            .filter_map(|n| Self::from_challenge(n))
            .collect();
        types.dedup();
        types
    }
}

/// Where a code was sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeDelivery {
    pub delivery_medium: Option<String>,
    pub destination: Option<String>,
}

impl CodeDelivery {
    fn from_challenge(parameters: &StringMap) -> Self {
        Self {
            delivery_medium: parameters.get("CODE_DELIVERY_DELIVERY_MEDIUM").cloned(),
            destination: parameters.get("CODE_DELIVERY_DESTINATION").cloned(),
        }
    }
}

/// What an authenticator app needs to add the account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TotpSetup {
    /// Base32 secret, for typing in by hand.
    pub shared_secret: String,
    /// `otpauth://totp/...`, for a QR code.
    pub setup_uri: String,
}

impl TotpSetup {
    pub fn new(shared_secret: String, issuer: &str, account: &str) -> Self {
        let label = format!("{}:{}", percent_encode(issuer), percent_encode(account));
        let setup_uri = format!(
            "otpauth://totp/{label}?secret={shared_secret}&issuer={}",
            percent_encode(issuer)
        );
        Self {
            shared_secret,
            setup_uri,
        }
    }
}

/// RFC 3986 percent-encoding of everything but unreserved characters.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What the app must do next; serialised as the JS `nextStep` (a union tagged by `signInStep`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "signInStep")]
pub enum NextStep {
    #[serde(rename = "DONE")]
    Done,
    /// The user has not confirmed the sign-up code yet (Cognito's UserNotConfirmedException).
    #[serde(rename = "CONFIRM_SIGN_UP")]
    ConfirmSignUp,
    /// An administrator requires a password reset (PasswordResetRequiredException).
    #[serde(rename = "RESET_PASSWORD")]
    ResetPassword,
    #[serde(rename = "CONFIRM_SIGN_IN_WITH_SMS_CODE", rename_all = "camelCase")]
    ConfirmWithSmsCode { code_delivery_details: CodeDelivery },
    #[serde(rename = "CONFIRM_SIGN_IN_WITH_EMAIL_CODE", rename_all = "camelCase")]
    ConfirmWithEmailCode { code_delivery_details: CodeDelivery },
    #[serde(rename = "CONFIRM_SIGN_IN_WITH_TOTP_CODE")]
    ConfirmWithTotpCode,
    #[serde(rename = "CONTINUE_SIGN_IN_WITH_MFA_SELECTION")]
    SelectMfaType {
        #[serde(rename = "allowedMFATypes")]
        allowed_mfa_types: Vec<MfaType>,
    },
    #[serde(rename = "CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION")]
    SelectMfaSetup {
        #[serde(rename = "allowedMFATypes")]
        allowed_mfa_types: Vec<MfaType>,
    },
    #[serde(rename = "CONTINUE_SIGN_IN_WITH_TOTP_SETUP", rename_all = "camelCase")]
    SetUpTotp { totp_setup_details: TotpSetup },
    #[serde(rename = "CONTINUE_SIGN_IN_WITH_EMAIL_SETUP")]
    SetUpEmail,
    #[serde(
        rename = "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED",
        rename_all = "camelCase"
    )]
    NewPasswordRequired { missing_attributes: Vec<String> },
    #[serde(
        rename = "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE",
        rename_all = "camelCase"
    )]
    CustomChallenge { additional_info: StringMap },
    /// USER_AUTH: answer with one of the available first factors.
    #[serde(
        rename = "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION",
        rename_all = "camelCase"
    )]
    SelectFirstFactor { available_challenges: Vec<String> },
    /// USER_AUTH with a password factor chosen but no password given at sign-in: answer with it.
    #[serde(rename = "CONFIRM_SIGN_IN_WITH_PASSWORD")]
    ConfirmWithPassword,
    #[serde(rename = "UNHANDLED_CHALLENGE", rename_all = "camelCase")]
    Unhandled {
        challenge_name: String,
        challenge_parameters: StringMap,
    },
}

#[derive(Debug)]
pub enum Progress {
    /// Send this request and pass its reply to [`SignIn::on_response`].
    Send(Request),
    SignedIn(Box<Session>),
    /// Wait for the app's [`Answer`].
    NextStep(NextStep),
}

/// The reply the flow is waiting for.
enum Awaiting {
    /// InitiateAuth's; SRP sign-ins hold their ephemeral until PASSWORD_VERIFIER.
    InitiateAuth(Option<SrpClient>),
    /// A RespondToAuthChallenge's: tokens or another challenge.
    AuthReply,
    AssociateSoftwareToken,
    VerifySoftwareToken,
    /// ConfirmDevice's, with the session that is finished once the device is registered.
    ConfirmDevice(Box<Session>),
    /// Nothing: the app has to answer [`SignIn::challenge`] (or the flow is over).
    Answer,
}

/// The challenge waiting for an answer. It survives a wrong answer, so the user can try again.
struct Challenge {
    name: String,
    parameters: StringMap,
    session: Option<String>,
    /// MFA_SETUP: the TOTP secret once associated, or e-mail chosen as the factor to set up.
    totp_secret: Option<String>,
    email_setup: bool,
    /// SELECT_CHALLENGE: the first factors on offer, and the one chosen while the password is asked for.
    available: Vec<String>,
    chosen_factor: Option<String>,
}

pub struct SignIn {
    input: SignInInput,
    /// The ephemeral of a device SRP handshake under way.
    device_srp: Option<SrpClient>,
    /// The ephemeral of a PASSWORD_SRP first factor chosen after InitiateAuth (USER_AUTH).
    pending_srp: Option<SrpClient>,
    new_device: Option<NewDevice>,
    /// Cognito did not know the stored device, so it was dropped from the sign-in.
    device_forgotten: bool,
    /// The name Cognito knows the user by (`USER_ID_FOR_SRP`), once a challenge said it.
    user_id: Option<String>,
    totp_issuer: String,
    awaiting: Awaiting,
    challenge: Option<Challenge>,
    finished: bool,
}

/// A JSON list of strings inside a challenge parameter (`MFAS_CAN_CHOOSE`, `requiredAttributes`); nothing
/// when it is absent or not such a list.
fn string_list(parameters: &StringMap, key: &str) -> Vec<String> {
    let value: Option<serde_json::Value> = parameters
        .get(key)
        .and_then(|v| serde_json::from_str(v).ok());
    let items = value.as_ref().and_then(serde_json::Value::as_array);
    items
        .into_iter()
        .flatten()
        .filter_map(|item| item.as_str().map(str::to_owned))
        .collect()
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
        let needs_password = match &method {
            Method::Srp(_) | Method::Password | Method::CustomWithSrp(_) => true,
            Method::CustomWithoutSrp => false,
            Method::UserAuth { preferred } => {
                matches!(preferred.as_deref(), Some("PASSWORD" | "PASSWORD_SRP"))
            }
        };
        if needs_password && input.password.expose().is_empty() {
            return Err(Error::invalid_parameter("password is required"));
        }
        let mut auth_parameters =
            StringMap::from([("USERNAME".to_owned(), input.username.clone())]);
        let (auth_flow, srp) = match method {
            Method::Srp(srp) => {
                auth_parameters.insert("SRP_A".into(), srp.srp_a_hex());
                ("USER_SRP_AUTH", Some(srp))
            }
            Method::Password => {
                auth_parameters.insert("PASSWORD".into(), input.password.expose().to_owned());
                ("USER_PASSWORD_AUTH", None)
            }
            Method::CustomWithSrp(srp) => {
                auth_parameters.insert("SRP_A".into(), srp.srp_a_hex());
                auth_parameters.insert("CHALLENGE_NAME".into(), "SRP_A".into());
                ("CUSTOM_AUTH", Some(srp))
            }
            Method::CustomWithoutSrp => ("CUSTOM_AUTH", None),
            Method::UserAuth { preferred } => {
                let mut srp = None;
                if let Some(factor) = preferred {
                    let factor = factor.to_ascii_uppercase();
                    if !FIRST_FACTORS.contains(&factor.as_str()) {
                        return Err(Error::invalid_parameter(format!(
                            "preferredChallenge must be one of {}",
                            FIRST_FACTORS.join(", ")
                        )));
                    }
                    match factor.as_str() {
                        "PASSWORD" => {
                            auth_parameters
                                .insert("PASSWORD".into(), input.password.expose().to_owned());
                        }
                        "PASSWORD_SRP" => {
                            let ephemeral = SrpClient::generate()?;
                            auth_parameters.insert("SRP_A".into(), ephemeral.srp_a_hex());
                            srp = Some(ephemeral);
                        }
                        _ => {}
                    }
                    auth_parameters.insert("PREFERRED_CHALLENGE".into(), factor);
                }
                ("USER_AUTH", srp)
            }
        };
        if let Some(hash) = config.secret_hash(&input.username) {
            auth_parameters.insert("SECRET_HASH".into(), hash);
        }
        if let Some(device) = &input.device {
            auth_parameters.insert("DEVICE_KEY".into(), device.device_key.clone());
        }
        let request = Request::new(
            Operation::InitiateAuth,
            &InitiateAuthRequest {
                auth_flow,
                client_id: &config.client_id,
                auth_parameters,
                client_metadata: input.client_metadata.as_ref(),
            },
        )?;
        let flow = Self {
            input,
            device_srp: None,
            pending_srp: None,
            new_device: None,
            device_forgotten: false,
            user_id: None,
            totp_issuer: config.totp_issuer.clone(),
            awaiting: Awaiting::InitiateAuth(srp),
            challenge: None,
            finished: false,
        };
        Ok((flow, request))
    }

    /// Whether an [`Answer`] is expected now.
    pub fn is_waiting_for_answer(&self) -> bool {
        !self.finished && matches!(self.awaiting, Awaiting::Answer) && self.challenge.is_some()
    }

    /// Advances the flow with the body of a successful reply. The SRP timestamp is signed with `now.server`;
    /// the clock drift of the new session is measured with `now.device`.
    pub fn on_response(
        &mut self,
        config: &ClientConfig,
        body: &serde_json::Value,
        now: Now,
    ) -> Result<Progress, Error> {
        if self.finished {
            return Err(Error::invalid_response("reply after the sign-in finished"));
        }
        match std::mem::replace(&mut self.awaiting, Awaiting::Answer) {
            Awaiting::InitiateAuth(srp) => {
                let reply = AuthResponse::read(body, "InitiateAuth")?;
                self.on_auth_reply(config, reply, srp, now)
            }
            Awaiting::AuthReply => {
                let reply = AuthResponse::read(body, "RespondToAuthChallenge")?;
                self.on_auth_reply(config, reply, None, now)
            }
            Awaiting::AssociateSoftwareToken => {
                let reply = Reader::reply(body, "AssociateSoftwareToken")?;
                let (secret_code, session) =
                    (reply.string("SecretCode")?, reply.opt_string("Session")?);
                let challenge = self
                    .challenge
                    .as_mut()
                    .ok_or_else(|| Error::invalid_response("no MFA setup under way"))?;
                challenge.session = session.or(challenge.session.take());
                challenge.totp_secret = Some(secret_code.clone());
                let setup = TotpSetup::new(secret_code, &self.totp_issuer, &self.input.username);
                Ok(Progress::NextStep(NextStep::SetUpTotp {
                    totp_setup_details: setup,
                }))
            }
            Awaiting::VerifySoftwareToken => {
                let reply = Reader::reply(body, "VerifySoftwareToken")?;
                if reply.opt_string("Status")?.as_deref() != Some("SUCCESS") {
                    return Err(Error::new(
                        "EnableSoftwareTokenMFAException",
                        "the TOTP code was not accepted",
                    ));
                }
                if let Some(challenge) = self.challenge.as_mut() {
                    challenge.session = reply.opt_string("Session")?.or(challenge.session.take());
                }
                self.respond(config, "MFA_SETUP", StringMap::new(), None)
                    .map(Progress::Send)
            }
            Awaiting::ConfirmDevice(session) => {
                let reply = Reader::reply(body, "ConfirmDevice")?;
                let user_confirmation_necessary = reply
                    .opt_bool("UserConfirmationNecessary")?
                    .unwrap_or(false);
                if let Some(device) = self.new_device.as_mut() {
                    device.user_confirmation_necessary = user_confirmation_necessary;
                }
                self.finished = true;
                Ok(Progress::SignedIn(session))
            }
            Awaiting::Answer => Err(Error::invalid_response(
                "a reply came when none was expected",
            )),
        }
    }

    /// Call when `request`, sent for this flow, failed with `error`. Returns a request to send instead when
    /// Cognito no longer knows the stored device (as amazon-cognito-identity-js does: drop DEVICE_KEY and
    /// try again); otherwise a wrong code or password can be answered again.
    pub fn request_failed(&mut self, request: &Request, error: &Error) -> Option<Request> {
        let unknown_device = error.is("ResourceNotFoundException")
            && error.message.to_ascii_lowercase().contains("device");
        if unknown_device && self.input.device.is_some() {
            if let Some(retry) = without_device_key(request) {
                self.input.device = None;
                self.device_forgotten = true;
                return Some(retry);
            }
        }
        if matches!(self.awaiting, Awaiting::InitiateAuth(_)) || self.challenge.is_none() {
            self.finished = true;
        }
        self.awaiting = Awaiting::Answer;
        None
    }

    /// The device Cognito started tracking in this sign-in (registered with ConfirmDevice): store it.
    pub fn new_device(&self) -> Option<&NewDevice> {
        self.new_device.as_ref()
    }

    /// The username as typed at sign-in.
    pub fn typed_username(&self) -> &str {
        &self.input.username
    }

    /// Whether the stored device turned out to be unknown to Cognito: delete it.
    pub fn device_forgotten(&self) -> bool {
        self.device_forgotten
    }

    /// Answers the current [`NextStep`].
    pub fn answer(&mut self, config: &ClientConfig, answer: Answer) -> Result<Progress, Error> {
        if !self.is_waiting_for_answer() {
            return Err(Error::invalid_parameter(
                "no sign-in step is waiting for an answer",
            ));
        }
        let Some(challenge) = self.challenge.as_mut() else {
            return Err(Error::invalid_parameter(
                "no sign-in step is waiting for an answer",
            ));
        };
        let response = answer.response.trim().to_owned();
        if response.is_empty() {
            return Err(Error::invalid_parameter("challengeResponse is required"));
        }
        let name = challenge.name.clone();
        let (key, value) = match name.as_str() {
            "SMS_MFA" => ("SMS_MFA_CODE", response),
            "SMS_OTP" => ("SMS_OTP_CODE", response),
            "EMAIL_OTP" => ("EMAIL_OTP_CODE", response),
            "SOFTWARE_TOKEN_MFA" => ("SOFTWARE_TOKEN_MFA_CODE", response),
            "CUSTOM_CHALLENGE" => ("ANSWER", response),
            "SELECT_MFA_TYPE" => {
                let allowed = MfaType::list(&challenge.parameters, "MFAS_CAN_CHOOSE");
                let chosen = MfaType::parse(&response)
                    .filter(|t| allowed.contains(t))
                    .ok_or_else(|| {
                        Error::invalid_parameter(format!(
                            "choose one of {}, not '{response}'",
                            MfaType::names(&allowed)
                        ))
                    })?;
                ("ANSWER", chosen.challenge_name().to_owned())
            }
            "NEW_PASSWORD_REQUIRED" => {
                let mut responses =
                    StringMap::from([("NEW_PASSWORD".to_owned(), answer.response.clone())]);
                for (attribute, value) in &answer.user_attributes {
                    responses.insert(format!("userAttributes.{attribute}"), value.clone());
                }
                return self
                    .respond(config, &name, responses, answer.client_metadata.as_ref())
                    .map(Progress::Send);
            }
            "MFA_SETUP" => return self.answer_mfa_setup(config, answer, response),
            "SELECT_CHALLENGE" => return self.answer_first_factor(config, answer),
            _ => {
                return Err(Error::invalid_parameter(format!(
                    "challenge {name} cannot be answered yet"
                )));
            }
        };
        let responses = StringMap::from([(key.to_owned(), value)]);
        self.respond(config, &name, responses, answer.client_metadata.as_ref())
            .map(Progress::Send)
    }

    /// MFA_SETUP goes: choose a factor (when several can be set up) → TOTP: associate, show the secret,
    /// verify a code; e-mail: give the address, then answer the EMAIL_OTP that follows.
    fn answer_mfa_setup(
        &mut self,
        config: &ClientConfig,
        answer: Answer,
        response: String,
    ) -> Result<Progress, Error> {
        let Some(challenge) = self.challenge.as_mut() else {
            return Err(Error::invalid_parameter("no MFA setup under way"));
        };
        if challenge.totp_secret.is_some() {
            let mut body = json!({"Session": challenge.session, "UserCode": response});
            if let Some(name) = &answer.friendly_device_name {
                set_member(&mut body, "FriendlyDeviceName", json!(name));
            }
            self.awaiting = Awaiting::VerifySoftwareToken;
            return Request::new(Operation::VerifySoftwareToken, &body).map(Progress::Send);
        }
        if challenge.email_setup {
            let responses = StringMap::from([("EMAIL".to_owned(), response)]);
            return self
                .respond(
                    config,
                    "MFA_SETUP",
                    responses,
                    answer.client_metadata.as_ref(),
                )
                .map(Progress::Send);
        }
        let allowed = MfaType::list(&challenge.parameters, "MFAS_CAN_SETUP");
        match MfaType::parse(&response).filter(|t| allowed.contains(t)) {
            Some(MfaType::Totp) => self.associate_software_token(),
            Some(MfaType::Email) => {
                challenge.email_setup = true;
                Ok(Progress::NextStep(NextStep::SetUpEmail))
            }
            _ => Err(Error::invalid_parameter(format!(
                "choose one of {}, not '{response}'",
                MfaType::names(&allowed)
            ))),
        }
    }

    /// SELECT_CHALLENGE (USER_AUTH): the answer names a first factor, or is the password once a password
    /// factor was chosen without one. Password factors carry the password (or SRP_A) with the choice.
    fn answer_first_factor(
        &mut self,
        config: &ClientConfig,
        answer: Answer,
    ) -> Result<Progress, Error> {
        let Some(challenge) = self.challenge.as_mut() else {
            return Err(Error::invalid_parameter("no first-factor choice under way"));
        };
        let factor = match challenge.chosen_factor.take() {
            Some(factor) => {
                self.input.password = Password::new(answer.response.clone());
                factor
            }
            None => {
                let factor = answer.response.trim().to_ascii_uppercase();
                let offered = challenge
                    .available
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(&factor));
                if !offered || !FIRST_FACTORS.contains(&factor.as_str()) {
                    let usable: Vec<&str> = challenge
                        .available
                        .iter()
                        .map(String::as_str)
                        .filter(|a| FIRST_FACTORS.contains(a))
                        .collect();
                    return Err(Error::invalid_parameter(format!(
                        "choose one of {}, not '{factor}'",
                        usable.join(", ")
                    )));
                }
                let password_factor = factor == "PASSWORD" || factor == "PASSWORD_SRP";
                if password_factor && self.input.password.expose().is_empty() {
                    challenge.chosen_factor = Some(factor);
                    return Ok(Progress::NextStep(NextStep::ConfirmWithPassword));
                }
                factor
            }
        };
        let mut responses = StringMap::from([("ANSWER".to_owned(), factor.clone())]);
        match factor.as_str() {
            "PASSWORD" => {
                responses.insert("PASSWORD".into(), self.input.password.expose().to_owned());
            }
            "PASSWORD_SRP" => {
                let srp = SrpClient::generate()?;
                responses.insert("SRP_A".into(), srp.srp_a_hex());
                self.pending_srp = Some(srp);
            }
            _ => {}
        }
        self.respond(
            config,
            "SELECT_CHALLENGE",
            responses,
            answer.client_metadata.as_ref(),
        )
        .map(Progress::Send)
    }

    fn associate_software_token(&mut self) -> Result<Progress, Error> {
        let session = self.challenge.as_ref().and_then(|c| c.session.clone());
        self.awaiting = Awaiting::AssociateSoftwareToken;
        Request::new(
            Operation::AssociateSoftwareToken,
            &json!({"Session": session}),
        )
        .map(Progress::Send)
    }

    fn on_auth_reply(
        &mut self,
        config: &ClientConfig,
        response: AuthResponse,
        srp: Option<SrpClient>,
        now: Now,
    ) -> Result<Progress, Error> {
        if let Some(result) = &response.authentication_result {
            let session = Session::from_authentication(result, self.username(), None, now.device)?;
            self.challenge = None;
            let metadata = result.new_device_metadata.as_ref();
            if let Some((key, group)) =
                metadata.and_then(|m| m.device_key.as_ref().zip(m.device_group_key.as_ref()))
            {
                return self.confirm_device(session, key, group);
            }
            self.finished = true;
            return Ok(Progress::SignedIn(Box::new(session)));
        }

        let name = response.challenge_name.clone().ok_or_else(|| {
            Error::invalid_response("reply has neither AuthenticationResult nor ChallengeName")
        })?;
        if name == "PASSWORD_VERIFIER" {
            let srp = srp
                .or_else(|| self.pending_srp.take())
                .ok_or_else(|| Error::invalid_response("unexpected PASSWORD_VERIFIER challenge"))?;
            let request = self.password_claim(config, &srp, &response, now.server)?;
            self.awaiting = Awaiting::AuthReply;
            return Ok(Progress::Send(request));
        }
        let parameters = response.challenge_parameters;
        if let Some(user) = parameters
            .get("USER_ID_FOR_SRP")
            .or_else(|| parameters.get("USERNAME"))
        {
            self.user_id = Some(user.clone());
        }
        if let ("DEVICE_SRP_AUTH" | "DEVICE_PASSWORD_VERIFIER", Some(device)) =
            (name.as_str(), self.input.device.clone())
        {
            let session = response.session.clone();
            self.challenge = Some(Challenge {
                name: name.clone(),
                parameters: parameters.clone(),
                session,
                totp_secret: None,
                email_setup: false,
                available: Vec::new(),
                chosen_factor: None,
            });
            return self
                .device_srp_step(config, &name, &device, &parameters, now.server)
                .map(Progress::Send);
        }
        let step = match name.as_str() {
            "SMS_MFA" | "SMS_OTP" => NextStep::ConfirmWithSmsCode {
                code_delivery_details: CodeDelivery::from_challenge(&parameters),
            },
            "EMAIL_OTP" => NextStep::ConfirmWithEmailCode {
                code_delivery_details: CodeDelivery::from_challenge(&parameters),
            },
            "SOFTWARE_TOKEN_MFA" => NextStep::ConfirmWithTotpCode,
            "SELECT_MFA_TYPE" => NextStep::SelectMfaType {
                allowed_mfa_types: MfaType::list(&parameters, "MFAS_CAN_CHOOSE"),
            },
            "MFA_SETUP" => match MfaType::list(&parameters, "MFAS_CAN_SETUP").as_slice() {
                [MfaType::Totp] => NextStep::SetUpTotp {
                    totp_setup_details: TotpSetup {
                        shared_secret: String::new(),
                        setup_uri: String::new(),
                    },
                },
                [MfaType::Email] => NextStep::SetUpEmail,
                [] => NextStep::Unhandled {
                    challenge_name: name.clone(),
                    challenge_parameters: parameters.clone(),
                },
                several => NextStep::SelectMfaSetup {
                    allowed_mfa_types: several.to_vec(),
                },
            },
            "NEW_PASSWORD_REQUIRED" => NextStep::NewPasswordRequired {
                missing_attributes: missing_attributes(&parameters),
            },
            "SELECT_CHALLENGE" => NextStep::SelectFirstFactor {
                available_challenges: response.available_challenges.clone(),
            },
            "CUSTOM_CHALLENGE" => NextStep::CustomChallenge {
                additional_info: parameters.clone(),
            },
            _ => NextStep::Unhandled {
                challenge_name: name.clone(),
                challenge_parameters: parameters.clone(),
            },
        };
        let email_setup = step == NextStep::SetUpEmail;
        self.challenge = Some(Challenge {
            name,
            parameters,
            session: response.session,
            totp_secret: None,
            email_setup,
            available: response.available_challenges,
            chosen_factor: None,
        });
        match step {
            // The only factor to set up is TOTP: associate right away, the secret is the next step.
            NextStep::SetUpTotp { .. } => self.associate_software_token(),
            NextStep::Unhandled { .. } => {
                self.finished = true;
                Ok(Progress::NextStep(step))
            }
            step => Ok(Progress::NextStep(step)),
        }
    }

    /// Registers the device Cognito just started tracking: a fresh verifier for it goes to ConfirmDevice,
    /// and the device password stays here, for device SRP on later sign-ins.
    fn confirm_device(
        &mut self,
        session: Session,
        device_key: &str,
        group_key: &str,
    ) -> Result<Progress, Error> {
        let verifier = DeviceVerifier::generate(group_key, device_key)?;
        let body = json!({
            "AccessToken": session.access_token(),
            "DeviceKey": device_key,
            "DeviceSecretVerifierConfig": {"Salt": verifier.salt_b64, "PasswordVerifier": verifier.password_verifier_b64},
            "DeviceName": self.input.device_name,
        });
        let request = Request::new(Operation::ConfirmDevice, &body)?;
        self.new_device = Some(NewDevice {
            secrets: DeviceSecrets {
                device_key: device_key.to_owned(),
                device_group_key: group_key.to_owned(),
                device_password: Password::new(verifier.device_password),
            },
            user_confirmation_necessary: false,
        });
        self.awaiting = Awaiting::ConfirmDevice(Box::new(session));
        Ok(Progress::Send(request))
    }

    /// Device SRP: the same maths as the password's, with the device group key as realm, the device key as
    /// identity and the device's random password. DEVICE_SRP_AUTH gets a fresh A; DEVICE_PASSWORD_VERIFIER
    /// the claim.
    fn device_srp_step(
        &mut self,
        config: &ClientConfig,
        name: &str,
        device: &DeviceSecrets,
        parameters: &StringMap,
        now: i64,
    ) -> Result<Request, Error> {
        let mut responses = StringMap::from([("DEVICE_KEY".to_owned(), device.device_key.clone())]);
        if name == "DEVICE_SRP_AUTH" {
            let srp = SrpClient::generate()?;
            responses.insert("SRP_A".into(), srp.srp_a_hex());
            self.device_srp = Some(srp);
        } else {
            let srp = self.device_srp.take().ok_or_else(|| {
                Error::invalid_response("DEVICE_PASSWORD_VERIFIER before DEVICE_SRP_AUTH")
            })?;
            let claim = Claim {
                realm: &device.device_group_key,
                identity: &device.device_key,
                password: device.device_password.expose(),
            };
            responses.extend(claim.responses(name, parameters, &srp, now)?);
        }
        self.respond(config, name, responses, None)
    }

    /// The name challenge answers carry: the challenge's, else `USER_ID_FOR_SRP`, else what was typed.
    fn username(&self) -> &str {
        self.user_id.as_deref().unwrap_or(&self.input.username)
    }

    fn respond(
        &mut self,
        config: &ClientConfig,
        challenge_name: &str,
        mut responses: StringMap,
        client_metadata: Option<&StringMap>,
    ) -> Result<Request, Error> {
        let username = self.username().to_owned();
        if let Some(hash) = config.secret_hash(&username) {
            responses.insert("SECRET_HASH".into(), hash);
        }
        responses.insert("USERNAME".into(), username);
        let session = self.challenge.as_ref().and_then(|c| c.session.as_deref());
        let request = Request::new(
            Operation::RespondToAuthChallenge,
            &RespondToAuthChallengeRequest {
                challenge_name,
                client_id: &config.client_id,
                challenge_responses: responses,
                session,
                client_metadata: client_metadata.or(self.input.client_metadata.as_ref()),
            },
        )?;
        self.awaiting = Awaiting::AuthReply;
        Ok(request)
    }

    /// Answers PASSWORD_VERIFIER. Everything is keyed on `USER_ID_FOR_SRP`, the name Cognito knows the
    /// user by (it differs from the typed one for alias sign-ins).
    fn password_claim(
        &mut self,
        config: &ClientConfig,
        srp: &SrpClient,
        response: &AuthResponse,
        now: i64,
    ) -> Result<Request, Error> {
        let parameters = &response.challenge_parameters;
        let user_id = required_parameter("PASSWORD_VERIFIER", parameters, "USER_ID_FOR_SRP")?;
        let claim = Claim {
            realm: config.pool_name(),
            identity: user_id,
            password: self.input.password.expose(),
        };
        let mut responses = claim.responses("PASSWORD_VERIFIER", parameters, srp, now)?;
        responses.insert("USERNAME".into(), user_id.to_owned());
        // The hash must name the user as the challenge does (typed aliases fail the check).
        let hash_user = response
            .challenge_parameters
            .get("USERNAME")
            .map_or(user_id, String::as_str);
        if let Some(hash) = config.secret_hash(hash_user) {
            responses.insert("SECRET_HASH".into(), hash);
        }
        if let Some(device) = &self.input.device {
            responses.insert("DEVICE_KEY".into(), device.device_key.clone());
        }
        self.user_id = Some(user_id.to_owned());
        Request::new(
            Operation::RespondToAuthChallenge,
            &RespondToAuthChallengeRequest {
                challenge_name: "PASSWORD_VERIFIER",
                client_id: &config.client_id,
                challenge_responses: responses,
                session: response.session.as_deref(),
                client_metadata: self.input.client_metadata.as_ref(),
            },
        )
    }
}

/// Who proves what in a password claim: the pool name, `USER_ID_FOR_SRP` and the password for users; the
/// device group key, device key and device password for devices.
struct Claim<'a> {
    realm: &'a str,
    identity: &'a str,
    password: &'a str,
}

impl Claim<'_> {
    /// The answer to PASSWORD_VERIFIER / DEVICE_PASSWORD_VERIFIER: the secret block echoed, the timestamp
    /// signed, and the signature over both, from the challenge's SRP_B, SALT and SECRET_BLOCK.
    fn responses(
        &self,
        challenge: &str,
        parameters: &StringMap,
        srp: &SrpClient,
        now: i64,
    ) -> Result<StringMap, Error> {
        let secret_block = required_parameter(challenge, parameters, "SECRET_BLOCK")?;
        let timestamp = timestamp(now);
        let signature = srp.password_claim(
            self.realm,
            self.identity,
            self.password,
            required_parameter(challenge, parameters, "SRP_B")?,
            required_parameter(challenge, parameters, "SALT")?,
            secret_block,
            &timestamp,
        )?;
        Ok(StringMap::from([
            (
                "PASSWORD_CLAIM_SECRET_BLOCK".to_owned(),
                secret_block.to_owned(),
            ),
            ("TIMESTAMP".to_owned(), timestamp),
            ("PASSWORD_CLAIM_SIGNATURE".to_owned(), signature),
        ]))
    }
}

fn required_parameter<'p>(
    challenge: &str,
    parameters: &'p StringMap,
    key: &str,
) -> Result<&'p str, Error> {
    parameters
        .get(key)
        .map(String::as_str)
        .ok_or_else(|| Error::invalid_response(format!("{challenge} without {key}")))
}

/// `request` with the DEVICE_KEY it carried (in AuthParameters or ChallengeResponses) removed; `None` if
/// it carried none.
fn without_device_key(request: &Request) -> Option<Request> {
    let mut body: serde_json::Value = serde_json::from_str(&request.body).ok()?;
    let mut removed = false;
    for map in ["AuthParameters", "ChallengeResponses"] {
        if let Some(map) = body.get_mut(map).and_then(serde_json::Value::as_object_mut) {
            removed |= map.remove("DEVICE_KEY").is_some();
        }
    }
    if !removed {
        return None;
    }
    Request::new(request.operation, &body).ok()
}

/// NEW_PASSWORD_REQUIRED's `requiredAttributes` (`["userAttributes.name", …]`) that `userAttributes` lacks.
fn missing_attributes(parameters: &StringMap) -> Vec<String> {
    let required = string_list(parameters, "requiredAttributes");
    let present: Option<serde_json::Value> = parameters
        .get("userAttributes")
        .and_then(|v| serde_json::from_str(v).ok());
    let present = present.as_ref().and_then(serde_json::Value::as_object);
    required
        .iter()
        .map(|name| {
            name.strip_prefix("userAttributes.")
                .unwrap_or(name)
                .to_owned()
        })
        .filter(|name| !present.is_some_and(|present| present.contains_key(name)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_uri_is_an_otpauth_uri() {
        let setup = TotpSetup::new("JBSWY3DPEHPK3PXP".into(), "My App", "alice@example.com");
        assert_eq!(
            setup.setup_uri,
            "otpauth://totp/My%20App:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=My%20App"
        );
    }

    #[test]
    fn missing_attributes_are_the_required_ones_not_yet_set() {
        let parameters = StringMap::from([
            (
                "requiredAttributes".to_owned(),
                r#"["userAttributes.name","userAttributes.email"]"#.to_owned(),
            ),
            (
                "userAttributes".to_owned(),
                r#"{"email":"a@example.com"}"#.to_owned(),
            ),
        ]);
        assert_eq!(missing_attributes(&parameters), vec!["name".to_owned()]);
        assert!(missing_attributes(&StringMap::new()).is_empty());
    }

    #[test]
    fn mfa_lists_ignore_unknown_and_malformed_entries() {
        let parameters = StringMap::from([(
            "MFAS_CAN_CHOOSE".to_owned(),
            r#"["SMS_MFA","WHATEVER","SOFTWARE_TOKEN_MFA"]"#.to_owned(),
        )]);
        assert_eq!(
            MfaType::list(&parameters, "MFAS_CAN_CHOOSE"),
            vec![MfaType::Sms, MfaType::Totp]
        );
        let broken = StringMap::from([("MFAS_CAN_CHOOSE".to_owned(), "not json".to_owned())]);
        assert!(MfaType::list(&broken, "MFAS_CAN_CHOOSE").is_empty());
    }
}
