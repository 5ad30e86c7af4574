//! `--data-dir`: the real binary is started, changed, stopped (cleanly or with SIGKILL) and started again on
//! the same directory; what was acknowledged must still be there, and damaged files must stop the start-up.

mod common;

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cognito_emulator::AppState;
use cognito_wasm::srp::client::DeviceVerifier;
use common::{Emu, PASSWORD, now_secs, totp, verify_with_jwks};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const DATA_FILE: &str = "emulator.sqlite3";

/// A directory under the system's temporary one, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let path = std::env::temp_dir().join(format!(
            "cognito-emulator-{label}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    /// Where the emulator keeps its data (created by the emulator itself).
    fn data(&self) -> PathBuf {
        self.0.join("data")
    }

    fn data_file(&self) -> PathBuf {
        self.data().join(DATA_FILE)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An emulator process.
struct Running {
    child: Child,
    emu: Emu,
    stderr: PathBuf,
}

/// An emulator that stopped before listening.
#[derive(Debug)]
struct Refused {
    status: ExitStatus,
    stderr: String,
}

fn start(temp: &TempDir, extra: &[&str]) -> Result<Running, Refused> {
    static STARTS: AtomicUsize = AtomicUsize::new(0);
    let stderr = temp
        .0
        .join(format!("stderr-{}", STARTS.fetch_add(1, Ordering::Relaxed)));
    let mut child = Command::new(env!("CARGO_BIN_EXE_cognito-emulator"))
        .args(["--host", "127.0.0.1", "--port", "0", "--data-dir"])
        .arg(temp.data())
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let Some(address) = line.trim().strip_prefix("cognito-emulator listening on ") else {
        let status = child.wait().unwrap();
        return Err(Refused {
            status,
            stderr: std::fs::read_to_string(&stderr).unwrap(),
        });
    };
    let emu = Emu {
        base: address.to_owned(),
        // The helpers read the emulator's clock from here; the process's clock is the wall clock.
        state: AppState::new("us-east-1"),
        http: reqwest::Client::new(),
    };
    Ok(Running { child, emu, stderr })
}

impl Running {
    /// SIGTERM, as a user's Ctrl-C or a service manager stops it; returns what it printed on stderr.
    fn stop(mut self) -> String {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = self.child.wait().unwrap();
        let stderr = std::fs::read_to_string(&self.stderr).unwrap();
        assert!(exit.success(), "{exit}: {stderr}");
        stderr
    }

    /// SIGKILL: no chance to flush or clean up.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

fn refused(temp: &TempDir, extra: &[&str]) -> Refused {
    match start(temp, extra) {
        Ok(running) => {
            running.kill();
            panic!("the emulator started on {}", temp.data().display());
        }
        Err(refused) => refused,
    }
}

async fn srp_client_pool(emu: &Emu) -> (String, String) {
    let pool = emu
        .create_pool(json!({
            "PoolName": "kept",
            "MfaConfiguration": "OPTIONAL",
            "AutoVerifiedAttributes": ["email"],
            "Policies": { "PasswordPolicy": { "MinimumLength": 10, "RequireSymbols": false } },
            "DeviceConfiguration": { "ChallengeRequiredOnNewDevice": false, "DeviceOnlyRememberedOnUserPrompt": false },
        }))
        .await;
    let (client, _) = emu
        .create_client(
            &pool,
            json!({
                "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH"],
                "IdTokenValidity": 2,
                "TokenValidityUnits": { "IdToken": "hours" },
            }),
        )
        .await;
    (pool, client)
}

async fn refresh(
    emu: &Emu,
    client: &str,
    refresh_token: &Value,
    device_key: &str,
) -> common::Reply {
    emu.call(
        "InitiateAuth",
        json!({ "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client,
                "AuthParameters": { "REFRESH_TOKEN": refresh_token, "DEVICE_KEY": device_key } }),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restart_keeps_pools_users_devices_tokens_and_keys() {
    let temp = TempDir::new("restart");
    let first = start(&temp, &[]).unwrap();
    let emu = &first.emu;
    let (pool, client) = srp_client_pool(emu).await;
    emu.create_user(&pool, "alice").await;
    emu.create_user(&pool, "bob").await;
    emu.create_user(&pool, "carol").await;
    emu.ok(
        "AdminDeleteUser",
        json!({ "UserPoolId": pool, "Username": "bob" }),
    )
    .await;

    let kept = emu.tokens(&pool, &client, "alice", PASSWORD).await;
    let device_key = kept["NewDeviceMetadata"]["DeviceKey"]
        .as_str()
        .unwrap()
        .to_owned();
    let group = kept["NewDeviceMetadata"]["DeviceGroupKey"]
        .as_str()
        .unwrap()
        .to_owned();
    let verifier = DeviceVerifier::generate(&group, &device_key).unwrap();
    emu.ok(
        "ConfirmDevice",
        json!({
            "AccessToken": kept["AccessToken"],
            "DeviceKey": device_key,
            "DeviceSecretVerifierConfig": { "Salt": verifier.salt_b64, "PasswordVerifier": verifier.password_verifier_b64 },
            "DeviceName": "kept-browser",
        }),
    )
    .await;
    emu.ok(
        "UpdateDeviceStatus",
        json!({ "AccessToken": kept["AccessToken"], "DeviceKey": device_key, "DeviceRememberedStatus": "remembered" }),
    )
    .await;

    let revoked = emu.tokens(&pool, &client, "alice", PASSWORD).await;
    emu.ok(
        "RevokeToken",
        json!({ "Token": revoked["RefreshToken"], "ClientId": client }),
    )
    .await;
    let signed_out = emu.tokens(&pool, &client, "carol", PASSWORD).await;
    emu.ok(
        "GlobalSignOut",
        json!({ "AccessToken": signed_out["AccessToken"] }),
    )
    .await;

    // A second factor, a code waiting to be typed back, the dev-only settings.
    emu.create_user(&pool, "dave").await;
    let dave = emu.tokens(&pool, &client, "dave", PASSWORD).await;
    let totp_secret = emu
        .ok(
            "AssociateSoftwareToken",
            json!({ "AccessToken": dave["AccessToken"] }),
        )
        .await["SecretCode"]
        .as_str()
        .unwrap()
        .to_owned();
    emu.ok(
        "VerifySoftwareToken",
        json!({ "AccessToken": dave["AccessToken"], "UserCode": totp(&totp_secret, now_secs()), "FriendlyDeviceName": "phone" }),
    )
    .await;
    emu.ok(
        "SetUserMFAPreference",
        json!({ "AccessToken": dave["AccessToken"], "SoftwareTokenMfaSettings": { "Enabled": true, "PreferredMfa": true } }),
    )
    .await;
    emu.ok(
        "SignUp",
        json!({ "ClientId": client, "Username": "erin", "Password": PASSWORD,
                "UserAttributes": [{ "Name": "email", "Value": "erin@example.com" }] }),
    )
    .await;
    let confirmation = emu.last_code(&pool, "erin", "SignUp").await;
    let rounds = emu
        .dev(
            Method::PUT,
            &format!("/_emulator/custom-challenge?userPoolId={pool}"),
            Some(json!([{ "question": "2+2?", "answer": "4" }])),
        )
        .await;
    assert_eq!(rounds.status, StatusCode::NO_CONTENT);
    let lifetimes = emu
        .dev(
            Method::PUT,
            &format!("/_emulator/token-validity?clientId={client}"),
            Some(json!({ "accessToken": 3000 })),
        )
        .await;
    assert_eq!(lifetimes.status, StatusCode::OK, "{}", lifetimes.body);

    let jwks = emu.jwks(&pool).await;
    let pool_before = emu
        .ok("DescribeUserPool", json!({ "UserPoolId": pool }))
        .await;
    let client_before = emu
        .ok(
            "DescribeUserPoolClient",
            json!({ "UserPoolId": pool, "ClientId": client }),
        )
        .await;
    let alice_before = emu
        .ok(
            "AdminGetUser",
            json!({ "UserPoolId": pool, "Username": "alice" }),
        )
        .await;
    first.stop();

    let second = start(&temp, &[]).unwrap();
    let emu = &second.emu;
    assert_eq!(emu.jwks(&pool).await, jwks);
    let id_token = kept["IdToken"].as_str().unwrap();
    let (_, claims) = verify_with_jwks(id_token, &jwks).unwrap();
    assert_eq!(claims["cognito:username"], "alice");
    assert_eq!(
        emu.ok("DescribeUserPool", json!({ "UserPoolId": pool }))
            .await,
        pool_before
    );
    assert_eq!(
        emu.ok(
            "DescribeUserPoolClient",
            json!({ "UserPoolId": pool, "ClientId": client }),
        )
        .await,
        client_before
    );
    assert_eq!(
        emu.ok(
            "AdminGetUser",
            json!({ "UserPoolId": pool, "Username": "alice" }),
        )
        .await,
        alice_before
    );

    // The access token issued before the restart is still accepted, and so is the refresh token.
    let user = emu
        .ok("GetUser", json!({ "AccessToken": kept["AccessToken"] }))
        .await;
    assert_eq!(user["Username"], "alice");
    let reply = refresh(emu, &client, &kept["RefreshToken"], &device_key).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let refreshed = &reply.body["AuthenticationResult"];
    verify_with_jwks(refreshed["IdToken"].as_str().unwrap(), &jwks).unwrap();

    // The device is remembered, with its name.
    let device = emu
        .ok(
            "AdminGetDevice",
            json!({ "UserPoolId": pool, "Username": "alice", "DeviceKey": device_key }),
        )
        .await;
    let attributes = device["Device"]["DeviceAttributes"].as_array().unwrap();
    let attribute = |name: &str| {
        attributes
            .iter()
            .find(|a| a["Name"] == name)
            .map(|a| a["Value"].clone())
    };
    assert_eq!(attribute("device_name"), Some(json!("kept-browser")));
    assert_eq!(attribute("device_status"), Some(json!("valid")), "{device}");

    // The password still signs in (the salt and verifier were kept).
    emu.tokens(&pool, &client, "alice", PASSWORD).await;

    // The second factor is still asked for and still checked.
    let reply = common::srp_sign_in(emu, &pool, &client, "dave", PASSWORD).await;
    assert_eq!(
        reply.body["ChallengeName"], "SOFTWARE_TOKEN_MFA",
        "{}",
        reply.body
    );
    let reply = emu
        .call(
            "RespondToAuthChallenge",
            json!({ "ChallengeName": "SOFTWARE_TOKEN_MFA", "ClientId": client, "Session": reply.body["Session"],
                    "ChallengeResponses": { "USERNAME": "dave", "SOFTWARE_TOKEN_MFA_CODE": totp(&totp_secret, now_secs() - 30) } }),
        )
        .await;
    assert!(
        reply.body["AuthenticationResult"]["IdToken"].is_string(),
        "{}",
        reply.body
    );
    // The code sent before the restart still confirms.
    emu.ok(
        "ConfirmSignUp",
        json!({ "ClientId": client, "Username": "erin", "ConfirmationCode": confirmation }),
    )
    .await;
    // The custom-challenge rounds are still there.
    let custom = emu
        .ok(
            "InitiateAuth",
            json!({ "AuthFlow": "CUSTOM_AUTH", "ClientId": client, "AuthParameters": { "USERNAME": "alice" } }),
        )
        .await;
    assert_eq!(custom["ChallengeParameters"]["question"], "2+2?");

    // Deleted stays deleted, revoked stays revoked.
    emu.err(
        "AdminGetUser",
        json!({ "UserPoolId": pool, "Username": "bob" }),
        "UserNotFoundException",
    )
    .await;
    let reply = refresh(emu, &client, &revoked["RefreshToken"], &device_key).await;
    assert_eq!(
        reply.error_type(),
        "NotAuthorizedException",
        "{}",
        reply.body
    );
    let reply = emu
        .call(
            "InitiateAuth",
            json!({ "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client,
                    "AuthParameters": { "REFRESH_TOKEN": signed_out["RefreshToken"] } }),
        )
        .await;
    assert_eq!(
        reply.error_type(),
        "NotAuthorizedException",
        "{}",
        reply.body
    );
    emu.err(
        "GetUser",
        json!({ "AccessToken": signed_out["AccessToken"] }),
        "NotAuthorizedException",
    )
    .await;
    second.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn every_acknowledged_sign_up_survives_a_kill_9() {
    for round in 0..3u64 {
        let temp = TempDir::new("kill9");
        let running = start(&temp, &[]).unwrap();
        let (pool, client) = srp_client_pool(&running.emu).await;
        let acknowledged = Arc::new(Mutex::new(Vec::new()));
        let mut writers = Vec::new();
        for writer in 0..3 {
            let emu = Emu {
                base: running.emu.base.clone(),
                state: AppState::new("us-east-1"),
                http: reqwest::Client::new(),
            };
            let client = client.clone();
            let acknowledged = acknowledged.clone();
            writers.push(tokio::spawn(async move {
                for n in 0.. {
                    let username = format!("u{writer}-{n}");
                    let sent = emu
                        .http
                        .post(format!("{}/", emu.base))
                        .header("content-type", "application/x-amz-json-1.1")
                        .header("x-amz-target", "AWSCognitoIdentityProviderService.SignUp")
                        .body(
                            json!({ "ClientId": client, "Username": username, "Password": PASSWORD })
                                .to_string(),
                        )
                        .send()
                        .await;
                    match sent {
                        Ok(response) if response.status() == StatusCode::OK => {
                            acknowledged.lock().unwrap().push(username);
                        }
                        Ok(response) => panic!("SignUp {username}: {}", response.status()),
                        // The process is gone.
                        Err(_) => break,
                    }
                }
            }));
        }
        // Enough sign-ups to be worth checking, however slow the machine, then a different moment each
        // round, never on a request boundary the test controls.
        while acknowledged.lock().unwrap().len() < 10 && !writers.iter().all(|w| w.is_finished()) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos() as u64;
        tokio::time::sleep(Duration::from_millis(round * 150 + nanos % 150)).await;
        running.kill();
        for writer in writers {
            writer.await.unwrap();
        }
        let acknowledged = acknowledged.lock().unwrap().clone();

        let again = start(&temp, &[]).unwrap();
        for username in &acknowledged {
            let reply = again
                .emu
                .call(
                    "AdminGetUser",
                    json!({ "UserPoolId": pool, "Username": username }),
                )
                .await;
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "round {round}: {username} was acknowledged ({} in all) but is gone: {}",
                acknowledged.len(),
                reply.body
            );
        }
        again.stop();
    }
}

/// A data dir with one pool, cleanly stopped: one file.
async fn stopped_data_dir(temp: &TempDir) -> String {
    let running = start(temp, &[]).unwrap();
    let (pool, _) = srp_client_pool(&running.emu).await;
    running.emu.create_user(&pool, "alice").await;
    running.stop();
    pool
}

fn assert_refused_and_untouched(temp: &TempDir, expected: &str) {
    let file = temp.data_file();
    let before = std::fs::read(&file).unwrap();
    let refused = refused(temp, &[]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let message = refused.stderr.trim();
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.contains(&file.display().to_string()),
        "the message does not name {}: {message}",
        file.display()
    );
    assert!(message.contains(expected), "{message}");
    let after = std::fs::read(&file).unwrap();
    assert!(
        after == before,
        "{} changed ({} bytes, was {}): {message}",
        file.display(),
        after.len(),
        before.len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_data_file_stops_the_start_and_is_left_alone() {
    // Not a database at all.
    let temp = TempDir::new("garbage");
    stopped_data_dir(&temp).await;
    std::fs::write(
        temp.data_file(),
        b"garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage"
            .repeat(100),
    )
    .unwrap();
    assert_refused_and_untouched(&temp, "not an SQLite database");

    // Cut off in the middle.
    let temp = TempDir::new("truncated");
    stopped_data_dir(&temp).await;
    let bytes = std::fs::read(temp.data_file()).unwrap();
    assert!(bytes.len() >= 4 * 4096, "{}", bytes.len());
    std::fs::write(temp.data_file(), &bytes[..bytes.len() / 2 + 100]).unwrap();
    assert_refused_and_untouched(&temp, "damaged");

    // Written by a later version of the emulator.
    let temp = TempDir::new("future");
    stopped_data_dir(&temp).await;
    let database = rusqlite::Connection::open(temp.data_file()).unwrap();
    database.pragma_update(None, "user_version", 7).unwrap();
    drop(database);
    assert_refused_and_untouched(&temp, "schema version 7");

    // A row that does not parse.
    let temp = TempDir::new("row");
    let pool = stopped_data_dir(&temp).await;
    let database = rusqlite::Connection::open(temp.data_file()).unwrap();
    let changed = database
        .execute(
            "UPDATE users SET record = '{\"username\": 1}' WHERE pool_id = ?1",
            [&pool],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(database);
    assert_refused_and_untouched(&temp, &format!("user alice of pool {pool}"));

    // Somebody else's SQLite database.
    let temp = TempDir::new("foreign");
    std::fs::create_dir_all(temp.data()).unwrap();
    let database = rusqlite::Connection::open(temp.data_file()).unwrap();
    database
        .execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine');")
        .unwrap();
    drop(database);
    assert_refused_and_untouched(&temp, "not a cognito-emulator data file");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_emulator_on_the_same_dir_is_refused() {
    let temp = TempDir::new("twice");
    let first = start(&temp, &[]).unwrap();
    let (pool, _) = srp_client_pool(&first.emu).await;
    // Killed, so that its write-ahead log is left behind, then reopened and only read from: the lock must
    // not wait for a first write.
    first.kill();
    let running = start(&temp, &[]).unwrap();
    let second = refused(&temp, &[]);
    assert_eq!(second.status.code(), Some(2), "{second:?}");
    assert!(second.stderr.contains("in use"), "{}", second.stderr);
    // The first one goes on working.
    running
        .emu
        .ok("DescribeUserPool", json!({ "UserPoolId": pool }))
        .await;
    running.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seed_fills_a_new_data_dir_only() {
    let temp = TempDir::new("seed");
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("seed/demo.json");
    let seed = seed.to_str().unwrap();
    let running = start(&temp, &["--seed", seed]).unwrap();
    running
        .emu
        .ok(
            "AdminDeleteUser",
            json!({ "UserPoolId": "us-east-1_DemoPool1", "Username": "demo" }),
        )
        .await;
    running.stop();

    let running = start(&temp, &["--seed", seed]).unwrap();
    running
        .emu
        .err(
            "AdminGetUser",
            json!({ "UserPoolId": "us-east-1_DemoPool1", "Username": "demo" }),
            "UserNotFoundException",
        )
        .await;
    running
        .emu
        .ok(
            "AdminGetUser",
            json!({ "UserPoolId": "us-east-1_DemoPool1", "Username": "newbie" }),
        )
        .await;
    let stderr = running.stop();
    assert!(
        stderr.contains("--seed") && stderr.contains("not applied"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_seed_that_fails_half_way_leaves_the_data_dir_empty() {
    let temp = TempDir::new("bad-seed");
    let bad = temp.0.join("bad-seed.json");
    std::fs::write(
        &bad,
        json!({ "pools": [
            { "id": "us-east-1_Fine1", "name": "fine" },
            { "name": "broken", "users": [{ "username": "u", "password": "weak" }] },
        ] })
        .to_string(),
    )
    .unwrap();
    let refused = refused(&temp, &["--seed", bad.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(refused.stderr.contains("seed user"), "{}", refused.stderr);

    // The corrected seed is applied in full: nothing of the failed one was kept to make it look used.
    let good = temp.0.join("good-seed.json");
    std::fs::write(
        &good,
        json!({ "pools": [{ "id": "us-east-1_Fixed1", "name": "fixed" }] }).to_string(),
    )
    .unwrap();
    let running = start(&temp, &["--seed", good.to_str().unwrap()]).unwrap();
    running
        .emu
        .ok(
            "DescribeUserPool",
            json!({ "UserPoolId": "us-east-1_Fixed1" }),
        )
        .await;
    running
        .emu
        .err(
            "DescribeUserPool",
            json!({ "UserPoolId": "us-east-1_Fine1" }),
            "ResourceNotFoundException",
        )
        .await;
    running.stop();
}

/// Every file of the data dir, concatenated (the database and, while running, its write-ahead log).
fn data_dir_bytes(temp: &TempDir) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(temp.data()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread")]
async fn no_password_reaches_the_disk() {
    const SIGN_UP: &str = "Sign-up-Secret-4471";
    const TEMPORARY: &str = "Temporary-Secret-8812";
    const PERMANENT: &str = "Permanent-Secret-2093";
    const CHANGED: &str = "Changed-Secret-5564";
    let temp = TempDir::new("passwords");
    let running = start(&temp, &[]).unwrap();
    let emu = &running.emu;
    let (pool, client) = srp_client_pool(emu).await;
    emu.ok(
        "SignUp",
        json!({ "ClientId": client, "Username": "signed-up", "Password": SIGN_UP }),
    )
    .await;
    emu.ok(
        "AdminCreateUser",
        json!({ "UserPoolId": pool, "Username": "invited", "TemporaryPassword": TEMPORARY, "MessageAction": "SUPPRESS" }),
    )
    .await;
    emu.ok(
        "AdminCreateUser",
        json!({ "UserPoolId": pool, "Username": "admin-set", "MessageAction": "SUPPRESS" }),
    )
    .await;
    emu.ok(
        "AdminSetUserPassword",
        json!({ "UserPoolId": pool, "Username": "admin-set", "Password": PERMANENT, "Permanent": true }),
    )
    .await;
    let tokens = emu.tokens(&pool, &client, "admin-set", PERMANENT).await;
    emu.ok(
        "ChangePassword",
        json!({ "AccessToken": tokens["AccessToken"], "PreviousPassword": PERMANENT, "ProposedPassword": CHANGED }),
    )
    .await;
    emu.tokens(&pool, &client, "admin-set", CHANGED).await;

    let running_bytes = data_dir_bytes(&temp);
    running.stop();
    let stopped_bytes = data_dir_bytes(&temp);
    // The user rows are there (so the search below looks at the right bytes)…
    assert!(contains(&stopped_bytes, "signed-up") && contains(&stopped_bytes, "invited"));
    // …but no password is.
    for password in [SIGN_UP, TEMPORARY, PERMANENT, CHANGED] {
        assert!(!contains(&running_bytes, password), "{password} on disk");
        assert!(!contains(&stopped_bytes, password), "{password} on disk");
    }
}
