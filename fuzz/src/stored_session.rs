//! Target (d): whatever `localStorage` holds under the library's keys — a stored session or a remembered
//! device — read back on page load, then used: expiry, the refresh request, and a refresh reply.

use arbitrary::Arbitrary;
use cognito_wasm::ClientConfig;
use cognito_wasm::config::RefreshMethod;
use cognito_wasm::error::names;
use cognito_wasm::flows::refresh;
use cognito_wasm::flows::sign_in::DeviceSecrets;
use cognito_wasm::secret::ClientSecret;
use cognito_wasm::session::Session;
use serde_json::{Map, Value, json};

use super::Reached;
use super::inputs::{ClaimValue, Text, Token};

#[derive(Arbitrary, Debug)]
struct StoredInput {
    stored: Stored,
    device: Stored,
    now: i64,
    refresh_reply: RefreshReply,
    get_tokens_from_refresh_token: bool,
    client_secret: bool,
}

/// The stored text: any string, the stored layout with fuzzed values, or any fields with any values.
#[allow(clippy::large_enum_variant)] // built once per input
#[derive(Arbitrary, Debug)]
enum Stored {
    Any(String),
    Layout(Layout),
    Fields(Vec<(Text, Field)>),
}

/// `StoredSession`'s fields with values of the right type (the version right unless given), so that
/// inputs get past the schema to the tokens.
#[derive(Arbitrary, Debug)]
struct Layout {
    other_version: Option<u32>,
    username: String,
    id_token: Token,
    access_token: Token,
    refresh_token: Option<String>,
    clock_drift: i64,
    unknown_field: Option<String>,
}

const SESSION_FIELDS: &[&str] = &[
    "version",
    "username",
    "idToken",
    "accessToken",
    "refreshToken",
    "clockDrift",
    "deviceKey",
    "deviceGroupKey",
    "devicePassword",
];

#[derive(Arbitrary, Debug)]
enum Field {
    Number(ClaimValue),
    Text(String),
    Token(Token),
}

impl Stored {
    fn render(&self) -> String {
        match self {
            Self::Any(text) => text.clone(),
            Self::Layout(layout) => {
                let mut object = json!({
                    "version": layout.other_version.unwrap_or(1),
                    "username": layout.username,
                    "idToken": layout.id_token.render(),
                    "accessToken": layout.access_token.render(),
                    "refreshToken": layout.refresh_token,
                    "clockDrift": layout.clock_drift,
                });
                if let Some(name) = &layout.unknown_field {
                    object[name] = json!(0);
                }
                object.to_string()
            }
            Self::Fields(fields) => {
                let object: Map<String, Value> = fields
                    .iter()
                    .map(|(name, field)| {
                        let value = match field {
                            Field::Number(number) => number.to_json().unwrap_or(Value::Null),
                            Field::Text(text) => json!(text),
                            Field::Token(token) => json!(token.render()),
                        };
                        (name.pick(SESSION_FIELDS), value)
                    })
                    .collect();
                Value::Object(object).to_string()
            }
        }
    }
}

/// The body of a successful refresh reply.
#[allow(clippy::large_enum_variant)] // built once per input
#[derive(Arbitrary, Debug)]
enum RefreshReply {
    Tokens {
        id_token: Option<Token>,
        access_token: Option<Token>,
        refresh_token: Option<String>,
    },
    Challenge(String),
    Any(String),
}

impl RefreshReply {
    fn to_json(&self) -> Value {
        match self {
            Self::Tokens {
                id_token,
                access_token,
                refresh_token,
            } => json!({"AuthenticationResult": {
                "IdToken": id_token.as_ref().map(Token::render),
                "AccessToken": access_token.as_ref().map(Token::render),
                "RefreshToken": refresh_token,
                "ExpiresIn": 3600,
            }}),
            Self::Challenge(name) => json!({"ChallengeName": name}),
            Self::Any(text) => serde_json::from_str(text).unwrap_or(Value::Null),
        }
    }
}

pub fn run(data: &[u8]) -> Reached {
    let mut reached = Reached::default();
    if let Ok(text) = std::str::from_utf8(data) {
        reached.success |= restore(text).is_some();
    }
    let Some(input) = super::structured::<StoredInput>(data) else {
        return reached;
    };
    reached.decoded = true;
    // A remembered device: any readable one is used as it is; unreadable ones are dropped.
    let _ = DeviceSecrets::from_storage_json(&input.device.render());

    let Some(session) = restore(&input.stored.render()) else {
        return reached;
    };
    reached.success = true;
    let _ = session.is_valid_at(input.now);
    let _ = session.expires_at();

    let mut config = ClientConfig::new("us-east-1_Pool1", "client123", None, None)
        .expect("a valid pool id is accepted");
    if input.get_tokens_from_refresh_token {
        config.refresh_method = RefreshMethod::GetTokensFromRefreshToken;
    }
    if input.client_secret {
        config.client_secret = Some(ClientSecret::new("client-secret"));
    }
    match refresh::request(&config, &session) {
        Ok(request) => {
            assert!(session.refresh_token().is_some());
            serde_json::from_str::<Value>(&request.body).expect("requests are JSON");
        }
        Err(error) => assert_eq!(error.name(), names::UNAUTHENTICATED, "{error}"),
    }
    let reply = cognito_wasm::json::parse(&input.refresh_reply.to_json().to_string())
        .expect("the harness's replies are JSON");
    match refresh::refreshed(&session, &reply, input.now) {
        Ok(refreshed) => {
            // A reply without a refresh token keeps the old one.
            if !matches!(
                &input.refresh_reply,
                RefreshReply::Tokens {
                    refresh_token: Some(_),
                    ..
                }
            ) {
                assert_eq!(
                    refreshed.refresh_token().map(|t| t.expose().to_owned()),
                    session.refresh_token().map(|t| t.expose().to_owned())
                );
            }
            restore(&refreshed.to_storage_json()).expect("a refreshed session can be stored");
        }
        Err(error) => assert_eq!(error.name(), names::INVALID_RESPONSE, "{error}"),
    }
    reached
}

/// Restores a session as page load does; a restored one must survive being stored again unchanged, and
/// its `Debug` must not show the refresh token.
fn restore(json: &str) -> Option<Session> {
    let session = match Session::from_storage_json(json) {
        Ok(session) => session,
        Err(error) => {
            assert_eq!(error.name(), names::INVALID_RESPONSE, "{error}");
            return None;
        }
    };
    let again = Session::from_storage_json(&session.to_storage_json())
        .expect("a restored session stores and restores again");
    assert_eq!(again.to_storage_json(), session.to_storage_json());
    assert_eq!(again.expires_at(), session.expires_at());
    // Debug must not depend on the refresh token's value (comparing Debug with a changed token, not
    // searching for the token's text: the same text may be another field's, as one fuzzer input showed).
    if session.refresh_token().is_some() {
        let mut stored: Value = serde_json::from_str(&session.to_storage_json()).expect("JSON");
        stored["refreshToken"] = json!("another refresh token");
        let other = Session::from_storage_json(&stored.to_string()).expect("same session");
        assert_eq!(
            format!("{session:?}"),
            format!("{other:?}"),
            "Debug shows the refresh token"
        );
    }
    Some(session)
}
