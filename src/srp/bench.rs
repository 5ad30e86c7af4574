//! Benchmark-only JS exports (cargo feature `bench`, never in the published package): the SRP client maths
//! without the network, so `make bench` can time computing A and the password claim on their own.

use wasm_bindgen::prelude::*;

use crate::prelude::*;

use super::client::SrpClient;

/// A client ephemeral, as [`SrpClient`].
#[wasm_bindgen(js_name = "BenchSrpClient")]
pub struct BenchSrpClient(SrpClient);

#[wasm_bindgen(js_class = "BenchSrpClient")]
impl BenchSrpClient {
    /// A fresh ephemeral (a, A = g^a), exactly as a sign-in makes it.
    pub fn generate() -> Result<BenchSrpClient, JsError> {
        SrpClient::generate()
            .map(Self)
            .map_err(|e| JsError::new(&e.message()))
    }

    /// An ephemeral from given secret bytes, for checking against other implementations.
    #[wasm_bindgen(js_name = "fromSecret")]
    pub fn from_secret(secret: &[u8]) -> Result<BenchSrpClient, JsError> {
        SrpClient::from_secret(secret)
            .map(Self)
            .map_err(|e| JsError::new(&e.message()))
    }

    /// `SRP_A`.
    #[wasm_bindgen(js_name = "srpA")]
    pub fn srp_a(&self) -> String {
        self.0.srp_a_hex()
    }

    /// `PASSWORD_CLAIM_SIGNATURE` for a challenge: u, x, S, the key and the HMAC.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = "passwordClaim")]
    pub fn password_claim(
        &self,
        pool_name: &str,
        user_id_for_srp: &str,
        password: &str,
        srp_b: &str,
        salt: &str,
        secret_block: &str,
        timestamp: &str,
    ) -> Result<String, JsError> {
        self.0
            .password_claim(
                pool_name,
                user_id_for_srp,
                password,
                srp_b,
                salt,
                secret_block,
                timestamp,
            )
            .map_err(|e| JsError::new(&e.message()))
    }
}
