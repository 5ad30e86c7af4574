//! Remembered devices in the sign-in flow: ConfirmDevice after Cognito starts tracking a device, device SRP
//! on the next sign-in (checked by playing the server with the crate's own server half), and dropping a
//! device Cognito no longer knows.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cognito_wasm::clock::Now;
use cognito_wasm::flows::sign_in::{DeviceSecrets, Method, Progress, SignIn, SignInInput};
use cognito_wasm::protocol::{Operation, Request};
use cognito_wasm::secret::Password;
use cognito_wasm::srp::client::SrpClient;
use cognito_wasm::srp::server::{PasswordVerifier, ServerHandshake};
use cognito_wasm::srp::{decode_secret_block, server};
use cognito_wasm::{ClientConfig, Error};
use common::reply;
use serde_json::{Value, json};

const NOW: i64 = 1_700_000_000;

fn config() -> ClientConfig {
    ClientConfig::new("us-east-1_Pool1", "clientid", None, None).unwrap()
}

fn body(request: &Request) -> Value {
    serde_json::from_str(&request.body).unwrap()
}

fn token(claims: Value) -> String {
    format!(
        "eyJhbGciOiJSUzI1NiJ9.{}.c2ln",
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

fn tokens(extra: Value) -> Value {
    let mut reply = json!({"AuthenticationResult": {
        "IdToken": token(json!({"iat": NOW, "exp": NOW + 3600, "cognito:username": "bob"})),
        "AccessToken": token(json!({"iat": NOW, "exp": NOW + 3600, "username": "bob"})),
        "RefreshToken": "r", "ExpiresIn": 3600}});
    for (key, value) in extra.as_object().unwrap() {
        reply["AuthenticationResult"][key] = value.clone();
    }
    reply
}

fn sent(progress: Progress) -> Request {
    match progress {
        Progress::Send(request) => request,
        other => panic!("expected a request, got {other:?}"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn start(device: Option<DeviceSecrets>, method: Method) -> (SignIn, Request) {
    let input = SignInInput {
        username: "bob".into(),
        password: Password::new("pw"),
        client_metadata: None,
        device,
        device_name: "Firefox on Linux".into(),
    };
    SignIn::start(&config(), input, method).unwrap()
}

/// Signs in once with Cognito starting to track the device; returns what the flow stored and the verifier
/// ConfirmDevice registered.
fn tracked_device() -> (DeviceSecrets, PasswordVerifier) {
    let config = config();
    let (mut flow, _) = start(None, Method::Password);
    let signed_in = tokens(
        json!({"NewDeviceMetadata": {"DeviceKey": "us-east-1_0f1e2d3c-aaaa-bbbb-cccc-1234567890ab", "DeviceGroupKey": "-grpKey1"}}),
    );
    let confirm = sent(
        flow.on_response(&config, &reply(signed_in), Now::trusting_device(NOW))
            .unwrap(),
    );
    assert_eq!(confirm.operation, Operation::ConfirmDevice);
    let confirm = body(&confirm);
    assert_eq!(
        confirm["DeviceKey"],
        "us-east-1_0f1e2d3c-aaaa-bbbb-cccc-1234567890ab"
    );
    assert_eq!(confirm["DeviceName"], "Firefox on Linux");
    assert!(confirm["AccessToken"].as_str().unwrap().starts_with("eyJ"));
    assert!(
        flow.new_device().is_some(),
        "the secrets exist before ConfirmDevice answers"
    );

    let done = flow
        .on_response(
            &config,
            &reply(json!({"UserConfirmationNecessary": true})),
            Now::trusting_device(NOW),
        )
        .unwrap();
    assert!(matches!(done, Progress::SignedIn(_)));
    let device = flow.new_device().unwrap().clone();
    assert!(device.user_confirmation_necessary);
    assert_eq!(device.secrets.device_group_key, "-grpKey1");
    assert_eq!(
        STANDARD
            .decode(device.secrets.device_password.expose())
            .unwrap()
            .len(),
        40
    );
    assert_eq!(
        format!("{:?}", device.secrets.device_password),
        "Password([redacted])"
    );

    // What Cognito stores: the registered salt and verifier, which must match the kept password.
    let config_sent = &confirm["DeviceSecretVerifierConfig"];
    let salt = STANDARD
        .decode(config_sent["Salt"].as_str().unwrap())
        .unwrap();
    let verifier_bytes = STANDARD
        .decode(config_sent["PasswordVerifier"].as_str().unwrap())
        .unwrap();
    let salt_hex = hex(&salt);
    let verifier = server::PasswordVerifier::from_salt_hex(
        "-grpKey1",
        &device.secrets.device_key,
        device.secrets.device_password.expose(),
        salt_hex.trim_start_matches('0'),
    )
    .unwrap();
    assert_eq!(
        verifier.verifier_hex,
        hex(&verifier_bytes).trim_start_matches('0')
    );
    (device.secrets, verifier)
}

#[test]
fn a_new_device_is_confirmed_and_then_proves_itself_with_device_srp() {
    let config = config();
    let (device, verifier) = tracked_device();

    // Next sign-in: DEVICE_KEY goes with InitiateAuth, Cognito asks for device SRP after the password.
    let (mut flow, first) = start(Some(device.clone()), Method::Password);
    assert_eq!(
        body(&first)["AuthParameters"]["DEVICE_KEY"],
        device.device_key.as_str()
    );
    let challenge = json!({"ChallengeName": "DEVICE_SRP_AUTH", "Session": "s1", "ChallengeParameters": {"USERNAME": "bob"}});
    let srp_auth = body(&sent(
        flow.on_response(&config, &reply(challenge), Now::trusting_device(NOW))
            .unwrap(),
    ));
    assert_eq!(srp_auth["ChallengeName"], "DEVICE_SRP_AUTH");
    assert_eq!(srp_auth["Session"], "s1");
    let responses = &srp_auth["ChallengeResponses"];
    assert_eq!(responses["DEVICE_KEY"], device.device_key.as_str());
    assert_eq!(responses["USERNAME"], "bob");

    // Play Cognito with the registered verifier.
    let server =
        ServerHandshake::new(&verifier, responses["SRP_A"].as_str().unwrap(), &[7; 32]).unwrap();
    let block = STANDARD.encode(b"device secret block");
    let challenge = json!({"ChallengeName": "DEVICE_PASSWORD_VERIFIER", "Session": "s2", "ChallengeParameters": {
        "USERNAME": "bob", "SALT": verifier.salt_hex, "SRP_B": server.srp_b_hex(), "SECRET_BLOCK": block}});
    let claim = body(&sent(
        flow.on_response(&config, &reply(challenge), Now::trusting_device(NOW))
            .unwrap(),
    ));
    assert_eq!(claim["ChallengeName"], "DEVICE_PASSWORD_VERIFIER");
    let responses = &claim["ChallengeResponses"];
    assert_eq!(responses["DEVICE_KEY"], device.device_key.as_str());
    assert_eq!(responses["TIMESTAMP"], "Tue Nov 14 22:13:20 UTC 2023");
    server
        .verify_claim(
            &device.device_group_key,
            &device.device_key,
            &decode_secret_block(&block).unwrap(),
            responses["TIMESTAMP"].as_str().unwrap(),
            responses["PASSWORD_CLAIM_SIGNATURE"].as_str().unwrap(),
        )
        .expect("the emulator-side check accepts the device proof");
    // A known device is not confirmed again.
    assert!(matches!(
        flow.on_response(
            &config,
            &reply(tokens(json!({}))),
            Now::trusting_device(NOW)
        )
        .unwrap(),
        Progress::SignedIn(_)
    ));
    assert!(flow.new_device().is_none());
}

#[test]
fn srp_sign_in_sends_the_device_key_with_the_password_claim() {
    let config = config();
    let (device, _) = tracked_device();
    let (mut flow, _) = start(
        Some(device.clone()),
        Method::Srp(SrpClient::from_secret(&[3; 128]).unwrap()),
    );
    let user = server::PasswordVerifier::new("Pool1", "bob", "pw", &[1; 16]);
    let challenge = json!({"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": {
        "USER_ID_FOR_SRP": "bob", "USERNAME": "bob", "SALT": user.salt_hex, "SRP_B": "2", "SECRET_BLOCK": "QUJD"}});
    let claim = body(&sent(
        flow.on_response(&config, &reply(challenge), Now::trusting_device(NOW))
            .unwrap(),
    ));
    assert_eq!(
        claim["ChallengeResponses"]["DEVICE_KEY"],
        device.device_key.as_str()
    );
}

#[test]
fn an_unknown_device_is_dropped_and_the_request_sent_again() {
    let (device, _) = tracked_device();
    let (mut flow, _) = start(Some(device), Method::Password);
    let unknown = Error::new("ResourceNotFoundException", "Device does not exist.");
    let retry = flow
        .request_failed(&unknown)
        .expect("a retry without DEVICE_KEY");
    assert!(body(&retry)["AuthParameters"].get("DEVICE_KEY").is_none());
    assert_eq!(body(&retry)["AuthParameters"]["USERNAME"], "bob");
    assert!(flow.device_forgotten());
    // Without a device there is nothing to drop: the error stands.
    assert!(flow.request_failed(&unknown).is_none());
    // Other errors are not retried.
    let (device, _) = tracked_device();
    let (mut flow, _) = start(Some(device), Method::Password);
    assert!(
        flow.request_failed(&Error::new(
            "NotAuthorizedException",
            "Incorrect username or password."
        ))
        .is_none()
    );
    assert!(!flow.device_forgotten());
}

#[test]
fn device_challenges_without_a_stored_device_are_reported() {
    let config = config();
    let (mut flow, _) = start(None, Method::Password);
    let progress = flow
        .on_response(
            &config,
            &reply(json!({"ChallengeName": "DEVICE_SRP_AUTH", "Session": "s"})),
            Now::trusting_device(NOW),
        )
        .unwrap();
    assert!(matches!(progress, Progress::NextStep(_)), "{progress:?}");
    assert!(!flow.is_waiting_for_answer());
}

/// A stored device and a USER_SRP_AUTH sign-in that Cognito answered with DEVICE_SRP_AUTH: returns the flow
/// with the DEVICE_SRP_AUTH request on the wire.
fn at_device_srp_auth() -> (SignIn, Request) {
    let (device, _) = tracked_device();
    let (mut flow, _) = start(
        Some(device),
        Method::Srp(SrpClient::from_secret(&[3; 128]).unwrap()),
    );
    let request = sent(
        flow.on_response(
            &config(),
            &reply(json!({"ChallengeName": "DEVICE_SRP_AUTH", "Session": "s", "ChallengeParameters": {"USERNAME": "bob"}})),
            Now::trusting_device(NOW),
        )
        .unwrap(),
    );
    assert_eq!(body(&request)["ChallengeName"], "DEVICE_SRP_AUTH");
    (flow, request)
}

#[test]
fn a_device_ephemeral_answers_only_the_device_verifier() {
    // The SRP_A sent with DEVICE_SRP_AUTH is the device's: a PASSWORD_VERIFIER in reply (a server mixing
    // the two handshakes) must not get a password claim made with it.
    let (mut flow, _) = at_device_srp_auth();
    let user = server::PasswordVerifier::new("Pool1", "bob", "pw", &[1; 16]);
    let error = flow
        .on_response(
            &config(),
            &reply(json!({"ChallengeName": "PASSWORD_VERIFIER", "Session": "s2", "ChallengeParameters": {
                "USER_ID_FOR_SRP": "bob", "SALT": user.salt_hex, "SRP_B": "2", "SECRET_BLOCK": "QUJD"}})),
            Now::trusting_device(NOW),
        )
        .unwrap_err();
    assert_eq!(error.name(), "InvalidResponseException");
    assert!(!flow.is_waiting_for_answer() && !flow.is_waiting_for_reply());
}

#[test]
fn a_device_unknown_at_device_srp_is_forgotten_without_a_pointless_retry() {
    let (mut flow, _) = at_device_srp_auth();
    let unknown = Error::new("ResourceNotFoundException", "Device does not exist.");
    assert!(
        flow.request_failed(&unknown).is_none(),
        "DEVICE_SRP_AUTH without its DEVICE_KEY means nothing"
    );
    assert!(flow.device_forgotten(), "the stale device is dropped");
    assert!(!flow.is_waiting_for_reply());
}
