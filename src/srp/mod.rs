//! Cognito's SRP-6a variant (`USER_SRP_AUTH` → `PASSWORD_VERIFIER`, and the same maths for remembered
//! devices), with a client half for the library and a server half for the emulator.
//!
//! Cognito departs from RFC 5054 in ways that all change the bytes hashed: numbers are hashed as Java
//! `BigInteger.toByteArray()` (see [`encoding`]), `k = H(N ‖ g)` without padding, `x` mixes in the pool name,
//! the session key is HKDF-SHA256 ("Caldera Derived Key", 16 bytes) and the proof is an HMAC over a
//! timestamp string. `tests/srp_vectors.rs` pins every step to values produced by amazon-cognito-identity-js.
//!
//! The "realm" and "identity" below are the pool name and `USER_ID_FOR_SRP` for user SRP, and the device
//! group key and device key for device SRP.

#[cfg(all(feature = "bench", target_arch = "wasm32"))]
mod bench;
pub mod client;
pub mod encoding;
mod error;
pub mod group;
mod montgomery;
mod prime;
#[cfg(feature = "server")]
pub mod server;
mod shared;
mod timestamp;
pub mod uint;

pub use error::SrpError;
pub use shared::{
    SessionKey, compute_u, compute_x, decode_secret_block, parse_public_value, parse_salt,
    pool_name, secret_hash,
};
pub use timestamp::timestamp;
