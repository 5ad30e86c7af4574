//! RS256 JSON Web Tokens: each pool's two signing keys (one for ID tokens, one for access tokens, as
//! Cognito has), signing, verification and the public JWKS document.
//!
//! The RSA maths is the `rsa` crate's PKCS#1 v1.5 with SHA-256; this module only does the JOSE framing.

use std::sync::OnceLock;

use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use rsa::signature::{SignatureEncoding as _, Signer as _, Verifier as _};
use rsa::traits::PublicKeyParts as _;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};

use crate::util::{b64, b64url, b64url_decode};

/// Size of the generated keys; Cognito's are 2048-bit.
const KEY_BITS: usize = 2048;

/// One RSA key pair with its key id and public JWK.
pub struct JwtKey {
    kid: String,
    signing: SigningKey<Sha256>,
    /// The same private key for ring, which signs (see Cargo.toml); made on first use from `signing`.
    fast_signing: OnceLock<Option<ring::signature::RsaKeyPair>>,
    verifying: VerifyingKey<Sha256>,
    jwk: Value,
}

impl std::fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// Why a presented token was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum JwtError {
    /// Not three base64url parts with JSON header and payload, or not RS256.
    Malformed,
    /// Signed by a different key (or not at all).
    BadSignature,
}

impl JwtKey {
    /// Generates a fresh key pair. Takes a noticeable fraction of a second: call off the async runtime.
    pub fn generate() -> Result<Self, rsa::Error> {
        Ok(Self::from_private(RsaPrivateKey::new(
            &mut rand::rngs::OsRng,
            KEY_BITS,
        )?))
    }

    /// A key read back from its PKCS#8 DER form (see [`JwtKey::to_pkcs8_der`]).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, String> {
        RsaPrivateKey::from_pkcs8_der(der)
            .map(Self::from_private)
            .map_err(|e| format!("not an RSA private key: {e}"))
    }

    /// The private key as PKCS#8 DER, so that a data dir keeps the key (and so the kid and JWKS).
    pub fn to_pkcs8_der(&self) -> Result<Vec<u8>, String> {
        let private: &RsaPrivateKey = self.signing.as_ref();
        private
            .to_pkcs8_der()
            .map(|document| document.as_bytes().to_vec())
            .map_err(|e| format!("cannot encode an RSA key: {e}"))
    }

    fn from_private(private: RsaPrivateKey) -> Self {
        let public = RsaPublicKey::from(&private);
        let n = public.n().to_bytes_be();
        let e = public.e().to_bytes_be();
        // Cognito's kids are 44-character base64 strings; a hash of the public key has that shape and
        // stays stable for the key.
        let kid = b64(&Sha256::new().chain_update(&n).chain_update(&e).finalize());
        let jwk = json!({
            "alg": "RS256",
            "e": b64url(&e),
            "kid": kid,
            "kty": "RSA",
            "n": b64url(&n),
            "use": "sig",
        });
        Self {
            kid,
            signing: SigningKey::new(private),
            fast_signing: OnceLock::new(),
            verifying: VerifyingKey::new(public),
            jwk,
        }
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn jwk(&self) -> &Value {
        &self.jwk
    }

    /// Compact JWS of `claims`, header `{"kid":…,"alg":"RS256"}` like Cognito's.
    pub fn sign(&self, claims: &Map<String, Value>) -> String {
        let header = json!({ "kid": self.kid, "alg": "RS256" });
        let signing_input = format!(
            "{}.{}",
            b64url(header.to_string().as_bytes()),
            b64url(Value::Object(claims.clone()).to_string().as_bytes())
        );
        let signature = self
            .sign_fast(signing_input.as_bytes())
            .unwrap_or_else(|| self.signing.sign(signing_input.as_bytes()).to_vec());
        format!("{signing_input}.{}", b64url(&signature))
    }

    /// RS256 with ring: the same PKCS#1 v1.5 signature the rsa crate makes (it is deterministic), faster.
    /// `None` only if ring refused the key, and then the rsa crate signs.
    fn sign_fast(&self, message: &[u8]) -> Option<Vec<u8>> {
        let pair = self
            .fast_signing
            .get_or_init(|| {
                let der = self.signing.as_ref().to_pkcs8_der().ok()?;
                ring::signature::RsaKeyPair::from_pkcs8(der.as_bytes()).ok()
            })
            .as_ref()?;
        let mut signature = vec![0; pair.public().modulus_len()];
        pair.sign(
            &ring::signature::RSA_PKCS1_SHA256,
            &ring::rand::SystemRandom::new(),
            message,
            &mut signature,
        )
        .ok()?;
        Some(signature)
    }

    /// Checks the header (RS256, this key's kid) and the signature, and returns the claims.
    pub fn verify(&self, token: &str) -> Result<Map<String, Value>, JwtError> {
        let parts = JwtParts::parse(token)?;
        if parts.header.get("kid").and_then(Value::as_str) != Some(self.kid.as_str()) {
            return Err(JwtError::BadSignature);
        }
        let signature =
            Signature::try_from(parts.signature.as_slice()).map_err(|_| JwtError::BadSignature)?;
        self.verifying
            .verify(parts.signing_input.as_bytes(), &signature)
            .map_err(|_| JwtError::BadSignature)?;
        Ok(parts.claims)
    }
}

/// A compact JWS split into its decoded parts (nothing verified yet).
pub struct JwtParts {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    signing_input: String,
    signature: Vec<u8>,
}

impl JwtParts {
    pub fn parse(token: &str) -> Result<Self, JwtError> {
        let mut parts = token.split('.');
        let (Some(header), Some(claims), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwtError::Malformed);
        };
        let decode_object = |part: &str| -> Result<Map<String, Value>, JwtError> {
            let bytes = b64url_decode(part).ok_or(JwtError::Malformed)?;
            match serde_json::from_slice(&bytes) {
                Ok(Value::Object(map)) => Ok(map),
                _ => Err(JwtError::Malformed),
            }
        };
        let header_map = decode_object(header)?;
        if header_map.get("alg").and_then(Value::as_str) != Some("RS256") {
            return Err(JwtError::Malformed);
        }
        Ok(Self {
            header: header_map,
            claims: decode_object(claims)?,
            signing_input: format!("{header}.{claims}"),
            signature: b64url_decode(signature).ok_or(JwtError::Malformed)?,
        })
    }

    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }
}

/// A pool's signing keys: Cognito signs ID and access tokens with different keys.
#[derive(Debug)]
pub struct PoolKeys {
    pub id_token: JwtKey,
    pub access_token: JwtKey,
}

impl PoolKeys {
    pub fn generate() -> Result<Self, rsa::Error> {
        Ok(Self {
            id_token: JwtKey::generate()?,
            access_token: JwtKey::generate()?,
        })
    }

    /// The pool's `/.well-known/jwks.json` document.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [self.id_token.jwk(), self.access_token.jwk()] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_signs_exactly_like_the_rsa_crate() {
        let key = JwtKey::generate().unwrap();
        let message = b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMifQ";
        let fast = key
            .sign_fast(message)
            .expect("ring accepts the generated key");
        let reference: Signature = key.signing.sign(message);
        assert_eq!(fast, reference.to_vec());
    }

    #[test]
    fn sign_verify_and_tamper() {
        let keys = PoolKeys::generate().unwrap();
        assert_ne!(keys.id_token.kid(), keys.access_token.kid());
        let mut claims = Map::new();
        claims.insert("sub".into(), json!("abc"));
        let token = keys.access_token.sign(&claims);
        assert_eq!(keys.access_token.verify(&token).unwrap(), claims);
        // The other key of the same pool must not accept it.
        assert_eq!(keys.id_token.verify(&token), Err(JwtError::BadSignature));
        // Changing the payload breaks the signature.
        let mut forged_claims = claims.clone();
        forged_claims.insert("sub".into(), json!("evil"));
        let forged_payload = b64url(Value::Object(forged_claims).to_string().as_bytes());
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
        assert_eq!(
            keys.access_token.verify(&forged),
            Err(JwtError::BadSignature)
        );
        assert_eq!(keys.access_token.verify("a.b"), Err(JwtError::Malformed));
        let jwks = keys.jwks();
        assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
        assert_eq!(jwks["keys"][0]["e"], "AQAB");
    }

    #[test]
    fn a_key_read_back_from_pkcs8_is_the_same_key() {
        let key = JwtKey::generate().unwrap();
        let again = JwtKey::from_pkcs8_der(&key.to_pkcs8_der().unwrap()).unwrap();
        assert_eq!(again.kid(), key.kid());
        assert_eq!(again.jwk(), key.jwk());
        let mut claims = Map::new();
        claims.insert("sub".into(), json!("abc"));
        assert!(again.verify(&key.sign(&claims)).is_ok());
        assert!(JwtKey::from_pkcs8_der(b"not a key").is_err());
    }
}
