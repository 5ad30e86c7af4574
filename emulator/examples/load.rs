//! `make load`: a bounded load run against a cognito-emulator process on 127.0.0.1.
//!
//! It starts the emulator binary given by `--emulator` on a free loopback port, creates one pool, one app
//! client and one user per worker, then for `--seconds` has `--concurrency` workers each repeat a full SRP
//! sign-in (InitiateAuth USER_SRP_AUTH + RespondToAuthChallenge PASSWORD_VERIFIER, with the root crate's
//! client half doing the client maths) followed by one REFRESH_TOKEN_AUTH. It prints throughput, p50/p99
//! latency per kind, errors, the emulator's resident memory (at the start, every `--report-every` seconds
//! and at the end) and the CPU time each process used, then stops the emulator.
//!
//! The client runs on the same machine, so its SRP maths competes with the emulator's for the CPU; the CPU
//! times say how the machine was shared, and so what the emulator alone could serve.
//!
//! Refresh tokens live until they expire (30 days by default), so a long run at a few hundred sign-ins a
//! second would grow the emulator's memory by design. The run therefore sets the app client's refresh-token
//! lifetime to `--refresh-validity` seconds (default 60, via `PUT /_emulator/token-validity`): tokens then
//! expire within the run, and flat memory shows that expired tokens, handshakes and sessions are swept.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
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
    refresh_validity: u64,
    report_every: u64,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        emulator: "target/load/cognito-emulator".into(),
        seconds: 20,
        concurrency: 8,
        refresh_validity: 60,
        report_every: 60,
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
            "--refresh-validity" => {
                options.refresh_validity = value()?
                    .parse()
                    .map_err(|e| format!("--refresh-validity: {e}"))?
            }
            "--report-every" => {
                options.report_every = value()?
                    .parse()
                    .map_err(|e| format!("--report-every: {e}"))?
            }
            other => {
                return Err(format!(
                    "unknown option {other}; use --emulator PATH --seconds N --concurrency N \
                     --refresh-validity SECONDS --report-every SECONDS"
                ));
            }
        }
    }
    if !(1..=MAX_SECONDS).contains(&options.seconds)
        || !(1..=MAX_CONCURRENCY).contains(&options.concurrency)
        || options.refresh_validity < 3
        || options.report_every == 0
    {
        return Err(format!(
            "--seconds 1..={MAX_SECONDS}, --concurrency 1..={MAX_CONCURRENCY}, --refresh-validity ≥ 3, \
             --report-every ≥ 1"
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

/// User + system CPU seconds a process (all its threads) has used, from /proc/PID/stat. Its tick is
/// USER_HZ, which Linux fixes at 100 for /proc whatever the kernel's own tick.
fn cpu_secs(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may contain spaces) in parentheses; utime and stime are
    // fields 14 and 15 of the line, so 12 and 13 after it.
    let rest = stat.rsplit_once(')')?.1;
    let mut fields = rest.split_whitespace().skip(11);
    let utime: f64 = fields.next()?.parse().ok()?;
    let stime: f64 = fields.next()?.parse().ok()?;
    Some((utime + stime) / 100.0)
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
    let srp_client = blocking(|| SrpClient::generate().map_err(|e| e.to_string())).await?;
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
    let realm = srp::pool_name(pool_id)
        .map_err(|e| e.to_string())?
        .to_owned();
    let (identity, srp_b, salt, block) = (
        text("USER_ID_FOR_SRP")?.to_owned(),
        text("SRP_B")?.to_owned(),
        text("SALT")?.to_owned(),
        text("SECRET_BLOCK")?.to_owned(),
    );
    let claim_timestamp = timestamp.clone();
    let signature = blocking(move || {
        srp_client
            .password_claim(
                &realm,
                &identity,
                PASSWORD,
                &srp_b,
                &salt,
                &block,
                &claim_timestamp,
            )
            .map_err(|e| e.to_string())
    })
    .await?;
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

/// The client's SRP maths on tokio's blocking pool, so that it does not hold up the async workers that
/// read the emulator's replies (which would add it to the measured round trips of other workers).
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| e.to_string())?
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
    done: Arc<AtomicU64>,
) -> Tally {
    let mut tally = Tally::default();
    while Instant::now() < until {
        let started = Instant::now();
        match sign_in(&api, &pool_id, &client_id, &username).await {
            Ok(token) => {
                tally.sign_ins.push(started.elapsed());
                done.fetch_add(1, Ordering::Relaxed);
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

async fn setup(api: &Api, users: usize, refresh_validity: u64) -> Result<(String, String), String> {
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
    let validity = api
        .http
        .put(format!(
            "{}_emulator/token-validity?clientId={client_id}",
            api.base
        ))
        .json(&json!({ "refreshToken": refresh_validity }))
        .send()
        .await
        .map_err(|e| format!("token-validity: {e}"))?;
    if !validity.status().is_success() {
        return Err(format!("token-validity: {}", validity.status()));
    }
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
    let (pool_id, client_id) = setup(&api, options.concurrency, options.refresh_validity).await?;
    let rss_before = rss_kib(pid);
    println!(
        "load: {} workers for {} s against {} (pid {pid}), each: SRP sign-in + refresh; \
         refresh tokens valid {} s",
        options.concurrency, options.seconds, emulator.base, options.refresh_validity
    );
    let kib = |v: Option<u64>| v.map_or("?".into(), |v| v.to_string());
    println!("emulator RSS at 0 s: {} KiB", kib(rss_before));
    let emulator_pid = pid.to_string();
    let cpu_before = (cpu_secs(&emulator_pid), cpu_secs("self"));
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let until = started + Duration::from_secs(options.seconds);
    let reporter = {
        let done = done.clone();
        let every = Duration::from_secs(options.report_every);
        tokio::spawn(async move {
            let mut next = started + every;
            while next < until {
                tokio::time::sleep_until(next.into()).await;
                println!(
                    "emulator RSS at {} s: {} KiB ({} sign-ins so far)",
                    next.duration_since(started).as_secs(),
                    rss_kib(pid).map_or("?".into(), |v| v.to_string()),
                    done.load(Ordering::Relaxed)
                );
                next += every;
            }
        })
    };
    let workers: Vec<_> = (0..options.concurrency)
        .map(|i| {
            tokio::spawn(worker(
                api.clone(),
                pool_id.clone(),
                client_id.clone(),
                format!("load-{i}"),
                until,
                done.clone(),
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
    let cpu_after = (cpu_secs(&emulator_pid), cpu_secs("self"));
    reporter.abort();
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
    println!(
        "emulator RSS: {} KiB at the start, {} KiB at the end",
        kib(rss_before),
        kib(rss_after)
    );
    if let ((Some(e0), Some(c0)), (Some(e1), Some(c1))) = (cpu_before, cpu_after) {
        let (emulator_cpu, client_cpu) = (e1 - e0, c1 - c0);
        let iterations = total.sign_ins.len().max(1) as f64;
        println!(
            "CPU: emulator {emulator_cpu:.1} s, load client {client_cpu:.1} s in {elapsed:.1} s wall \
             ({:.2} ms of emulator CPU per sign-in + refresh, so about {:.0} sign-ins/s per core for the \
             emulator alone)",
            emulator_cpu * 1000.0 / iterations,
            iterations / emulator_cpu.max(f64::EPSILON)
        );
    }
    drop(emulator);
    if total.errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{} errors", total.errors.len()))
    }
}
