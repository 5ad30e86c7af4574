//! Sign-in: USER_SRP_AUTH → PASSWORD_VERIFIER with a real SRP client, USER_PASSWORD_AUTH, secrets,
//! user-existence errors and NEW_PASSWORD_REQUIRED.

mod common;

use common::{
    Emu, PASSWORD, claims, now_secs, password_verifier_request, secret_hash, srp_sign_in,
    start_srp, verify_with_jwks,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn srp_sign_in_returns_tokens_signed_by_the_pool_keys() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let (_, challenge) = start_srp(&emu, &client, "alice", None).await;
    assert_eq!(challenge.status, StatusCode::OK, "{}", challenge.body);
    assert_eq!(challenge.body["ChallengeName"], "PASSWORD_VERIFIER");
    let params = &challenge.body["ChallengeParameters"];
    assert_eq!(params["USER_ID_FOR_SRP"], "alice");
    assert_eq!(params["USERNAME"], "alice");
    let block = params["SECRET_BLOCK"].as_str().unwrap();
    assert!(block.len() > 400, "secret block is {} chars", block.len());

    let reply = srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let result = &reply.body["AuthenticationResult"];
    assert_eq!(result["TokenType"], "Bearer");
    assert_eq!(result["ExpiresIn"], 3600);
    let refresh = result["RefreshToken"].as_str().unwrap();
    assert!(refresh.starts_with("eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ."));
    assert_eq!(refresh.split('.').count(), 5);

    let jwks = emu.jwks(&pool).await;
    let (id_header, id) = verify_with_jwks(result["IdToken"].as_str().unwrap(), &jwks).unwrap();
    let (access_header, access) =
        verify_with_jwks(result["AccessToken"].as_str().unwrap(), &jwks).unwrap();
    assert_ne!(
        id_header["kid"], access_header["kid"],
        "ID and access tokens use different keys"
    );

    let issuer = format!("https://cognito-idp.us-east-1.amazonaws.com/{pool}");
    let now = now_secs();
    let sub = id["sub"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(sub).is_ok());
    assert_eq!(id["iss"], issuer.as_str());
    assert_eq!(id["aud"], client.as_str());
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["cognito:username"], "alice");
    assert_eq!(id["email"], "alice@example.com");
    assert_eq!(
        id["email_verified"], true,
        "email_verified is a JSON boolean"
    );
    assert_eq!(id["custom:team"], "blue");
    let iat = id["iat"].as_i64().unwrap();
    assert!((iat - now).abs() < 60);
    assert_eq!(id["exp"].as_i64().unwrap(), iat + 3600);
    assert_eq!(id["auth_time"].as_i64().unwrap(), iat);
    for claim in ["jti", "origin_jti", "event_id"] {
        assert!(id[claim].is_string(), "ID token lacks {claim}");
        assert!(access[claim].is_string(), "access token lacks {claim}");
    }
    assert_eq!(id["origin_jti"], access["origin_jti"]);
    assert_ne!(id["jti"], access["jti"]);

    assert_eq!(access["sub"], sub);
    assert_eq!(access["iss"], issuer.as_str());
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(access["client_id"], client.as_str());
    assert_eq!(access["username"], "alice");
    assert!(access.get("aud").is_none(), "access tokens have no aud");

    // The access token works for GetUser.
    let user = emu
        .ok("GetUser", json!({ "AccessToken": result["AccessToken"] }))
        .await;
    assert_eq!(user["Username"], "alice");
    assert!(
        user["UserAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["Name"] == "sub" && a["Value"] == sub)
    );
}

#[tokio::test]
async fn wrong_password_is_refused() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let reply = srp_sign_in(&emu, &pool, &client, "alice", "Wrong-Horse1").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_type(), "NotAuthorizedException");
    assert_eq!(reply.message(), "Incorrect username or password.");
}

#[tokio::test]
async fn password_verifier_is_single_use() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let (srp_client, challenge) = start_srp(&emu, &client, "alice", None).await;
    let request =
        password_verifier_request(&srp_client, &pool, &client, &challenge.body, PASSWORD, true);
    let first = emu.call("RespondToAuthChallenge", request.clone()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let replay = emu
        .err("RespondToAuthChallenge", request, "NotAuthorizedException")
        .await;
    assert!(replay.contains("Invalid session"), "{replay}");

    // A failed attempt uses the handshake up too: the right proof afterwards is refused.
    let (srp_client, challenge) = start_srp(&emu, &client, "alice", None).await;
    let wrong = password_verifier_request(
        &srp_client,
        &pool,
        &client,
        &challenge.body,
        "Wrong-Horse1",
        true,
    );
    emu.err("RespondToAuthChallenge", wrong, "NotAuthorizedException")
        .await;
    let right =
        password_verifier_request(&srp_client, &pool, &client, &challenge.body, PASSWORD, true);
    let message = emu
        .err("RespondToAuthChallenge", right, "NotAuthorizedException")
        .await;
    assert!(message.contains("Invalid session"), "{message}");
}

/// The proof is checked outside the store lock; the handshake must still be taken exactly once when the
/// same answer arrives many times at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_replays_of_one_answer_sign_in_once() {
    let emu = std::sync::Arc::new(Emu::start().await);
    let (pool, client) = emu.setup().await;
    let (srp_client, challenge) = start_srp(&emu, &client, "alice", None).await;
    let request =
        password_verifier_request(&srp_client, &pool, &client, &challenge.body, PASSWORD, true);
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let (emu, request) = (emu.clone(), request.clone());
            tokio::spawn(async move { emu.call("RespondToAuthChallenge", request).await })
        })
        .collect();
    let mut signed_in = 0;
    for call in calls {
        let reply = call.await.unwrap();
        if reply.status == StatusCode::OK {
            assert!(reply.body["AuthenticationResult"]["AccessToken"].is_string());
            signed_in += 1;
        } else {
            assert_eq!(
                reply.error_type(),
                "NotAuthorizedException",
                "{}",
                reply.body
            );
            assert!(
                reply.message().contains("Invalid session"),
                "{}",
                reply.body
            );
        }
    }
    assert_eq!(signed_in, 1);
}

#[tokio::test]
async fn password_verifier_without_session_works_but_a_wrong_session_does_not() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let (srp_client, challenge) = start_srp(&emu, &client, "alice", None).await;
    let request = password_verifier_request(
        &srp_client,
        &pool,
        &client,
        &challenge.body,
        PASSWORD,
        false,
    );
    assert!(request.get("Session").is_none());
    let reply = emu.call("RespondToAuthChallenge", request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body["AuthenticationResult"]["AccessToken"].is_string());

    let (srp_client, challenge) = start_srp(&emu, &client, "alice", None).await;
    let mut request =
        password_verifier_request(&srp_client, &pool, &client, &challenge.body, PASSWORD, true);
    request["Session"] = json!("not-the-session-of-this-challenge");
    emu.err("RespondToAuthChallenge", request, "NotAuthorizedException")
        .await;
}

#[tokio::test]
async fn expired_handshake_is_refused() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let (srp_client, challenge) = start_srp(&emu, &client, "alice", None).await;
    emu.state.advance_clock(3 * 60 + 1);
    let request =
        password_verifier_request(&srp_client, &pool, &client, &challenge.body, PASSWORD, true);
    let message = emu
        .err("RespondToAuthChallenge", request, "NotAuthorizedException")
        .await;
    assert!(message.contains("Invalid session"), "{message}");
}

#[tokio::test]
async fn timestamp_must_be_in_cognito_format() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let (srp_client, challenge) = start_srp(&emu, &client, "alice", None).await;
    let params = &challenge.body["ChallengeParameters"];
    // A zero-padded day, correctly signed: the client is wrong, and should hear so.
    let timestamp = "Thu Feb 01 13:05:07 UTC 2024";
    let signature = srp_client
        .password_claim(
            cognito_wasm::srp::pool_name(&pool).unwrap(),
            "alice",
            PASSWORD,
            params["SRP_B"].as_str().unwrap(),
            params["SALT"].as_str().unwrap(),
            params["SECRET_BLOCK"].as_str().unwrap(),
            timestamp,
        )
        .unwrap();
    let request = json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "ClientId": client,
        "ChallengeResponses": {
            "USERNAME": "alice",
            "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
            "PASSWORD_CLAIM_SIGNATURE": signature,
            "TIMESTAMP": timestamp,
        },
    });
    emu.err("RespondToAuthChallenge", request, "NotAuthorizedException")
        .await;
}

#[tokio::test]
async fn hostile_srp_a_is_refused() {
    let emu = Emu::start().await;
    let (_, client) = emu.setup().await;
    for srp_a in ["0", "zz"] {
        let reply = emu
            .call(
                "InitiateAuth",
                json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": { "USERNAME": "alice", "SRP_A": srp_a } }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{srp_a}");
    }
    let message = emu
        .err(
            "InitiateAuth",
            json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": client, "AuthParameters": { "USERNAME": "alice" } }),
            "InvalidParameterException",
        )
        .await;
    assert_eq!(message, "Missing required parameter SRP_A");
}

#[tokio::test]
async fn unknown_client_and_disabled_flow() {
    let emu = Emu::start().await;
    let pool = emu.create_pool(json!({})).await;
    let message = emu
        .err(
            "InitiateAuth",
            json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": "nosuchclient", "AuthParameters": { "USERNAME": "a", "SRP_A": "2" } }),
            "ResourceNotFoundException",
        )
        .await;
    assert_eq!(message, "User pool client nosuchclient does not exist.");
    let (client, _) = emu
        .create_client(
            &pool,
            json!({ "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"] }),
        )
        .await;
    let (_, reply) = start_srp(&emu, &client, "alice", None).await;
    assert_eq!(reply.error_type(), "InvalidParameterException");
    assert!(
        reply.message().contains("USER_SRP_AUTH"),
        "{}",
        reply.message()
    );
    emu.err(
        "InitiateAuth",
        json!({ "AuthFlow": "CUSTOM_AUTH", "ClientId": client, "AuthParameters": { "USERNAME": "a" } }),
        "InvalidParameterException",
    )
    .await;
    emu.err(
        "InitiateAuth",
        json!({ "AuthFlow": "MAGIC", "ClientId": client }),
        "InvalidParameterException",
    )
    .await;
}

#[tokio::test]
async fn secret_clients_need_the_right_secret_hash() {
    let emu = Emu::start().await;
    let pool = emu.create_pool(json!({})).await;
    let (client, secret) = emu
        .create_client(&pool, json!({ "GenerateSecret": true }))
        .await;
    let secret = secret.unwrap();
    emu.create_user(&pool, "alice").await;

    let (_, reply) = start_srp(&emu, &client, "alice", None).await;
    assert_eq!(reply.error_type(), "NotAuthorizedException");
    assert_eq!(
        reply.message(),
        format!("Client {client} is configured with secret but SECRET_HASH was not received")
    );

    let (_, reply) = start_srp(
        &emu,
        &client,
        "alice",
        Some(secret_hash("wrong-secret", "alice", &client)),
    )
    .await;
    assert_eq!(reply.error_type(), "NotAuthorizedException");
    assert_eq!(
        reply.message(),
        format!("Unable to verify secret hash for client {client}")
    );

    let (srp_client, challenge) = start_srp(
        &emu,
        &client,
        "alice",
        Some(secret_hash(&secret, "alice", &client)),
    )
    .await;
    assert_eq!(challenge.status, StatusCode::OK, "{}", challenge.body);
    // The answer needs one too.
    let request =
        password_verifier_request(&srp_client, &pool, &client, &challenge.body, PASSWORD, true);
    emu.err("RespondToAuthChallenge", request, "NotAuthorizedException")
        .await;

    let (srp_client, challenge) = start_srp(
        &emu,
        &client,
        "alice",
        Some(secret_hash(&secret, "alice", &client)),
    )
    .await;
    let mut request =
        password_verifier_request(&srp_client, &pool, &client, &challenge.body, PASSWORD, true);
    request["ChallengeResponses"]["SECRET_HASH"] = json!(secret_hash(&secret, "alice", &client));
    let reply = emu.call("RespondToAuthChallenge", request).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body["AuthenticationResult"]["IdToken"].is_string());
}

#[tokio::test]
async fn user_password_auth_follows_explicit_auth_flows() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let password_auth = |client: &str, password: &str| {
        json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": client,
            "AuthParameters": { "USERNAME": "alice", "PASSWORD": password },
        })
    };
    let reply = emu
        .ok("InitiateAuth", password_auth(&client, PASSWORD))
        .await;
    let access = reply["AuthenticationResult"]["AccessToken"]
        .as_str()
        .unwrap();
    assert_eq!(claims(access)["username"], "alice");
    let message = emu
        .err(
            "InitiateAuth",
            password_auth(&client, "Wrong-Horse1"),
            "NotAuthorizedException",
        )
        .await;
    assert_eq!(message, "Incorrect username or password.");

    let (srp_only, _) = emu
        .create_client(
            &pool,
            json!({ "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }),
        )
        .await;
    let message = emu
        .err(
            "InitiateAuth",
            password_auth(&srp_only, PASSWORD),
            "InvalidParameterException",
        )
        .await;
    assert_eq!(
        message,
        "USER_PASSWORD_AUTH flow not enabled for this client"
    );
    // Cognito's default flows do not include it either.
    let (default_client, _) = emu.create_client(&pool, json!({})).await;
    emu.err(
        "InitiateAuth",
        password_auth(&default_client, PASSWORD),
        "InvalidParameterException",
    )
    .await;
    // Legacy flag spelling.
    let (legacy, _) = emu
        .create_client(
            &pool,
            json!({ "ExplicitAuthFlows": ["USER_PASSWORD_AUTH"] }),
        )
        .await;
    emu.ok("InitiateAuth", password_auth(&legacy, PASSWORD))
        .await;
}

async fn unknown_user_reply(emu: &Emu, pool: &str, client: &str) -> (Value, common::Reply) {
    let (srp_client, challenge) = start_srp(emu, client, "nobody", None).await;
    let body = challenge.body.clone();
    if challenge.status != StatusCode::OK {
        return (body, challenge);
    }
    let request =
        password_verifier_request(&srp_client, pool, client, &challenge.body, PASSWORD, true);
    (body, emu.call("RespondToAuthChallenge", request).await)
}

#[tokio::test]
async fn unknown_users_with_and_without_existence_error_prevention() {
    let emu = Emu::start().await;
    let pool = emu.create_pool(json!({})).await;
    let (enabled, _) = emu.create_client(&pool, json!({})).await;
    let (legacy, _) = emu
        .create_client(&pool, json!({ "PreventUserExistenceErrors": "LEGACY" }))
        .await;

    // ENABLED: a normal-looking challenge, then the same failure as a wrong password.
    let (challenge, reply) = unknown_user_reply(&emu, &pool, &enabled).await;
    assert_eq!(
        challenge["ChallengeName"], "PASSWORD_VERIFIER",
        "{challenge}"
    );
    let salt = challenge["ChallengeParameters"]["SALT"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(reply.error_type(), "NotAuthorizedException");
    assert_eq!(reply.message(), "Incorrect username or password.");
    // The decoy salt is stable, like a real user's.
    let (again, _) = unknown_user_reply(&emu, &pool, &enabled).await;
    assert_eq!(again["ChallengeParameters"]["SALT"], salt.as_str());

    // LEGACY: the user is reported missing straight away.
    let (_, reply) = unknown_user_reply(&emu, &pool, &legacy).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_type(), "UserNotFoundException");
    assert_eq!(reply.message(), "User does not exist.");
}

/// In a case-insensitive pool a known user's challenge names it as created, however the caller spelt it;
/// an unknown name typed in capitals must not come back in capitals, or the spelling tells them apart.
#[tokio::test]
async fn unknown_and_known_users_answer_alike_whatever_the_spelling() {
    let emu = Emu::start().await;
    let pool = emu
        .create_pool(json!({ "UsernameConfiguration": { "CaseSensitive": false } }))
        .await;
    let (client, _) = emu.create_client(&pool, json!({})).await;
    emu.create_user(&pool, "alice").await;
    let names = |reply: &common::Reply| {
        let params = &reply.body["ChallengeParameters"];
        (
            params["USERNAME"].as_str().unwrap_or_default().to_owned(),
            params["USER_ID_FOR_SRP"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    };
    let (_, known) = start_srp(&emu, &client, "ALICE", None).await;
    let (_, unknown) = start_srp(&emu, &client, "NOBODY", None).await;
    assert_eq!(known.status, StatusCode::OK, "{}", known.body);
    assert_eq!(unknown.status, StatusCode::OK, "{}", unknown.body);
    assert_eq!(names(&known), ("alice".to_owned(), "alice".to_owned()));
    assert_eq!(names(&unknown), ("nobody".to_owned(), "nobody".to_owned()));
}

#[tokio::test]
async fn new_password_required_after_admin_create_user() {
    let emu = Emu::start().await;
    let pool = emu.create_pool(json!({})).await;
    let (client, _) = emu.create_client(&pool, json!({})).await;
    emu.ok(
        "AdminCreateUser",
        json!({
            "UserPoolId": pool,
            "Username": "frank",
            "TemporaryPassword": "Temp-Passw0rd!",
            "UserAttributes": [{"Name": "email", "Value": "frank@example.com"}],
        }),
    )
    .await;
    let reply = srp_sign_in(&emu, &pool, &client, "frank", "Temp-Passw0rd!").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    let params = &reply.body["ChallengeParameters"];
    assert_eq!(params["requiredAttributes"], "[]");
    let attributes: Value =
        serde_json::from_str(params["userAttributes"].as_str().unwrap()).unwrap();
    assert_eq!(attributes["email"], "frank@example.com");
    let session = reply.body["Session"].as_str().unwrap().to_owned();

    let answer = |password: &str| {
        json!({
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "ClientId": client,
            "Session": session,
            "ChallengeResponses": { "USERNAME": "frank", "NEW_PASSWORD": password, "userAttributes.given_name": "Frank" },
        })
    };
    // A weak new password is refused and the session stays usable.
    emu.err(
        "RespondToAuthChallenge",
        answer("weak"),
        "InvalidPasswordException",
    )
    .await;
    let done = emu
        .ok("RespondToAuthChallenge", answer("Brand-New-Passw0rd"))
        .await;
    let id = claims(done["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert_eq!(id["given_name"], "Frank");
    let user = emu
        .ok(
            "AdminGetUser",
            json!({ "UserPoolId": pool, "Username": "frank" }),
        )
        .await;
    assert_eq!(user["UserStatus"], "CONFIRMED");
    // The session is used up, the old password gone, the new one works.
    emu.err(
        "RespondToAuthChallenge",
        answer("Another-Passw0rd"),
        "NotAuthorizedException",
    )
    .await;
    let old = srp_sign_in(&emu, &pool, &client, "frank", "Temp-Passw0rd!").await;
    assert_eq!(old.error_type(), "NotAuthorizedException");
    let new = srp_sign_in(&emu, &pool, &client, "frank", "Brand-New-Passw0rd").await;
    assert!(
        new.body["AuthenticationResult"]["AccessToken"].is_string(),
        "{}",
        new.body
    );
}

#[tokio::test]
async fn unconfirmed_and_disabled_users_are_refused_after_the_password_check() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    emu.ok(
        "AdminDisableUser",
        json!({ "UserPoolId": pool, "Username": "alice" }),
    )
    .await;
    let reply = srp_sign_in(&emu, &pool, &client, "alice", PASSWORD).await;
    assert_eq!(reply.error_type(), "NotAuthorizedException");
    assert_eq!(reply.message(), "User is disabled.");
    emu.ok(
        "AdminEnableUser",
        json!({ "UserPoolId": pool, "Username": "alice" }),
    )
    .await;

    // UNCONFIRMED users come from seed files here (there is no SignUp yet).
    let seed: cognito_emulator::seed::Seed = serde_json::from_value(json!({
        "pools": [{
            "id": "us-east-1_Unconf1",
            "name": "unconfirmed",
            "clients": [{ "id": "unconfclient", "name": "c" }],
            "users": [{ "username": "gina", "password": PASSWORD, "status": "UNCONFIRMED" }]
        }]
    }))
    .unwrap();
    cognito_emulator::seed::load(&emu.state, &seed).unwrap();
    let wrong = srp_sign_in(
        &emu,
        "us-east-1_Unconf1",
        "unconfclient",
        "gina",
        "Wrong-Horse1",
    )
    .await;
    assert_eq!(wrong.error_type(), "NotAuthorizedException");
    let right = srp_sign_in(&emu, "us-east-1_Unconf1", "unconfclient", "gina", PASSWORD).await;
    assert_eq!(right.error_type(), "UserNotConfirmedException");
    assert_eq!(right.message(), "User is not confirmed.");
    emu.ok(
        "AdminConfirmSignUp",
        json!({ "UserPoolId": "us-east-1_Unconf1", "Username": "gina" }),
    )
    .await;
    let confirmed = srp_sign_in(&emu, "us-east-1_Unconf1", "unconfclient", "gina", PASSWORD).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
}

#[tokio::test]
async fn email_pools_sign_in_by_email_with_the_sub_as_srp_identity() {
    let emu = Emu::start().await;
    let pool = emu
        .create_pool(json!({ "UsernameAttributes": ["email"] }))
        .await;
    let (client, secret) = emu
        .create_client(&pool, json!({ "GenerateSecret": true }))
        .await;
    let secret = secret.unwrap();
    let created = emu
        .ok(
            "AdminCreateUser",
            json!({ "UserPoolId": pool, "Username": "hana@example.com" }),
        )
        .await;
    let internal = created["User"]["Username"].as_str().unwrap().to_owned();
    emu.ok(
        "AdminSetUserPassword",
        json!({ "UserPoolId": pool, "Username": "hana@example.com", "Password": PASSWORD, "Permanent": true }),
    )
    .await;
    // InitiateAuth hashes the name typed; the answer hashes the internal username, as the SDKs do.
    let (srp_client, challenge) = start_srp(
        &emu,
        &client,
        "HANA@example.com",
        Some(secret_hash(&secret, "HANA@example.com", &client)),
    )
    .await;
    assert_eq!(challenge.status, StatusCode::OK, "{}", challenge.body);
    assert_eq!(
        challenge.body["ChallengeParameters"]["USER_ID_FOR_SRP"],
        internal.as_str()
    );
    let mut request =
        password_verifier_request(&srp_client, &pool, &client, &challenge.body, PASSWORD, true);
    request["ChallengeResponses"]["SECRET_HASH"] = json!(secret_hash(&secret, &internal, &client));
    let reply = emu.ok("RespondToAuthChallenge", request).await;
    let id = claims(reply["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert_eq!(id["cognito:username"], internal.as_str());
    assert_eq!(id["sub"], internal.as_str());
    assert_eq!(id["email"], "hana@example.com");
}
