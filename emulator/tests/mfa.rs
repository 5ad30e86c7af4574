//! MFA after the password: SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA (RFC 6238), SELECT_MFA_TYPE and
//! MFA_SETUP (AssociateSoftwareToken / VerifySoftwareToken with the challenge Session), per pool setting.

mod common;

use common::{Emu, PASSWORD, Reply, secret_hash, srp_sign_in, totp, wrong_code};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PHONE: &str = "+15555551234";

/// A pool with MfaConfiguration `mfa`, a client allowing SRP and password sign-in, and user "alice" with
/// a verified phone number.
async fn mfa_pool(emu: &Emu, mfa: &str) -> (String, String) {
    let pool = emu.create_pool(json!({ "MfaConfiguration": mfa })).await;
    let (client, _) = emu
        .create_client(
            &pool,
            json!({ "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                    "AuthSessionValidity": 15 }),
        )
        .await;
    emu.create_user(&pool, "alice").await;
    emu.ok(
        "AdminUpdateUserAttributes",
        json!({ "UserPoolId": pool, "Username": "alice", "UserAttributes": [
            { "Name": "phone_number", "Value": PHONE },
            { "Name": "phone_number_verified", "Value": "true" },
        ] }),
    )
    .await;
    (pool, client)
}

async fn answer(emu: &Emu, client: &str, challenge: &Value, responses: Value) -> Reply {
    emu.call(
        "RespondToAuthChallenge",
        json!({
            "ClientId": client,
            "ChallengeName": challenge["ChallengeName"],
            "Session": challenge["Session"],
            "ChallengeResponses": responses,
        }),
    )
    .await
}

async fn password_auth(emu: &Emu, client: &str) -> Reply {
    emu.call(
        "InitiateAuth",
        json!({ "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
                "AuthParameters": { "USERNAME": "alice", "PASSWORD": PASSWORD } }),
    )
    .await
}

/// Registers a TOTP authenticator for the user of `access` and returns its secret.
async fn register_totp(emu: &Emu, access: &Value) -> String {
    let reply = emu
        .ok("AssociateSoftwareToken", json!({ "AccessToken": access }))
        .await;
    let secret = reply["SecretCode"].as_str().unwrap().to_owned();
    let now = emu.state.now_secs();
    emu.ok(
        "VerifySoftwareToken",
        json!({ "AccessToken": access, "UserCode": totp(&secret, now), "FriendlyDeviceName": "phone" }),
    )
    .await;
    secret
}

#[tokio::test]
async fn sms_mfa_after_srp_and_after_user_password_auth() {
    let emu = Emu::start().await;
    let (pool, client) = mfa_pool(&emu, "OPTIONAL").await;
    // Nothing enabled yet: OPTIONAL asks for nothing.
    emu.tokens(&pool, &client, "alice", PASSWORD).await;
    emu.ok(
        "AdminSetUserMFAPreference",
        json!({ "UserPoolId": pool, "Username": "alice", "SMSMfaSettings": { "Enabled": true } }),
    )
    .await;

    let reply = srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["ChallengeName"], "SMS_MFA");
    assert_eq!(
        reply.body["ChallengeParameters"],
        json!({ "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS", "CODE_DELIVERY_DESTINATION": "+*******1234" })
    );
    let inbox = emu.inbox(&pool, "alice").await;
    let message = inbox.last().unwrap();
    assert_eq!(message["purpose"], "SMS_MFA");
    assert_eq!(message["medium"], "SMS");
    assert_eq!(message["destination"], PHONE);
    let code = message["code"].as_str().unwrap().to_owned();

    // A wrong code can be retried in the same session; the right one gives tokens, once.
    let wrong = answer(
        &emu,
        &client,
        &reply.body,
        json!({ "USERNAME": "alice", "SMS_MFA_CODE": wrong_code(&code) }),
    )
    .await;
    assert_eq!(
        wrong.error_type(),
        "CodeMismatchException",
        "{}",
        wrong.body
    );
    assert_eq!(wrong.message(), "Invalid code or auth state for the user.");
    let missing = answer(&emu, &client, &reply.body, json!({ "USERNAME": "alice" })).await;
    assert_eq!(missing.error_type(), "InvalidParameterException");
    let done = answer(
        &emu,
        &client,
        &reply.body,
        json!({ "USERNAME": "alice", "SMS_MFA_CODE": code }),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let access = done.body["AuthenticationResult"]["AccessToken"].clone();
    assert!(access.is_string());
    let again = answer(
        &emu,
        &client,
        &reply.body,
        json!({ "USERNAME": "alice", "SMS_MFA_CODE": code }),
    )
    .await;
    assert_eq!(again.error_type(), "NotAuthorizedException");

    let user = emu.ok("GetUser", json!({ "AccessToken": access })).await;
    assert_eq!(user["UserMFASettingList"], json!(["SMS_MFA"]));
    assert_eq!(
        user["MFAOptions"],
        json!([{ "DeliveryMedium": "SMS", "AttributeName": "phone_number" }])
    );

    // USER_PASSWORD_AUTH gets the same challenge.
    let reply = password_auth(&emu, &client).await;
    assert_eq!(reply.body["ChallengeName"], "SMS_MFA", "{}", reply.body);
    // The code expires after 3 minutes (the session lasts 15 here).
    let code = emu.last_code(&pool, "alice", "SMS_MFA").await;
    emu.state.advance_clock(181);
    let late = answer(
        &emu,
        &client,
        &reply.body,
        json!({ "USERNAME": "alice", "SMS_MFA_CODE": code }),
    )
    .await;
    assert_eq!(late.error_type(), "ExpiredCodeException", "{}", late.body);

    // The pool switched OFF asks for nothing.
    emu.ok(
        "UpdateUserPool",
        json!({ "UserPoolId": pool, "MfaConfiguration": "OFF" }),
    )
    .await;
    emu.tokens(&pool, &client, "alice", PASSWORD).await;
}

#[tokio::test]
async fn totp_registration_and_software_token_mfa() {
    let emu = Emu::start().await;
    let (pool, client) = mfa_pool(&emu, "OPTIONAL").await;
    let tokens = emu.tokens(&pool, &client, "alice", PASSWORD).await;
    let access = tokens["AccessToken"].clone();

    // TOTP can't be turned on before an authenticator is verified.
    emu.err(
        "SetUserMFAPreference",
        json!({ "AccessToken": access, "SoftwareTokenMfaSettings": { "Enabled": true } }),
        "InvalidParameterException",
    )
    .await;
    let reply = emu
        .ok("AssociateSoftwareToken", json!({ "AccessToken": access }))
        .await;
    let secret = reply["SecretCode"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 32, "160 bits in base32");
    assert!(
        secret
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    );
    let now = emu.state.now_secs();
    let message = emu
        .err(
            "VerifySoftwareToken",
            json!({ "AccessToken": access, "UserCode": wrong_code(&totp(&secret, now)) }),
            "EnableSoftwareTokenMFAException",
        )
        .await;
    assert_eq!(message, "Code mismatch and fail enable Software Token MFA");
    let reply = emu
        .ok(
            "VerifySoftwareToken",
            json!({ "AccessToken": access, "UserCode": totp(&secret, now), "FriendlyDeviceName": "phone" }),
        )
        .await;
    assert_eq!(reply["Status"], "SUCCESS");
    emu.ok(
        "SetUserMFAPreference",
        json!({ "AccessToken": access, "SoftwareTokenMfaSettings": { "Enabled": true, "PreferredMfa": true } }),
    )
    .await;
    let user = emu.ok("GetUser", json!({ "AccessToken": access })).await;
    assert_eq!(user["UserMFASettingList"], json!(["SOFTWARE_TOKEN_MFA"]));
    assert_eq!(user["PreferredMfaSetting"], "SOFTWARE_TOKEN_MFA");

    let reply = srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await;
    assert_eq!(
        reply.body["ChallengeName"], "SOFTWARE_TOKEN_MFA",
        "{}",
        reply.body
    );
    assert_eq!(
        reply.body["ChallengeParameters"]["FRIENDLY_DEVICE_NAME"],
        "phone"
    );
    let now = emu.state.now_secs();
    let wrong = answer(
        &emu,
        &client,
        &reply.body,
        json!({ "USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": wrong_code(&totp(&secret, now)) }),
    )
    .await;
    assert_eq!(wrong.error_type(), "CodeMismatchException");
    // A code from one step ago is still accepted (RFC 6238 skew of one step).
    let done = answer(
        &emu,
        &client,
        &reply.body,
        json!({ "USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": totp(&secret, now - 30) }),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body["AuthenticationResult"]["IdToken"].is_string());

    // Two steps ago is not.
    let reply = srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await;
    let stale = answer(
        &emu,
        &client,
        &reply.body,
        json!({ "USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": totp(&secret, now - 65) }),
    )
    .await;
    if totp(&secret, now - 65) != totp(&secret, now)
        && totp(&secret, now - 65) != totp(&secret, now + 30)
    {
        assert_eq!(
            stale.error_type(),
            "CodeMismatchException",
            "{}",
            stale.body
        );
    }
}

#[tokio::test]
async fn select_mfa_type_between_sms_and_totp() {
    let emu = Emu::start().await;
    let (pool, client) = mfa_pool(&emu, "OPTIONAL").await;
    let tokens = emu.tokens(&pool, &client, "alice", PASSWORD).await;
    let secret = register_totp(&emu, &tokens["AccessToken"]).await;
    emu.ok(
        "SetUserMFAPreference",
        json!({ "AccessToken": tokens["AccessToken"], "SMSMfaSettings": { "Enabled": true },
                "SoftwareTokenMfaSettings": { "Enabled": true } }),
    )
    .await;
    let reply = srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await;
    assert_eq!(
        reply.body["ChallengeName"], "SELECT_MFA_TYPE",
        "{}",
        reply.body
    );
    let choices: Vec<String> = serde_json::from_str(
        reply.body["ChallengeParameters"]["MFAS_CAN_CHOOSE"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(choices, ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]);
    let bad = answer(
        &emu,
        &client,
        &reply.body,
        json!({ "USERNAME": "alice", "ANSWER": "EMAIL_OTP" }),
    )
    .await;
    assert_eq!(bad.error_type(), "InvalidParameterException");
    let next = answer(
        &emu,
        &client,
        &reply.body,
        json!({ "USERNAME": "alice", "ANSWER": "SOFTWARE_TOKEN_MFA" }),
    )
    .await;
    assert_eq!(
        next.body["ChallengeName"], "SOFTWARE_TOKEN_MFA",
        "{}",
        next.body
    );
    let code = totp(&secret, emu.state.now_secs());
    let done = answer(
        &emu,
        &client,
        &next.body,
        json!({ "USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": code }),
    )
    .await;
    assert!(
        done.body["AuthenticationResult"].is_object(),
        "{}",
        done.body
    );

    // SMS chosen: a code is sent.
    let reply = srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await;
    let next = answer(
        &emu,
        &client,
        &reply.body,
        json!({ "USERNAME": "alice", "ANSWER": "SMS_MFA" }),
    )
    .await;
    assert_eq!(next.body["ChallengeName"], "SMS_MFA", "{}", next.body);
    let code = emu.last_code(&pool, "alice", "SMS_MFA").await;
    let done = answer(
        &emu,
        &client,
        &next.body,
        json!({ "USERNAME": "alice", "SMS_MFA_CODE": code }),
    )
    .await;
    assert!(
        done.body["AuthenticationResult"].is_object(),
        "{}",
        done.body
    );
}

#[tokio::test]
async fn mfa_setup_when_mfa_is_required() {
    let emu = Emu::start().await;
    let pool = emu.create_pool(json!({ "MfaConfiguration": "ON" })).await;
    let (client, secret) = emu
        .create_client(&pool, json!({ "GenerateSecret": true }))
        .await;
    let client_secret = secret.unwrap();
    emu.create_user(&pool, "bob").await;
    let hash = secret_hash(&client_secret, "bob", &client);
    let (srp_client, challenge) = common::start_srp(&emu, &client, "bob", Some(hash.clone())).await;
    let mut request = common::password_verifier_request(
        &srp_client,
        &pool,
        &client,
        &challenge.body,
        PASSWORD,
        true,
    );
    request["ChallengeResponses"]["SECRET_HASH"] = json!(hash);
    let reply = emu.ok("RespondToAuthChallenge", request).await;
    assert_eq!(reply["ChallengeName"], "MFA_SETUP", "{reply}");
    let can_setup: Vec<String> = serde_json::from_str(
        reply["ChallengeParameters"]["MFAS_CAN_SETUP"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert!(
        can_setup.contains(&"SOFTWARE_TOKEN_MFA".to_owned()),
        "{can_setup:?}"
    );

    // Answering before the authenticator is verified doesn't work.
    let early = answer(
        &emu,
        &client,
        &reply,
        json!({ "USERNAME": "bob", "SECRET_HASH": hash }),
    )
    .await;
    assert_eq!(early.status, StatusCode::BAD_REQUEST);

    let associated = emu
        .ok(
            "AssociateSoftwareToken",
            json!({ "Session": reply["Session"] }),
        )
        .await;
    let totp_secret = associated["SecretCode"].as_str().unwrap().to_owned();
    let now = emu.state.now_secs();
    emu.err(
        "VerifySoftwareToken",
        json!({ "Session": associated["Session"], "UserCode": wrong_code(&totp(&totp_secret, now)) }),
        "EnableSoftwareTokenMFAException",
    )
    .await;
    let verified = emu
        .ok(
            "VerifySoftwareToken",
            json!({ "Session": associated["Session"], "UserCode": totp(&totp_secret, now), "FriendlyDeviceName": "laptop" }),
        )
        .await;
    assert_eq!(verified["Status"], "SUCCESS");
    let setup = json!({ "ChallengeName": "MFA_SETUP", "Session": verified["Session"] });
    let done = answer(
        &emu,
        &client,
        &setup,
        json!({ "USERNAME": "bob", "SECRET_HASH": hash }),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let access = done.body["AuthenticationResult"]["AccessToken"].clone();
    let user = emu.ok("GetUser", json!({ "AccessToken": access })).await;
    assert_eq!(user["UserMFASettingList"], json!(["SOFTWARE_TOKEN_MFA"]));
    assert_eq!(user["PreferredMfaSetting"], "SOFTWARE_TOKEN_MFA");

    // From now on, sign-in asks for the TOTP code.
    let (srp_client, challenge) = common::start_srp(&emu, &client, "bob", Some(hash.clone())).await;
    let mut request = common::password_verifier_request(
        &srp_client,
        &pool,
        &client,
        &challenge.body,
        PASSWORD,
        true,
    );
    request["ChallengeResponses"]["SECRET_HASH"] = json!(hash);
    let reply = emu.ok("RespondToAuthChallenge", request).await;
    assert_eq!(reply["ChallengeName"], "SOFTWARE_TOKEN_MFA", "{reply}");
}

#[tokio::test]
async fn email_otp_and_pool_mfa_config() {
    let emu = Emu::start().await;
    let (pool, client) = mfa_pool(&emu, "OPTIONAL").await;
    let config = emu
        .ok(
            "SetUserPoolMfaConfig",
            json!({ "UserPoolId": pool, "MfaConfiguration": "OPTIONAL",
                    "SoftwareTokenMfaConfiguration": { "Enabled": true },
                    "EmailMfaConfiguration": { "Message": "code {####}", "Subject": "code" } }),
        )
        .await;
    assert_eq!(config["MfaConfiguration"], "OPTIONAL");
    assert!(config.get("SmsMfaConfiguration").is_none());
    let described = emu
        .ok("DescribeUserPool", json!({ "UserPoolId": pool }))
        .await;
    assert_eq!(
        described["UserPool"]["EnabledMfas"],
        json!(["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"])
    );
    emu.ok(
        "AdminSetUserMFAPreference",
        json!({ "UserPoolId": pool, "Username": "alice", "EmailMfaSettings": { "Enabled": true, "PreferredMfa": true } }),
    )
    .await;
    let reply = srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await;
    assert_eq!(reply.body["ChallengeName"], "EMAIL_OTP", "{}", reply.body);
    assert_eq!(
        reply.body["ChallengeParameters"],
        json!({ "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL", "CODE_DELIVERY_DESTINATION": "a***@e***" })
    );
    let code = emu.last_code(&pool, "alice", "EMAIL_OTP").await;
    let done = answer(
        &emu,
        &client,
        &reply.body,
        json!({ "USERNAME": "alice", "EMAIL_OTP_CODE": code }),
    )
    .await;
    assert!(
        done.body["AuthenticationResult"].is_object(),
        "{}",
        done.body
    );
    let access = done.body["AuthenticationResult"]["AccessToken"].clone();
    let user = emu.ok("GetUser", json!({ "AccessToken": access })).await;
    assert_eq!(user["UserMFASettingList"], json!(["EMAIL_OTP"]));
    assert_eq!(user["PreferredMfaSetting"], "EMAIL_OTP");

    // SMS is off for the pool now: turning it on for the user changes nothing at sign-in.
    emu.ok(
        "SetUserSettings",
        json!({ "AccessToken": access, "MFAOptions": [{ "DeliveryMedium": "SMS", "AttributeName": "phone_number" }] }),
    )
    .await;
    let reply = srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await;
    assert_eq!(reply.body["ChallengeName"], "EMAIL_OTP", "{}", reply.body);
    // MFA ON needs a factor.
    emu.err(
        "SetUserPoolMfaConfig",
        json!({ "UserPoolId": pool, "MfaConfiguration": "ON" }),
        "InvalidParameterException",
    )
    .await;
}

#[tokio::test]
async fn mfa_setup_by_email() {
    let emu = Emu::start().await;
    let pool = emu.create_pool(json!({ "MfaConfiguration": "ON" })).await;
    emu.ok(
        "SetUserPoolMfaConfig",
        json!({ "UserPoolId": pool, "MfaConfiguration": "ON",
                "SoftwareTokenMfaConfiguration": { "Enabled": true },
                "EmailMfaConfiguration": { "Message": "code {####}", "Subject": "code" } }),
    )
    .await;
    let (client, _) = emu.create_client(&pool, json!({})).await;
    emu.create_user(&pool, "eve").await;
    let reply = srp_sign_in(&emu, &pool, &client, "eve", PASSWORD).await;
    assert_eq!(reply.body["ChallengeName"], "MFA_SETUP", "{}", reply.body);
    let can_setup: Vec<String> = serde_json::from_str(
        reply.body["ChallengeParameters"]["MFAS_CAN_SETUP"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(can_setup, ["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"]);
    let otp = answer(
        &emu,
        &client,
        &reply.body,
        json!({ "USERNAME": "eve", "EMAIL": "eve@example.net" }),
    )
    .await;
    assert_eq!(otp.body["ChallengeName"], "EMAIL_OTP", "{}", otp.body);
    assert_eq!(
        otp.body["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"],
        "e***@e***"
    );
    let inbox = emu.inbox(&pool, "eve").await;
    assert_eq!(inbox.last().unwrap()["destination"], "eve@example.net");
    let code = inbox.last().unwrap()["code"].as_str().unwrap().to_owned();
    let done = answer(
        &emu,
        &client,
        &otp.body,
        json!({ "USERNAME": "eve", "EMAIL_OTP_CODE": code }),
    )
    .await;
    let access = done.body["AuthenticationResult"]["AccessToken"].clone();
    assert!(access.is_string(), "{}", done.body);
    let user = emu.ok("GetUser", json!({ "AccessToken": access })).await;
    assert_eq!(user["UserMFASettingList"], json!(["EMAIL_OTP"]));
    assert!(
        user["UserAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!({ "Name": "email_verified", "Value": "true" }))
    );
    // The next sign-in asks for an e-mailed code.
    let reply = srp_sign_in(&emu, &pool, &client, "eve", PASSWORD).await;
    assert_eq!(reply.body["ChallengeName"], "EMAIL_OTP", "{}", reply.body);
}
