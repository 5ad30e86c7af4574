//! Harness of the `emulator_request` target: whole HTTP requests — any method, path, headers (among them
//! `X-Amz-Target` and `Content-Type`) and body — through the emulator's real router, in process, against
//! a world seeded with pools, app clients and users so that well-formed calls get deep (SRP handshakes,
//! challenges, tokens). Every answer must be Cognito-shaped: below 500 unless the input injected a fault
//! first, and an error is a JSON object with a non-empty `__type` (and the `x-amzn-ErrorType` header).
//!
//! Not part of `lib.rs`: it needs the emulator crate, which depends on the main crate, so the main crate's
//! `tests/fuzz_regressions.rs` (which compiles `lib.rs`) cannot use it. The libFuzzer target and the
//! emulator's own `tests/fuzz_regressions.rs` include this file by path.
//!
//! An input is a short sequence of requests against a fresh copy of the seeded world, so an input that
//! deletes a pool or changes a password does not change what later inputs see. Values in a request can be
//! the seeded ids and names, the SRP_A of a fixed client ephemeral, things an earlier reply of the same
//! input returned (Session, SECRET_BLOCK, tokens, device keys), or a PASSWORD_CLAIM_SIGNATURE computed for
//! the last PASSWORD_VERIFIER challenge — which is how an input reaches a finished SRP sign-in.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use arbitrary::{Arbitrary, Unstructured};
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use cognito_emulator::AppState;
use cognito_emulator::state::Pool;
use cognito_wasm::srp;
use cognito_wasm::srp::client::SrpClient;
use serde_json::{Map, Value, json};
use tower::ServiceExt as _;

/// Requests per input: enough for InitiateAuth → RespondToAuthChallenge → a call with the tokens.
const MAX_STEPS: usize = 4;

const PASSWORD: &str = "Fuzz-Passw0rd!";
const POOL_IDS: &[&str] = &["us-east-1_FuzzPool1", "eu-west-1_FuzzPool2"];
const CLIENT_IDS: &[&str] = &[
    "fuzzpublicclient0000000001",
    "fuzzsecretclient0000000002",
    "fuzzemailclient00000000003",
];
const CLIENT_SECRET: &str = "fuzzclientsecret0000000000000000000000000000000000a";
const USERNAMES: &[&str] = &["alice", "bob", "carol", "dave@example.com", "nobody"];
const PASSWORDS: &[&str] = &[PASSWORD, "Other-Passw0rd!", "short", ""];

/// The seeded world: a username pool with device tracking, optional MFA, custom rounds and two app clients
/// (one with a secret and refresh-token rotation), and an e-mail sign-in pool.
const SEED: &str = r#"{
  "region": "us-east-1",
  "pools": [
    {
      "id": "us-east-1_FuzzPool1", "name": "fuzz", "mfaConfiguration": "OPTIONAL",
      "deviceConfiguration": { "ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": false },
      "customChallenge": [ { "question": "2+2?", "answer": "4" } ],
      "clients": [
        { "id": "fuzzpublicclient0000000001", "name": "public", "enableTokenRevocation": true,
          "explicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH",
                                "ALLOW_CUSTOM_AUTH", "ALLOW_USER_AUTH"] },
        { "id": "fuzzsecretclient0000000002", "name": "secret",
          "secret": "fuzzclientsecret0000000000000000000000000000000000a",
          "preventUserExistenceErrors": "LEGACY",
          "refreshTokenRotation": { "Feature": "ENABLED", "RetryGracePeriodSeconds": 10 },
          "explicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"] }
      ],
      "users": [
        { "username": "alice", "password": "Fuzz-Passw0rd!",
          "attributes": { "email": "alice@example.com", "email_verified": "true" } },
        { "username": "bob", "password": "Fuzz-Passw0rd!", "status": "FORCE_CHANGE_PASSWORD" },
        { "username": "carol", "password": "Fuzz-Passw0rd!", "totpSecret": "JBSWY3DPEHPK3PXP",
          "mfa": { "softwareToken": true, "preferred": "SOFTWARE_TOKEN_MFA" } }
      ]
    },
    {
      "id": "eu-west-1_FuzzPool2", "name": "by-email", "usernameAttributes": ["email"],
      "clients": [ { "id": "fuzzemailclient00000000003", "name": "email" } ],
      "users": [ { "username": "dave@example.com", "password": "Fuzz-Passw0rd!" } ]
    }
  ]
}"#;

/// Built once per process: seeding generates RSA keys, which takes far longer than a request.
struct World {
    pools: Vec<Pool>,
    runtime: tokio::runtime::Runtime,
    srp: SrpClient,
    srp_a: String,
}

/// Builds the seeded world now rather than on the first input.
pub fn init() {
    world();
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let state = AppState::new("us-east-1");
        let seed: cognito_emulator::seed::Seed =
            serde_json::from_str(SEED).expect("the harness's seed parses");
        cognito_emulator::seed::load(&state, &seed).expect("the harness's seed loads");
        let pools = state.store().pools.values().cloned().collect();
        // Paused time: an injected delay (up to two minutes) passes at once instead of stalling the fuzzer.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .expect("a current-thread runtime");
        let srp = SrpClient::from_secret(&[0x5a; 32]).expect("a valid ephemeral");
        let srp_a = srp.srp_a_hex();
        World {
            pools,
            runtime,
            srp,
            srp_a,
        }
    })
}

/// What an input reached, for the corpus replay's check that the corpus still gets deep.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reached {
    pub decoded: bool,
    /// A reply carried a PASSWORD_VERIFIER challenge.
    pub challenge: bool,
    /// A reply carried tokens (`AuthenticationResult`).
    pub tokens: bool,
}

/// A string that is one of a list (picked by index) or any text.
#[derive(Arbitrary, Clone, Debug)]
pub enum Text {
    Known(u8),
    Any(String),
}

impl Text {
    fn pick(&self, known: &[&str]) -> String {
        match self {
            Self::Known(index) => known
                .get(usize::from(*index) % known.len().max(1))
                .map_or_else(String::new, |s| (*s).to_owned()),
            Self::Any(text) => text.clone(),
        }
    }
}

/// Member names of Cognito requests and of `AuthParameters` / `ChallengeResponses`.
const KEYS: &[&str] = &[
    "ClientId",
    "UserPoolId",
    "Username",
    "Password",
    "AuthFlow",
    "AuthParameters",
    "ChallengeName",
    "ChallengeResponses",
    "Session",
    "AccessToken",
    "RefreshToken",
    "Token",
    "ClientSecret",
    "ConfirmationCode",
    "UserAttributes",
    "Name",
    "Value",
    "PreviousPassword",
    "ProposedPassword",
    "PoolName",
    "ClientName",
    "ExplicitAuthFlows",
    "GenerateSecret",
    "TemporaryPassword",
    "Permanent",
    "MessageAction",
    "DeviceKey",
    "DeviceSecretVerifierConfig",
    "PasswordVerifier",
    "Salt",
    "DeviceName",
    "DeviceRememberedStatus",
    "UserCode",
    "FriendlyDeviceName",
    "SoftwareTokenMfaSettings",
    "SMSMfaSettings",
    "EmailMfaSettings",
    "Enabled",
    "PreferredMfa",
    "MfaConfiguration",
    "AttributeName",
    "AttributeNames",
    "Policies",
    "PasswordPolicy",
    "MinimumLength",
    "UsernameAttributes",
    "AliasAttributes",
    "DeviceConfiguration",
    "RefreshTokenRotation",
    "AccessTokenValidity",
    "TokenValidityUnits",
    "AuthSessionValidity",
    "PreventUserExistenceErrors",
    "EnableTokenRevocation",
    "MaxResults",
    "NextToken",
    "Limit",
    "PaginationToken",
    "ClientMetadata",
    "USERNAME",
    "PASSWORD",
    "SRP_A",
    "SECRET_HASH",
    "REFRESH_TOKEN",
    "DEVICE_KEY",
    "CHALLENGE_NAME",
    "PREFERRED_CHALLENGE",
    "PASSWORD_CLAIM_SECRET_BLOCK",
    "PASSWORD_CLAIM_SIGNATURE",
    "TIMESTAMP",
    "NEW_PASSWORD",
    "ANSWER",
    "SMS_MFA_CODE",
    "SOFTWARE_TOKEN_MFA_CODE",
    "EMAIL_OTP_CODE",
    "MFAS_CAN_SETUP",
    "operation",
    "count",
    "delayMs",
    "status",
    "type",
    "message",
    "dropConnection",
    "offsetSeconds",
    "accessToken",
    "idToken",
    "refreshToken",
    "question",
    "answer",
];

const AUTH_FLOWS: &[&str] = &[
    "USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "USER_PASSWORD_AUTH",
    "USER_AUTH",
    "ADMIN_NO_SRP_AUTH",
];

const CHALLENGES: &[&str] = &[
    "PASSWORD_VERIFIER",
    "NEW_PASSWORD_REQUIRED",
    "SOFTWARE_TOKEN_MFA",
    "SMS_MFA",
    "EMAIL_OTP",
    "SELECT_MFA_TYPE",
    "MFA_SETUP",
    "DEVICE_SRP_AUTH",
    "DEVICE_PASSWORD_VERIFIER",
    "CUSTOM_CHALLENGE",
    "SELECT_CHALLENGE",
    "PASSWORD_SRP",
    "PASSWORD",
    "SRP_A",
];

/// Values an earlier reply of the same input handed out, by the member name they came under.
const CAPTURED: &[&str] = &[
    "Session",
    "SECRET_BLOCK",
    "SRP_B",
    "SALT",
    "USER_ID_FOR_SRP",
    "USERNAME",
    "AccessToken",
    "IdToken",
    "RefreshToken",
    "DeviceKey",
    "DeviceGroupKey",
    "SecretCode",
    "ClientId",
    "ClientSecret",
    "Id",
];

/// A value in a request body.
#[derive(Arbitrary, Clone, Debug)]
pub enum JsonValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    PoolId(u8),
    ClientId(u8),
    ClientSecret,
    Username(u8),
    Password(u8),
    AuthFlow(u8),
    Challenge(u8),
    /// The fixed client ephemeral's `SRP_A`.
    SrpA,
    /// A value from an earlier reply (see [`CAPTURED`]).
    Captured(u8),
    /// The right PASSWORD_CLAIM_SIGNATURE for the last PASSWORD_VERIFIER challenge, with this password,
    /// for this pool (the challenge does not say which pool it is from; the signature covers it).
    Claim {
        pool: u8,
        password: u8,
    },
    /// `TIMESTAMP` in Cognito's format, for the emulator's clock now.
    Timestamp,
    /// `SECRET_HASH` of the secret client for this username.
    SecretHash(u8),
    /// USER_SRP_AUTH's `AuthParameters` for this user: USERNAME and SRP_A.
    SrpParameters(u8),
    /// The whole PASSWORD_VERIFIER answer to the last challenge (names, SECRET_BLOCK, TIMESTAMP and the
    /// claim for this pool and password).
    VerifierAnswer {
        pool: u8,
        password: u8,
    },
    /// REFRESH_TOKEN_AUTH's `AuthParameters` with the refresh token an earlier reply handed out.
    RefreshParameters,
    Array(Vec<JsonValue>),
    Object(Vec<(Text, JsonValue)>),
}

/// Where a request goes.
#[derive(Arbitrary, Clone, Debug)]
pub enum Path {
    Root,
    Health,
    Inbox { pool: u8, username: u8 },
    CustomChallenge { pool: u8 },
    Faults,
    Calls,
    Clock,
    TokenValidity { client: u8 },
    Jwks { pool: u8 },
    Any(String),
}

#[derive(Arbitrary, Clone, Debug)]
pub enum Verb {
    Post,
    Get,
    Put,
    Delete,
    Options,
    Head,
    Patch,
    Any(String),
}

#[derive(Arbitrary, Clone, Debug)]
pub enum RequestBody {
    /// A JSON object of the given members.
    Members(Vec<(Text, JsonValue)>),
    /// Any JSON value, serialised.
    Json(JsonValue),
    Raw(Vec<u8>),
}

const OPERATIONS: &[&str] = cognito_emulator::ops::OPERATIONS;
const CONTENT_TYPES: &[&str] = &[
    "application/x-amz-json-1.1",
    "application/x-amz-json-1.0",
    "application/json",
    "application/x-amz-json-1.1; charset=utf-8",
    "text/plain",
];
const HEADER_NAMES: &[&str] = &[
    "origin",
    "content-length",
    "authorization",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "transfer-encoding",
    "x-amz-user-agent",
    "x-amz-target",
    "content-type",
    "expect",
];

/// One request: a well-formed call of an operation (so that the fuzzer spends its time on the members), or
/// anything at all.
#[derive(Arbitrary, Clone, Debug)]
pub enum Step {
    Call {
        operation: u8,
        members: Vec<(Text, JsonValue)>,
    },
    Raw(RawStep),
}

#[derive(Arbitrary, Clone, Debug)]
pub struct RawStep {
    verb: Verb,
    path: Path,
    /// `X-Amz-Target`: `AWSCognitoIdentityProviderService.<operation>` for a known index, or any text.
    target: Option<Text>,
    content_type: Option<Text>,
    headers: Vec<(Text, String)>,
    body: RequestBody,
}

#[derive(Arbitrary, Clone, Debug)]
pub struct Input {
    steps: Vec<Step>,
}

/// What earlier replies of this input handed out.
#[derive(Default)]
struct Captures {
    values: BTreeMap<String, String>,
    /// The last PASSWORD_VERIFIER challenge's parameters.
    challenge: Option<Map<String, Value>>,
}

impl Captures {
    fn absorb(&mut self, value: &Value) {
        match value {
            Value::Object(map) => {
                if map.get("ChallengeName").and_then(Value::as_str) == Some("PASSWORD_VERIFIER") {
                    self.challenge = map
                        .get("ChallengeParameters")
                        .and_then(Value::as_object)
                        .cloned();
                }
                for (key, item) in map {
                    if let Some(text) = item.as_str()
                        && CAPTURED.contains(&key.as_str())
                    {
                        self.values.insert(key.clone(), text.to_owned());
                    }
                    self.absorb(item);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.absorb(item)),
            _ => {}
        }
    }
}

fn pick(list: &[&str], index: u8) -> String {
    list.get(usize::from(index) % list.len().max(1))
        .map_or_else(String::new, |s| (*s).to_owned())
}

struct Context<'a> {
    world: &'a World,
    state: &'a AppState,
    captures: &'a Captures,
}

impl JsonValue {
    fn render(&self, cx: &Context<'_>, depth: usize) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Bool(b) => json!(b),
            Self::Int(n) => json!(n),
            Self::Float(f) => json!(f),
            Self::Str(text) => json!(text),
            Self::PoolId(i) => json!(pick(POOL_IDS, *i)),
            Self::ClientId(i) => json!(pick(CLIENT_IDS, *i)),
            Self::ClientSecret => json!(CLIENT_SECRET),
            Self::Username(i) => json!(pick(USERNAMES, *i)),
            Self::Password(i) => json!(pick(PASSWORDS, *i)),
            Self::AuthFlow(i) => json!(pick(AUTH_FLOWS, *i)),
            Self::Challenge(i) => json!(pick(CHALLENGES, *i)),
            Self::SrpA => json!(cx.world.srp_a),
            Self::Captured(i) => cx
                .captures
                .values
                .get(&pick(CAPTURED, *i))
                .map_or(Value::Null, |text| json!(text)),
            Self::Claim { pool, password } => cx
                .claim(&pick(POOL_IDS, *pool), &pick(PASSWORDS, *password))
                .map_or(Value::Null, Value::String),
            Self::Timestamp => json!(srp::timestamp(cx.state.now_secs())),
            Self::SecretHash(i) => json!(srp::secret_hash(
                CLIENT_SECRET,
                &pick(USERNAMES, *i),
                CLIENT_IDS[1]
            )),
            Self::SrpParameters(i) => {
                json!({ "USERNAME": pick(USERNAMES, *i), "SRP_A": cx.world.srp_a })
            }
            Self::VerifierAnswer { pool, password } => {
                let challenge = cx.captures.challenge.as_ref();
                let param = |name: &str| {
                    challenge
                        .and_then(|c| c.get(name))
                        .cloned()
                        .unwrap_or(Value::Null)
                };
                json!({
                    "USERNAME": param("USER_ID_FOR_SRP"),
                    "PASSWORD_CLAIM_SECRET_BLOCK": param("SECRET_BLOCK"),
                    "PASSWORD_CLAIM_SIGNATURE": cx
                        .claim(&pick(POOL_IDS, *pool), &pick(PASSWORDS, *password))
                        .map_or(Value::Null, Value::String),
                    "TIMESTAMP": srp::timestamp(cx.state.now_secs()),
                })
            }
            Self::RefreshParameters => json!({
                "REFRESH_TOKEN": cx.captures.values.get("RefreshToken").map_or(Value::Null, |t| json!(t))
            }),
            // Deeper nesting only makes serde_json's own depth limit the subject, which hostile.rs covers.
            Self::Array(_) | Self::Object(_) if depth > 8 => Value::Null,
            Self::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| item.render(cx, depth + 1))
                    .collect(),
            ),
            Self::Object(members) => Value::Object(object(members, cx, depth + 1)),
        }
    }
}

fn object(members: &[(Text, JsonValue)], cx: &Context<'_>, depth: usize) -> Map<String, Value> {
    members
        .iter()
        .map(|(key, value)| (key.pick(KEYS), value.render(cx, depth)))
        .collect()
}

impl Context<'_> {
    /// The client's proof for the last PASSWORD_VERIFIER challenge of this input, with the emulator's
    /// clock for the timestamp (the same string [`JsonValue::Timestamp`] gives).
    fn claim(&self, pool_id: &str, password: &str) -> Option<String> {
        let challenge = self.captures.challenge.as_ref()?;
        let text = |name: &str| challenge.get(name).and_then(Value::as_str);
        let identity = text("USER_ID_FOR_SRP")?;
        let realm = srp::pool_name(pool_id).ok()?;
        self.world
            .srp
            .password_claim(
                realm,
                identity,
                password,
                text("SRP_B")?,
                text("SALT")?,
                text("SECRET_BLOCK")?,
                &srp::timestamp(self.state.now_secs()),
            )
            .ok()
    }
}

impl Step {
    fn raw(&self) -> RawStep {
        match self {
            Self::Call { operation, members } => RawStep {
                verb: Verb::Post,
                path: Path::Root,
                target: Some(Text::Known(*operation)),
                content_type: Some(Text::Known(0)),
                headers: Vec::new(),
                body: RequestBody::Members(members.clone()),
            },
            Self::Raw(raw) => raw.clone(),
        }
    }
}

impl RawStep {
    fn method(&self) -> Option<Method> {
        Some(match &self.verb {
            Verb::Post => Method::POST,
            Verb::Get => Method::GET,
            Verb::Put => Method::PUT,
            Verb::Delete => Method::DELETE,
            Verb::Options => Method::OPTIONS,
            Verb::Head => Method::HEAD,
            Verb::Patch => Method::PATCH,
            Verb::Any(text) => Method::from_bytes(text.as_bytes()).ok()?,
        })
    }

    fn uri(&self) -> String {
        match &self.path {
            Path::Root => "/".into(),
            Path::Health => "/_emulator/health".into(),
            Path::Inbox { pool, username } => format!(
                "/_emulator/inbox?userPoolId={}&username={}",
                pick(POOL_IDS, *pool),
                pick(USERNAMES, *username)
            ),
            Path::CustomChallenge { pool } => {
                format!(
                    "/_emulator/custom-challenge?userPoolId={}",
                    pick(POOL_IDS, *pool)
                )
            }
            Path::Faults => "/_emulator/faults".into(),
            Path::Calls => "/_emulator/calls".into(),
            Path::Clock => "/_emulator/clock".into(),
            Path::TokenValidity { client } => {
                format!(
                    "/_emulator/token-validity?clientId={}",
                    pick(CLIENT_IDS, *client)
                )
            }
            Path::Jwks { pool } => format!("/{}/.well-known/jwks.json", pick(POOL_IDS, *pool)),
            Path::Any(text) => text.clone(),
        }
    }

    /// The request, or `None` when the fuzzer's method or path is not valid HTTP at all (the HTTP parser
    /// would refuse those before the emulator sees them). Header names or values that are not valid HTTP
    /// are left out for the same reason.
    fn request(&self, cx: &Context<'_>) -> Option<Request<Body>> {
        let mut builder = Request::builder().method(self.method()?).uri(self.uri());
        if let Some(target) = &self.target {
            let value = match target {
                Text::Known(i) => {
                    format!("AWSCognitoIdentityProviderService.{}", pick(OPERATIONS, *i))
                }
                Text::Any(text) => text.clone(),
            };
            builder = builder.header_opt("x-amz-target", &value);
        }
        if let Some(content_type) = &self.content_type {
            builder = builder.header_opt("content-type", &content_type.pick(CONTENT_TYPES));
        }
        for (name, value) in &self.headers {
            builder = builder.header_opt(&name.pick(HEADER_NAMES), value);
        }
        let body = match &self.body {
            RequestBody::Members(members) => Value::Object(object(members, cx, 0))
                .to_string()
                .into_bytes(),
            RequestBody::Json(value) => value.render(cx, 0).to_string().into_bytes(),
            RequestBody::Raw(bytes) => bytes.clone(),
        };
        builder.body(Body::from(body)).ok()
    }

    /// CreateUserPool generates two RSA-2048 keys, which in the instrumented build takes seconds: the
    /// fuzzer would spend its time there (it finds the call at once). The seeded pools stand in for it.
    fn creates_pool(&self) -> bool {
        let target = match &self.target {
            Some(Text::Known(i)) => pick(OPERATIONS, *i),
            Some(Text::Any(text)) => text.clone(),
            None => return false,
        };
        target.trim().ends_with("CreateUserPool")
    }

    fn adds_fault(&self) -> bool {
        matches!(self.path, Path::Faults) && matches!(self.verb, Verb::Post)
    }
}

trait HeaderOpt {
    fn header_opt(self, name: &str, value: &str) -> Self;
}

impl HeaderOpt for axum::http::request::Builder {
    fn header_opt(self, name: &str, value: &str) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(value)) => self.header(name, value),
            _ => self,
        }
    }
}

/// Runs one input; panics when an answer is not Cognito-shaped.
pub fn run(data: &[u8]) -> Reached {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return Reached::default();
    };
    let world = world();
    let state = AppState::new("us-east-1");
    {
        let mut store = state.store();
        for pool in &world.pools {
            store.pools.insert(pool.id.clone(), pool.clone());
        }
    }
    let router = cognito_emulator::http::router(Arc::clone(&state));
    let mut captures = Captures::default();
    let mut faults = false;
    let mut reached = Reached {
        decoded: true,
        ..Reached::default()
    };
    for step in input.steps.iter().take(MAX_STEPS) {
        let step = step.raw();
        if step.creates_pool() {
            continue;
        }
        let cx = Context {
            world,
            state: &state,
            captures: &captures,
        };
        let Some(request) = step.request(&cx) else {
            continue;
        };
        let (status, headers, body) = world.runtime.block_on(async {
            let response = match router.clone().oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            let (parts, body) = response.into_parts();
            let body = axum::body::to_bytes(body, usize::MAX)
                .await
                .expect("a reply body can be read");
            (parts.status, parts.headers, body)
        });
        let value = check_reply(&step, status, &headers, &body, faults);
        if step.adds_fault() && status.is_success() {
            faults = true;
        }
        if let Some(value) = value {
            reached.challenge |=
                value.get("ChallengeName").and_then(Value::as_str) == Some("PASSWORD_VERIFIER");
            reached.tokens |= value.get("AuthenticationResult").is_some();
            captures.absorb(&value);
        }
    }
    reached
}

/// Asserts the reply is Cognito-shaped; returns its JSON body, if it has one.
fn check_reply(
    step: &RawStep,
    status: StatusCode,
    headers: &axum::http::HeaderMap,
    body: &[u8],
    faults: bool,
) -> Option<Value> {
    let text = String::from_utf8_lossy(body);
    assert!(
        !status.is_server_error() || faults,
        "{status} without an injected fault: {text}\nrequest: {step:?}"
    );
    let value = serde_json::from_slice::<Value>(body).ok();
    // A reply to HEAD has no body (axum drops it, as HTTP requires); its headers must still be there.
    let head = step.method() == Some(Method::HEAD);
    if status.is_client_error() || status.is_server_error() {
        let header = headers
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .map(|h| h.trim_end_matches(':'));
        assert!(
            header.is_some_and(|h| !h.is_empty()),
            "{status} without x-amzn-ErrorType: {text:?}\nrequest: {step:?}"
        );
        if !head {
            let error_type = value
                .as_ref()
                .and_then(|v| v.get("__type"))
                .and_then(Value::as_str);
            assert!(
                error_type.is_some_and(|t| !t.is_empty()),
                "{status} without a Cognito error body: {text:?}\nrequest: {step:?}"
            );
            assert!(
                header == error_type,
                "{status}: x-amzn-ErrorType {header:?} does not match __type {error_type:?}\nrequest: {step:?}"
            );
        }
    } else if matches!(step.path, Path::Root) && matches!(step.verb, Verb::Post) && !faults {
        assert!(
            value.as_ref().is_some_and(Value::is_object),
            "{status} to POST / without a JSON object body: {text:?}\nrequest: {step:?}"
        );
    }
    value
}
