//! Passkeys (WebAuthn): [`model`], what a pool and a user keep; [`relying_party`], the ceremonies'
//! options and their verification, done by `webauthn-rs-core` against the pool's relying party.

pub mod model;
pub mod relying_party;
