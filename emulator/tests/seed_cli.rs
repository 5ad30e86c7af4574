//! The demo seed file and the command-line binary.

mod common;

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use cognito_emulator::AppState;
use common::{Emu, claims, password_verifier_request, secret_hash, srp_sign_in, start_srp};
use reqwest::StatusCode;
use serde_json::json;

const DEMO_POOL: &str = "us-east-1_DemoPool1";
const DEMO_CLIENT: &str = "demopublicclient0000000001";
const DEMO_SECRET_CLIENT: &str = "demosecretclient0000000002";
const DEMO_SECRET: &str = "demosecretforlocaltestingonly0000000000000000000000";
const DEMO_PASSWORD: &str = "Demo-Passw0rd!";

fn demo_seed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seed/demo.json")
}

async fn demo_emulator() -> Emu {
    let state = AppState::new("us-east-1");
    cognito_emulator::seed::load_file(&state, &demo_seed()).unwrap();
    Emu::start_with(state).await
}

#[tokio::test]
async fn demo_seed_loads_and_its_users_sign_in() {
    let emu = demo_emulator().await;
    let pool = emu
        .ok("DescribeUserPool", json!({ "UserPoolId": DEMO_POOL }))
        .await;
    assert_eq!(pool["UserPool"]["Name"], "demo");

    let reply = srp_sign_in(&emu, DEMO_POOL, DEMO_CLIENT, "demo", DEMO_PASSWORD).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let id = claims(
        reply.body["AuthenticationResult"]["IdToken"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(id["sub"], "0b4c6f1e-5d2a-4c3b-9e8f-7a6b5c4d3e2f");
    assert_eq!(id["email"], "demo@example.com");
    assert_eq!(
        id["iss"],
        format!("https://cognito-idp.us-east-1.amazonaws.com/{DEMO_POOL}")
    );

    // The secret client, with SECRET_HASH on both legs.
    let (srp_client, challenge) = start_srp(
        &emu,
        DEMO_SECRET_CLIENT,
        "demo",
        Some(secret_hash(DEMO_SECRET, "demo", DEMO_SECRET_CLIENT)),
    )
    .await;
    assert_eq!(challenge.status, StatusCode::OK, "{}", challenge.body);
    let mut request = password_verifier_request(
        &srp_client,
        DEMO_POOL,
        DEMO_SECRET_CLIENT,
        &challenge.body,
        DEMO_PASSWORD,
        false,
    );
    request["ChallengeResponses"]["SECRET_HASH"] =
        json!(secret_hash(DEMO_SECRET, "demo", DEMO_SECRET_CLIENT));
    emu.ok("RespondToAuthChallenge", request).await;

    // The user who must choose a new password.
    let reply = srp_sign_in(&emu, DEMO_POOL, DEMO_CLIENT, "newbie", "Temp-Passw0rd!").await;
    assert_eq!(
        reply.body["ChallengeName"], "NEW_PASSWORD_REQUIRED",
        "{}",
        reply.body
    );

    // The e-mail pool signs in by address; USER_ID_FOR_SRP is the fixed sub.
    let (_, challenge) =
        start_srp(&emu, "demoemailclient00000000003", "demo@example.com", None).await;
    assert_eq!(
        challenge.body["ChallengeParameters"]["USER_ID_FOR_SRP"],
        "5f0e3a4b-8c1d-4e2f-a3b4-c5d6e7f80912"
    );
    let reply = srp_sign_in(
        &emu,
        "us-east-1_DemoEmail1",
        "demoemailclient00000000003",
        "demo@example.com",
        DEMO_PASSWORD,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

#[test]
fn bad_seeds_are_refused_with_a_reason() {
    let state = AppState::new("us-east-1");
    let cases = [
        (
            json!({ "pools": [{ "id": "not-a-pool-id", "name": "x" }] }),
            "Pool id",
        ),
        (
            json!({ "pools": [{ "name": "x", "users": [{ "username": "u", "password": "weak" }] }] }),
            "Password did not conform",
        ),
        (
            json!({ "pools": [{ "name": "x", "clients": [{ "id": "has-hyphens", "name": "c" }] }] }),
            "must match",
        ),
    ];
    for (seed, expected) in cases {
        let seed: cognito_emulator::seed::Seed = serde_json::from_value(seed).unwrap();
        let error = cognito_emulator::seed::load(&state, &seed).unwrap_err();
        assert!(error.contains(expected), "{error}");
    }
    assert!(
        serde_json::from_value::<cognito_emulator::seed::Seed>(json!({ "pools": [], "typo": 1 }))
            .is_err()
    );
}

/// Kills the child process even when an assertion fails.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn binary_prints_its_address_and_serves_the_seed() {
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_cognito-emulator"))
            .args(["--port", "0", "--seed"])
            .arg(demo_seed())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let base = line
        .trim()
        .strip_prefix("cognito-emulator listening on ")
        .unwrap_or_else(|| panic!("unexpected line {line:?}"));
    let port: u16 = base
        .strip_prefix("http://127.0.0.1:")
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(port, 0);

    let http = reqwest::Client::new();
    let health = http
        .get(format!("{base}/_emulator/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    let jwks: serde_json::Value = http
        .get(format!("{base}/{DEMO_POOL}/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
    let reply = http
        .post(format!("{base}/"))
        .header(
            "x-amz-target",
            "AWSCognitoIdentityProviderService.InitiateAuth",
        )
        .json(
            &json!({ "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": DEMO_CLIENT,
                       "AuthParameters": { "USERNAME": "demo", "PASSWORD": DEMO_PASSWORD } }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::OK);
}

#[test]
fn binary_exits_with_status_2_on_a_bad_seed() {
    let dir = std::env::temp_dir().join(format!("cognito-emulator-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.json");
    std::fs::write(
        &path,
        r#"{"pools":[{"name":"x","users":[{"username":"u","password":"weak"}]}]}"#,
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_cognito-emulator"))
        .args(["--port", "0", "--seed"])
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Password did not conform"));
    assert!(output.stdout.is_empty());
}
