//! cognito-wasm: Amazon Cognito user-pool sign-in for the browser.
//!
//! The core is sans-IO: [`srp`] does the maths, the flow modules turn Cognito responses into the next
//! request or a finished session, and only the `wasm` layer (compiled for `wasm32`) talks to `fetch` and
//! browser storage.

pub mod srp;
