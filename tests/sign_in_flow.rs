//! The sign-in, refresh and sign-out flows fed recorded Cognito replies: the vectors' PASSWORD_VERIFIER
//! challenges (whose right answers are known), token results, errors and malformed replies.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_wasm::clock::Now;
use cognito_wasm::flows::sign_in::{Method, NextStep, Progress, SignIn, SignInInput};
use cognito_wasm::flows::{refresh, sign_out};
use cognito_wasm::protocol::{Operation, RawResponse, Request, parse_response};
use cognito_wasm::secret::{ClientSecret, Password, RefreshToken};
use cognito_wasm::srp::client::SrpClient;
use cognito_wasm::{ClientConfig, srp};
use common::reply;
use serde_json::{Value, json};

fn vectors() -> Value {
    serde_json::from_str(include_str!("vectors/srp-vectors.json")).unwrap()
}

fn hex_bytes(digits: &str) -> Vec<u8> {
    let padded = if digits.len() % 2 == 1 {
        format!("0{digits}")
    } else {
        digits.to_owned()
    };
    (0..padded.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&padded[i..i + 2], 16).unwrap())
        .collect()
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

fn tokens(iat: i64, username: &str, refresh: Option<&str>) -> Value {
    json!({"AuthenticationResult": {
        "IdToken": token(json!({"iat": iat, "exp": iat + 3600, "cognito:username": username, "token_use": "id"})),
        "AccessToken": token(json!({"iat": iat, "exp": iat + 3600, "username": username, "token_use": "access"})),
        "RefreshToken": refresh, "ExpiresIn": 3600, "TokenType": "Bearer"}})
}

fn unix(rfc3339: &str) -> i64 {
    // All vector times are in 2018–2024; count days from 1970 the simple way.
    let n = |r: std::ops::Range<usize>| rfc3339[r].parse::<i64>().unwrap();
    let (year, month, day) = (n(0..4), n(5..7), n(8..10));
    let days_before_month =
        [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334][(month - 1) as usize];
    let leap = i64::from(month > 2 && year % 4 == 0);
    let days = (1970..year)
        .map(|y| if y % 4 == 0 { 366 } else { 365 })
        .sum::<i64>()
        + days_before_month
        + leap
        + day
        - 1;
    days * 86_400 + n(11..13) * 3600 + n(14..16) * 60 + n(17..19)
}

fn input(username: &str, password: &str) -> SignInInput {
    SignInInput {
        username: username.into(),
        password: Password::new(password),
        client_metadata: None,
        device: None,
        device_name: "test device".into(),
    }
}

#[test]
fn srp_sign_in_sends_exactly_what_the_reference_client_sends() {
    let vectors = vectors();
    let cases = vectors["user_srp"].as_array().unwrap();
    assert!(!cases.is_empty());
    for (case_index, case) in cases.iter().enumerate() {
        let (inputs, expected) = (&case["inputs"], &case["expected"]);
        let config =
            ClientConfig::new(inputs["pool_id"].as_str().unwrap(), "client123", None, None)
                .unwrap();
        let srp = SrpClient::from_secret(&hex_bytes(inputs["a_hex"].as_str().unwrap())).unwrap();
        let (mut flow, first) = SignIn::start(
            &config,
            input(
                inputs["username_input"].as_str().unwrap(),
                inputs["password"].as_str().unwrap(),
            ),
            Method::Srp(srp),
        )
        .unwrap();
        assert_eq!(first.operation, Operation::InitiateAuth);
        let first = body(&first);
        assert_eq!(first["AuthFlow"], "USER_SRP_AUTH");
        assert_eq!(first["ClientId"], "client123");
        assert_eq!(
            first["AuthParameters"], expected["initiate_auth_AuthParameters"],
            "{}",
            case["id"]
        );

        let challenge = reply(json!({
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeParameters": case["server_challenge"],
            "Session": "session-token-from-cognito-0123456789",
        }));
        let now = unix(inputs["now_utc"].as_str().unwrap());
        // The device clock is three hours off (ahead or behind): the claim must still be signed with the
        // server's time, as the vector was.
        let skew = if case_index % 2 == 0 { 10_800 } else { -10_800 };
        let Progress::Send(second) = flow
            .on_response(&config, &challenge, Now::with_offset(now + skew, -skew))
            .unwrap()
        else {
            panic!("PASSWORD_VERIFIER must be answered")
        };
        assert_eq!(second.operation, Operation::RespondToAuthChallenge);
        let second = body(&second);
        assert_eq!(second["ChallengeName"], "PASSWORD_VERIFIER");
        assert_eq!(second["Session"], "session-token-from-cognito-0123456789");
        assert_eq!(
            second["ChallengeResponses"], expected["password_verifier_ChallengeResponses"],
            "{}",
            case["id"]
        );

        let user = case["server_challenge"]["USER_ID_FOR_SRP"]
            .as_str()
            .unwrap();
        let Progress::SignedIn(session) = flow
            .on_response(
                &config,
                &reply(tokens(now, user, Some("r1"))),
                Now::with_offset(now + skew, -skew),
            )
            .unwrap()
        else {
            panic!("tokens must finish the sign-in")
        };
        assert_eq!(session.username(), user);
        assert_eq!(
            session.clock_drift(),
            skew,
            "drift is measured by the device clock"
        );
        assert_eq!(
            session.refresh_token().map(RefreshToken::expose),
            Some("r1")
        );
        // Nothing may follow a finished sign-in.
        assert!(
            flow.on_response(
                &config,
                &reply(tokens(now, user, None)),
                Now::trusting_device(now)
            )
            .is_err()
        );
    }
}

#[test]
fn secret_hash_is_sent_on_both_requests() {
    let config = ClientConfig::new(
        "us-east-1_Pool1",
        "clientid",
        Some(ClientSecret::new("s3cr3t")),
        None,
    )
    .unwrap();
    let srp = SrpClient::from_secret(&[9; 128]).unwrap();
    let (mut flow, first) =
        SignIn::start(&config, input("Alice@Example.com", "pw"), Method::Srp(srp)).unwrap();
    assert_eq!(
        body(&first)["AuthParameters"]["SECRET_HASH"],
        srp::secret_hash("s3cr3t", "Alice@Example.com", "clientid")
    );
    let verifier = srp::server::PasswordVerifier::new("Pool1", "uuid-1", "pw", &[1; 16]);
    let server = srp::server::ServerHandshake::new(
        &verifier,
        body(&first)["AuthParameters"]["SRP_A"].as_str().unwrap(),
        &[2; 32],
    )
    .unwrap();
    let challenge = reply(
        json!({"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": {
        "USER_ID_FOR_SRP": "uuid-1", "USERNAME": "uuid-1", "SALT": verifier.salt_hex, "SRP_B": server.srp_b_hex(),
        "SECRET_BLOCK": "QUJD"}}),
    );
    let Progress::Send(second) = flow
        .on_response(&config, &challenge, Now::trusting_device(1_700_000_000))
        .unwrap()
    else {
        panic!()
    };
    let responses = &body(&second)["ChallengeResponses"];
    // Hashed over the challenge's internal username, not the typed alias.
    assert_eq!(
        responses["SECRET_HASH"],
        srp::secret_hash("s3cr3t", "uuid-1", "clientid")
    );
    assert!(body(&second).get("Session").is_none());
    // And the emulator's server half accepts the proof.
    let ts = responses["TIMESTAMP"].as_str().unwrap();
    assert_eq!(ts, "Tue Nov 14 22:13:20 UTC 2023");
    server
        .verify_claim(
            "Pool1",
            "uuid-1",
            b"ABC",
            ts,
            responses["PASSWORD_CLAIM_SIGNATURE"].as_str().unwrap(),
        )
        .unwrap();
}

#[test]
fn password_flow_is_one_request() {
    let config = ClientConfig::new("us-east-1_Pool1", "clientid", None, None).unwrap();
    let (mut flow, first) =
        SignIn::start(&config, input("bob", "hunter2"), Method::Password).unwrap();
    let first = body(&first);
    assert_eq!(first["AuthFlow"], "USER_PASSWORD_AUTH");
    assert_eq!(
        first["AuthParameters"],
        json!({"USERNAME": "bob", "PASSWORD": "hunter2"})
    );
    assert!(matches!(
        flow.on_response(
            &config,
            &reply(tokens(100, "bob", Some("r"))),
            Now::trusting_device(100)
        )
        .unwrap(),
        Progress::SignedIn(_)
    ));
}

#[test]
fn challenges_are_never_mistaken_for_success() {
    let config = ClientConfig::new("us-east-1_Pool1", "clientid", None, None).unwrap();
    let (mut flow, _) = SignIn::start(&config, input("bob", "pw"), Method::Password).unwrap();
    let progress = flow
        .on_response(&config, &reply(json!({"ChallengeName": "SOME_NEW_CHALLENGE", "Session": "s", "ChallengeParameters": {"k": "v"}})), Now::trusting_device(0))
        .unwrap();
    let Progress::NextStep(step) = progress else {
        panic!("{progress:?}")
    };
    assert_eq!(
        step,
        NextStep::Unhandled {
            challenge_name: "SOME_NEW_CHALLENGE".into(),
            challenge_parameters: [("k".to_owned(), "v".to_owned())].into()
        }
    );
    assert!(
        !flow.is_waiting_for_answer(),
        "an unknown challenge cannot be answered"
    );

    // PASSWORD_VERIFIER when no SRP was started, an empty reply, and challenges missing parameters.
    let (mut flow, _) = SignIn::start(&config, input("bob", "pw"), Method::Password).unwrap();
    let e = flow
        .on_response(
            &config,
            &reply(json!({"ChallengeName": "PASSWORD_VERIFIER"})),
            Now::trusting_device(0),
        )
        .unwrap_err();
    assert_eq!(e.name(), "InvalidResponseException");
    let (mut flow, _) = SignIn::start(&config, input("bob", "pw"), Method::Password).unwrap();
    assert_eq!(
        flow.on_response(&config, &reply(json!({})), Now::trusting_device(0))
            .unwrap_err()
            .name(),
        "InvalidResponseException"
    );
    for missing in ["USER_ID_FOR_SRP", "SRP_B", "SALT", "SECRET_BLOCK"] {
        let mut parameters =
            json!({"USER_ID_FOR_SRP": "bob", "SRP_B": "2", "SALT": "1f", "SECRET_BLOCK": "QUJD"});
        parameters.as_object_mut().unwrap().remove(missing);
        let srp = SrpClient::from_secret(&[9; 128]).unwrap();
        let (mut flow, _) = SignIn::start(&config, input("bob", "pw"), Method::Srp(srp)).unwrap();
        let e = flow
            .on_response(&config, &reply(json!({"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": parameters})), Now::trusting_device(0))
            .unwrap_err();
        assert_eq!(e.name(), "InvalidResponseException", "{missing}");
    }
    // Hostile SRP values become typed errors.
    let srp = SrpClient::from_secret(&[9; 128]).unwrap();
    let (mut flow, _) = SignIn::start(&config, input("bob", "pw"), Method::Srp(srp)).unwrap();
    let e = flow
        .on_response(
            &config,
            &reply(
                json!({"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters":
            {"USER_ID_FOR_SRP": "bob", "SRP_B": "0", "SALT": "1f", "SECRET_BLOCK": "QUJD"}}),
            ),
            Now::trusting_device(0),
        )
        .unwrap_err();
    assert_eq!(e.name(), "SrpProtocolException");
}

#[test]
fn empty_credentials_are_refused_before_any_request() {
    let config = ClientConfig::new("us-east-1_Pool1", "clientid", None, None).unwrap();
    assert!(SignIn::start(&config, input("", "pw"), Method::Password).is_err());
    assert!(SignIn::start(&config, input("bob", ""), Method::Password).is_err());
}

#[test]
fn refresh_and_sign_out_requests() {
    let config = ClientConfig::new(
        "us-east-1_Pool1",
        "clientid",
        Some(ClientSecret::new("sec")),
        None,
    )
    .unwrap();
    let (mut flow, _) = SignIn::start(&config, input("bob", "pw"), Method::Password).unwrap();
    let Progress::SignedIn(session) = flow
        .on_response(
            &config,
            &reply(tokens(1000, "bob", Some("r1"))),
            Now::trusting_device(1000),
        )
        .unwrap()
    else {
        panic!()
    };
    let request = refresh::request(&config, &session).unwrap();
    assert_eq!(
        body(&request),
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": "clientid",
               "AuthParameters": {"REFRESH_TOKEN": "r1", "SECRET_HASH": srp::secret_hash("sec", "bob", "clientid")}})
    );
    let refreshed = refresh::refreshed(&session, &reply(tokens(2000, "bob", None)), 2000).unwrap();
    assert_eq!(
        refreshed.refresh_token().map(RefreshToken::expose),
        Some("r1")
    );
    assert!(refreshed.expires_at() > session.expires_at());
    let refusal = |body: serde_json::Value| {
        let error = refresh::refreshed(&session, &reply(body), 2000).unwrap_err();
        (error.name().to_owned(), error.message.clone())
    };
    let unreadable = |message: &str| ("InvalidResponseException".to_owned(), message.to_owned());
    assert_eq!(
        refusal(json!({"ChallengeName": "SMS_MFA"})),
        unreadable("refresh answered with challenge SMS_MFA instead of tokens")
    );
    assert_eq!(
        refusal(json!({})),
        unreadable("refresh answered with challenge (none) instead of tokens")
    );
    // The members it reads are checked, the first bad one named; the rest of the reply is not its business.
    let (name, message) =
        refusal(json!({"AuthenticationResult": {"IdToken": 7}, "ChallengeName": 8}));
    assert_eq!(name, "InvalidResponseException");
    assert_eq!(
        message,
        "unreadable refresh reply: IdToken must be a string"
    );
    let (_, message) = refusal(json!({"ChallengeName": 8}));
    assert!(message.contains("ChallengeName"), "{message}");
    let mut with_parameters = tokens(2000, "bob", None);
    with_parameters["ChallengeParameters"] = json!("not an object");
    assert!(refresh::refreshed(&session, &reply(with_parameters), 2000).is_ok());

    let revoke = sign_out::revoke_request(&config, session.refresh_token().unwrap());
    assert_eq!(revoke.operation, Operation::RevokeToken);
    assert_eq!(
        body(&revoke),
        json!({"Token": "r1", "ClientId": "clientid", "ClientSecret": "sec"})
    );
}

#[test]
fn recorded_error_replies() {
    let raw = RawResponse {
        status: 400,
        body: r#"{"__type":"NotAuthorizedException","message":"Incorrect username or password."}"#,
        error_type_header: Some("NotAuthorizedException:"),
    };
    let error = parse_response(&raw).unwrap_err();
    assert_eq!(error.name(), "NotAuthorizedException");
    assert!(!error.retryable);
}

#[test]
fn refresh_with_get_tokens_from_refresh_token_sends_the_raw_secret_and_keeps_a_rotated_token() {
    let mut config = ClientConfig::new(
        "us-east-1_Pool1",
        "clientid",
        Some(ClientSecret::new("sec")),
        None,
    )
    .unwrap();
    config.refresh_method = cognito_wasm::config::RefreshMethod::GetTokensFromRefreshToken;
    let (mut flow, _) = SignIn::start(&config, input("bob", "pw"), Method::Password).unwrap();
    let mut signed_in = tokens(1000, "bob", Some("r1"));
    // Tokens issued to a remembered device name it; refreshes must too.
    signed_in["AuthenticationResult"]["AccessToken"] = json!(token(
        json!({"iat": 1000, "exp": 4600, "username": "bob", "device_key": "us-east-1_dev1"})
    ));
    let Progress::SignedIn(session) = flow
        .on_response(&config, &reply(signed_in), Now::trusting_device(1000))
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(session.device_key(), Some("us-east-1_dev1"));
    let request = refresh::request(&config, &session).unwrap();
    assert_eq!(request.operation, Operation::GetTokensFromRefreshToken);
    assert_eq!(
        body(&request),
        json!({"RefreshToken": "r1", "ClientId": "clientid", "ClientSecret": "sec", "DeviceKey": "us-east-1_dev1"})
    );
    let rotated =
        refresh::refreshed(&session, &reply(tokens(2000, "bob", Some("r2"))), 2000).unwrap();
    assert_eq!(
        rotated.refresh_token().map(RefreshToken::expose),
        Some("r2")
    );

    config.refresh_method = cognito_wasm::config::RefreshMethod::InitiateAuth;
    let classic = body(&refresh::request(&config, &session).unwrap());
    assert_eq!(classic["AuthParameters"]["DEVICE_KEY"], "us-east-1_dev1");
}
