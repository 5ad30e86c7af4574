//! Target (a): the response parser and the sign-in state machine. A sign-in is started with any of the
//! methods (SRP, password, custom with and without SRP, USER_AUTH with or without a preferred factor, with
//! or without a remembered device and a client secret), then driven as the wasm layer drives it: each
//! fuzzed reply goes through [`parse_response`] (HTTP status, body, error header) and then to
//! `on_response`, or to `request_failed` when it is an error; fuzzed answers go to `answer`.
//!
//! Invariants checked on the way: every request is a JSON object; every next step serialises (the JS
//! layer needs it); a finished session survives storage; errors never quote the password.

use arbitrary::Arbitrary;
use cognito_wasm::ClientConfig;
use cognito_wasm::clock;
use cognito_wasm::flows::sign_in::{Answer, DeviceSecrets, Method, Progress, SignIn, SignInInput};
use cognito_wasm::protocol::{RawResponse, Request, StringMap, parse_response};
use cognito_wasm::secret::{ClientSecret, Password};
use cognito_wasm::session::Session;
use cognito_wasm::srp::client::SrpClient;
use serde_json::{Map, Value, json};

use super::Reached;
use super::inputs::{Base64Blob, HexNumber, Text, Token};

/// Replies and answers after the first request; real sign-ins take at most a handful.
const MAX_EVENTS: usize = 24;

#[derive(Arbitrary, Debug)]
struct FlowInput {
    method: MethodChoice,
    username: Text,
    password: Text,
    client_secret: bool,
    client_metadata: Option<Vec<(String, String)>>,
    device: Option<DeviceInput>,
    now: Now,
    events: Vec<Event>,
}

#[derive(Arbitrary, Debug)]
enum MethodChoice {
    /// The SRP ephemeral's secret: short, because a long one only makes every run slower.
    Srp(u16),
    Password,
    CustomWithSrp(u16),
    CustomWithoutSrp,
    UserAuth(Option<Text>),
}

#[derive(Arbitrary, Debug)]
struct DeviceInput {
    device_key: Text,
    device_group_key: Text,
    device_password: Text,
}

/// The device clock: near the present, or anything.
#[derive(Arbitrary, Debug)]
enum Now {
    Recent(u32),
    Any(i64),
}

// Built once per input; boxing the big variants would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Arbitrary, Debug)]
enum Event {
    Reply(Reply),
    Answer(AnswerInput),
}

// Built once per input; boxing the big variants would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Arbitrary, Debug)]
enum Reply {
    /// A 200 whose body has the fields the flow reads, each fuzzed.
    Structured(StructuredReply),
    /// A Cognito error: status, `__type` (or `code`) and message, or only the header.
    Error {
        status: u16,
        name: Text,
        message: Text,
        in_header: bool,
    },
    /// Anything at all.
    Raw {
        status: u16,
        body: String,
        header: Option<String>,
    },
}

#[derive(Arbitrary, Debug)]
struct StructuredReply {
    challenge_name: Option<Text>,
    session: Option<String>,
    parameters: Vec<(Text, ParameterValue)>,
    result: Option<AuthResult>,
    available_challenges: Option<Vec<Text>>,
    /// AssociateSoftwareToken's, VerifySoftwareToken's and ConfirmDevice's reply fields.
    secret_code: Option<String>,
    status: Option<Text>,
    user_confirmation_necessary: Option<bool>,
}

#[derive(Arbitrary, Debug)]
enum ParameterValue {
    Hex(HexNumber),
    Base64(Base64Blob),
    Text(Text),
    /// A JSON list of names (`MFAS_CAN_CHOOSE`, `requiredAttributes`).
    List(Vec<Text>),
    /// A JSON object (`userAttributes`).
    Object(Vec<(String, String)>),
}

#[derive(Arbitrary, Debug)]
struct AuthResult {
    id_token: Option<Token>,
    access_token: Option<Token>,
    refresh_token: Option<String>,
    expires_in: Option<i64>,
    new_device: Option<(Option<Text>, Option<Text>)>,
}

#[derive(Arbitrary, Debug)]
struct AnswerInput {
    response: Text,
    user_attributes: Vec<(String, String)>,
    friendly_device_name: Option<String>,
    client_metadata: Option<Vec<(String, String)>>,
}

const USERNAMES: &[&str] = &["bob", "alice@example.com", "", " "];
/// Long and distinctive, so that finding one in an error message means it leaked.
const PASSWORDS: &[&str] = &["Correct-Horse-Battery-Staple-9!", "", "pw"];
const DEVICE_KEYS: &[&str] = &["us-east-1_0b7f3c2e-1111-2222-3333-444455556666", ""];
const DEVICE_GROUP_KEYS: &[&str] = &["-kBzsGmJd", ""];
const DEVICE_PASSWORDS: &[&str] = &["Device-Password-From-ConfirmDevice-0123456789=", ""];
const FACTORS: &[&str] = &[
    "PASSWORD",
    "PASSWORD_SRP",
    "EMAIL_OTP",
    "SMS_OTP",
    "WEB_AUTHN",
    "password",
];
const CHALLENGES: &[&str] = &[
    "PASSWORD_VERIFIER",
    "DEVICE_SRP_AUTH",
    "DEVICE_PASSWORD_VERIFIER",
    "SMS_MFA",
    "SMS_OTP",
    "EMAIL_OTP",
    "SOFTWARE_TOKEN_MFA",
    "SELECT_MFA_TYPE",
    "MFA_SETUP",
    "NEW_PASSWORD_REQUIRED",
    "SELECT_CHALLENGE",
    "CUSTOM_CHALLENGE",
    "WEB_AUTHN",
    "",
];
const PARAMETERS: &[&str] = &[
    "SRP_B",
    "SALT",
    "SECRET_BLOCK",
    "USER_ID_FOR_SRP",
    "USERNAME",
    "MFAS_CAN_CHOOSE",
    "MFAS_CAN_SETUP",
    "requiredAttributes",
    "userAttributes",
    "CODE_DELIVERY_DELIVERY_MEDIUM",
    "CODE_DELIVERY_DESTINATION",
];
const NAMES_IN_LISTS: &[&str] = &[
    "SMS_MFA",
    "SOFTWARE_TOKEN_MFA",
    "EMAIL_OTP",
    "userAttributes.email",
    "userAttributes.name",
];
const ANSWERS: &[&str] = &[
    "123456",
    "SMS",
    "TOTP",
    "EMAIL",
    "SOFTWARE_TOKEN_MFA",
    "PASSWORD",
    "PASSWORD_SRP",
    "EMAIL_OTP",
    "SMS_OTP",
    "bob@example.com",
    "",
    " ",
];
const ERRORS: &[&str] = &[
    "ResourceNotFoundException",
    "NotAuthorizedException",
    "CodeMismatchException",
    "UserNotConfirmedException",
    "com.amazonaws.cognito#TooManyRequestsException",
    "",
];
const MESSAGES: &[&str] = &[
    "Device does not exist.",
    "Incorrect username or password.",
    "",
];
const STATUSES: &[&str] = &["SUCCESS", "ERROR"];

impl Now {
    fn seconds(&self) -> i64 {
        match self {
            Self::Recent(offset) => 1_700_000_000 + i64::from(*offset),
            Self::Any(seconds) => *seconds,
        }
    }
}

fn string_map(pairs: &[(String, String)]) -> StringMap {
    pairs.iter().cloned().collect()
}

/// A JSON object of the map's members, in its (name) order.
fn map_json(map: &StringMap) -> Value {
    Value::Object(map.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
}

impl MethodChoice {
    fn build(&self) -> Option<Method> {
        Some(match self {
            Self::Srp(secret) => Method::Srp(SrpClient::from_secret(&secret.to_be_bytes()).ok()?),
            Self::Password => Method::Password,
            Self::CustomWithSrp(secret) => {
                Method::CustomWithSrp(SrpClient::from_secret(&secret.to_be_bytes()).ok()?)
            }
            Self::CustomWithoutSrp => Method::CustomWithoutSrp,
            Self::UserAuth(preferred) => Method::UserAuth {
                preferred: preferred.as_ref().map(|p| p.pick(FACTORS)),
            },
        })
    }
}

impl ParameterValue {
    fn render(&self) -> String {
        match self {
            Self::Hex(number) => number.render(),
            Self::Base64(blob) => blob.render(),
            Self::Text(text) => text.pick(ANSWERS),
            Self::List(names) => json!(
                names
                    .iter()
                    .map(|n| n.pick(NAMES_IN_LISTS))
                    .collect::<Vec<_>>()
            )
            .to_string(),
            Self::Object(pairs) => map_json(&string_map(pairs)).to_string(),
        }
    }
}

impl StructuredReply {
    fn to_json(&self) -> Value {
        let mut body = Map::new();
        if let Some(name) = &self.challenge_name {
            body.insert("ChallengeName".into(), json!(name.pick(CHALLENGES)));
        }
        if let Some(session) = &self.session {
            body.insert("Session".into(), json!(session));
        }
        if !self.parameters.is_empty() {
            let parameters: StringMap = self
                .parameters
                .iter()
                .map(|(key, value)| (key.pick(PARAMETERS), value.render()))
                .collect();
            body.insert("ChallengeParameters".into(), map_json(&parameters));
        }
        if let Some(result) = &self.result {
            let mut fields = json!({
                "IdToken": result.id_token.as_ref().map(Token::render),
                "AccessToken": result.access_token.as_ref().map(Token::render),
                "RefreshToken": result.refresh_token,
                "ExpiresIn": result.expires_in,
                "TokenType": "Bearer",
            });
            if let Some((key, group)) = &result.new_device {
                fields["NewDeviceMetadata"] = json!({
                    "DeviceKey": key.as_ref().map(|k| k.pick(DEVICE_KEYS)),
                    "DeviceGroupKey": group.as_ref().map(|g| g.pick(DEVICE_GROUP_KEYS)),
                });
            }
            body.insert("AuthenticationResult".into(), fields);
        }
        if let Some(available) = &self.available_challenges {
            let names: Vec<String> = available.iter().map(|a| a.pick(FACTORS)).collect();
            body.insert("AvailableChallenges".into(), json!(names));
        }
        if let Some(code) = &self.secret_code {
            body.insert("SecretCode".into(), json!(code));
        }
        if let Some(status) = &self.status {
            body.insert("Status".into(), json!(status.pick(STATUSES)));
        }
        if let Some(necessary) = self.user_confirmation_necessary {
            body.insert("UserConfirmationNecessary".into(), json!(necessary));
        }
        Value::Object(body)
    }
}

impl Reply {
    /// Status, body and `x-amzn-ErrorType` header of the HTTP reply.
    fn render(&self) -> (u16, String, Option<String>) {
        match self {
            Self::Structured(reply) => (200, reply.to_json().to_string(), None),
            Self::Error {
                status,
                name,
                message,
                in_header,
            } => {
                let status = 400 + status % 200;
                let name = name.pick(ERRORS);
                let message = message.pick(MESSAGES);
                if *in_header {
                    (
                        status,
                        String::new(),
                        Some(format!("{name}:http://internal/")),
                    )
                } else {
                    (
                        status,
                        json!({"__type": name, "message": message}).to_string(),
                        None,
                    )
                }
            }
            Self::Raw {
                status,
                body,
                header,
            } => (*status, body.clone(), header.clone()),
        }
    }
}

impl AnswerInput {
    fn build(&self) -> Answer {
        Answer {
            response: self.response.pick(ANSWERS),
            user_attributes: string_map(&self.user_attributes),
            friendly_device_name: self.friendly_device_name.clone(),
            client_metadata: self.client_metadata.as_deref().map(string_map),
        }
    }
}

/// Text that must never appear in an error: secrets given to the flow, unless the fuzzer echoed them
/// back itself (a reply or an answer that contains the password may be quoted).
struct Secrets {
    values: Vec<String>,
}

impl Secrets {
    fn check(&self, error: &cognito_wasm::Error, echoed: &str) {
        for secret in &self.values {
            // Only the long dictionary secrets: a fuzzed one may well be a piece of a fixed message, as
            // " the sign-in" was of "reply after the sign-in finished".
            let distinctive = secret == PASSWORDS[0] || secret == DEVICE_PASSWORDS[0];
            if distinctive && !echoed.contains(secret.as_str()) {
                assert!(
                    !error.to_string().contains(secret.as_str()),
                    "an error quotes a secret: {error}"
                );
            }
        }
    }
}

pub fn run(data: &[u8]) -> Reached {
    let mut reached = Reached::default();
    let Some(input) = super::structured::<FlowInput>(data) else {
        return reached;
    };
    reached.decoded = true;
    let Some(method) = input.method.build() else {
        return reached;
    };
    let secret = input
        .client_secret
        .then(|| ClientSecret::new("client-secret-0123456789abcdef"));
    let config = ClientConfig::new("us-east-1_Pool1", "client123", secret, None)
        .expect("a valid pool id is accepted");
    let password = input.password.pick(PASSWORDS);
    let device = input.device.as_ref().map(|d| DeviceSecrets {
        device_key: d.device_key.pick(DEVICE_KEYS),
        device_group_key: d.device_group_key.pick(DEVICE_GROUP_KEYS),
        device_password: Password::new(d.device_password.pick(DEVICE_PASSWORDS)),
    });
    let secrets = Secrets {
        values: [Some(password.clone())]
            .into_iter()
            .chain([device
                .as_ref()
                .map(|d| d.device_password.expose().to_owned())])
            .flatten()
            .collect(),
    };
    let sign_in = SignInInput {
        username: input.username.pick(USERNAMES),
        password: Password::new(password),
        client_metadata: input.client_metadata.as_deref().map(string_map),
        device,
        device_name: "fuzz device".into(),
    };
    let now = input.now.seconds();
    let (mut flow, first) = match SignIn::start(&config, sign_in, method) {
        Ok(started) => started,
        Err(error) => {
            assert!(
                error.is("InvalidParameterException") || error.is("SrpProtocolException"),
                "{error}"
            );
            return reached;
        }
    };
    check_request(&first);
    let mut pending = Some(first);
    // Everything the fuzzer itself put in front of the flow, for the secret check.
    let mut echoed = String::new();

    for event in input.events.iter().take(MAX_EVENTS) {
        let progress = match event {
            Event::Reply(reply) => {
                let (status, body, header) = reply.render();
                echoed.push_str(&body);
                echoed.extend(header.as_deref());
                let raw = RawResponse {
                    status,
                    body: &body,
                    error_type_header: header.as_deref(),
                };
                match parse_response(&raw) {
                    // The device clock up to three hours either side of the server's, derived from the
                    // input so that runs replay.
                    Ok(body) => flow.on_response(
                        &config,
                        &body,
                        clock::Now::with_offset(now, now.rem_euclid(21_601) - 10_800),
                    ),
                    Err(error) => {
                        assert!(!error.name().is_empty());
                        if pending.take().is_none() {
                            continue;
                        }
                        if let Some(retry) = flow.request_failed(&error) {
                            check_request(&retry);
                            assert_no_device_key(&retry);
                            pending = Some(retry);
                        }
                        continue;
                    }
                }
            }
            Event::Answer(answer) => {
                let answer = answer.build();
                echoed.push_str(&answer.response);
                flow.answer(&config, answer)
            }
        };
        match progress {
            Ok(Progress::Send(request)) => {
                check_request(&request);
                pending = Some(request);
            }
            Ok(Progress::SignedIn(session)) => {
                reached.success = true;
                check_session(&session, now);
            }
            Ok(Progress::NextStep(step)) => {
                serde_json::from_str::<Value>(&step.to_json().to_string())
                    .expect("a next step is JSON for JS");
            }
            Err(error) => {
                assert!(!error.name().is_empty());
                secrets.check(&error, &echoed);
            }
        }
    }
    let _ = (
        flow.new_device(),
        flow.device_forgotten(),
        flow.typed_username(),
    );
    reached
}

fn check_request(request: &Request) {
    let body: Value = serde_json::from_str(&request.body).expect("requests are JSON");
    assert!(body.is_object(), "request body is not an object");
    assert!(
        format!("{request:?}").contains("[redacted]"),
        "Debug shows the body"
    );
}

/// The retry after "Device does not exist." must not name the device again. (Only these two maps:
/// client metadata or a session string may contain the text DEVICE_KEY, as one fuzzer input showed.)
fn assert_no_device_key(retry: &Request) {
    let body: Value = serde_json::from_str(&retry.body).expect("requests are JSON");
    for map in ["AuthParameters", "ChallengeResponses"] {
        assert!(
            body.get(map).and_then(|m| m.get("DEVICE_KEY")).is_none(),
            "the retry still sends {map}.DEVICE_KEY"
        );
    }
}

fn check_session(session: &Session, now: i64) {
    let _ = (session.is_valid_at(now), session.expires_at());
    let restored = Session::from_storage_json(&session.to_storage_json())
        .expect("a signed-in session can be stored and restored");
    assert_eq!(restored.to_storage_json(), session.to_storage_json());
}
