//! Shared test harness: an in-process emulator on 127.0.0.1:0 and helpers for the calls the tests make.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_emulator::AppState;
use cognito_wasm::srp;
use cognito_wasm::srp::client::SrpClient;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier as _;
use rsa::{BigUint, RsaPublicKey};
use serde_json::{Map, Value, json};
use sha2::Sha256;

/// A decoded JWT header or claims set.
pub type JsonObject = Map<String, Value>;

pub const PASSWORD: &str = "Correct-Horse1";

pub struct Emu {
    pub base: String,
    pub state: Arc<AppState>,
    pub http: reqwest::Client,
}

/// A reply: status, headers and JSON body (`Null` if the body was not JSON).
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn error_type(&self) -> &str {
        self.body["__type"].as_str().unwrap_or("")
    }
    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or("")
    }
}

impl Emu {
    pub async fn start() -> Emu {
        let state = AppState::new("us-east-1");
        Self::start_with(state).await
    }

    pub async fn start_with(state: Arc<AppState>) -> Emu {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(cognito_emulator::serve(listener, state.clone()));
        Emu {
            base: format!("http://{address}"),
            state,
            http: reqwest::Client::new(),
        }
    }

    /// Sends a raw body with a raw target header.
    pub async fn raw(&self, target: Option<&str>, body: &str) -> Reply {
        let mut request = self
            .http
            .post(format!("{}/", self.base))
            .header("content-type", "application/x-amz-json-1.1");
        if let Some(target) = target {
            request = request.header("x-amz-target", target);
        }
        let response = request.body(body.to_owned()).send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        Reply {
            status,
            headers,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        }
    }

    pub async fn call(&self, operation: &str, body: Value) -> Reply {
        self.raw(
            Some(&format!("AWSCognitoIdentityProviderService.{operation}")),
            &body.to_string(),
        )
        .await
    }

    /// A call that must succeed.
    pub async fn ok(&self, operation: &str, body: Value) -> Value {
        let reply = self.call(operation, body).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{operation} failed: {}",
            reply.body
        );
        reply.body
    }

    /// A call that must fail with `error_type`; returns the message.
    pub async fn err(&self, operation: &str, body: Value, error_type: &str) -> String {
        let reply = self.call(operation, body).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{operation} should fail with {error_type}: {}",
            reply.body
        );
        assert_eq!(
            reply.error_type(),
            error_type,
            "{operation}: {}",
            reply.body
        );
        assert_eq!(
            reply
                .headers
                .get("x-amzn-errortype")
                .and_then(|v| v.to_str().ok()),
            Some(format!("{error_type}:").as_str())
        );
        reply.message().to_owned()
    }

    pub async fn create_pool(&self, extra: Value) -> String {
        let mut body = json!({ "PoolName": "test-pool" });
        merge(&mut body, extra);
        let reply = self.ok("CreateUserPool", body).await;
        reply["UserPool"]["Id"].as_str().unwrap().to_owned()
    }

    /// Creates an app client; returns (ClientId, ClientSecret if any).
    pub async fn create_client(&self, pool_id: &str, extra: Value) -> (String, Option<String>) {
        let mut body = json!({ "UserPoolId": pool_id, "ClientName": "test-client" });
        merge(&mut body, extra);
        let reply = self.ok("CreateUserPoolClient", body).await;
        let client = &reply["UserPoolClient"];
        (
            client["ClientId"].as_str().unwrap().to_owned(),
            client["ClientSecret"].as_str().map(str::to_owned),
        )
    }

    /// Creates a CONFIRMED user with [`PASSWORD`] and an e-mail address.
    pub async fn create_user(&self, pool_id: &str, username: &str) {
        self.ok(
            "AdminCreateUser",
            json!({
                "UserPoolId": pool_id,
                "Username": username,
                "MessageAction": "SUPPRESS",
                "UserAttributes": [
                    {"Name": "email", "Value": "alice@example.com"},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "custom:team", "Value": "blue"}
                ],
            }),
        )
        .await;
        self.ok(
            "AdminSetUserPassword",
            json!({ "UserPoolId": pool_id, "Username": username, "Password": PASSWORD, "Permanent": true }),
        )
        .await;
    }

    /// Pool + SRP-enabled public client + user "alice".
    pub async fn setup(&self) -> (String, String) {
        let pool = self.create_pool(json!({})).await;
        let (client, _) = self
            .create_client(
                &pool,
                json!({ "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }),
            )
            .await;
        self.create_user(&pool, "alice").await;
        (pool, client)
    }

    pub async fn jwks(&self, pool_id: &str) -> Value {
        let response = self
            .http
            .get(format!("{}/{pool_id}/.well-known/jwks.json", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }
}

pub fn merge(target: &mut Value, extra: Value) {
    if let (Some(target), Value::Object(extra)) = (target.as_object_mut(), extra) {
        target.extend(extra);
    }
}

pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// First half of USER_SRP_AUTH: returns the SRP client and the challenge reply.
pub async fn start_srp(
    emu: &Emu,
    client_id: &str,
    username: &str,
    secret_hash: Option<String>,
) -> (SrpClient, Reply) {
    let srp_client = SrpClient::generate().unwrap();
    let mut params = json!({ "USERNAME": username, "SRP_A": srp_client.srp_a_hex() });
    if let Some(hash) = secret_hash {
        params["SECRET_HASH"] = json!(hash);
    }
    let reply = emu
        .call(
            "InitiateAuth",
            json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": client_id, "AuthParameters": params }),
        )
        .await;
    (srp_client, reply)
}

/// The PASSWORD_VERIFIER answer to a challenge, as amazon-cognito-identity-js builds it.
pub fn password_verifier_request(
    srp_client: &SrpClient,
    pool_id: &str,
    client_id: &str,
    challenge: &Value,
    password: &str,
    with_session: bool,
) -> Value {
    let timestamp = srp::timestamp(now_secs());
    password_verifier_request_at(
        srp_client,
        pool_id,
        client_id,
        challenge,
        password,
        with_session,
        &timestamp,
    )
}

/// The PASSWORD_VERIFIER answer signed with a given TIMESTAMP.
pub fn password_verifier_request_at(
    srp_client: &SrpClient,
    pool_id: &str,
    client_id: &str,
    challenge: &Value,
    password: &str,
    with_session: bool,
    timestamp: &str,
) -> Value {
    let params = &challenge["ChallengeParameters"];
    let text = |name: &str| {
        params[name]
            .as_str()
            .unwrap_or_else(|| panic!("challenge lacks {name}: {challenge}"))
    };
    let signature = srp_client
        .password_claim(
            srp::pool_name(pool_id).unwrap(),
            text("USER_ID_FOR_SRP"),
            password,
            text("SRP_B"),
            text("SALT"),
            text("SECRET_BLOCK"),
            timestamp,
        )
        .unwrap();
    let mut request = json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "ClientId": client_id,
        "ChallengeResponses": {
            "USERNAME": text("USER_ID_FOR_SRP"),
            "PASSWORD_CLAIM_SECRET_BLOCK": text("SECRET_BLOCK"),
            "PASSWORD_CLAIM_SIGNATURE": signature,
            "TIMESTAMP": timestamp,
        },
    });
    if with_session {
        request["Session"] = challenge["Session"].clone();
    }
    request
}

/// A whole SRP sign-in; returns the final reply (tokens, another challenge, or an error).
pub async fn srp_sign_in(
    emu: &Emu,
    pool_id: &str,
    client_id: &str,
    username: &str,
    password: &str,
) -> Reply {
    let (srp_client, challenge) = start_srp(emu, client_id, username, None).await;
    assert_eq!(
        challenge.status,
        StatusCode::OK,
        "InitiateAuth: {}",
        challenge.body
    );
    // Signed with the emulator's clock, as a client that corrects its clock from the server's would: tests
    // move that clock to expire things.
    let request = password_verifier_request_at(
        &srp_client,
        pool_id,
        client_id,
        &challenge.body,
        password,
        true,
        &srp::timestamp(emu.state.now_secs()),
    );
    emu.call("RespondToAuthChallenge", request).await
}

/// Decodes a JWT's claims without checking anything.
pub fn claims(token: &str) -> Map<String, Value> {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// Verifies an RS256 JWT against a JWKS document, independently of the emulator's code; returns
/// (header, claims).
pub fn verify_with_jwks(token: &str, jwks: &Value) -> Result<(JsonObject, JsonObject), String> {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return Err("not a JWS".into());
    }
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).map_err(|e| e.to_string());
    let header: Map<String, Value> =
        serde_json::from_slice(&decode(parts[0])?).map_err(|e| e.to_string())?;
    if header.get("alg") != Some(&json!("RS256")) {
        return Err("alg is not RS256".into());
    }
    let kid = header.get("kid").and_then(Value::as_str).ok_or("no kid")?;
    let jwk = jwks["keys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|k| k["kid"] == kid))
        .ok_or("kid not in JWKS")?;
    let n = BigUint::from_bytes_be(&decode(jwk["n"].as_str().ok_or("no n")?)?);
    let e = BigUint::from_bytes_be(&decode(jwk["e"].as_str().ok_or("no e")?)?);
    let key = VerifyingKey::<Sha256>::new(RsaPublicKey::new(n, e).map_err(|e| e.to_string())?);
    let signature = Signature::try_from(decode(parts[2])?.as_slice()).map_err(|e| e.to_string())?;
    key.verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
        .map_err(|e| e.to_string())?;
    let claims = serde_json::from_slice(&decode(parts[1])?).map_err(|e| e.to_string())?;
    Ok((header, claims))
}

/// SECRET_HASH as clients compute it.
pub fn secret_hash(secret: &str, username: &str, client_id: &str) -> String {
    srp::secret_hash(secret, username, client_id)
}

impl Emu {
    /// The dev inbox of a user: `GET /_emulator/inbox`.
    pub async fn inbox(&self, pool_id: &str, username: &str) -> Vec<Value> {
        let response = self
            .http
            .get(format!(
                "{}/_emulator/inbox?userPoolId={}&username={}",
                self.base,
                query_encode(pool_id),
                query_encode(username)
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body.as_array().unwrap().clone()
    }

    /// The code of the newest message with `purpose`.
    pub async fn last_code(&self, pool_id: &str, username: &str, purpose: &str) -> String {
        let inbox = self.inbox(pool_id, username).await;
        let message = inbox
            .iter()
            .rev()
            .find(|m| m["purpose"] == purpose)
            .unwrap_or_else(|| panic!("no {purpose} message for {username}: {inbox:?}"));
        message["code"].as_str().unwrap().to_owned()
    }

    /// Signs in with SRP and returns the AuthenticationResult (panics on a challenge or error).
    pub async fn tokens(
        &self,
        pool_id: &str,
        client_id: &str,
        username: &str,
        password: &str,
    ) -> Value {
        let reply = srp_sign_in(self, pool_id, client_id, username, password).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(
            reply.body["AuthenticationResult"].is_object(),
            "expected tokens: {}",
            reply.body
        );
        reply.body["AuthenticationResult"].clone()
    }
}

/// A code that is certainly not `code`.
pub fn wrong_code(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

/// Percent-encodes everything but unreserved characters.
pub fn query_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl Emu {
    /// A dev endpoint (`/_emulator/…`): method, path with query, optional JSON body; returns the reply.
    pub async fn dev(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        Reply {
            status,
            headers,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        }
    }

    /// `GET /_emulator/calls`.
    pub async fn calls(&self) -> Value {
        let reply = self
            .dev(reqwest::Method::GET, "/_emulator/calls", None)
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        reply.body
    }

    /// `PUT /_emulator/clock`: moves the emulator's clock `secs` from the wall clock.
    pub async fn set_clock_offset(&self, secs: i64) {
        let reply = self
            .dev(
                reqwest::Method::PUT,
                "/_emulator/clock",
                Some(json!({ "offsetSeconds": secs })),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
}

/// Epoch seconds of an HTTP `Date` header.
pub fn date_header(headers: &HeaderMap) -> i64 {
    let text = headers
        .get("date")
        .expect("a Date header")
        .to_str()
        .unwrap();
    httpdate::parse_http_date(text)
        .unwrap_or_else(|e| panic!("Date {text:?} is not an HTTP date: {e}"))
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The TOTP code an authenticator app shows at Unix time `at` for a base32 secret (SHA-1, 6 digits, 30 s).
pub fn totp(secret: &str, at: i64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .unwrap();
    totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes).generate(at as u64)
}
