//! The client half: the ephemeral pair (a, A), the password key and claim signature that answer
//! `PASSWORD_VERIFIER` / `DEVICE_PASSWORD_VERIFIER`, and the verifier a new device registers with
//! ConfirmDevice.

use super::encoding::{Signed, signed_byte_array, to_byte_array};
use super::error::SrpError;
use super::group::{COGNITO, EPHEMERAL_SECRET_BYTES};
use super::shared::{
    SessionKey, compute_u, compute_x, decode_secret_block, parse_public_value, parse_salt,
    random_bytes,
};
use super::uint::{U3072, add_product, words_from_be_bytes};
use crate::b64::STANDARD as BASE64;
use crate::prelude::*;

/// A client's SRP ephemeral: secret `a` (little-endian words, any length) and public `A = g^a mod N`.
pub struct SrpClient {
    a: Vec<u64>,
    /// Boxed: the sign-in state holds an `Option<SrpClient>` next to small variants.
    a_pub: Box<U3072>,
}

impl Drop for SrpClient {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.a);
    }
}

impl core::fmt::Debug for SrpClient {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SrpClient")
            .field("a", &"[redacted]")
            .field("A", &self.srp_a_hex())
            .finish()
    }
}

/// Everything the client derives once `SRP_B` and `SALT` arrive.
pub struct ClientDerivation {
    pub u: U3072,
    pub x: U3072,
    /// The shared secret S.
    pub premaster_secret: U3072,
    pub key: SessionKey,
}

impl SrpClient {
    /// A fresh ephemeral from [`EPHEMERAL_SECRET_BYTES`] random bytes: a 256-bit `a` (RFC 5054's minimum and
    /// twice the group's 128-bit strength; amazon-cognito-identity-js uses 1024 bits — see the group docs).
    pub fn generate() -> Result<Self, SrpError> {
        Self::from_secret(&random_bytes::<EPHEMERAL_SECRET_BYTES>()?)
    }

    /// An ephemeral from given secret bytes (big-endian); for tests and replayable vectors.
    pub fn from_secret(a_bytes: &[u8]) -> Result<Self, SrpError> {
        let a = words_from_be_bytes(a_bytes);
        let a_pub = Box::new(COGNITO.g_pow(&a));
        // g^a ≡ 0 is impossible in this group; a ≡ 0 (mod N-1) would give A = 1 and a known secret.
        if a.iter().all(|&w| w == 0) || *a_pub <= U3072::ONE {
            return Err(SrpError::IllegalPublicValue { field: "SRP_A" });
        }
        Ok(Self { a, a_pub })
    }

    /// `SRP_A` as sent to Cognito: lowercase hex without leading zeros.
    pub fn srp_a_hex(&self) -> String {
        self.a_pub.to_hex()
    }

    /// Derives u, x, S and the session key from the server's challenge; refuses B ≡ 0 and u = 0.
    pub fn derive(
        &self,
        realm: &str,
        identity: &str,
        password: &str,
        srp_b_hex: &str,
        salt_hex: &str,
    ) -> Result<ClientDerivation, SrpError> {
        let b_pub = parse_public_value(srp_b_hex, "SRP_B")?;
        let salt = parse_salt(salt_hex)?;
        let u = compute_u(&self.a_pub, &b_pub)?;
        let x = compute_x(&signed_byte_array(&salt), realm, identity, password);
        let k_gx = COGNITO.mul(&COGNITO.k, &COGNITO.g_pow(x.words()));
        // B − k·g^x mod N: B < N and k·g^x mod N < N.
        let base = COGNITO.sub(&b_pub, &k_gx);
        let mut exponent = add_product(&self.a, u.words(), x.words());
        let premaster_secret = COGNITO.pow(&base, &exponent);
        zeroize::Zeroize::zeroize(&mut exponent);
        let key = SessionKey::derive(&u, &premaster_secret);
        Ok(ClientDerivation {
            u,
            x,
            premaster_secret,
            key,
        })
    }

    /// `PASSWORD_CLAIM_SIGNATURE` for a challenge, signed over `timestamp` (see [`super::timestamp`]).
    #[allow(clippy::too_many_arguments)]
    pub fn password_claim(
        &self,
        realm: &str,
        identity: &str,
        password: &str,
        srp_b_hex: &str,
        salt_hex: &str,
        secret_block_b64: &str,
        timestamp: &str,
    ) -> Result<String, SrpError> {
        let secret_block = decode_secret_block(secret_block_b64)?;
        let derived = self.derive(realm, identity, password, srp_b_hex, salt_hex)?;
        Ok(derived
            .key
            .sign_claim(realm, identity, &secret_block, timestamp))
    }
}

/// What ConfirmDevice registers for a new device, and the random password the device keeps.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceVerifier {
    /// base64 of 40 random bytes: the device's SRP password, kept in storage.
    pub device_password: String,
    /// `DeviceSecretVerifierConfig.Salt`: base64 of the salt's `toByteArray()` bytes.
    pub salt_b64: String,
    /// `DeviceSecretVerifierConfig.PasswordVerifier`: base64 of `toByteArray(g^x mod N)`.
    pub password_verifier_b64: String,
}

impl core::fmt::Debug for DeviceVerifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DeviceVerifier")
            .field("device_password", &"[redacted]")
            .field("salt_b64", &self.salt_b64)
            .field("password_verifier_b64", &self.password_verifier_b64)
            .finish()
    }
}

impl DeviceVerifier {
    /// A verifier for a device Cognito just named in `NewDeviceMetadata`, from fresh randomness.
    pub fn generate(device_group_key: &str, device_key: &str) -> Result<Self, SrpError> {
        Ok(Self::from_random(
            device_group_key,
            device_key,
            &random_bytes::<40>()?,
            &random_bytes::<16>()?,
        ))
    }

    /// The same from given random bytes (for vectors).
    pub fn from_random(
        device_group_key: &str,
        device_key: &str,
        password_bytes: &[u8; 40],
        salt_bytes: &[u8; 16],
    ) -> Self {
        let device_password = BASE64.encode(password_bytes);
        // The salt is hashed and registered as toByteArray of the unsigned number, like the JS library.
        let salt = Signed::positive(
            U3072::from_be_bytes(salt_bytes).unwrap_or(U3072::ZERO), // 16 bytes always fit
        );
        let salt_bytes = signed_byte_array(&salt);
        let x = compute_x(&salt_bytes, device_group_key, device_key, &device_password);
        let verifier = COGNITO.g_pow(x.words());
        Self {
            device_password,
            salt_b64: BASE64.encode(salt_bytes),
            password_verifier_b64: BASE64.encode(to_byte_array(&verifier)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_secret_is_refused() {
        assert!(SrpClient::from_secret(&[0; 128]).is_err());
        assert!(SrpClient::from_secret(&[]).is_err());
    }

    #[test]
    fn hostile_b_is_refused_before_any_key_is_derived() {
        let client = SrpClient::from_secret(&[7; 128]).unwrap();
        let n = COGNITO.n.to_hex();
        let too_wide = "f".repeat(1024);
        for (b, expected) in [
            ("0", SrpError::IllegalPublicValue { field: "SRP_B" }),
            (n.as_str(), SrpError::IllegalPublicValue { field: "SRP_B" }),
            ("-1", SrpError::IllegalPublicValue { field: "SRP_B" }),
            ("zz", SrpError::InvalidHex { field: "SRP_B" }),
            ("", SrpError::InvalidHex { field: "SRP_B" }),
            ("-0", SrpError::IllegalPublicValue { field: "SRP_B" }),
            (
                too_wide.as_str(),
                SrpError::IllegalPublicValue { field: "SRP_B" },
            ),
        ] {
            assert_eq!(
                client.derive("pool", "alice", "pw", b, "1f").err(),
                Some(expected),
                "B = {b:?}"
            );
        }
        assert_eq!(
            client
                .derive("pool", "alice", "pw", "2", &"a".repeat(513))
                .err(),
            Some(SrpError::TooLong { field: "SALT" })
        );
        assert_eq!(
            client.derive("pool", "alice", "pw", "2", "").err(),
            Some(SrpError::InvalidHex { field: "SALT" })
        );
        assert_eq!(
            client
                .password_claim("pool", "alice", "pw", "2", "1f", "not base64!", "t")
                .err(),
            Some(SrpError::InvalidBase64 {
                field: "SECRET_BLOCK"
            })
        );
    }

    #[test]
    fn debug_never_shows_secrets() {
        let client = SrpClient::from_secret(&[7; 128]).unwrap();
        assert!(!format!("{client:?}").contains("0707"));
        let device = DeviceVerifier::from_random("g", "k", &[1; 40], &[2; 16]);
        assert!(!format!("{device:?}").contains(&device.device_password));
    }
}
