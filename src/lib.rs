//! cognito-wasm: Amazon Cognito user-pool sign-in for the browser.
//!
//! The core is sans-IO: [`srp`] does the maths, the [`flows`] turn Cognito replies into the next request or
//! a finished [`session::Session`]. The `wasm` module (compiled for `wasm32`) exports them synchronously to
//! the package's JavaScript, which does the I/O: `fetch`, storage, timers and the other tabs.

// A panic in the wasm module kills it for the whole page: library code reports typed errors instead.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod b64;
pub mod clock;
pub mod config;
pub mod error;
pub mod flows;
pub mod json;
pub mod jwt;
pub mod protocol;
pub mod retry;
pub mod secret;
pub mod session;
pub mod srp;

#[cfg(test)]
mod ts_types;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub use config::ClientConfig;
pub use error::Error;
