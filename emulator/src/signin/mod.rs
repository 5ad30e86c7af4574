//! The sign-in engine behind InitiateAuth and RespondToAuthChallenge, in layers:
//! [`timestamp`] (the SRP TIMESTAMP check) and [`prepared_srp`] (handshakes computed outside the lock) at
//! the bottom; [`challenges`] (MFA, devices, custom rounds: what follows a password, up to the tokens);
//! [`password`] (the SRP handshake, USER_PASSWORD_AUTH and what a proven password leads to) and
//! [`passkey`] (the WEB_AUTHN challenge); and [`first_factor`] (CUSTOM_AUTH and USER_AUTH's choice of
//! first factor) on top.

pub mod challenges;
pub mod first_factor;
pub mod passkey;
pub mod password;
pub mod prepared_srp;
pub mod timestamp;
