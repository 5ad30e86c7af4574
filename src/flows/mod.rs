//! One module per flow. Each turns Cognito replies into the next [`crate::protocol::Request`] or a result,
//! without doing any I/O itself.

pub mod account;
pub mod code_delivery;
pub mod devices;
pub mod mfa_type;
pub mod oauth;
pub mod refresh;
pub mod sign_in;
pub mod sign_out;
