//! What proves who a caller is: SRP verifiers (made from a password, or sent by a device), the app
//! client's SECRET_HASH, and the decoy verifier answered for a user that does not exist.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cognito_wasm::srp;
use cognito_wasm::srp::server::PasswordVerifier;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{CognitoError, OpResult};
use crate::state::{AppClient, Pool};
use crate::util::{b64, ct_eq, random_bytes};

/// Checks `SECRET_HASH` for clients with a secret; any of `usernames` may be the one hashed.
pub fn check_secret_hash(
    client: &AppClient,
    given: Option<&String>,
    usernames: &[&str],
) -> OpResult<()> {
    let Some(secret) = &client.secret else {
        return Ok(());
    };
    let Some(given) = given else {
        return Err(CognitoError::not_authorized(format!(
            "Client {} is configured with secret but SECRET_HASH was not received",
            client.id
        )));
    };
    let matches = usernames.iter().any(|username| {
        ct_eq(
            srp::secret_hash(secret, username, &client.id).as_bytes(),
            given.as_bytes(),
        )
    });
    if matches {
        Ok(())
    } else {
        Err(CognitoError::not_authorized(format!(
            "Unable to verify secret hash for client {}",
            client.id
        )))
    }
}

/// A fresh SRP verifier for a password; the password itself is not kept.
pub fn make_verifier(pool: &Pool, identity: &str, password: &str) -> PasswordVerifier {
    PasswordVerifier::new(pool.realm(), identity, password, &random_bytes(16))
}

/// What a decoy verifier is made from (cheap to find under the lock; the verifier itself is an
/// exponentiation, see [`DecoySeed::verifier`]).
pub struct DecoySeed {
    realm: String,
    identity: String,
    salt: Vec<u8>,
}

impl DecoySeed {
    /// The decoy's verifier, for a random password, and its USER_ID_FOR_SRP.
    pub(crate) fn verifier(self) -> (PasswordVerifier, String) {
        let password = b64(&random_bytes(24));
        (
            PasswordVerifier::new(&self.realm, &self.identity, &password, &self.salt),
            self.identity,
        )
    }
}

/// A verifier for a user that does not exist: the salt is stable per name (a changing salt would give the
/// game away), the password random. In pools that sign in by e-mail or phone the USER_ID_FOR_SRP of a real
/// user is a UUID, so the decoy's is one too. In case-insensitive pools a real user's is the spelling it was
/// created with, whatever the caller typed; echoing "ALICE" for an unknown name where a known one answers
/// "alice" would tell the two apart, so the decoy answers in lower case, as names are usually created.
pub fn decoy_seed(pool: &Pool, username: &str) -> DecoySeed {
    let digest = match Hmac::<Sha256>::new_from_slice(&pool.fake_salt_key) {
        Ok(mut mac) => {
            mac.update(pool.user_key(username).as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => random_bytes(32),
    };
    let identity = if pool.username_attributes.is_empty() {
        pool.user_key(username)
    } else {
        let mut uuid_bytes = [0u8; 16];
        uuid_bytes.copy_from_slice(&digest[16..32]);
        uuid::Builder::from_random_bytes(uuid_bytes)
            .into_uuid()
            .to_string()
    };
    DecoySeed {
        realm: pool.realm().to_owned(),
        identity,
        salt: digest[..16].to_vec(),
    }
}

fn decode_b64(member: &str, text: &str) -> OpResult<Vec<u8>> {
    STANDARD
        .decode(text)
        .map_err(|_| CognitoError::invalid_parameter(format!("{member} is not valid base64.")))
}

/// The verifier ConfirmDevice registers, from `DeviceSecretVerifierConfig` (base64 `Salt` and
/// `PasswordVerifier`). SALT goes back as the hex of the registered bytes; clients read it as a (signed)
/// number, which gives those bytes again.
pub fn verifier_from_config(salt_b64: &str, verifier_b64: &str) -> OpResult<PasswordVerifier> {
    let salt = decode_b64("Salt", salt_b64)?;
    let verifier = decode_b64("PasswordVerifier", verifier_b64)?;
    if salt.is_empty() || verifier.is_empty() {
        return Err(CognitoError::invalid_parameter(
            "DeviceSecretVerifierConfig needs a Salt and a PasswordVerifier.",
        ));
    }
    Ok(PasswordVerifier {
        salt_hex: hex(&salt),
        verifier_hex: hex(&verifier),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
