//! What the client and server halves of SRP share: the pool name, SECRET_HASH, reading public values and
//! salts, u and x, the session key and the password claim, and the secret block.

use crate::b64::STANDARD as BASE64;
use crate::prelude::*;
use zeroize::Zeroizing;

use super::encoding::{Signed, hash, hash_to_int, parse_signed_hex, to_byte_array};
use super::error::SrpError;
use super::group::COGNITO;
use super::uint::U3072;

/// HKDF's info, "Caldera Derived Key", and the counter of its one block of output (0x01) after it.
const HKDF_INFO_1: &[u8] = b"Caldera Derived Key\x01";

/// Bound on the hex digits of a public value: N is 768 digits; leave room for harmless leading zeros.
const MAX_PUBLIC_HEX_DIGITS: usize = 1024;
/// Bound on the hex digits of a salt (Cognito's are 32 or so).
const MAX_SALT_HEX_DIGITS: usize = 512;

/// The pool name SRP mixes into `x`: the text after the `_` of a user pool id (`us-east-1_AbC123` → `AbC123`).
///
/// Pool ids with more than one `_` are refused: the reference clients disagree with each other on them and
/// no real region contains one.
pub fn pool_name(user_pool_id: &str) -> Result<&str, SrpError> {
    let (region, name) =
        crate::text::split_once(user_pool_id, b'_').ok_or(SrpError::InvalidUserPoolId)?;
    let region_ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let name_ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric());
    if region_ok && name_ok && user_pool_id.len() <= 55 {
        Ok(name)
    } else {
        Err(SrpError::InvalidUserPoolId)
    }
}

/// `SECRET_HASH` for app clients that have a secret: `base64(HMAC-SHA256(secret, username ‖ clientId))`.
/// (`ClientConfig::secret_hash`, in the session module, is this.)
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    let message = crate::text::concat(&[username, client_id]);
    BASE64.encode(hmac_sha256(client_secret.as_bytes(), message.as_bytes()))
}

/// HMAC-SHA256 (RFC 2104) of `message` under `key`, on [`hash`] (sha2's block function alone) rather than the
/// `hmac` crate, whose wrappers were some 1.3 kB of each module: one short hash per refresh of a client with
/// a secret, and SRP's few.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // The key, hashed first when longer than a block, then zeros to a whole block.
    let hashed;
    let key = if key.len() > 64 {
        hashed = hash(&[key]);
        hashed.as_slice()
    } else {
        key
    };
    let mut block = [0u8; 64];
    for (to, from) in block.iter_mut().zip(key) {
        *to = *from;
    }
    let padded = |pad: u8| block.map(|b| b ^ pad);
    let inner = hash(&[&padded(0x36), message]);
    hash(&[&padded(0x5c), &inner])
}

/// Parses a peer's public ephemeral value (`SRP_A` or `SRP_B`, or a stored verifier) and refuses values
/// that are ≡ 0 (mod N), negative or not below N.
pub fn parse_public_value(hex: &str, field: &'static str) -> Result<U3072, SrpError> {
    let value = parse_signed_hex(hex, field, MAX_PUBLIC_HEX_DIGITS)?;
    let magnitude = value.magnitude();
    if value.is_negative() || magnitude.is_zero() || magnitude >= &COGNITO.n {
        return Err(SrpError::IllegalPublicValue { field });
    }
    Ok(*magnitude)
}

/// Parses `SALT` as a signed integer, as amazon-cognito-identity-js does (Cognito has been seen sending
/// negative salts; redundant leading zeros are normalised away).
pub fn parse_salt(hex: &str) -> Result<Signed, SrpError> {
    parse_signed_hex(hex, "SALT", MAX_SALT_HEX_DIGITS)
}

/// `u = H(A ‖ B)`; zero is refused.
pub fn compute_u(a_pub: &U3072, b_pub: &U3072) -> Result<U3072, SrpError> {
    let u = hash_to_int(&[&to_byte_array(a_pub), &to_byte_array(b_pub)]);
    if u.is_zero() {
        Err(SrpError::ZeroScrambler)
    } else {
        Ok(u)
    }
}

/// `x = H(padHex(salt) ‖ H(realm ‖ identity ‖ ":" ‖ password))`, given `padHex(salt)` (the salt's
/// [`super::encoding::signed_byte_array`]).
pub fn compute_x(salt_bytes: &[u8], realm: &str, identity: &str, password: &str) -> U3072 {
    let inner = hash(&[
        realm.as_bytes(),
        identity.as_bytes(),
        b":",
        password.as_bytes(),
    ]);
    hash_to_int(&[salt_bytes, &inner])
}

/// The 16-byte key both sides derive from the shared secret S.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionKey([u8; 16]);

impl Drop for SessionKey {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl core::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SessionKey([redacted])")
    }
}

impl SessionKey {
    /// HKDF-SHA256 (RFC 5869) with salt `padHex(u)`, input `padHex(S)`, info "Caldera Derived Key", 16
    /// bytes. 16 bytes are one block of output, so HKDF is two HMACs: PRK = HMAC(salt, input), then the
    /// first 16 bytes of HMAC(PRK, info ‖ 0x01). Written out rather than the hkdf crate, whose length checks
    /// (which cannot fail here) `expect` with messages that link core's formatting into the module.
    pub fn derive(u: &U3072, premaster_secret: &U3072) -> Self {
        let input = Zeroizing::new(to_byte_array(premaster_secret));
        let prk = Zeroizing::new(hmac_sha256(&to_byte_array(u), &input));
        let block = Zeroizing::new(hmac_sha256(prk.as_slice(), HKDF_INFO_1));
        let mut key = [0u8; 16];
        for (k, b) in key.iter_mut().zip(block.iter()) {
            *k = *b;
        }
        Self(key)
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    fn claim_mac(
        &self,
        realm: &str,
        identity: &str,
        secret_block: &[u8],
        timestamp: &str,
    ) -> [u8; 32] {
        let mut message = crate::text::concat(&[realm, identity]).into_bytes();
        message.extend_from_slice(secret_block);
        message.extend_from_slice(timestamp.as_bytes());
        hmac_sha256(&self.0, &message)
    }

    /// `PASSWORD_CLAIM_SIGNATURE`: base64 of HMAC(K, realm ‖ identity ‖ secret block ‖ timestamp).
    pub fn sign_claim(
        &self,
        realm: &str,
        identity: &str,
        secret_block: &[u8],
        timestamp: &str,
    ) -> String {
        BASE64.encode(self.claim_mac(realm, identity, secret_block, timestamp))
    }

    /// Checks a claim signature in constant time.
    pub fn verify_claim(
        &self,
        realm: &str,
        identity: &str,
        secret_block: &[u8],
        timestamp: &str,
        signature_b64: &str,
    ) -> Result<(), SrpError> {
        let signature = BASE64
            .decode(signature_b64)
            .map_err(|_| SrpError::InvalidBase64 {
                field: "PASSWORD_CLAIM_SIGNATURE",
            })?;
        let expected = self.claim_mac(realm, identity, secret_block, timestamp);
        // Every byte compared, whichever differs: the time taken says nothing of where.
        let differ = signature.len() != expected.len()
            || signature
                .iter()
                .zip(expected)
                .fold(0, |differ, (given, wanted)| differ | (given ^ wanted))
                != 0;
        if differ {
            Err(SrpError::SignatureMismatch)
        } else {
            Ok(())
        }
    }
}

/// Decodes `SECRET_BLOCK` (standard base64), which the signature covers as bytes.
pub fn decode_secret_block(secret_block_b64: &str) -> Result<Vec<u8>, SrpError> {
    BASE64
        .decode(secret_block_b64)
        .map_err(|_| SrpError::InvalidBase64 {
            field: "SECRET_BLOCK",
        })
}

pub(super) fn random_bytes<const LEN: usize>() -> Result<[u8; LEN], SrpError> {
    let mut bytes = [0u8; LEN];
    getrandom::fill(&mut bytes).map_err(|_| SrpError::Random)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_is_rfc_4231s() {
        // Test case 2 (src/config.rs holds it to the hmac crate across the block size).
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn pool_name_is_text_after_underscore() {
        assert_eq!(pool_name("us-east-1_AbCdEf123"), Ok("AbCdEf123"));
        for bad in [
            "",
            "us-east-1",
            "us-east-1_",
            "_abc",
            "us_east_1_abc",
            "us-east-1_ab-c",
            "us-east-1_ab c",
        ] {
            assert_eq!(pool_name(bad), Err(SrpError::InvalidUserPoolId), "{bad:?}");
        }
    }

    #[test]
    fn public_values_outside_the_group_are_refused() {
        let n_hex = COGNITO.n.to_hex();
        let n_plus_one = COGNITO.n.overflowing_add(&U3072::ONE).0.to_hex();
        let largest = "f".repeat(768); // 2^3072 − 1
        let too_wide = format!("1{}", "0".repeat(768)); // 2^3072
        for bad in [
            "0",
            "000",
            "-0",
            n_hex.as_str(),
            n_plus_one.as_str(),
            largest.as_str(),
            too_wide.as_str(),
            "-5",
        ] {
            assert_eq!(
                parse_public_value(bad, "SRP_B"),
                Err(SrpError::IllegalPublicValue { field: "SRP_B" }),
                "{bad}"
            );
        }
        assert_eq!(
            parse_public_value(&"1".repeat(1025), "SRP_B"),
            Err(SrpError::TooLong { field: "SRP_B" })
        );
        assert_eq!(
            parse_public_value("xyz", "SRP_B"),
            Err(SrpError::InvalidHex { field: "SRP_B" })
        );
        assert!(parse_public_value("1", "SRP_B").is_ok());
        let n_minus_one = COGNITO.n.overflowing_sub(&U3072::ONE).0.to_hex();
        assert!(parse_public_value(&format!("000{n_minus_one}"), "SRP_B").is_ok());
    }

    #[test]
    fn session_key_debug_is_redacted() {
        let key = SessionKey::derive(&U3072::ONE, &U3072::from_hex("2").unwrap());
        assert_eq!(format!("{key:?}"), "SessionKey([redacted])");
    }
}
