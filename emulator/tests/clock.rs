//! Time as clients see it: the dev clock offset (`/_emulator/clock`) moves the `Date` header, token
//! times and expiry together; PASSWORD_VERIFIER's TIMESTAMP must be near the emulator's clock; token
//! lifetimes can be a few seconds (in seconds units, the seed, or `/_emulator/token-validity`).

mod common;

use cognito_emulator::AppState;
use cognito_wasm::srp;
use cognito_wasm::srp::client::SrpClient;
use common::{
    Emu, PASSWORD, Reply, claims, date_header, now_secs, password_verifier_request_at, start_srp,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// USER_SRP_AUTH answered with TIMESTAMP `at` (epoch seconds).
async fn sign_in_at(emu: &Emu, pool: &str, client: &str, at: i64) -> Reply {
    let (srp_client, challenge) = start_srp(emu, client, "alice", None).await;
    assert_eq!(challenge.status, StatusCode::OK, "{}", challenge.body);
    let request = password_verifier_request_at(
        &srp_client,
        pool,
        client,
        &challenge.body,
        PASSWORD,
        true,
        &srp::timestamp(at),
    );
    emu.call("RespondToAuthChallenge", request).await
}

fn token_times(token: &Value) -> (i64, i64, i64) {
    let claims = claims(token.as_str().unwrap());
    let number = |name: &str| claims[name].as_i64().unwrap();
    (number("iat"), number("exp"), number("auth_time"))
}

#[tokio::test]
async fn clock_offset_moves_date_tokens_and_timestamp_window() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let clock = emu.dev(Method::GET, "/_emulator/clock", None).await;
    assert_eq!(clock.body["offsetSeconds"], 0);
    assert!((clock.body["now"].as_i64().unwrap() - now_secs()).abs() <= 5);

    let ahead = 3 * 3600;
    emu.set_clock_offset(ahead).await;
    let clock = emu.dev(Method::GET, "/_emulator/clock", None).await;
    assert_eq!(clock.body["offsetSeconds"], ahead);
    let emulator_now = clock.body["now"].as_i64().unwrap();
    assert!((emulator_now - (now_secs() + ahead)).abs() <= 5);
    assert_eq!(date_header(&clock.headers), emulator_now);
    assert_eq!(
        httpdate::parse_http_date(clock.body["date"].as_str().unwrap()).unwrap(),
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(emulator_now as u64)
    );

    // Every reply carries the emulator's time: success, Cognito error, 404, preflight.
    let success = emu
        .call("DescribeUserPool", json!({ "UserPoolId": pool }))
        .await;
    let error = emu
        .call(
            "DescribeUserPool",
            json!({ "UserPoolId": "us-east-1_nothere" }),
        )
        .await;
    assert_eq!(error.status, StatusCode::BAD_REQUEST);
    let missing = emu.dev(Method::GET, "/no/such/path", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let preflight = emu
        .http
        .request(Method::OPTIONS, format!("{}/", emu.base))
        .header("origin", "http://localhost:8080")
        .send()
        .await
        .unwrap();
    for (what, headers) in [
        ("success", &success.headers),
        ("error", &error.headers),
        ("404", &missing.headers),
        ("preflight", preflight.headers()),
    ] {
        let date = date_header(headers);
        assert!(
            (date - (now_secs() + ahead)).abs() <= 5,
            "{what}: Date {date} is not the emulator's clock"
        );
    }

    // A client signing with its own (now 3 hours slow) clock is refused …
    let refused = sign_in_at(&emu, &pool, &client, now_secs()).await;
    assert_eq!(
        refused.error_type(),
        "NotAuthorizedException",
        "{}",
        refused.body
    );
    assert_eq!(refused.message(), "Incorrect username or password.");
    // … one that corrects its clock from the Date header signs in, and the tokens are dated by the emulator.
    let reply = sign_in_at(&emu, &pool, &client, date_header(&success.headers)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let result = &reply.body["AuthenticationResult"];
    let (iat, exp, auth_time) = token_times(&result["IdToken"]);
    assert!((iat - (now_secs() + ahead)).abs() <= 5, "iat {iat}");
    assert_eq!(auth_time, iat);
    assert_eq!(exp - iat, 3600);
    let (iat, exp, _) = token_times(&result["AccessToken"]);
    assert!((iat - (now_secs() + ahead)).abs() <= 5, "iat {iat}");
    assert_eq!(exp - iat, 3600);

    // Behind the wall clock, then back to it.
    emu.set_clock_offset(-ahead).await;
    let reply = sign_in_at(&emu, &pool, &client, now_secs() - ahead).await;
    let (iat, _, _) = token_times(&reply.body["AuthenticationResult"]["AccessToken"]);
    assert!((iat - (now_secs() - ahead)).abs() <= 5, "iat {iat}");
    emu.set_clock_offset(0).await;
    let reply = sign_in_at(&emu, &pool, &client, now_secs()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    // Offsets that leave the range of HTTP dates are refused; the clock stays.
    let bad = emu
        .dev(
            Method::PUT,
            "/_emulator/clock",
            Some(json!({ "offsetSeconds": -now_secs() - 10 })),
        )
        .await;
    assert_eq!(bad.error_type(), "InvalidParameterException");
    let bad = emu
        .dev(
            Method::PUT,
            "/_emulator/clock",
            Some(json!({ "offset": 5 })),
        )
        .await;
    assert_eq!(bad.error_type(), "SerializationException");
    let clock = emu.dev(Method::GET, "/_emulator/clock", None).await;
    assert_eq!(clock.body["offsetSeconds"], 0);
}

#[tokio::test]
async fn password_verifier_timestamp_window_and_format() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let now = now_secs();
    for (at, accepted, what) in [
        (now - 4 * 60, true, "4 minutes behind"),
        (now + 4 * 60, true, "4 minutes ahead"),
        (now - 6 * 60, false, "6 minutes behind"),
        (now + 6 * 60, false, "6 minutes ahead"),
        (now - 3 * 3600, false, "3 hours behind"),
    ] {
        let reply = sign_in_at(&emu, &pool, &client, at).await;
        if accepted {
            assert_eq!(reply.status, StatusCode::OK, "{what}: {}", reply.body);
        } else {
            assert_eq!(
                reply.error_type(),
                "NotAuthorizedException",
                "{what}: {}",
                reply.body
            );
            assert_eq!(reply.message(), "Incorrect username or password.", "{what}");
        }
    }

    // Malformed TIMESTAMPs, each correctly signed, are refused like a wrong password.
    let current = srp::timestamp(now_secs());
    let fields: Vec<&str> = current.split(' ').collect();
    let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    let next_weekday = weekdays[(weekdays.iter().position(|d| *d == fields[0]).unwrap() + 1) % 7];
    let malformed = [
        current.replacen(fields[0], next_weekday, 1),
        format!(
            "{} {} {:0>2} {} UTC {}",
            fields[0], fields[1], fields[2], fields[3], fields[5]
        ),
        current.replace("UTC", "GMT"),
        httpdate::fmt_http_date(std::time::SystemTime::now()),
        now_secs().to_string(),
    ];
    for timestamp in malformed {
        // A single-digit day padded with a zero is malformed; a two-digit one is the canonical text.
        let canonical = timestamp == current;
        let srp_client = SrpClient::generate().unwrap();
        let challenge = emu
            .ok(
                "InitiateAuth",
                json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": client,
                        "AuthParameters": { "USERNAME": "alice", "SRP_A": srp_client.srp_a_hex() } }),
            )
            .await;
        let request = password_verifier_request_at(
            &srp_client,
            &pool,
            &client,
            &challenge,
            PASSWORD,
            true,
            &timestamp,
        );
        let reply = emu.call("RespondToAuthChallenge", request).await;
        if canonical {
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "{timestamp:?}: {}",
                reply.body
            );
        } else {
            assert_eq!(
                reply.error_type(),
                "NotAuthorizedException",
                "{timestamp:?}: {}",
                reply.body
            );
        }
    }
}

#[tokio::test]
async fn token_lifetimes_down_to_seconds() {
    let emu = Emu::start().await;
    let pool = emu.create_pool(json!({})).await;
    let (client, _) = emu
        .create_client(
            &pool,
            json!({ "AccessTokenValidity": 5, "IdTokenValidity": 4, "RefreshTokenValidity": 60,
                    "TokenValidityUnits": { "AccessToken": "seconds", "IdToken": "seconds", "RefreshToken": "minutes" } }),
        )
        .await;
    emu.create_user(&pool, "alice").await;
    let described = emu
        .ok(
            "DescribeUserPoolClient",
            json!({ "UserPoolId": pool, "ClientId": client }),
        )
        .await;
    assert_eq!(described["UserPoolClient"]["AccessTokenValidity"], 5);
    assert_eq!(
        described["UserPoolClient"]["TokenValidityUnits"]["AccessToken"],
        "seconds"
    );
    let tokens = emu.tokens(&pool, &client, "alice", PASSWORD).await;
    assert_eq!(tokens["ExpiresIn"], 5);
    let (iat, exp, _) = token_times(&tokens["AccessToken"]);
    assert_eq!(exp - iat, 5);
    let (iat, exp, _) = token_times(&tokens["IdToken"]);
    assert_eq!(exp - iat, 4);
    emu.ok("GetUser", json!({ "AccessToken": tokens["AccessToken"] }))
        .await;
    // Six seconds later (on the emulator's clock) the access token has expired; a refresh still works.
    emu.set_clock_offset(6).await;
    assert_eq!(
        emu.err(
            "GetUser",
            json!({ "AccessToken": tokens["AccessToken"] }),
            "NotAuthorizedException"
        )
        .await,
        "Access Token has expired"
    );
    let refreshed = emu
        .ok(
            "InitiateAuth",
            json!({ "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client,
                    "AuthParameters": { "REFRESH_TOKEN": tokens["RefreshToken"] } }),
        )
        .await;
    let (iat, exp, _) = token_times(&refreshed["AuthenticationResult"]["AccessToken"]);
    assert_eq!(exp - iat, 5);
    emu.set_clock_offset(0).await;

    // Below 3 seconds, or below Cognito's 5 minutes in coarser units, is refused as Cognito would.
    for (validity, unit) in [(2, "seconds"), (4, "minutes")] {
        let reply = emu
            .call(
                "CreateUserPoolClient",
                json!({ "UserPoolId": pool, "ClientName": "short", "AccessTokenValidity": validity,
                        "TokenValidityUnits": { "AccessToken": unit } }),
            )
            .await;
        assert_eq!(
            reply.error_type(),
            "InvalidParameterException",
            "{validity} {unit}"
        );
    }

    // A running test changes the lifetimes of one client in one call; the rest of its settings stay.
    let changed = emu
        .dev(
            Method::PUT,
            &format!("/_emulator/token-validity?clientId={client}"),
            Some(json!({ "accessToken": 7, "idToken": 8 })),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(
        changed.body,
        json!({ "accessToken": 7, "idToken": 8, "refreshToken": 3600 })
    );
    let tokens = emu.tokens(&pool, &client, "alice", PASSWORD).await;
    let (iat, exp, _) = token_times(&tokens["AccessToken"]);
    assert_eq!(exp - iat, 7);
    let (iat, exp, _) = token_times(&tokens["IdToken"]);
    assert_eq!(exp - iat, 8);
    let described = emu
        .ok(
            "DescribeUserPoolClient",
            json!({ "UserPoolId": pool, "ClientId": client }),
        )
        .await;
    let described = &described["UserPoolClient"];
    assert_eq!(described["AccessTokenValidity"], 7);
    assert_eq!(described["IdTokenValidity"], 8);
    assert_eq!(
        described["TokenValidityUnits"],
        json!({ "AccessToken": "seconds", "IdToken": "seconds", "RefreshToken": "minutes" })
    );
    assert_eq!(described["RefreshTokenValidity"], 60);
    for (path, body, error) in [
        (
            format!("/_emulator/token-validity?clientId={client}"),
            json!({ "accessToken": 2 }),
            "InvalidParameterException",
        ),
        (
            format!("/_emulator/token-validity?clientId={client}"),
            json!({ "accessToken": 86_401 }),
            "InvalidParameterException",
        ),
        (
            format!("/_emulator/token-validity?clientId={client}"),
            json!({ "access": 5 }),
            "SerializationException",
        ),
        (
            "/_emulator/token-validity".to_owned(),
            json!({ "accessToken": 5 }),
            "InvalidParameterException",
        ),
        (
            "/_emulator/token-validity?clientId=nosuchclient".to_owned(),
            json!({ "accessToken": 5 }),
            "ResourceNotFoundException",
        ),
    ] {
        let reply = emu.dev(Method::PUT, &path, Some(body.clone())).await;
        assert_eq!(reply.error_type(), error, "{path} {body}: {}", reply.body);
    }
}

#[tokio::test]
async fn seed_lifetimes_in_seconds() {
    let seed = |client: Value| -> cognito_emulator::seed::Seed {
        serde_json::from_value(json!({
            "pools": [{
                "id": "us-east-1_ShortLife1",
                "name": "short",
                "clients": [client],
                "users": [{ "username": "alice", "password": PASSWORD }],
            }],
        }))
        .unwrap()
    };
    let state = AppState::new("us-east-1");
    cognito_emulator::seed::load(
        &state,
        &seed(json!({ "id": "shortlivedclient0000000001", "name": "short",
                      "accessTokenValiditySeconds": 5, "idTokenValiditySeconds": 6,
                      "refreshTokenValidityDays": 1 })),
    )
    .unwrap();
    let emu = Emu::start_with(state).await;
    let tokens = emu
        .tokens(
            "us-east-1_ShortLife1",
            "shortlivedclient0000000001",
            "alice",
            PASSWORD,
        )
        .await;
    let (iat, exp, _) = token_times(&tokens["AccessToken"]);
    assert_eq!(exp - iat, 5);
    let (iat, exp, _) = token_times(&tokens["IdToken"]);
    assert_eq!(exp - iat, 6);

    let both = cognito_emulator::seed::load(
        &AppState::new("us-east-1"),
        &seed(json!({ "name": "short", "accessTokenValidityMinutes": 5, "accessTokenValiditySeconds": 5 })),
    )
    .unwrap_err();
    assert!(both.contains("not both"), "{both}");
    let too_short = cognito_emulator::seed::load(
        &AppState::new("us-east-1"),
        &seed(json!({ "name": "short", "idTokenValiditySeconds": 2 })),
    )
    .unwrap_err();
    assert!(too_short.contains("IdTokenValidity"), "{too_short}");
}
