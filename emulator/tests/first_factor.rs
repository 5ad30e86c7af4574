//! CUSTOM_AUTH without Lambda (dev-only question/answer rounds, with and without SRP first) and USER_AUTH
//! choice-based sign-in (SELECT_CHALLENGE; PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP).

mod common;

use cognito_wasm::srp::client::SrpClient;
use common::{Emu, PASSWORD, Reply, password_verifier_request};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn set_rounds(emu: &Emu, pool: &str, rounds: Value) -> StatusCode {
    emu.http
        .put(format!(
            "{}/_emulator/custom-challenge?userPoolId={pool}",
            emu.base
        ))
        .body(rounds.to_string())
        .send()
        .await
        .unwrap()
        .status()
}

async fn answer(emu: &Emu, client: &str, challenge: &Value, responses: Value) -> Reply {
    emu.call(
        "RespondToAuthChallenge",
        json!({ "ClientId": client, "ChallengeName": challenge["ChallengeName"],
                "Session": challenge["Session"], "ChallengeResponses": responses }),
    )
    .await
}

#[tokio::test]
async fn custom_auth_rounds_without_and_with_srp() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await; // the client does not allow CUSTOM_AUTH
    let (custom_client, _) = emu
        .create_client(
            &pool,
            json!({ "ExplicitAuthFlows": ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }),
        )
        .await;
    let start = json!({ "AuthFlow": "CUSTOM_AUTH", "ClientId": custom_client, "AuthParameters": { "USERNAME": "alice" } });
    // No rounds configured: like a pool without the Lambda triggers.
    emu.err("InitiateAuth", start.clone(), "InvalidParameterException")
        .await;
    let rounds =
        json!([{ "question": "2+2?", "answer": "4" }, { "question": "colour?", "answer": "blue" }]);
    assert_eq!(
        set_rounds(&emu, &pool, rounds).await,
        StatusCode::NO_CONTENT
    );
    emu.err(
        "InitiateAuth",
        json!({ "AuthFlow": "CUSTOM_AUTH", "ClientId": client, "AuthParameters": { "USERNAME": "alice" } }),
        "InvalidParameterException",
    )
    .await;

    let first = emu.ok("InitiateAuth", start.clone()).await;
    assert_eq!(first["ChallengeName"], "CUSTOM_CHALLENGE");
    assert_eq!(first["ChallengeParameters"]["question"], "2+2?");
    assert_eq!(first["ChallengeParameters"]["USERNAME"], "alice");
    // A wrong answer asks again.
    let again = answer(
        &emu,
        &custom_client,
        &first,
        json!({ "USERNAME": "alice", "ANSWER": "5" }),
    )
    .await;
    assert_eq!(
        again.body["ChallengeName"], "CUSTOM_CHALLENGE",
        "{}",
        again.body
    );
    assert_eq!(again.body["ChallengeParameters"]["question"], "2+2?");
    let second = answer(
        &emu,
        &custom_client,
        &again.body,
        json!({ "USERNAME": "alice", "ANSWER": "4" }),
    )
    .await;
    assert_eq!(
        second.body["ChallengeParameters"]["question"], "colour?",
        "{}",
        second.body
    );
    let done = answer(
        &emu,
        &custom_client,
        &second.body,
        json!({ "USERNAME": "alice", "ANSWER": "blue" }),
    )
    .await;
    assert!(
        done.body["AuthenticationResult"]["AccessToken"].is_string(),
        "{}",
        done.body
    );

    // Attempts run out.
    let mut challenge = emu.ok("InitiateAuth", start).await;
    let mut last = None;
    for _ in 0..5 {
        let reply = answer(
            &emu,
            &custom_client,
            &challenge,
            json!({ "USERNAME": "alice", "ANSWER": "nope" }),
        )
        .await;
        if reply.status != StatusCode::OK {
            last = Some(reply);
            break;
        }
        challenge = reply.body;
    }
    assert_eq!(
        last.expect("attempts are limited").error_type(),
        "NotAuthorizedException"
    );

    // With SRP first: CHALLENGE_NAME = SRP_A → PASSWORD_VERIFIER → the rounds.
    let srp_client = SrpClient::generate().unwrap();
    let verifier = emu
        .ok(
            "InitiateAuth",
            json!({ "AuthFlow": "CUSTOM_AUTH", "ClientId": custom_client, "AuthParameters": {
                "USERNAME": "alice", "CHALLENGE_NAME": "SRP_A", "SRP_A": srp_client.srp_a_hex() } }),
        )
        .await;
    assert_eq!(verifier["ChallengeName"], "PASSWORD_VERIFIER");
    let request = password_verifier_request(
        &srp_client,
        &pool,
        &custom_client,
        &verifier,
        PASSWORD,
        true,
    );
    let custom = emu.ok("RespondToAuthChallenge", request).await;
    assert_eq!(custom["ChallengeName"], "CUSTOM_CHALLENGE", "{custom}");
    let next = answer(
        &emu,
        &custom_client,
        &custom,
        json!({ "USERNAME": "alice", "ANSWER": "4" }),
    )
    .await;
    let done = answer(
        &emu,
        &custom_client,
        &next.body,
        json!({ "USERNAME": "alice", "ANSWER": "blue" }),
    )
    .await;
    assert!(
        done.body["AuthenticationResult"].is_object(),
        "{}",
        done.body
    );
    // The wrong password stops it before any round.
    let srp_client = SrpClient::generate().unwrap();
    let verifier = emu
        .ok(
            "InitiateAuth",
            json!({ "AuthFlow": "CUSTOM_AUTH", "ClientId": custom_client, "AuthParameters": {
                "USERNAME": "alice", "CHALLENGE_NAME": "SRP_A", "SRP_A": srp_client.srp_a_hex() } }),
        )
        .await;
    let request = password_verifier_request(
        &srp_client,
        &pool,
        &custom_client,
        &verifier,
        "Wrong-Passw0rd",
        true,
    );
    emu.err("RespondToAuthChallenge", request, "NotAuthorizedException")
        .await;
}

#[tokio::test]
async fn user_auth_select_challenge_and_first_factors() {
    let emu = Emu::start().await;
    let (pool, _) = emu.setup().await;
    let (client, _) = emu
        .create_client(
            &pool,
            json!({ "ExplicitAuthFlows": ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }),
        )
        .await;
    let select = emu
        .ok(
            "InitiateAuth",
            json!({ "AuthFlow": "USER_AUTH", "ClientId": client, "AuthParameters": { "USERNAME": "alice" } }),
        )
        .await;
    assert_eq!(select["ChallengeName"], "SELECT_CHALLENGE");
    assert_eq!(
        select["AvailableChallenges"],
        json!(["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"])
    );

    // EMAIL_OTP as the first factor.
    let bad = answer(
        &emu,
        &client,
        &select,
        json!({ "USERNAME": "alice", "ANSWER": "SMS_OTP" }),
    )
    .await;
    assert_eq!(bad.error_type(), "InvalidParameterException");
    let otp = answer(
        &emu,
        &client,
        &select,
        json!({ "USERNAME": "alice", "ANSWER": "EMAIL_OTP" }),
    )
    .await;
    assert_eq!(otp.body["ChallengeName"], "EMAIL_OTP", "{}", otp.body);
    assert_eq!(
        otp.body["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"],
        "EMAIL"
    );
    let code = emu.last_code(&pool, "alice", "EMAIL_OTP").await;
    let done = answer(
        &emu,
        &client,
        &otp.body,
        json!({ "USERNAME": "alice", "EMAIL_OTP_CODE": code }),
    )
    .await;
    assert!(
        done.body["AuthenticationResult"]["AccessToken"].is_string(),
        "{}",
        done.body
    );

    // PASSWORD through SELECT_CHALLENGE, and as PREFERRED_CHALLENGE.
    let select = emu
        .ok(
            "InitiateAuth",
            json!({ "AuthFlow": "USER_AUTH", "ClientId": client, "AuthParameters": { "USERNAME": "alice" } }),
        )
        .await;
    let wrong = answer(
        &emu,
        &client,
        &select,
        json!({ "USERNAME": "alice", "ANSWER": "PASSWORD", "PASSWORD": "Wrong-Passw0rd" }),
    )
    .await;
    assert_eq!(wrong.error_type(), "NotAuthorizedException");
    let direct = emu
        .ok(
            "InitiateAuth",
            json!({ "AuthFlow": "USER_AUTH", "ClientId": client, "AuthParameters": {
                "USERNAME": "alice", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": PASSWORD } }),
        )
        .await;
    assert!(direct["AuthenticationResult"].is_object(), "{direct}");

    // PASSWORD_SRP as PREFERRED_CHALLENGE.
    let srp_client = SrpClient::generate().unwrap();
    let verifier = emu
        .ok(
            "InitiateAuth",
            json!({ "AuthFlow": "USER_AUTH", "ClientId": client, "AuthParameters": {
                "USERNAME": "alice", "PREFERRED_CHALLENGE": "PASSWORD_SRP", "SRP_A": srp_client.srp_a_hex() } }),
        )
        .await;
    assert_eq!(verifier["ChallengeName"], "PASSWORD_VERIFIER");
    let request = password_verifier_request(&srp_client, &pool, &client, &verifier, PASSWORD, true);
    let done = emu.ok("RespondToAuthChallenge", request).await;
    assert!(done["AuthenticationResult"].is_object(), "{done}");

    // SMS_OTP once the phone number is verified.
    emu.ok(
        "AdminUpdateUserAttributes",
        json!({ "UserPoolId": pool, "Username": "alice", "UserAttributes": [
            { "Name": "phone_number", "Value": "+15555550999" }, { "Name": "phone_number_verified", "Value": "true" }] }),
    )
    .await;
    let sms = emu
        .ok(
            "InitiateAuth",
            json!({ "AuthFlow": "USER_AUTH", "ClientId": client, "AuthParameters": {
                "USERNAME": "alice", "PREFERRED_CHALLENGE": "SMS_OTP" } }),
        )
        .await;
    assert_eq!(sms["ChallengeName"], "SMS_OTP", "{sms}");
    let code = emu.last_code(&pool, "alice", "SMS_OTP").await;
    let done = answer(
        &emu,
        &client,
        &sms,
        json!({ "USERNAME": "alice", "SMS_OTP_CODE": code }),
    )
    .await;
    assert!(
        done.body["AuthenticationResult"].is_object(),
        "{}",
        done.body
    );

    // A client without ALLOW_USER_AUTH.
    let (plain, _) = emu.create_client(&pool, json!({})).await;
    emu.err(
        "InitiateAuth",
        json!({ "AuthFlow": "USER_AUTH", "ClientId": plain, "AuthParameters": { "USERNAME": "alice" } }),
        "InvalidParameterException",
    )
    .await;
}

/// The seed's issue-3 fields: customChallenge, MFA factors, deviceConfiguration, refreshTokenRotation,
/// a user's totpSecret and MFA preferences.
#[tokio::test]
async fn seed_fields_for_mfa_devices_and_custom_auth() {
    let state = cognito_emulator::AppState::new("us-east-1");
    let seed: cognito_emulator::seed::Seed = serde_json::from_value(json!({
        "pools": [{
            "id": "us-east-1_SeedIssue3",
            "name": "seeded",
            "mfaConfiguration": "OPTIONAL",
            "emailMfa": true,
            "smsMfa": false,
            "deviceConfiguration": { "ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": false },
            "customChallenge": [{ "question": "6 x 7?", "answer": "42" }],
            "clients": [{ "id": "seededclient", "name": "c",
                          "explicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                          "refreshTokenRotation": { "Feature": "ENABLED", "RetryGracePeriodSeconds": 5 } }],
            "users": [{ "username": "tess", "password": PASSWORD,
                        "totpSecret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
                        "mfa": { "softwareToken": true, "preferred": "SOFTWARE_TOKEN_MFA" } }]
        }]
    }))
    .unwrap();
    cognito_emulator::seed::load(&state, &seed).unwrap();
    let emu = Emu::start_with(state).await;
    let pool = emu
        .ok(
            "DescribeUserPool",
            json!({ "UserPoolId": "us-east-1_SeedIssue3" }),
        )
        .await;
    assert_eq!(
        pool["UserPool"]["EnabledMfas"],
        json!(["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"])
    );
    assert_eq!(
        pool["UserPool"]["DeviceConfiguration"]["ChallengeRequiredOnNewDevice"],
        true
    );
    let client = emu
        .ok(
            "DescribeUserPoolClient",
            json!({ "UserPoolId": "us-east-1_SeedIssue3", "ClientId": "seededclient" }),
        )
        .await;
    assert_eq!(
        client["UserPoolClient"]["RefreshTokenRotation"]["Feature"],
        "ENABLED"
    );
    let user = emu
        .ok(
            "AdminGetUser",
            json!({ "UserPoolId": "us-east-1_SeedIssue3", "Username": "tess" }),
        )
        .await;
    assert_eq!(user["PreferredMfaSetting"], "SOFTWARE_TOKEN_MFA");
    let reply = common::srp_sign_in(
        &emu,
        "us-east-1_SeedIssue3",
        "seededclient",
        "tess",
        PASSWORD,
    )
    .await;
    assert_eq!(
        reply.body["ChallengeName"], "SOFTWARE_TOKEN_MFA",
        "{}",
        reply.body
    );
    let custom = emu
        .ok(
            "InitiateAuth",
            json!({ "AuthFlow": "CUSTOM_AUTH", "ClientId": "seededclient", "AuthParameters": { "USERNAME": "tess" } }),
        )
        .await;
    assert_eq!(custom["ChallengeParameters"]["question"], "6 x 7?");

    // A preference for a factor that is not on is refused.
    let bad: cognito_emulator::seed::Seed = serde_json::from_value(json!({
        "pools": [{ "name": "bad", "users": [{ "username": "u", "mfa": { "sms": false, "preferred": "SMS_MFA" } }] }]
    }))
    .unwrap();
    assert!(cognito_emulator::seed::load(&emu.state, &bad).is_err());
}
