//! The challenges that can follow the password, fed recorded Cognito replies: what `nextStep` each becomes,
//! what the answer sends, and that a wrong answer can be retried.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_wasm::ClientConfig;
use cognito_wasm::clock::Now;
use cognito_wasm::flows::sign_in::{
    Answer, Method, MfaType, NextStep, Progress, SignIn, SignInInput,
};
use cognito_wasm::protocol::{Operation, Request};
use cognito_wasm::secret::{ClientSecret, Password};
use common::reply;
use serde_json::{Value, json};

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

fn tokens() -> Value {
    json!({"AuthenticationResult": {
        "IdToken": token(json!({"iat": 100, "exp": 3700, "cognito:username": "bob"})),
        "AccessToken": token(json!({"iat": 100, "exp": 3700, "username": "bob"})),
        "RefreshToken": "r", "ExpiresIn": 3600}})
}

/// A password sign-in that got `challenge` back from InitiateAuth.
fn challenged(config: &ClientConfig, challenge: Value) -> (SignIn, Progress) {
    let input = SignInInput {
        username: "bob".into(),
        password: Password::new("pw"),
        client_metadata: None,
        device: None,
        device_name: "test device".into(),
    };
    let (mut flow, _) = SignIn::start(config, input, Method::Password).unwrap();
    let progress = flow
        .on_response(config, &reply(challenge), Now::trusting_device(100))
        .unwrap();
    (flow, progress)
}

fn answer(text: &str) -> Answer {
    Answer {
        response: text.into(),
        ..Answer::default()
    }
}

fn sent(progress: Progress) -> Request {
    match progress {
        Progress::Send(request) => request,
        other => panic!("expected a request, got {other:?}"),
    }
}

fn step(progress: Progress) -> NextStep {
    match progress {
        Progress::NextStep(step) => step,
        other => panic!("expected a next step, got {other:?}"),
    }
}

#[test]
fn sms_code_is_sent_with_the_session_and_can_be_retried() {
    let config = config();
    let (mut flow, progress) = challenged(
        &config,
        json!({"ChallengeName": "SMS_MFA", "Session": "sess-1",
               "ChallengeParameters": {"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS", "CODE_DELIVERY_DESTINATION": "+*******1234", "USER_ID_FOR_SRP": "bob-id"}}),
    );
    let step = step(progress);
    assert_eq!(
        serde_json::from_str::<Value>(&step.to_json().to_string()).unwrap(),
        json!({
        "signInStep": "CONFIRM_SIGN_IN_WITH_SMS_CODE",
        "codeDeliveryDetails": {"deliveryMedium": "SMS", "destination": "+*******1234"}})
    );
    let request = sent(flow.answer(&config, answer("111111")).unwrap());
    assert_eq!(request.operation, Operation::RespondToAuthChallenge);
    assert_eq!(
        body(&request),
        json!({"ChallengeName": "SMS_MFA", "ClientId": "clientid", "Session": "sess-1",
        "ChallengeResponses": {"SMS_MFA_CODE": "111111", "USERNAME": "bob-id"}})
    );
    // While the reply is outstanding nothing else can be answered; after a CodeMismatchException it can.
    assert!(flow.answer(&config, answer("222222")).is_err());
    let mismatch =
        cognito_wasm::Error::new("CodeMismatchException", "Invalid code received for user");
    assert!(flow.request_failed(&mismatch).is_none());
    assert!(flow.is_waiting_for_answer());
    let retry = sent(flow.answer(&config, answer("222222")).unwrap());
    assert_eq!(body(&retry)["ChallengeResponses"]["SMS_MFA_CODE"], "222222");
    assert!(matches!(
        flow.on_response(&config, &reply(tokens()), Now::trusting_device(100))
            .unwrap(),
        Progress::SignedIn(_)
    ));
    assert!(
        flow.answer(&config, answer("333333")).is_err(),
        "nothing to answer once signed in"
    );
}

#[test]
fn totp_email_and_selection() {
    let config = config();
    let (mut flow, progress) = challenged(
        &config,
        json!({"ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": "s"}),
    );
    assert_eq!(step(progress), NextStep::ConfirmWithTotpCode);
    assert_eq!(
        body(&sent(flow.answer(&config, answer(" 123456 ")).unwrap()))["ChallengeResponses"]["SOFTWARE_TOKEN_MFA_CODE"],
        "123456"
    );

    let (mut flow, progress) = challenged(
        &config,
        json!({"ChallengeName": "EMAIL_OTP", "Session": "s",
        "ChallengeParameters": {"CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL", "CODE_DELIVERY_DESTINATION": "b***@e***"}}),
    );
    assert!(matches!(
        step(progress),
        NextStep::ConfirmWithEmailCode { .. }
    ));
    assert_eq!(
        body(&sent(flow.answer(&config, answer("12345678")).unwrap()))["ChallengeResponses"]["EMAIL_OTP_CODE"],
        "12345678"
    );

    let (mut flow, progress) = challenged(
        &config,
        json!({"ChallengeName": "SELECT_MFA_TYPE", "Session": "s",
        "ChallengeParameters": {"MFAS_CAN_CHOOSE": "[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]"}}),
    );
    assert_eq!(
        step(progress),
        NextStep::SelectMfaType {
            allowed_mfa_types: vec![MfaType::Sms, MfaType::Totp]
        }
    );
    assert!(
        flow.answer(&config, answer("EMAIL")).is_err(),
        "not offered"
    );
    assert_eq!(
        body(&sent(flow.answer(&config, answer("TOTP")).unwrap()))["ChallengeResponses"]["ANSWER"],
        "SOFTWARE_TOKEN_MFA"
    );
}

#[test]
fn totp_setup_associates_verifies_and_completes() {
    let config = config();
    let (mut flow, progress) = challenged(
        &config,
        json!({"ChallengeName": "MFA_SETUP", "Session": "s1",
        "ChallengeParameters": {"MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\"]"}}),
    );
    let associate = sent(progress);
    assert_eq!(associate.operation, Operation::AssociateSoftwareToken);
    assert_eq!(body(&associate), json!({"Session": "s1"}));
    let setup = step(
        flow.on_response(
            &config,
            &reply(json!({"SecretCode": "JBSWY3DPEHPK3PXP", "Session": "s2"})),
            Now::trusting_device(100),
        )
        .unwrap(),
    );
    assert_eq!(
        serde_json::from_str::<Value>(&setup.to_json().to_string()).unwrap(),
        json!({"signInStep": "CONTINUE_SIGN_IN_WITH_TOTP_SETUP",
        "totpSetupDetails": {"sharedSecret": "JBSWY3DPEHPK3PXP", "setupUri": "otpauth://totp/Cognito:bob?secret=JBSWY3DPEHPK3PXP&issuer=Cognito"}})
    );
    let verify = sent(
        flow.answer(
            &config,
            Answer {
                response: "654321".into(),
                friendly_device_name: Some("phone".into()),
                ..Answer::default()
            },
        )
        .unwrap(),
    );
    assert_eq!(verify.operation, Operation::VerifySoftwareToken);
    assert_eq!(
        body(&verify),
        json!({"Session": "s2", "UserCode": "654321", "FriendlyDeviceName": "phone"})
    );
    // A code Cognito rejects leaves the setup open for another try.
    assert_eq!(
        flow.on_response(
            &config,
            &reply(json!({"Status": "ERROR"})),
            Now::trusting_device(100)
        )
        .unwrap_err()
        .name(),
        "EnableSoftwareTokenMFAException"
    );
    let verify = sent(flow.answer(&config, answer("111222")).unwrap());
    assert_eq!(verify.operation, Operation::VerifySoftwareToken);
    let finish = sent(
        flow.on_response(
            &config,
            &reply(json!({"Status": "SUCCESS", "Session": "s3"})),
            Now::trusting_device(100),
        )
        .unwrap(),
    );
    assert_eq!(
        body(&finish),
        json!({"ChallengeName": "MFA_SETUP", "ClientId": "clientid", "Session": "s3",
        "ChallengeResponses": {"USERNAME": "bob"}})
    );
    assert!(matches!(
        flow.on_response(&config, &reply(tokens()), Now::trusting_device(100))
            .unwrap(),
        Progress::SignedIn(_)
    ));
}

#[test]
fn mfa_setup_selection_and_email_setup() {
    let config = config();
    let (mut flow, progress) = challenged(
        &config,
        json!({"ChallengeName": "MFA_SETUP", "Session": "s1",
        "ChallengeParameters": {"MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\",\"EMAIL_OTP\"]"}}),
    );
    assert_eq!(
        step(progress),
        NextStep::SelectMfaSetup {
            allowed_mfa_types: vec![MfaType::Totp, MfaType::Email]
        }
    );
    assert_eq!(
        step(flow.answer(&config, answer("EMAIL")).unwrap()),
        NextStep::SetUpEmail
    );
    let request = sent(flow.answer(&config, answer("bob@example.com")).unwrap());
    assert_eq!(
        body(&request)["ChallengeResponses"],
        json!({"EMAIL": "bob@example.com", "USERNAME": "bob"})
    );
    assert_eq!(body(&request)["ChallengeName"], "MFA_SETUP");
    // Cognito then sends a code to that address.
    let next = step(
        flow.on_response(
            &config,
            &reply(json!({"ChallengeName": "EMAIL_OTP", "Session": "s2"})),
            Now::trusting_device(100),
        )
        .unwrap(),
    );
    assert!(matches!(next, NextStep::ConfirmWithEmailCode { .. }));
}

#[test]
fn new_password_with_required_attributes() {
    let config = ClientConfig::new(
        "us-east-1_Pool1",
        "clientid",
        Some(ClientSecret::new("sec")),
        None,
    )
    .unwrap();
    let (mut flow, progress) = challenged(
        &config,
        json!({"ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": "s",
        "ChallengeParameters": {"USER_ID_FOR_SRP": "bob", "requiredAttributes": "[\"userAttributes.name\"]", "userAttributes": "{\"email\":\"b@example.com\"}"}}),
    );
    assert_eq!(
        step(progress),
        NextStep::NewPasswordRequired {
            missing_attributes: vec!["name".into()]
        }
    );
    let request = sent(
        flow.answer(
            &config,
            Answer {
                response: "N3w-Password!".into(),
                user_attributes: [("name".to_owned(), "Bob".to_owned())].into(),
                ..Answer::default()
            },
        )
        .unwrap(),
    );
    assert_eq!(
        body(&request)["ChallengeResponses"],
        json!({"NEW_PASSWORD": "N3w-Password!", "userAttributes.name": "Bob",
        "USERNAME": "bob", "SECRET_HASH": cognito_wasm::srp::secret_hash("sec", "bob", "clientid")})
    );
}

#[test]
fn custom_challenge_rounds() {
    let config = config();
    let (mut flow, progress) = challenged(
        &config,
        json!({"ChallengeName": "CUSTOM_CHALLENGE", "Session": "s1",
        "ChallengeParameters": {"question": "2+2?"}}),
    );
    assert_eq!(
        step(progress),
        NextStep::CustomChallenge {
            additional_info: [("question".to_owned(), "2+2?".to_owned())].into()
        }
    );
    assert_eq!(
        body(&sent(flow.answer(&config, answer("4")).unwrap()))["ChallengeResponses"]["ANSWER"],
        "4"
    );
    let again = step(flow.on_response(&config, &reply(json!({"ChallengeName": "CUSTOM_CHALLENGE", "Session": "s2", "ChallengeParameters": {"question": "3+3?"}})), Now::trusting_device(100)).unwrap());
    assert!(matches!(again, NextStep::CustomChallenge { .. }));
    assert_eq!(
        body(&sent(flow.answer(&config, answer("6")).unwrap()))["Session"],
        "s2"
    );
}

#[test]
fn empty_and_unexpected_answers_are_refused() {
    let config = config();
    let (mut flow, _) = challenged(&config, json!({"ChallengeName": "SMS_MFA", "Session": "s"}));
    assert_eq!(
        flow.answer(&config, answer("  ")).unwrap_err().name(),
        "InvalidParameterException"
    );
    let (mut flow, _) = challenged(
        &config,
        json!({"ChallengeName": "MFA_SETUP", "Session": "s", "ChallengeParameters": {"MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\",\"EMAIL_OTP\"]"}}),
    );
    assert!(flow.answer(&config, answer("SMS")).is_err());
    // A reply nobody asked for.
    assert!(
        flow.on_response(&config, &reply(tokens()), Now::trusting_device(100))
            .is_err()
    );
}

fn start_with(config: &ClientConfig, password: &str, method: Method) -> (SignIn, Value) {
    let input = SignInInput {
        username: "bob".into(),
        password: Password::new(password),
        client_metadata: None,
        device: None,
        device_name: "test device".into(),
    };
    let (flow, request) = SignIn::start(config, input, method).unwrap();
    (flow, body(&request))
}

#[test]
fn custom_auth_with_and_without_srp() {
    let config = config();
    let (mut flow, first) = start_with(&config, "", Method::CustomWithoutSrp);
    assert_eq!(first["AuthFlow"], "CUSTOM_AUTH");
    assert_eq!(first["AuthParameters"], json!({"USERNAME": "bob"}));
    let progress = flow.on_response(&config, &reply(json!({"ChallengeName": "CUSTOM_CHALLENGE", "Session": "s", "ChallengeParameters": {"q": "colour?"}})), Now::trusting_device(100)).unwrap();
    assert!(matches!(step(progress), NextStep::CustomChallenge { .. }));

    let srp = cognito_wasm::srp::client::SrpClient::from_secret(&[5; 128]).unwrap();
    let a = srp.srp_a_hex();
    let (_, first) = start_with(&config, "pw", Method::CustomWithSrp(srp));
    assert_eq!(first["AuthFlow"], "CUSTOM_AUTH");
    assert_eq!(
        first["AuthParameters"],
        json!({"USERNAME": "bob", "SRP_A": a, "CHALLENGE_NAME": "SRP_A"})
    );
    // With SRP the password is required; without it, it is not.
    let no_password = SignInInput {
        username: "bob".into(),
        password: Password::new(""),
        client_metadata: None,
        device: None,
        device_name: String::new(),
    };
    assert!(
        SignIn::start(
            &config,
            no_password,
            Method::CustomWithSrp(
                cognito_wasm::srp::client::SrpClient::from_secret(&[5; 128]).unwrap()
            )
        )
        .is_err()
    );
}

#[test]
fn user_auth_first_factor_selection() {
    let config = config();
    let (mut flow, first) = start_with(&config, "", Method::UserAuth { preferred: None });
    assert_eq!(first["AuthFlow"], "USER_AUTH");
    assert_eq!(first["AuthParameters"], json!({"USERNAME": "bob"}));
    let offer = json!({"ChallengeName": "SELECT_CHALLENGE", "Session": "s1",
        "AvailableChallenges": ["PASSWORD_SRP", "PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]});
    let progress = flow
        .on_response(&config, &reply(offer.clone()), Now::trusting_device(100))
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&step(progress).to_json().to_string()).unwrap(),
        json!({
        "signInStep": "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION",
        "availableChallenges": ["PASSWORD_SRP", "PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]})
    );
    assert!(
        flow.answer(&config, answer("SMS_OTP")).is_err(),
        "not offered"
    );
    // A password factor without a password asks for it, then sends it with the choice.
    assert_eq!(
        step(flow.answer(&config, answer("password")).unwrap()),
        NextStep::ConfirmWithPassword
    );
    let request = body(&sent(flow.answer(&config, answer("s3cret pw")).unwrap()));
    assert_eq!(request["ChallengeName"], "SELECT_CHALLENGE");
    assert_eq!(request["Session"], "s1");
    assert_eq!(
        request["ChallengeResponses"],
        json!({"ANSWER": "PASSWORD", "PASSWORD": "s3cret pw", "USERNAME": "bob"})
    );

    // E-mail one-time code as first factor.
    let (mut flow, _) = start_with(&config, "", Method::UserAuth { preferred: None });
    flow.on_response(&config, &reply(offer.clone()), Now::trusting_device(100))
        .unwrap();
    let request = body(&sent(flow.answer(&config, answer("EMAIL_OTP")).unwrap()));
    assert_eq!(
        request["ChallengeResponses"],
        json!({"ANSWER": "EMAIL_OTP", "USERNAME": "bob"})
    );
    let code_step = step(
        flow.on_response(
            &config,
            &reply(json!({"ChallengeName": "EMAIL_OTP", "Session": "s2"})),
            Now::trusting_device(100),
        )
        .unwrap(),
    );
    assert!(matches!(code_step, NextStep::ConfirmWithEmailCode { .. }));
    assert_eq!(
        body(&sent(flow.answer(&config, answer("12345678")).unwrap()))["ChallengeResponses"]["EMAIL_OTP_CODE"],
        "12345678"
    );

    // PASSWORD_SRP chosen with the password known: SRP_A goes with the choice, PASSWORD_VERIFIER follows.
    let (mut flow, _) = start_with(&config, "pw", Method::UserAuth { preferred: None });
    flow.on_response(&config, &reply(offer.clone()), Now::trusting_device(100))
        .unwrap();
    let request = body(&sent(flow.answer(&config, answer("PASSWORD_SRP")).unwrap()));
    assert_eq!(request["ChallengeResponses"]["ANSWER"], "PASSWORD_SRP");
    let a = request["ChallengeResponses"]["SRP_A"]
        .as_str()
        .unwrap()
        .to_owned();
    let verifier = cognito_wasm::srp::server::PasswordVerifier::new("Pool1", "bob", "pw", &[4; 16]);
    let server = cognito_wasm::srp::server::ServerHandshake::new(&verifier, &a, &[6; 32]).unwrap();
    let challenge = json!({"ChallengeName": "PASSWORD_VERIFIER", "Session": "s3", "ChallengeParameters": {
        "USER_ID_FOR_SRP": "bob", "SALT": verifier.salt_hex, "SRP_B": server.srp_b_hex(), "SECRET_BLOCK": "QUJD"}});
    let claim = body(&sent(
        flow.on_response(&config, &reply(challenge), Now::trusting_device(100))
            .unwrap(),
    ));
    let responses = &claim["ChallengeResponses"];
    server
        .verify_claim(
            "Pool1",
            "bob",
            b"ABC",
            responses["TIMESTAMP"].as_str().unwrap(),
            responses["PASSWORD_CLAIM_SIGNATURE"].as_str().unwrap(),
        )
        .unwrap();
}

#[test]
fn user_auth_with_a_preferred_factor() {
    let config = config();
    let preferring = |password: &str, factor: &str| {
        let method = Method::UserAuth {
            preferred: Some(factor.into()),
        };
        start_with(&config, password, method).1["AuthParameters"].clone()
    };
    assert_eq!(
        preferring("", "EMAIL_OTP"),
        json!({"USERNAME": "bob", "PREFERRED_CHALLENGE": "EMAIL_OTP"})
    );
    assert_eq!(
        preferring("pw", "PASSWORD"),
        json!({"USERNAME": "bob", "PASSWORD": "pw", "PREFERRED_CHALLENGE": "PASSWORD"})
    );
    assert!(preferring("pw", "PASSWORD_SRP")["SRP_A"].is_string());
    assert_eq!(
        preferring("", "web_authn"),
        json!({"USERNAME": "bob", "PREFERRED_CHALLENGE": "WEB_AUTHN"}),
        "a passkey needs no password"
    );
    let input = SignInInput {
        username: "bob".into(),
        password: Password::new(""),
        client_metadata: None,
        device: None,
        device_name: String::new(),
    };
    assert!(
        SignIn::start(
            &config,
            input,
            Method::UserAuth {
                preferred: Some("PASSKEY".into())
            }
        )
        .is_err()
    );
}

/// CREDENTIAL_REQUEST_OPTIONS as the emulator (and Cognito) send it: JSON text inside a challenge parameter.
const REQUEST_OPTIONS: &str = r#"{"challenge":"q7J1bXm2c2VydmVyLWNoYWxsZW5nZQ","timeout":180000,"rpId":"localhost","allowCredentials":[{"type":"public-key","id":"AQIDBA","transports":["internal"]}],"userVerification":"preferred"}"#;

/// An assertion from the page for credential `id` (AuthenticationResponseJSON).
fn assertion(id: &str) -> String {
    json!({"id": id, "rawId": id, "type": "public-key", "authenticatorAttachment": "platform",
        "clientExtensionResults": {}, "response": {"clientDataJSON": "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0",
        "authenticatorData": "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAQ", "signature": "MEUCIQ", "userHandle": "Ym9i"}})
    .to_string()
}

fn web_authn_challenge(session: &str) -> Value {
    json!({"ChallengeName": "WEB_AUTHN", "Session": session,
        "ChallengeParameters": {"CREDENTIAL_REQUEST_OPTIONS": REQUEST_OPTIONS, "USERNAME": "bob"}})
}

/// USER_AUTH preferring WEB_AUTHN, with Cognito's WEB_AUTHN challenge (session "s1") come back.
fn passkey_preferred(config: &ClientConfig) -> (SignIn, Progress) {
    let method = Method::UserAuth {
        preferred: Some("WEB_AUTHN".into()),
    };
    let (mut flow, _) = start_with(config, "", method);
    let progress = flow
        .on_response(
            config,
            &reply(web_authn_challenge("s1")),
            Now::trusting_device(100),
        )
        .unwrap();
    (flow, progress)
}

#[test]
fn user_auth_with_a_passkey_preferred() {
    let config = config();
    let (mut flow, progress) = passkey_preferred(&config);
    let step = step(progress);
    assert_eq!(
        serde_json::from_str::<Value>(&step.to_json().to_string()).unwrap(),
        json!({"signInStep": "CONFIRM_SIGN_IN_WITH_PASSKEY",
            "credentialRequestOptions": serde_json::from_str::<Value>(REQUEST_OPTIONS).unwrap()})
    );
    // Not an assertion, or one by a passkey the challenge did not allow: refused here, nothing is sent.
    for refused in ["123456", &assertion("BQYHCA"), "{\"type\":\"public-key\"}"] {
        let error = flow.answer(&config, answer(refused)).err().unwrap();
        assert!(
            error.is("InvalidParameterException"),
            "{refused}: {error:?}"
        );
    }
    let request = sent(flow.answer(&config, answer(&assertion("AQIDBA"))).unwrap());
    assert_eq!(request.operation, Operation::RespondToAuthChallenge);
    let request = body(&request);
    assert_eq!(request["ChallengeName"], "WEB_AUTHN");
    assert_eq!(request["Session"], "s1");
    assert_eq!(request["ChallengeResponses"]["USERNAME"], "bob");
    let credential: Value = serde_json::from_str(
        request["ChallengeResponses"]["CREDENTIAL"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        credential,
        serde_json::from_str::<Value>(&assertion("AQIDBA")).unwrap()
    );
    let done = flow
        .on_response(&config, &reply(tokens()), Now::trusting_device(100))
        .unwrap();
    assert!(matches!(done, Progress::SignedIn(_)));
}

#[test]
fn a_refused_passkey_ends_the_sign_in() {
    let config = config();
    let (mut flow, _) = passkey_preferred(&config);
    sent(flow.answer(&config, answer(&assertion("AQIDBA"))).unwrap());
    // Cognito has used the session up: the step is not on the table again.
    assert!(
        flow.request_failed(&cognito_wasm::Error::new(
            "NotAuthorizedException",
            "bad signature"
        ))
        .is_none()
    );
    assert!(!flow.is_waiting_for_answer());
    assert!(flow.answer(&config, answer(&assertion("AQIDBA"))).is_err());
}

#[test]
fn web_authn_chosen_at_the_first_factor_selection() {
    let config = config();
    let (mut flow, _) = start_with(&config, "", Method::UserAuth { preferred: None });
    let offer = json!({"ChallengeName": "SELECT_CHALLENGE", "Session": "s1",
        "AvailableChallenges": ["PASSWORD_SRP", "WEB_AUTHN"]});
    flow.on_response(&config, &reply(offer), Now::trusting_device(100))
        .unwrap();
    let request = body(&sent(flow.answer(&config, answer("web_authn")).unwrap()));
    assert_eq!(request["ChallengeName"], "SELECT_CHALLENGE");
    assert_eq!(
        request["ChallengeResponses"],
        json!({"ANSWER": "WEB_AUTHN", "USERNAME": "bob"})
    );
    let step = step(
        flow.on_response(
            &config,
            &reply(web_authn_challenge("s2")),
            Now::trusting_device(100),
        )
        .unwrap(),
    );
    assert!(matches!(step, NextStep::ConfirmWithPasskey { .. }));
    let request = body(&sent(
        flow.answer(&config, answer(&assertion("AQIDBA"))).unwrap(),
    ));
    assert_eq!(request["Session"], "s2");

    // A WEB_AUTHN challenge whose options are not usable is Cognito's fault, not the app's.
    let (mut flow, _) = start_with(&config, "", Method::UserAuth { preferred: None });
    let broken = json!({"ChallengeName": "WEB_AUTHN", "Session": "s",
        "ChallengeParameters": {"CREDENTIAL_REQUEST_OPTIONS": "{\"rpId\":\"localhost\"}"}});
    let error = flow
        .on_response(&config, &reply(broken), Now::trusting_device(100))
        .err()
        .unwrap();
    assert!(error.is("InvalidResponseException"), "{error:?}");
}
