//! Remembered devices: NewDeviceMetadata, ConfirmDevice with a real device verifier, DEVICE_SRP_AUTH →
//! DEVICE_PASSWORD_VERIFIER verified for real, MFA skipped for remembered devices, the device operations,
//! and the server side of device SRP against the shared device vectors.

mod common;

use cognito_wasm::srp;
use cognito_wasm::srp::client::{DeviceVerifier, SrpClient};
use cognito_wasm::srp::server::ServerHandshake;
use common::{Emu, PASSWORD, Reply, claims, now_secs, password_verifier_request, start_srp};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn device_pool(emu: &Emu, prompt: bool) -> (String, String) {
    let pool = emu
        .create_pool(json!({
            "MfaConfiguration": "OPTIONAL",
            "DeviceConfiguration": { "ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": prompt },
        }))
        .await;
    let (client, _) = emu
        .create_client(&pool, json!({ "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }))
        .await;
    emu.create_user(&pool, "alice").await;
    (pool, client)
}

struct Remembered {
    key: String,
    group: String,
    verifier: DeviceVerifier,
}

/// Signs in, confirms the new device with a fresh verifier; returns it.
async fn confirm_new_device(emu: &Emu, pool: &str, client: &str, prompt: bool) -> Remembered {
    let tokens = emu.tokens(pool, client, "alice", PASSWORD).await;
    let metadata = &tokens["NewDeviceMetadata"];
    let key = metadata["DeviceKey"]
        .as_str()
        .expect("NewDeviceMetadata")
        .to_owned();
    let group = metadata["DeviceGroupKey"].as_str().unwrap().to_owned();
    let (region, uuid) = key.split_once('_').unwrap();
    assert_eq!(region, "us-east-1");
    assert!(uuid::Uuid::parse_str(uuid).is_ok(), "{key}");
    assert_eq!(
        claims(tokens["AccessToken"].as_str().unwrap())["device_key"],
        key.as_str()
    );
    let verifier = DeviceVerifier::generate(&group, &key).unwrap();
    let reply = emu
        .ok(
            "ConfirmDevice",
            json!({
                "AccessToken": tokens["AccessToken"],
                "DeviceKey": key,
                "DeviceSecretVerifierConfig": { "Salt": verifier.salt_b64, "PasswordVerifier": verifier.password_verifier_b64 },
                "DeviceName": "test-browser",
            }),
        )
        .await;
    assert_eq!(reply["UserConfirmationNecessary"], prompt);
    Remembered {
        key,
        group,
        verifier,
    }
}

/// SRP sign-in sending DEVICE_KEY; returns the reply to PASSWORD_VERIFIER.
async fn sign_in_with_device(emu: &Emu, pool: &str, client: &str, device_key: &str) -> Reply {
    let srp_client = SrpClient::generate().unwrap();
    let challenge = emu
        .ok(
            "InitiateAuth",
            json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": client,
                    "AuthParameters": { "USERNAME": "alice", "SRP_A": srp_client.srp_a_hex(), "DEVICE_KEY": device_key } }),
        )
        .await;
    let mut request =
        password_verifier_request(&srp_client, pool, client, &challenge, PASSWORD, true);
    request["ChallengeResponses"]["DEVICE_KEY"] = json!(device_key);
    emu.call("RespondToAuthChallenge", request).await
}

/// Answers DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER with `password`; returns the final reply.
async fn device_srp(
    emu: &Emu,
    client: &str,
    challenge: &Value,
    device: &Remembered,
    password: &str,
) -> Reply {
    let timestamp = srp::timestamp(now_secs());
    device_srp_at(emu, client, challenge, device, password, &timestamp).await
}

/// [`device_srp`] signing DEVICE_PASSWORD_VERIFIER with a given TIMESTAMP.
async fn device_srp_at(
    emu: &Emu,
    client: &str,
    challenge: &Value,
    device: &Remembered,
    password: &str,
    timestamp: &str,
) -> Reply {
    assert_eq!(challenge["ChallengeName"], "DEVICE_SRP_AUTH", "{challenge}");
    let srp_client = SrpClient::generate().unwrap();
    let verifier_challenge = emu
        .ok(
            "RespondToAuthChallenge",
            json!({ "ClientId": client, "ChallengeName": "DEVICE_SRP_AUTH", "Session": challenge["Session"],
                    "ChallengeResponses": { "USERNAME": "alice", "DEVICE_KEY": device.key, "SRP_A": srp_client.srp_a_hex() } }),
        )
        .await;
    assert_eq!(
        verifier_challenge["ChallengeName"],
        "DEVICE_PASSWORD_VERIFIER"
    );
    let params = &verifier_challenge["ChallengeParameters"];
    for name in ["SALT", "SRP_B", "SECRET_BLOCK", "USERNAME"] {
        assert!(
            params[name].is_string(),
            "DEVICE_PASSWORD_VERIFIER lacks {name}: {params}"
        );
    }
    assert_eq!(params["USERNAME"], "alice");
    let signature = srp_client
        .password_claim(
            &device.group,
            &device.key,
            password,
            params["SRP_B"].as_str().unwrap(),
            params["SALT"].as_str().unwrap(),
            params["SECRET_BLOCK"].as_str().unwrap(),
            timestamp,
        )
        .unwrap();
    emu.call(
        "RespondToAuthChallenge",
        json!({ "ClientId": client, "ChallengeName": "DEVICE_PASSWORD_VERIFIER", "Session": verifier_challenge["Session"],
                "ChallengeResponses": {
                    "USERNAME": "alice", "DEVICE_KEY": device.key, "TIMESTAMP": timestamp,
                    "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"], "PASSWORD_CLAIM_SIGNATURE": signature,
                } }),
    )
    .await
}

#[tokio::test]
async fn confirm_device_then_device_srp_sign_in() {
    let emu = Emu::start().await;
    let (pool, client) = device_pool(&emu, false).await;
    let device = confirm_new_device(&emu, &pool, &client, false).await;

    let reply = sign_in_with_device(&emu, &pool, &client, &device.key).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let done = device_srp(
        &emu,
        &client,
        &reply.body,
        &device,
        &device.verifier.device_password,
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let result = &done.body["AuthenticationResult"];
    assert!(
        result.get("NewDeviceMetadata").is_none(),
        "a known device gets no new one: {result}"
    );
    let access = result["AccessToken"].as_str().unwrap();
    assert_eq!(claims(access)["device_key"], device.key.as_str());
    // The refresh keeps the device.
    let refreshed = emu
        .ok(
            "InitiateAuth",
            json!({ "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client,
                    "AuthParameters": { "REFRESH_TOKEN": result["RefreshToken"], "DEVICE_KEY": device.key } }),
        )
        .await;
    assert_eq!(
        claims(
            refreshed["AuthenticationResult"]["AccessToken"]
                .as_str()
                .unwrap()
        )["device_key"],
        device.key.as_str()
    );

    // The wrong device password fails the proof.
    let reply = sign_in_with_device(&emu, &pool, &client, &device.key).await;
    let wrong = device_srp(
        &emu,
        &client,
        &reply.body,
        &device,
        "bm90IHRoZSBwYXNzd29yZA==",
    )
    .await;
    assert_eq!(
        wrong.error_type(),
        "NotAuthorizedException",
        "{}",
        wrong.body
    );

    // An unknown device, after the password proof.
    let unknown = sign_in_with_device(
        &emu,
        &pool,
        &client,
        "us-east-1_00000000-0000-4000-8000-000000000000",
    )
    .await;
    assert_eq!(unknown.error_type(), "ResourceNotFoundException");
    assert_eq!(unknown.message(), "Device does not exist.");
    // Clients then retry the same answer without DEVICE_KEY (amazon-cognito-identity-js does): that works.
    let srp_client = SrpClient::generate().unwrap();
    let challenge = emu
        .ok(
            "InitiateAuth",
            json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": client,
                    "AuthParameters": { "USERNAME": "alice", "SRP_A": srp_client.srp_a_hex() } }),
        )
        .await;
    let mut request =
        password_verifier_request(&srp_client, &pool, &client, &challenge, PASSWORD, true);
    request["ChallengeResponses"]["DEVICE_KEY"] =
        json!("us-east-1_00000000-0000-4000-8000-000000000000");
    let first = emu.call("RespondToAuthChallenge", request.clone()).await;
    assert_eq!(first.error_type(), "ResourceNotFoundException");
    request["ChallengeResponses"]["DEVICE_KEY"] = Value::Null;
    let retry = emu.call("RespondToAuthChallenge", request.clone()).await;
    assert!(
        retry.body["AuthenticationResult"].is_object(),
        "{}",
        retry.body
    );
    // … once: the handshake is used up after that.
    assert_eq!(
        emu.call("RespondToAuthChallenge", request)
            .await
            .error_type(),
        "NotAuthorizedException"
    );
    // A wrong password with an unknown device is still just a wrong password.
    let (srp_client, challenge) = start_srp(&emu, &client, "alice", None).await;
    let request = password_verifier_request(
        &srp_client,
        &pool,
        &client,
        &challenge.body,
        "Wrong-Passw0rd",
        true,
    );
    assert_eq!(
        emu.call("RespondToAuthChallenge", request)
            .await
            .error_type(),
        "NotAuthorizedException"
    );
}

/// DEVICE_PASSWORD_VERIFIER's TIMESTAMP must be within five minutes of the emulator's clock and in
/// Cognito's exact format; the device proof is otherwise right in every case below.
#[tokio::test]
async fn device_timestamp_must_be_near_the_emulator_clock() {
    let emu = Emu::start().await;
    let (pool, client) = device_pool(&emu, false).await;
    let device = confirm_new_device(&emu, &pool, &client, false).await;
    let password = device.verifier.device_password.clone();
    let now = now_secs();
    let cases = [
        (srp::timestamp(now - 6 * 60), false, "6 minutes behind"),
        (srp::timestamp(now + 6 * 60), false, "6 minutes ahead"),
        (srp::timestamp(now).replace("UTC", "GMT"), false, "not UTC"),
        (
            httpdate::fmt_http_date(std::time::SystemTime::now()),
            false,
            "an HTTP date",
        ),
        (srp::timestamp(now - 4 * 60), true, "4 minutes behind"),
        (srp::timestamp(now + 4 * 60), true, "4 minutes ahead"),
    ];
    for (timestamp, accepted, what) in cases {
        let reply = sign_in_with_device(&emu, &pool, &client, &device.key).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let done = device_srp_at(&emu, &client, &reply.body, &device, &password, &timestamp).await;
        if accepted {
            assert!(
                done.body["AuthenticationResult"].is_object(),
                "{what}: {}",
                done.body
            );
        } else {
            assert_eq!(
                done.error_type(),
                "NotAuthorizedException",
                "{what}: {}",
                done.body
            );
            assert_eq!(done.message(), "Incorrect username or password.", "{what}");
        }
    }
}

#[tokio::test]
async fn remembered_devices_skip_mfa_and_device_operations() {
    let emu = Emu::start().await;
    let (pool, client) = device_pool(&emu, true).await;
    let device = confirm_new_device(&emu, &pool, &client, true).await;
    emu.ok(
        "AdminUpdateUserAttributes",
        json!({ "UserPoolId": pool, "Username": "alice", "UserAttributes": [{ "Name": "phone_number", "Value": "+15555550000" }] }),
    )
    .await;
    emu.ok(
        "AdminSetUserMFAPreference",
        json!({ "UserPoolId": pool, "Username": "alice", "SMSMfaSettings": { "Enabled": true, "PreferredMfa": true } }),
    )
    .await;

    // Not remembered (the pool asks the user): MFA first, then the device.
    let reply = sign_in_with_device(&emu, &pool, &client, &device.key).await;
    assert_eq!(reply.body["ChallengeName"], "SMS_MFA", "{}", reply.body);
    let code = emu.last_code(&pool, "alice", "SMS_MFA").await;
    let next = emu
        .ok(
            "RespondToAuthChallenge",
            json!({ "ClientId": client, "ChallengeName": "SMS_MFA", "Session": reply.body["Session"],
                    "ChallengeResponses": { "USERNAME": "alice", "SMS_MFA_CODE": code } }),
        )
        .await;
    let done = device_srp(
        &emu,
        &client,
        &next,
        &device,
        &device.verifier.device_password,
    )
    .await;
    let access = done.body["AuthenticationResult"]["AccessToken"].clone();
    assert!(access.is_string(), "{}", done.body);

    let listed = emu
        .ok("ListDevices", json!({ "AccessToken": access }))
        .await;
    let devices = listed["Devices"].as_array().unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0]["DeviceKey"], device.key.as_str());
    let attributes = devices[0]["DeviceAttributes"].as_array().unwrap();
    assert!(attributes.contains(&json!({ "Name": "device_name", "Value": "test-browser" })));
    assert!(
        attributes.contains(
            &json!({ "Name": "dev:device_remembered_status", "Value": "not_remembered" })
        )
    );

    // Remembered: the device replaces MFA.
    emu.ok(
        "UpdateDeviceStatus",
        json!({ "AccessToken": access, "DeviceKey": device.key, "DeviceRememberedStatus": "remembered" }),
    )
    .await;
    let got = emu
        .ok(
            "GetDevice",
            json!({ "AccessToken": access, "DeviceKey": device.key }),
        )
        .await;
    assert!(
        got["Device"]["DeviceAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({ "Name": "dev:device_remembered_status", "Value": "remembered" }))
    );
    let reply = sign_in_with_device(&emu, &pool, &client, &device.key).await;
    assert_eq!(
        reply.body["ChallengeName"], "DEVICE_SRP_AUTH",
        "{}",
        reply.body
    );
    let done = device_srp(
        &emu,
        &client,
        &reply.body,
        &device,
        &device.verifier.device_password,
    )
    .await;
    assert!(
        done.body["AuthenticationResult"].is_object(),
        "{}",
        done.body
    );

    // Without DEVICE_KEY, MFA as usual (and a new device is offered).
    let plain = common::srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await;
    assert_eq!(plain.body["ChallengeName"], "SMS_MFA");

    let admin = emu
        .ok(
            "AdminListDevices",
            json!({ "UserPoolId": pool, "Username": "alice" }),
        )
        .await;
    assert_eq!(admin["Devices"].as_array().unwrap().len(), 1);
    emu.ok(
        "ForgetDevice",
        json!({ "AccessToken": access, "DeviceKey": device.key }),
    )
    .await;
    emu.err(
        "GetDevice",
        json!({ "AccessToken": access, "DeviceKey": device.key }),
        "ResourceNotFoundException",
    )
    .await;
    let forgotten = sign_in_with_device(&emu, &pool, &client, &device.key).await;
    assert_eq!(forgotten.error_type(), "ResourceNotFoundException");
}

#[tokio::test]
async fn pools_without_device_tracking_offer_no_device() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let tokens = emu.tokens(&pool, &client, "alice", PASSWORD).await;
    assert!(tokens.get("NewDeviceMetadata").is_none());
    assert!(
        claims(tokens["AccessToken"].as_str().unwrap())
            .get("device_key")
            .is_none()
    );
    // Turning tracking on with UpdateUserPool.
    emu.ok(
        "UpdateUserPool",
        json!({ "UserPoolId": pool, "DeviceConfiguration": { "ChallengeRequiredOnNewDevice": false, "DeviceOnlyRememberedOnUserPrompt": false } }),
    )
    .await;
    let described = emu
        .ok("DescribeUserPool", json!({ "UserPoolId": pool }))
        .await;
    assert_eq!(
        described["UserPool"]["DeviceConfiguration"]["DeviceOnlyRememberedOnUserPrompt"],
        false
    );
    let tokens = emu.tokens(&pool, &client, "alice", PASSWORD).await;
    assert!(tokens["NewDeviceMetadata"]["DeviceKey"].is_string());
}

/// The server side of device SRP, as ConfirmDevice registers it, on the shared vectors: the verifier built
/// from `DeviceSecretVerifierConfig` gives the vector's SALT and SRP_B and accepts its signature.
#[test]
fn device_srp_vectors_server_side() {
    let vectors: Value =
        serde_json::from_str(include_str!("../../tests/vectors/srp-vectors.json")).unwrap();
    let cases = vectors["device_srp"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let dv = vectors["device_verifier"]
            .as_array()
            .unwrap()
            .iter()
            .find(|dv| dv["id"] == case["uses_device_verifier"])
            .unwrap();
        let config = &dv["expected"]["ConfirmDevice_DeviceSecretVerifierConfig"];
        let verifier = cognito_emulator::ops::devices::verifier_from_config(
            config["Salt"].as_str().unwrap(),
            config["PasswordVerifier"].as_str().unwrap(),
        )
        .unwrap();
        let challenge = &case["server_challenge"];
        let salt = challenge["SALT"].as_str().unwrap();
        assert_eq!(
            verifier.salt_hex.trim_start_matches('0'),
            salt.trim_start_matches('0'),
            "{id}: SALT"
        );
        let b: Vec<u8> = (0..case["server_secrets"]["b_hex"].as_str().unwrap().len() / 2)
            .map(|i| {
                u8::from_str_radix(
                    &case["server_secrets"]["b_hex"].as_str().unwrap()[2 * i..2 * i + 2],
                    16,
                )
                .unwrap()
            })
            .collect();
        let handshake = ServerHandshake::new(
            &verifier,
            case["expected"]["SRP_A_hex"].as_str().unwrap(),
            &b,
        )
        .unwrap();
        assert_eq!(
            handshake.srp_b_hex().trim_start_matches('0'),
            challenge["SRP_B"].as_str().unwrap().trim_start_matches('0'),
            "{id}: SRP_B"
        );
        let inputs = &case["inputs"];
        let block = srp::decode_secret_block(challenge["SECRET_BLOCK"].as_str().unwrap()).unwrap();
        let verify = |signature: &str| {
            handshake.verify_claim(
                inputs["device_group_key"].as_str().unwrap(),
                inputs["device_key"].as_str().unwrap(),
                &block,
                case["expected"]["timestamp"].as_str().unwrap(),
                signature,
            )
        };
        let signature = case["expected"]["password_claim_signature_b64"]
            .as_str()
            .unwrap();
        assert!(
            verify(signature).is_ok(),
            "{id}: the vector's claim is accepted"
        );
        let mut forged = signature.to_owned();
        forged.replace_range(0..1, if signature.starts_with('A') { "B" } else { "A" });
        assert!(
            verify(&forged).is_err(),
            "{id}: a changed signature is refused"
        );
    }
}
