//! The SRP password claim that answers PASSWORD_VERIFIER (a user's password) and DEVICE_PASSWORD_VERIFIER
//! (a remembered device's): the same maths with a different realm, identity and password.

use crate::error::Error;
use crate::prelude::*;
use crate::protocol::StringMap;
use crate::srp::client::SrpClient;
use crate::srp::timestamp;
use crate::text;

/// Who proves what in a password claim: the pool name, `USER_ID_FOR_SRP` and the password for users; the
/// device group key, device key and device password for devices.
pub(super) struct Claim<'a> {
    pub realm: &'a str,
    pub identity: &'a str,
    pub password: &'a str,
}

impl Claim<'_> {
    /// The answer to PASSWORD_VERIFIER / DEVICE_PASSWORD_VERIFIER: the secret block echoed, the timestamp
    /// signed, and the signature over both, from the challenge's SRP_B, SALT and SECRET_BLOCK.
    pub(super) fn responses(
        &self,
        challenge: &str,
        parameters: &StringMap,
        srp: &SrpClient,
        now: i64,
    ) -> Result<StringMap, Error> {
        let secret_block = required_parameter(challenge, parameters, "SECRET_BLOCK")?;
        let timestamp = timestamp(now);
        let signature = srp.password_claim(
            self.realm,
            self.identity,
            self.password,
            required_parameter(challenge, parameters, "SRP_B")?,
            required_parameter(challenge, parameters, "SALT")?,
            secret_block,
            &timestamp,
        )?;
        let mut responses = StringMap::new();
        responses.set("PASSWORD_CLAIM_SECRET_BLOCK", secret_block.to_owned());
        responses.set("TIMESTAMP", timestamp);
        responses.set("PASSWORD_CLAIM_SIGNATURE", signature);
        Ok(responses)
    }
}

pub(super) fn required_parameter<'p>(
    challenge: &str,
    parameters: &'p StringMap,
    key: &str,
) -> Result<&'p str, Error> {
    parameters
        .get(key)
        .map(String::as_str)
        .ok_or_else(|| Error::invalid_response(text::concat(&[challenge, " without ", key])))
}
