//! `cognito-emulator`: runs the emulator on a local port.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use cognito_emulator::AppState;
use cognito_emulator::origins::{NetworkPolicy, is_unspecified};
use cognito_emulator::seed::Seed;

/// Local Amazon Cognito user-pool emulator (real SRP-6a, RS256 tokens).
#[derive(Debug, Parser)]
#[command(name = "cognito-emulator", version)]
struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on; 0 picks a free one (the line printed at start-up says which).
    #[arg(long, default_value_t = 9229)]
    port: u16,
    /// JSON file with pools, app clients and users to create at start-up (see README.md).
    #[arg(long)]
    seed: Option<PathBuf>,
    /// Region of new pool ids (and so of the token issuer). Default: the seed's "region", else us-east-1.
    #[arg(long)]
    region: Option<String>,
    /// Directory that keeps pools, users, devices, refresh tokens and signing keys across restarts (created
    /// if missing). Without it everything lives in memory only. The seed is applied only while it holds no
    /// pools.
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// An origin (`https://app.example:8443`) whose pages may call the emulator, besides the loopback ones
    /// (`http://127.0.0.1:*`, `http://localhost:*`, `http://[::1]:*`). Repeatable.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    cors_origins: Vec<String>,
    /// Let pages of every origin call the emulator (and so read its inbox, reset passwords, delete pools).
    #[arg(long)]
    cors_any: bool,
    /// The hosted sign-in page (the repository's `www/`) to serve as managed login at `/login`. It loads the
    /// built package from `pkg/` and the QR encoder from `node_modules/uqr/dist/` beside DIR, as in the
    /// repository.
    #[arg(long, value_name = "DIR")]
    login_page: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // Bad input (seed, data dir) exits with 2, a failure to serve with 1.
    let state = match start(&cli) {
        Ok(state) => state,
        Err(message) => {
            eprintln!("cognito-emulator: {message}");
            return ExitCode::from(2);
        }
    };
    let listener = match listen(&cli).await {
        Ok(listener) => listener,
        Err(message) => {
            eprintln!("cognito-emulator: {message}");
            return ExitCode::from(1);
        }
    };
    let served = cognito_emulator::serve_with_shutdown(listener, state.clone(), shutdown_signal())
        .await
        .map_err(|e| e.to_string())
        .and_then(|()| state.checkpoint_data_dir());
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("cognito-emulator: {message}");
            ExitCode::from(1)
        }
    }
}

/// The emulator's state: read back from `--data-dir` if there is one, seeded when that holds no pools.
fn start(cli: &Cli) -> Result<Arc<AppState>, String> {
    let seed = cli.seed.as_deref().map(read_seed).transpose()?;
    let region = cli
        .region
        .clone()
        .or_else(|| seed.as_ref().and_then(|s| s.region.clone()))
        .unwrap_or_else(|| "us-east-1".to_owned());
    let opened = match &cli.data_dir {
        Some(dir) => Some(tokio::task::block_in_place(|| {
            cognito_emulator::persist::open(dir)
        })?),
        None => None,
    };
    let (state, persister, seed_applies) = match opened {
        Some(opened) => (
            AppState::with_store(region, opened.store),
            Some(opened.persister),
            opened.empty,
        ),
        None => (AppState::new(region), None, true),
    };
    let mut seeded = false;
    if let Some(seed) = &seed {
        if seed_applies {
            seeded = true;
            // Seeding generates RSA keys, which blocks: tell the runtime.
            tokio::task::block_in_place(|| cognito_emulator::seed::load(&state, seed))?;
        } else if let (Some(dir), Some(file)) = (&cli.data_dir, &cli.seed) {
            eprintln!(
                "cognito-emulator: {} already holds pools, so --seed {} was not applied \
                 (start with an empty --data-dir to seed again)",
                dir.display(),
                file.display()
            );
        }
    }
    warn_about_exposure(cli);
    if let Some(page_dir) = &cli.login_page {
        if !page_dir.join("index.html").is_file() {
            return Err(format!(
                "--login-page {}: no index.html there",
                page_dir.display()
            ));
        }
        let beside = page_dir.join("..");
        state.set_login_page(cognito_emulator::oauth_model::LoginPage {
            page_dir: page_dir.clone(),
            mounts: vec![
                ("pkg/".to_owned(), beside.join("pkg")),
                (
                    "vendor/uqr/".to_owned(),
                    beside.join("node_modules").join("uqr").join("dist"),
                ),
            ],
        });
    }
    state.set_network_policy(NetworkPolicy {
        extra_origins: cli.cors_origins.clone(),
        any_origin: cli.cors_any,
        host: Some(cli.host.clone()),
    });
    if let Some(mut persister) = persister {
        // The seed went to memory only; it reaches the disk in one transaction, so that a seed that fails
        // half-way leaves the data dir empty and the next start seeds again.
        if seeded {
            tokio::task::block_in_place(|| persister.write_everything(&mut state.store()))?;
        }
        state.persist_to(persister);
    }
    Ok(state)
}

/// `--cors-any` and `--host 0.0.0.0` open the emulator's admin and dev endpoints to others: say so.
fn warn_about_exposure(cli: &Cli) {
    if cli.cors_any {
        eprintln!(
            "cognito-emulator: warning: --cors-any lets every web page you open call this emulator \
             (read its inbox, reset passwords, delete pools)"
        );
    }
    if is_unspecified(&cli.host) {
        eprintln!(
            "cognito-emulator: warning: --host {} opens the emulator's admin and dev endpoints, which \
             need no credentials, to the network",
            cli.host
        );
    }
}

fn read_seed(path: &Path) -> Result<Seed, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read seed file {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("seed file {}: {e}", path.display()))
}

/// Binds `--host`:`--port` and prints the line scripts and tests wait for.
async fn listen(cli: &Cli) -> Result<tokio::net::TcpListener, String> {
    let address = format!("{}:{}", cli.host, cli.port);
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .map_err(|e| format!("cannot listen on {address}: {e}"))?;
    let bound: SocketAddr = listener.local_addr().map_err(|e| e.to_string())?;
    // Scripts and tests wait for exactly this line.
    println!("cognito-emulator listening on http://{bound}");
    let _ = std::io::stdout().flush();
    Ok(listener)
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
