//! A local Amazon Cognito user-pool emulator that really verifies SRP-6a.
//!
//! It speaks Cognito's JSON protocol (`POST /` with `X-Amz-Target`), keeps pools, app clients and users in
//! memory (users as SRP salt + verifier only; with `--data-dir` also on disk, see [`persist`]), checks
//! PASSWORD_VERIFIER proofs with the root crate's server-side SRP, and issues RS256 tokens whose keys it
//! publishes at `/{poolId}/.well-known/jwks.json`.
//!
//! Embedding (as the integration tests do):
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let state = cognito_emulator::AppState::new("us-east-1");
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! cognito_emulator::serve(listener, state).await
//! # }
//! ```

pub mod access;
pub mod app;
pub mod attributes;
pub mod calls;
pub mod codes;
pub mod connection;
pub mod credentials;
pub mod deferred_sign;
pub mod dev_endpoints;
pub mod error;
pub mod http;
pub mod inbox;
pub mod intake;
pub mod jwt;
pub mod lockout;
pub mod names;
pub mod oauth;
pub mod oauth_model;
pub mod oauth_settings;
pub mod ops;
pub mod origins;
pub mod passkeys;
pub mod password;
pub mod persist;
pub mod pool_settings;
pub mod request;
pub mod second_factor;
pub mod seed;
pub mod signin;
pub mod state;
pub mod tokens;
pub mod tracked;
pub mod users;
pub mod util;
pub mod web;

use std::future::Future;
use std::sync::Arc;

pub use app::AppState;

use connection::{ConnectionHandle, DroppableListener};

/// Serves the emulator on an already bound listener until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, state: Arc<AppState>) -> std::io::Result<()> {
    let listener = DroppableListener {
        listener,
        policy: state.calls.connection_policy(),
    };
    axum::serve(
        listener,
        http::router(state).into_make_service_with_connect_info::<ConnectionHandle>(),
    )
    .await
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve_with_shutdown(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = DroppableListener {
        listener,
        policy: state.calls.connection_policy(),
    };
    axum::serve(
        listener,
        http::router(state).into_make_service_with_connect_info::<ConnectionHandle>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
