//! The JS API in a real browser: sign in, read and refresh the session, sign out, through real `fetch`
//! against the emulator that `make test` starts (its address is compiled in from
//! `COGNITO_EMULATOR_ENDPOINT`). Each test creates its own pool, client and user with the admin API.
#![cfg(target_arch = "wasm32")]

use cognito_wasm::wasm::CognitoClient;
use js_sys::{Promise, Reflect};
use serde::Serialize as _;
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export async function admin(endpoint, operation, body) {
  const reply = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSCognitoIdentityProviderService.' + operation },
    body: JSON.stringify(body),
  });
  const json = await reply.json();
  if (!reply.ok) throw new Error(operation + ': ' + JSON.stringify(json));
  return json;
}

// RFC 6238 (SHA-1, 30 s, 6 digits) with WebCrypto, for a base32 secret.
export async function totp(secret, offsetSeconds) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = new Uint8Array(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = new DataView(new ArrayBuffer(8));
  counter.setBigUint64(0, BigInt(Math.floor(Date.now() / 1000 / 30) + Math.floor(offsetSeconds / 30)));
  const hmacKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, counter.buffer));
  const offset = mac[mac.length - 1] & 0xf;
  const value = new DataView(mac.buffer).getUint32(offset) & 0x7fffffff;
  return String(value % 1000000).padStart(6, '0');
}

export async function setCustomChallenge(endpoint, poolId, rounds) {
  const reply = await fetch(endpoint + '_emulator/custom-challenge?userPoolId=' + poolId, { method: 'PUT', body: JSON.stringify(rounds) });
  if (reply.status !== 204) throw new Error('custom-challenge: ' + reply.status);
}

export async function lastCode(endpoint, poolId, username, purpose) {
  const query = new URLSearchParams({ userPoolId: poolId, username });
  const messages = await (await fetch(endpoint + '_emulator/inbox?' + query)).json();
  const message = messages.filter((m) => m.purpose === purpose).pop();
  if (!message) throw new Error('no ' + purpose + ' message for ' + username + ': ' + JSON.stringify(messages));
  return message.code;
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn admin(endpoint: &str, operation: &str, body: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch)]
    async fn totp(secret: &str, offset_seconds: i32) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = setCustomChallenge, catch)]
    async fn set_custom_challenge(
        endpoint: &str,
        pool_id: &str,
        rounds: JsValue,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_name = lastCode, catch)]
    async fn last_code_js(
        endpoint: &str,
        pool_id: &str,
        username: &str,
        purpose: &str,
    ) -> Result<JsValue, JsValue>;
}

/// The newest code the emulator's dev inbox holds for `username` and `purpose`.
async fn last_code(pool_id: &str, username: &str, purpose: &str) -> String {
    last_code_js(endpoint(), pool_id, username, purpose)
        .await
        .expect("inbox")
        .as_string()
        .expect("a code")
}

// option_env! rather than env! so that the suite still compiles (for clippy) where no emulator runs.
#[allow(clippy::option_env_unwrap)]
fn endpoint() -> &'static str {
    option_env!("COGNITO_EMULATOR_ENDPOINT")
        .expect("build with COGNITO_EMULATOR_ENDPOINT set (make test-wasm does)")
}

fn js(value: Value) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap()
}

fn rust(value: &JsValue) -> Value {
    serde_wasm_bindgen::from_value(value.clone()).unwrap()
}

async fn call(endpoint: &str, operation: &str, body: Value) -> Value {
    rust(
        &admin(endpoint, operation, js(body))
            .await
            .expect("admin call"),
    )
}

struct Pool {
    pool_id: String,
    client_id: String,
    secret_client_id: String,
    client_secret: String,
}

/// A pool with a public client and a secret client, and a confirmed user `username` / `password`.
async fn pool(username: &str, password: &str) -> Pool {
    let endpoint = endpoint();
    let pool = call(
        endpoint,
        "CreateUserPool",
        json!({"PoolName": "browser-test"}),
    )
    .await;
    let pool_id = pool["UserPool"]["Id"].as_str().unwrap().to_owned();
    let flows = json!([
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH"
    ]);
    let public = call(
        endpoint,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientName": "web", "ExplicitAuthFlows": flows}),
    )
    .await;
    let secret = call(
        endpoint,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientName": "confidential", "GenerateSecret": true, "ExplicitAuthFlows": flows}),
    )
    .await;
    call(
        endpoint,
        "AdminCreateUser",
        json!({"UserPoolId": pool_id, "Username": username, "MessageAction": "SUPPRESS",
        "UserAttributes": [{"Name": "email", "Value": format!("{username}@example.com")}]}),
    )
    .await;
    call(endpoint, "AdminSetUserPassword", json!({"UserPoolId": pool_id, "Username": username, "Password": password, "Permanent": true})).await;
    let text = |v: &Value| v.as_str().unwrap().to_owned();
    Pool {
        pool_id,
        client_id: text(&public["UserPoolClient"]["ClientId"]),
        secret_client_id: text(&secret["UserPoolClient"]["ClientId"]),
        client_secret: text(&secret["UserPoolClient"]["ClientSecret"]),
    }
}

fn client(config: Value) -> CognitoClient {
    CognitoClient::new(js(config)).unwrap_or_else(|e| panic!("constructor threw {e:?}"))
}

async fn ok(promise: Promise) -> Value {
    match JsFuture::from(promise).await {
        Ok(value) => rust(&value),
        Err(error) => {
            let message = Reflect::get(&error, &"message".into())
                .ok()
                .and_then(|m| m.as_string());
            panic!(
                "rejected: {}: {}",
                error_name(&error),
                message.unwrap_or_default()
            )
        }
    }
}

async fn rejection(promise: Promise) -> JsValue {
    JsFuture::from(promise)
        .await
        .expect_err("the promise should have been rejected")
}

fn error_name(error: &JsValue) -> String {
    Reflect::get(error, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn srp_sign_in_refresh_and_sign_out() {
    let pool = pool("browser-alice", "Correct-Horse-1").await;
    let cognito = client(
        json!({"userPoolId": pool.pool_id, "clientId": pool.client_id, "endpoint": endpoint(), "storage": "memory"}),
    );

    let signed_in = ok(cognito.sign_in(
        js(json!({"username": "browser-alice", "password": "Correct-Horse-1"})),
        None,
    ))
    .await;
    assert_eq!(
        signed_in,
        json!({"isSignedIn": true, "nextStep": {"signInStep": "DONE"}})
    );

    let session = ok(cognito.get_session(None)).await;
    assert_eq!(session["username"], "browser-alice");
    assert_eq!(
        session["idTokenClaims"]["cognito:username"],
        "browser-alice"
    );
    assert_eq!(
        session["idTokenClaims"]["email"],
        "browser-alice@example.com"
    );
    assert_eq!(session["idTokenClaims"]["aud"], pool.client_id.as_str());
    let expires_at = session["expiresAt"].as_f64().unwrap();
    assert!(expires_at > js_sys::Date::now(), "token already expired");

    let refreshed = ok(cognito.refresh_session(None)).await;
    assert_ne!(refreshed["accessToken"], session["accessToken"]);
    assert_eq!(
        refreshed["refreshToken"], session["refreshToken"],
        "the refresh token is kept"
    );
    assert_eq!(
        ok(cognito.get_session(None)).await["accessToken"],
        refreshed["accessToken"]
    );

    ok(cognito.sign_out(None)).await;
    let error = rejection(cognito.get_session(None)).await;
    assert_eq!(error_name(&error), "UserUnAuthenticatedException");
    // The refresh token was revoked on the server too.
    let reuse = admin(
        endpoint(),
        "InitiateAuth",
        js(json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": pool.client_id, "AuthParameters": {"REFRESH_TOKEN": session["refreshToken"]}})),
    )
    .await
    .expect_err("a revoked refresh token must not refresh");
    let message = Reflect::get(&reuse, &"message".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(message.contains("NotAuthorizedException"), "{message}");
}

#[wasm_bindgen_test]
async fn wrong_password_is_a_cognito_error() {
    let pool = pool("browser-bob", "Correct-Horse-1").await;
    let cognito = client(
        json!({"userPoolId": pool.pool_id, "clientId": pool.client_id, "endpoint": endpoint(), "storage": "memory"}),
    );
    let error = rejection(cognito.sign_in(
        js(json!({"username": "browser-bob", "password": "Wrong-Horse-1"})),
        None,
    ))
    .await;
    assert!(error.is_instance_of::<js_sys::Error>());
    assert_eq!(error_name(&error), "NotAuthorizedException");
    assert_eq!(
        Reflect::get(&error, &"retryable".into()).unwrap(),
        JsValue::FALSE
    );
    assert_eq!(
        error_name(&rejection(cognito.get_session(None)).await),
        "UserUnAuthenticatedException"
    );
}

#[wasm_bindgen_test]
async fn client_secret_and_password_flow_and_local_storage() {
    let pool = pool("browser-carol", "Correct-Horse-1").await;
    let secret_client_id = pool.secret_client_id.clone();
    let config = json!({"userPoolId": pool.pool_id, "clientId": secret_client_id, "clientSecret": pool.client_secret,
                        "endpoint": endpoint(), "storage": "local"});
    let cognito = client(config.clone());
    let srp = ok(cognito.sign_in(
        js(json!({"username": "browser-carol", "password": "Correct-Horse-1"})),
        None,
    ))
    .await;
    assert_eq!(srp["isSignedIn"], true);
    let plain = ok(cognito.sign_in(js(json!({"username": "browser-carol", "password": "Correct-Horse-1", "authFlowType": "USER_PASSWORD_AUTH"})), None)).await;
    assert_eq!(plain["isSignedIn"], true);
    let session = ok(cognito.refresh_session(None)).await;

    // A new client on the same page (as after a reload) finds the session in localStorage.
    let after_reload = client(config.clone());
    assert_eq!(
        ok(after_reload.get_session(None)).await["accessToken"],
        session["accessToken"]
    );

    // A corrupted stored value means signed out, not an exception at load.
    let storage: web_sys::Storage = Reflect::get(&js_sys::global(), &"localStorage".into())
        .unwrap()
        .dyn_into()
        .unwrap();
    let key = format!(
        "cognito-wasm.{}.{}.user.{}.session",
        pool.pool_id,
        secret_client_id,
        session["username"].as_str().unwrap()
    );
    storage.set_item(&key, "{not json").unwrap();
    let reasons = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = reasons.clone();
    let on_signed_out = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
        sink.borrow_mut()
            .push(error_name(&Reflect::get(&event, &"error".into()).unwrap()));
    });
    let reloaded = client(config);
    reloaded
        .on(
            "signedOut".into(),
            on_signed_out
                .as_ref()
                .unchecked_ref::<js_sys::Function>()
                .clone(),
        )
        .unwrap();
    assert_eq!(
        error_name(&rejection(reloaded.get_session(None)).await),
        "UserUnAuthenticatedException"
    );
    assert_eq!(
        *reasons.borrow(),
        vec!["StoredSessionUnreadable".to_owned()],
        "announced as a sign-out"
    );
    assert_eq!(
        storage.get_item(&key).unwrap(),
        None,
        "the corrupted value is removed"
    );
}

#[wasm_bindgen_test]
fn bad_configuration_throws_synchronously() {
    for config in [
        json!({"userPoolId": "nounderscore", "clientId": "x"}),
        json!({"clientId": "x"}),
        json!({"userPoolId": "us-east-1_A", "clientId": "x", "storage": "disk"}),
    ] {
        let error = CognitoClient::new(js(config))
            .err()
            .expect("constructor should throw");
        assert_eq!(error_name(&error), "InvalidParameterException");
    }
}

#[wasm_bindgen_test]
async fn new_password_required_then_confirm_sign_in() {
    let endpoint = endpoint();
    let pool = pool("browser-dave", "Correct-Horse-1").await;
    // A user an administrator created with a temporary password must choose a new one at first sign-in.
    call(
        endpoint,
        "AdminCreateUser",
        json!({"UserPoolId": pool.pool_id, "Username": "browser-erin",
        "TemporaryPassword": "Temp-Horse-1", "MessageAction": "SUPPRESS"}),
    )
    .await;
    let cognito = client(
        json!({"userPoolId": pool.pool_id, "clientId": pool.client_id, "endpoint": endpoint, "storage": "memory"}),
    );
    let error =
        rejection(cognito.confirm_sign_in(js(json!({"challengeResponse": "x"})), None)).await;
    assert_eq!(
        error_name(&error),
        "InvalidParameterException",
        "nothing to confirm before signIn"
    );

    let step = ok(cognito.sign_in(
        js(json!({"username": "browser-erin", "password": "Temp-Horse-1"})),
        None,
    ))
    .await;
    assert_eq!(step["isSignedIn"], false);
    assert_eq!(
        step["nextStep"]["signInStep"],
        "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED"
    );
    assert!(step["nextStep"]["missingAttributes"].is_array());
    // A password the pool's policy refuses can be corrected without starting over.
    let weak =
        rejection(cognito.confirm_sign_in(js(json!({"challengeResponse": "short"})), None)).await;
    assert_eq!(error_name(&weak), "InvalidPasswordException");
    let done =
        ok(cognito.confirm_sign_in(js(json!({"challengeResponse": "Brand-New-Horse-2"})), None))
            .await;
    assert_eq!(
        done,
        json!({"isSignedIn": true, "nextStep": {"signInStep": "DONE"}})
    );
    assert_eq!(
        ok(cognito.get_session(None)).await["username"],
        "browser-erin"
    );

    // The new password is the one that works from now on.
    ok(cognito.sign_out(None)).await;
    let again = ok(cognito.sign_in(
        js(json!({"username": "browser-erin", "password": "Brand-New-Horse-2"})),
        None,
    ))
    .await;
    assert_eq!(again["isSignedIn"], true);
}

#[wasm_bindgen_test]
async fn sign_up_with_an_emailed_code_then_sms_mfa() {
    let endpoint = endpoint();
    let pool = pool("browser-frank", "Correct-Horse-1").await;
    call(
        endpoint,
        "UpdateUserPool",
        json!({"UserPoolId": pool.pool_id, "AutoVerifiedAttributes": ["email"]}),
    )
    .await;
    call(
        endpoint,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool.pool_id, "MfaConfiguration": "OPTIONAL",
        "SmsMfaConfiguration": {}, "SoftwareTokenMfaConfiguration": {"Enabled": true}}),
    )
    .await;
    let cognito = client(
        json!({"userPoolId": pool.pool_id, "clientId": pool.client_id, "endpoint": endpoint, "storage": "memory"}),
    );
    let signed_up = ok(cognito.sign_up(js(json!({"username": "browser-gail", "password": "Correct-Horse-1",
        "options": {"userAttributes": {"email": "gail@example.com", "phone_number": "+15555550177"}}})), None))
    .await;
    assert_eq!(signed_up["nextStep"]["signUpStep"], "CONFIRM_SIGN_UP");
    let code = last_code(&pool.pool_id, "browser-gail", "SignUp").await;
    let wrong = rejection(cognito.confirm_sign_up(
        js(json!({"username": "browser-gail", "confirmationCode": "000000"})),
        None,
    ))
    .await;
    assert_eq!(error_name(&wrong), "CodeMismatchException");
    ok(cognito.confirm_sign_up(
        js(json!({"username": "browser-gail", "confirmationCode": code})),
        None,
    ))
    .await;

    // Turn SMS MFA on for the new user, then sign in again: the code goes to the phone (the inbox).
    ok(cognito.sign_in(
        js(json!({"username": "browser-gail", "password": "Correct-Horse-1"})),
        None,
    ))
    .await;
    ok(cognito.update_mfa_preference(js(json!({"sms": "PREFERRED"})), None)).await;
    ok(cognito.sign_out(None)).await;
    let step = ok(cognito.sign_in(
        js(json!({"username": "browser-gail", "password": "Correct-Horse-1"})),
        None,
    ))
    .await;
    assert_eq!(
        step["nextStep"]["signInStep"],
        "CONFIRM_SIGN_IN_WITH_SMS_CODE"
    );
    assert_eq!(
        step["nextStep"]["codeDeliveryDetails"]["deliveryMedium"],
        "SMS"
    );
    let sms = last_code(&pool.pool_id, "browser-gail", "SMS_MFA").await;
    let done = ok(cognito.confirm_sign_in(js(json!({"challengeResponse": sms})), None)).await;
    assert_eq!(done["isSignedIn"], true);
    assert_eq!(
        ok(cognito.fetch_user_attributes(None)).await["email_verified"],
        "true"
    );
}

#[wasm_bindgen_test]
async fn a_tracked_device_answers_device_srp_on_the_next_sign_in() {
    let endpoint = endpoint();
    let pool = pool("browser-hank", "Correct-Horse-1").await;
    call(endpoint, "UpdateUserPool", json!({"UserPoolId": pool.pool_id,
        "DeviceConfiguration": {"ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": false}}))
    .await;
    let cognito = client(
        json!({"userPoolId": pool.pool_id, "clientId": pool.client_id, "endpoint": endpoint, "storage": "local"}),
    );
    ok(cognito.sign_in(
        js(json!({"username": "browser-hank", "password": "Correct-Horse-1"})),
        None,
    ))
    .await;
    let devices = ok(cognito.list_devices(None)).await;
    assert_eq!(devices.as_array().map(Vec::len), Some(1), "{devices}");
    let device_id = devices[0]["id"].clone();
    // The device's name is the browser's user agent.
    assert!(
        devices[0]["name"]
            .as_str()
            .unwrap_or_default()
            .contains("Chrome"),
        "{devices}"
    );
    ok(cognito.sign_out(None)).await;

    // A new client on the page (as after a reload) finds the device secret in localStorage and proves it.
    let reloaded = client(
        json!({"userPoolId": pool.pool_id, "clientId": pool.client_id, "endpoint": endpoint, "storage": "local"}),
    );
    assert_eq!(
        ok(reloaded.sign_in(
            js(json!({"username": "browser-hank", "password": "Correct-Horse-1"})),
            None
        ))
        .await["isSignedIn"],
        true
    );
    assert_eq!(
        ok(reloaded.get_device(JsValue::UNDEFINED, None)).await["id"],
        device_id
    );
    let access = ok(reloaded.get_session(None)).await["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let payload = access.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&base64_url(payload)).unwrap();
    assert_eq!(
        claims["device_key"], device_id,
        "tokens are bound to the proven device"
    );
    assert_eq!(
        ok(reloaded.list_devices(None))
            .await
            .as_array()
            .map(Vec::len),
        Some(1),
        "not tracked twice"
    );
}

fn base64_url(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .unwrap()
}

#[wasm_bindgen_test]
async fn totp_set_up_during_sign_in_then_custom_and_choice_based_sign_in() {
    let endpoint = endpoint();
    let pool = pool("browser-ivy", "Correct-Horse-1").await;
    call(
        endpoint,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool.pool_id, "MfaConfiguration": "ON",
        "SoftwareTokenMfaConfiguration": {"Enabled": true}}),
    )
    .await;
    let cognito = client(
        json!({"userPoolId": pool.pool_id, "clientId": pool.client_id, "endpoint": endpoint, "storage": "memory"}),
    );
    let step = ok(cognito.sign_in(
        js(json!({"username": "browser-ivy", "password": "Correct-Horse-1"})),
        None,
    ))
    .await;
    assert_eq!(
        step["nextStep"]["signInStep"], "CONTINUE_SIGN_IN_WITH_TOTP_SETUP",
        "{step}"
    );
    let secret = step["nextStep"]["totpSetupDetails"]["sharedSecret"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = totp(&secret, 0).await.unwrap().as_string().unwrap();
    assert_eq!(
        ok(cognito.confirm_sign_in(js(json!({"challengeResponse": code})), None)).await["isSignedIn"],
        true
    );
    ok(cognito.sign_out(None)).await;
    let step = ok(cognito.sign_in(
        js(json!({"username": "browser-ivy", "password": "Correct-Horse-1"})),
        None,
    ))
    .await;
    assert_eq!(
        step["nextStep"]["signInStep"],
        "CONFIRM_SIGN_IN_WITH_TOTP_CODE"
    );
    let next_code = totp(&secret, 30).await.unwrap().as_string().unwrap();
    assert_eq!(
        ok(cognito.confirm_sign_in(js(json!({"challengeResponse": next_code})), None)).await["isSignedIn"],
        true
    );

    // The same pool with custom rounds and choice-based sign-in on a client that allows them.
    let flexible = call(
        endpoint,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool.pool_id, "ClientName": "flexible",
        "ExplicitAuthFlows": ["ALLOW_CUSTOM_AUTH", "ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )
    .await;
    set_custom_challenge(
        endpoint,
        &pool.pool_id,
        js(json!([{"question": "What is 6 x 7?", "answer": "42"}])),
    )
    .await
    .unwrap();
    let flexible = client(
        json!({"userPoolId": pool.pool_id, "clientId": flexible["UserPoolClient"]["ClientId"],
        "endpoint": endpoint, "storage": "memory"}),
    );
    let question = ok(flexible.sign_in(
        js(json!({"username": "browser-ivy", "authFlowType": "CUSTOM_WITHOUT_SRP"})),
        None,
    ))
    .await;
    assert_eq!(
        question["nextStep"]["additionalInfo"]["question"],
        "What is 6 x 7?"
    );
    assert_eq!(
        ok(flexible.confirm_sign_in(js(json!({"challengeResponse": "42"})), None)).await["isSignedIn"],
        true
    );
    // E-mail codes are a first factor only for a verified address.
    call(
        endpoint,
        "AdminUpdateUserAttributes",
        json!({"UserPoolId": pool.pool_id, "Username": "browser-ivy",
        "UserAttributes": [{"Name": "email_verified", "Value": "true"}]}),
    )
    .await;
    let factors = ok(flexible.sign_in(
        js(json!({"username": "browser-ivy", "authFlowType": "USER_AUTH"})),
        None,
    ))
    .await;
    assert_eq!(
        factors["nextStep"]["signInStep"],
        "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION"
    );
    let emailed =
        ok(flexible.confirm_sign_in(js(json!({"challengeResponse": "EMAIL_OTP"})), None)).await;
    assert_eq!(
        emailed["nextStep"]["signInStep"],
        "CONFIRM_SIGN_IN_WITH_EMAIL_CODE"
    );
    let code = last_code(&pool.pool_id, "browser-ivy", "EMAIL_OTP").await;
    assert_eq!(
        ok(flexible.confirm_sign_in(js(json!({"challengeResponse": code})), None)).await["isSignedIn"],
        true
    );
}
