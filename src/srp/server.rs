//! The server half, used by the emulator: the verifier stored instead of a password, the server ephemeral
//! `B = k·v + g^b`, and the check of the client's password claim via `S = (A·v^u)^b`.
//!
//! Its arithmetic outside the exponentiations is num-bigint's, not the client's fixed-width code, so
//! that every sign-in a test or the emulator runs also checks the client's arithmetic against an
//! independent one. It is compiled with the `server` feature only (see Cargo.toml): the shipped client
//! does not link num-bigint.

// Not shipped either, so it may format freely (clippy.toml).
#![allow(clippy::disallowed_macros)]

use num_bigint::{BigInt, BigUint, Sign};
use serde::{Deserialize, Serialize};

use super::error::SrpError;
use super::group::COGNITO;
use super::shared::{SessionKey, compute_u, compute_x, parse_public_value, parse_salt};
use super::uint::U3072;

fn big(x: &U3072) -> BigUint {
    BigUint::from_bytes_be(&x.to_be_bytes())
}

/// A value reduced mod N (so below 2^3072) for the group's exponentiations.
fn fixed(x: &BigUint) -> U3072 {
    U3072::from_be_bytes(&x.to_bytes_be()).unwrap_or(U3072::ZERO)
}

/// What a server stores for a user (or device) instead of the password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordVerifier {
    /// Sent as `SALT`; parsed as a signed hex number like the clients do.
    pub salt_hex: String,
    /// `v = g^x mod N`, hex.
    pub verifier_hex: String,
}

impl PasswordVerifier {
    /// A verifier for a password, with the salt given as raw (unsigned, big-endian) random bytes.
    pub fn new(realm: &str, identity: &str, password: &str, salt: &[u8]) -> Self {
        let salt = BigInt::from_biguint(Sign::Plus, BigUint::from_bytes_be(salt));
        Self::with_salt(realm, identity, password, &salt)
    }

    /// A verifier for a password with the salt as the `SALT` string the server will send.
    pub fn from_salt_hex(
        realm: &str,
        identity: &str,
        password: &str,
        salt_hex: &str,
    ) -> Result<Self, SrpError> {
        let salt = parse_salt(salt_hex)?;
        let sign = if salt.is_negative() {
            Sign::Minus
        } else {
            Sign::Plus
        };
        let salt = BigInt::from_biguint(sign, big(salt.magnitude()));
        let mut verifier = Self::with_salt(realm, identity, password, &salt);
        verifier.salt_hex = salt_hex.to_owned();
        Ok(verifier)
    }

    fn with_salt(realm: &str, identity: &str, password: &str, salt: &BigInt) -> Self {
        let x = compute_x(&salt.to_signed_bytes_be(), realm, identity, password);
        let salt_hex = match salt.sign() {
            Sign::Minus => format!("-{}", salt.magnitude().to_str_radix(16)),
            _ => salt.magnitude().to_str_radix(16),
        };
        Self {
            salt_hex,
            verifier_hex: COGNITO.g_pow(x.words()).to_hex(),
        }
    }

    /// Whether `password` is the one this verifier was made from (for flows that send the password
    /// itself, like `USER_PASSWORD_AUTH`).
    pub fn matches(&self, realm: &str, identity: &str, password: &str) -> bool {
        Self::from_salt_hex(realm, identity, password, &self.salt_hex).is_ok_and(|candidate| {
            constant_time_eq(
                candidate.verifier_hex.as_bytes(),
                self.verifier_hex.as_bytes(),
            )
        })
    }

    fn verifier(&self) -> Result<BigUint, SrpError> {
        parse_public_value(&self.verifier_hex, "verifier").map(|v| big(&v))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// One sign-in attempt on the server: created when `SRP_A` arrives, consumed by the password claim.
#[derive(Clone)]
pub struct ServerHandshake {
    a_pub: BigUint,
    b: BigUint,
    b_pub: BigUint,
    v: BigUint,
}

impl core::fmt::Debug for ServerHandshake {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ServerHandshake")
            .field("b", &"[redacted]")
            .field("B", &self.srp_b_hex())
            .finish()
    }
}

impl ServerHandshake {
    /// Starts a handshake from the client's `SRP_A` and secret random bytes `b` (32 or more); refuses an
    /// A that is ≡ 0 (mod N) or otherwise outside the group.
    pub fn new(verifier: &PasswordVerifier, srp_a_hex: &str, b: &[u8]) -> Result<Self, SrpError> {
        let a_pub = big(&parse_public_value(srp_a_hex, "SRP_A")?);
        let v = verifier.verifier()?;
        let b = BigUint::from_bytes_be(b);
        let g_b = big(&COGNITO.g_pow(&b.to_u64_digits()));
        let b_pub = (big(&COGNITO.k) * &v + g_b) % big(&COGNITO.n);
        Ok(Self { a_pub, b, b_pub, v })
    }

    /// `SRP_B` as sent to the client.
    pub fn srp_b_hex(&self) -> String {
        self.b_pub.to_str_radix(16)
    }

    /// The shared secret `S = (A·v^u)^b mod N`.
    pub fn premaster_secret(&self) -> Result<BigUint, SrpError> {
        Ok(self.premaster_secret_with(&self.u()?))
    }

    fn u(&self) -> Result<U3072, SrpError> {
        compute_u(&fixed(&self.a_pub), &fixed(&self.b_pub))
    }

    fn premaster_secret_with(&self, u: &U3072) -> BigUint {
        let v_u = big(&COGNITO.pow(&fixed(&self.v), u.words()));
        let base = (&self.a_pub * v_u) % big(&COGNITO.n);
        big(&COGNITO.pow(&fixed(&base), &self.b.to_u64_digits()))
    }

    /// The session key the client must have derived.
    pub fn session_key(&self) -> Result<SessionKey, SrpError> {
        let u = self.u()?;
        Ok(SessionKey::derive(
            &u,
            &fixed(&self.premaster_secret_with(&u)),
        ))
    }

    /// Checks `PASSWORD_CLAIM_SIGNATURE` over the secret block bytes and the exact `TIMESTAMP` string.
    pub fn verify_claim(
        &self,
        realm: &str,
        identity: &str,
        secret_block: &[u8],
        timestamp: &str,
        signature_b64: &str,
    ) -> Result<(), SrpError> {
        self.session_key()?
            .verify_claim(realm, identity, secret_block, timestamp, signature_b64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::srp::client::SrpClient;
    use crate::srp::shared::decode_secret_block;
    use crate::srp::timestamp;

    const BLOCK: &str = "c2VjcmV0IGJsb2Nr";

    fn handshake(password: &str) -> (SrpClient, ServerHandshake, PasswordVerifier) {
        let verifier = PasswordVerifier::new("Pool1", "alice", password, &[0x9a; 16]);
        let client = SrpClient::from_secret(&[3; 128]).unwrap();
        let server = ServerHandshake::new(&verifier, &client.srp_a_hex(), &[5; 32]).unwrap();
        (client, server, verifier)
    }

    #[test]
    fn right_password_verifies_wrong_one_does_not() {
        let (client, server, verifier) = handshake("correct horse");
        let block = decode_secret_block(BLOCK).unwrap();
        let ts = timestamp(1_700_000_000);
        let sign = |pw: &str| {
            client
                .password_claim(
                    "Pool1",
                    "alice",
                    pw,
                    &server.srp_b_hex(),
                    &verifier.salt_hex,
                    BLOCK,
                    &ts,
                )
                .unwrap()
        };
        assert_eq!(
            server.verify_claim("Pool1", "alice", &block, &ts, &sign("correct horse")),
            Ok(())
        );
        assert_eq!(
            server.verify_claim("Pool1", "alice", &block, &ts, &sign("correct horsf")),
            Err(SrpError::SignatureMismatch)
        );
        // The timestamp and identity are covered by the signature.
        let good = sign("correct horse");
        let other_ts = timestamp(1_700_000_001);
        assert_eq!(
            server.verify_claim("Pool1", "alice", &block, &other_ts, &good),
            Err(SrpError::SignatureMismatch)
        );
        assert_eq!(
            server.verify_claim("Pool1", "bob", &block, &ts, &good),
            Err(SrpError::SignatureMismatch)
        );
        assert_eq!(
            server.verify_claim("Pool1", "alice", &block, &ts, "%%"),
            Err(SrpError::InvalidBase64 {
                field: "PASSWORD_CLAIM_SIGNATURE"
            })
        );
    }

    #[test]
    fn hostile_a_is_refused() {
        let verifier = PasswordVerifier::new("Pool1", "alice", "pw", &[1; 16]);
        let n = COGNITO.n.to_hex();
        let two_n = (big(&COGNITO.n) * 2u8).to_str_radix(16);
        for a in ["0", n.as_str(), two_n.as_str(), "-1", "nothex", ""] {
            assert!(
                ServerHandshake::new(&verifier, a, &[5; 32]).is_err(),
                "A = {a:?}"
            );
        }
    }

    #[test]
    fn password_check_for_plain_password_flow() {
        let verifier = PasswordVerifier::new("Pool1", "alice", "s3cret", &[0x80; 16]);
        assert!(verifier.matches("Pool1", "alice", "s3cret"));
        assert!(!verifier.matches("Pool1", "alice", "s3cret "));
        assert!(!verifier.matches("Pool2", "alice", "s3cret"));
    }

    #[test]
    fn salt_round_trips_through_hex() {
        let from_bytes = PasswordVerifier::new("P", "u", "pw", &[0x00, 0xff, 0x01]);
        assert_eq!(from_bytes.salt_hex, "ff01");
        let from_hex = PasswordVerifier::from_salt_hex("P", "u", "pw", "ff01").unwrap();
        assert_eq!(from_bytes, from_hex);
        let negative = PasswordVerifier::from_salt_hex("P", "u", "pw", "-7f").unwrap();
        assert_eq!(negative.salt_hex, "-7f");
        assert!(negative.matches("P", "u", "pw"));
    }
}
