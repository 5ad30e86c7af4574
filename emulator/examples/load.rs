//! `make load`: a bounded load run against a cognito-emulator process on 127.0.0.1.
//!
//! It starts the emulator binary given by `--emulator` on a free loopback port, creates one pool, one app
//! client and one user per worker, then for `--seconds` has `--concurrency` workers each repeat a full SRP
//! sign-in (InitiateAuth USER_SRP_AUTH + RespondToAuthChallenge PASSWORD_VERIFIER, with the root crate's
//! client half doing the client maths) followed by one REFRESH_TOKEN_AUTH. It prints throughput, p50/p99
//! latency per kind, errors, and the emulator's resident memory before and after, then stops the emulator.
//!
//! The client runs on the same machine, so its SRP maths competes with the emulator's for the CPU.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cognito_wasm::srp;
use cognito_wasm::srp::client::SrpClient;
use serde_json::{Value, json};

const PASSWORD: &str = "Load-Test-Passw0rd!";
/// Upper bounds, so that a typo cannot start an unbounded run.
const MAX_SECONDS: u64 = 900;
const MAX_CONCURRENCY: usize = 256;

struct Options {
    emulator: String,
    seconds: u64,
    concurrency: usize,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        emulator: "target/debug/cognito-emulator".into(),
        seconds: 20,
        concurrency: 8,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--emulator" => options.emulator = value()?,
            "--seconds" => {
                options.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?
            }
            "--concurrency" => {
                options.concurrency = value()?
                    .parse()
                    .map_err(|e| format!("--concurrency: {e}"))?
            }
            other => {
                return Err(format!(
                    "unknown option {other}; use --emulator PATH --seconds N --concurrency N"
                ));
            }
        }
    }
    if !(1..=MAX_SECONDS).contains(&options.seconds)
        || !(1..=MAX_CONCURRENCY).contains(&options.concurrency)
    {
        return Err(format!(
            "--seconds 1..={MAX_SECONDS}, --concurrency 1..={MAX_CONCURRENCY}"
        ));
    }
    Ok(options)
}

/// The emulator child process; killed when dropped so that no run leaves one behind.
struct Emulator {
    child: Child,
    base: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_emulator(path: &str) -> Result<Emulator, String> {
    let mut child = Command::new(path)
        .args(["--host", "127.0.0.1", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {path}: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("reading the emulator's first line: {e}"))?;
    let base = line
        .trim()
        .strip_prefix("cognito-emulator listening on ")
        .ok_or(format!("unexpected first line {line:?}"))?
        .to_owned();
    Ok(Emulator { child, base })
}

/// Resident memory of a process in KiB, from /proc.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    async fn call(&self, operation: &str, body: Value) -> Result<Value, String> {
        let response = self
            .http
            .post(&self.base)
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                format!("AWSCognitoIdentityProviderService.{operation}"),
            )
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| format!("{operation}: {e}"))?;
        let ok = response.status().is_success();
        let value: Value = response
            .json()
            .await
            .map_err(|e| format!("{operation}: {e}"))?;
        if ok {
            Ok(value)
        } else {
            Err(format!(
                "{operation}: {}",
                value["__type"].as_str().unwrap_or("?")
            ))
        }
    }
}

/// One SRP sign-in; returns the refresh token.
async fn sign_in(
    api: &Api,
    pool_id: &str,
    client_id: &str,
    username: &str,
) -> Result<String, String> {
    let srp_client = SrpClient::generate().map_err(|e| e.to_string())?;
    let challenge = api
        .call(
            "InitiateAuth",
            json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": client_id,
                    "AuthParameters": { "USERNAME": username, "SRP_A": srp_client.srp_a_hex() } }),
        )
        .await?;
    let params = &challenge["ChallengeParameters"];
    let text = |name: &str| {
        params[name]
            .as_str()
            .ok_or(format!("challenge lacks {name}"))
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs() as i64;
    let timestamp = srp::timestamp(now);
    let realm = srp::pool_name(pool_id).map_err(|e| e.to_string())?;
    let signature = srp_client
        .password_claim(
            realm,
            text("USER_ID_FOR_SRP")?,
            PASSWORD,
            text("SRP_B")?,
            text("SALT")?,
            text("SECRET_BLOCK")?,
            &timestamp,
        )
        .map_err(|e| e.to_string())?;
    let reply = api
        .call(
            "RespondToAuthChallenge",
            json!({ "ChallengeName": "PASSWORD_VERIFIER", "ClientId": client_id, "Session": challenge["Session"],
                    "ChallengeResponses": { "USERNAME": text("USER_ID_FOR_SRP")?,
                        "PASSWORD_CLAIM_SECRET_BLOCK": text("SECRET_BLOCK")?,
                        "PASSWORD_CLAIM_SIGNATURE": signature, "TIMESTAMP": timestamp } }),
        )
        .await?;
    reply["AuthenticationResult"]["RefreshToken"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| "no RefreshToken".into())
}

async fn refresh(api: &Api, client_id: &str, token: &str) -> Result<(), String> {
    let reply = api
        .call(
            "InitiateAuth",
            json!({ "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client_id,
                    "AuthParameters": { "REFRESH_TOKEN": token } }),
        )
        .await?;
    reply["AuthenticationResult"]["AccessToken"]
        .as_str()
        .map(|_| ())
        .ok_or_else(|| "no AccessToken".into())
}

#[derive(Default)]
struct Tally {
    sign_ins: Vec<Duration>,
    refreshes: Vec<Duration>,
    errors: Vec<String>,
}

async fn worker(
    api: Arc<Api>,
    pool_id: String,
    client_id: String,
    username: String,
    until: Instant,
) -> Tally {
    let mut tally = Tally::default();
    while Instant::now() < until {
        let started = Instant::now();
        match sign_in(&api, &pool_id, &client_id, &username).await {
            Ok(token) => {
                tally.sign_ins.push(started.elapsed());
                let started = Instant::now();
                match refresh(&api, &client_id, &token).await {
                    Ok(()) => tally.refreshes.push(started.elapsed()),
                    Err(e) => tally.errors.push(e),
                }
            }
            Err(e) => tally.errors.push(e),
        }
    }
    tally
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

async fn setup(api: &Api, users: usize) -> Result<(String, String), String> {
    let pool = api
        .call("CreateUserPool", json!({ "PoolName": "load" }))
        .await?;
    let pool_id = pool["UserPool"]["Id"]
        .as_str()
        .ok_or("no pool id")?
        .to_owned();
    let client = api
        .call(
            "CreateUserPoolClient",
            json!({ "UserPoolId": pool_id, "ClientName": "load",
                    "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }),
        )
        .await?;
    let client_id = client["UserPoolClient"]["ClientId"]
        .as_str()
        .ok_or("no client id")?
        .to_owned();
    for i in 0..users {
        let username = format!("load-{i}");
        api.call(
            "AdminCreateUser",
            json!({ "UserPoolId": pool_id, "Username": username, "MessageAction": "SUPPRESS" }),
        )
        .await?;
        api.call(
            "AdminSetUserPassword",
            json!({ "UserPoolId": pool_id, "Username": username, "Password": PASSWORD, "Permanent": true }),
        )
        .await?;
    }
    Ok((pool_id, client_id))
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let options = options()?;
    let emulator = start_emulator(&options.emulator)?;
    let pid = emulator.child.id();
    let api = Arc::new(Api {
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(options.concurrency)
            .build()
            .map_err(|e| e.to_string())?,
        base: format!("{}/", emulator.base),
    });
    let (pool_id, client_id) = setup(&api, options.concurrency).await?;
    let rss_before = rss_kib(pid);
    println!(
        "load: {} workers for {} s against {} (pid {pid}), each: SRP sign-in + refresh",
        options.concurrency, options.seconds, emulator.base
    );
    let started = Instant::now();
    let until = started + Duration::from_secs(options.seconds);
    let workers: Vec<_> = (0..options.concurrency)
        .map(|i| {
            tokio::spawn(worker(
                api.clone(),
                pool_id.clone(),
                client_id.clone(),
                format!("load-{i}"),
                until,
            ))
        })
        .collect();
    let mut total = Tally::default();
    for handle in workers {
        let tally = handle.await.map_err(|e| e.to_string())?;
        total.sign_ins.extend(tally.sign_ins);
        total.refreshes.extend(tally.refreshes);
        total.errors.extend(tally.errors);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let rss_after = rss_kib(pid);
    total.sign_ins.sort();
    total.refreshes.sort();
    for (name, list) in [
        ("SRP sign-ins", &total.sign_ins),
        ("refreshes", &total.refreshes),
    ] {
        println!(
            "{name}: {} in {elapsed:.1} s = {:.1}/s, latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            list.len(),
            list.len() as f64 / elapsed,
            percentile(list, 50.0),
            percentile(list, 99.0),
            percentile(list, 100.0),
        );
    }
    println!("errors: {}", total.errors.len());
    for error in total.errors.iter().take(5) {
        println!("  {error}");
    }
    let kib = |v: Option<u64>| v.map_or("?".into(), |v| v.to_string());
    println!(
        "emulator RSS: {} KiB before, {} KiB after",
        kib(rss_before),
        kib(rss_after)
    );
    drop(emulator);
    if total.errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{} errors", total.errors.len()))
    }
}
