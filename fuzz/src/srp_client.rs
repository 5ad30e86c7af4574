//! Target (b): the SRP values a challenge carries — `SRP_B`, `SALT`, `SECRET_BLOCK`, `USER_ID_FOR_SRP` —
//! of any length and content, for user SRP and device SRP, plus the server half's `SRP_A` (the emulator
//! runs it on what clients send).
//!
//! Besides "no panic", two oracles: when `SRP_B` comes from a real server handshake over the same
//! verifier, the server accepts the client's signature; over a verifier of another password it refuses it.

use arbitrary::Arbitrary;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cognito_wasm::error::{Error, names};
use cognito_wasm::srp::client::{DeviceVerifier, SrpClient};
use cognito_wasm::srp::server::{PasswordVerifier, ServerHandshake};
use cognito_wasm::srp::{self, SrpError, decode_secret_block, timestamp};

use super::Reached;
use super::inputs::{Base64Blob, HexNumber, Text};

/// A client secret longer than this only makes the exponentiation slower, not different.
const MAX_SECRET_BYTES: usize = 256;

#[derive(Arbitrary, Debug)]
struct SrpInput {
    client_secret: Vec<u8>,
    realm: Text,
    /// `USER_ID_FOR_SRP` (or the device key).
    identity: Text,
    password: String,
    salt: HexNumber,
    secret_block: Base64Blob,
    now: i64,
    server: Server,
    device: Option<Device>,
    pool_id: String,
}

/// Where `SRP_B` comes from.
#[derive(Arbitrary, Debug)]
enum Server {
    /// Any value.
    Hostile(HexNumber),
    /// A real handshake, over a verifier of this password (the right one when `None`).
    Honest {
        b: [u8; 32],
        verifier_password: Option<String>,
    },
}

/// Device SRP: a device registered with ConfirmDevice, then signing in with its secrets.
#[derive(Arbitrary, Debug)]
struct Device {
    group_key: String,
    device_key: String,
    password_bytes: [u8; 40],
    salt_bytes: [u8; 16],
    b: [u8; 32],
}

const REALMS: &[&str] = &["Pool1", "", "AbCdEf123"];
const IDENTITIES: &[&str] = &["alice", "", "a6f1c9a0-1b2c-4d5e-8f90-123456789abc"];

pub fn run(data: &[u8]) -> Reached {
    let mut reached = Reached::default();
    let Some(input) = super::structured::<SrpInput>(data) else {
        return reached;
    };
    reached.decoded = true;
    let _ = srp::pool_name(&input.pool_id);

    let client = match client(&input.client_secret) {
        Ok(client) => client,
        Err(error) => {
            assert_eq!(error, SrpError::IllegalPublicValue { field: "SRP_A" });
            return reached;
        }
    };
    let realm = input.realm.pick(REALMS);
    let identity = input.identity.pick(IDENTITIES);
    let salt = input.salt.render();
    let secret_block = input.secret_block.render();
    let timestamp = timestamp(input.now);

    let server = match &input.server {
        Server::Hostile(b) => Err(b.render()),
        Server::Honest {
            b,
            verifier_password,
        } => {
            let password = verifier_password.as_deref().unwrap_or(&input.password);
            PasswordVerifier::from_salt_hex(&realm, &identity, password, &salt)
                .and_then(|verifier| ServerHandshake::new(&verifier, &client.srp_a_hex(), b))
                .map_err(|_| "0".to_owned())
        }
    };
    let srp_b = match &server {
        Ok(handshake) => handshake.srp_b_hex(),
        Err(hostile) => hostile.clone(),
    };
    let claim = client.password_claim(
        &realm,
        &identity,
        &input.password,
        &srp_b,
        &salt,
        &secret_block,
        &timestamp,
    );
    match (&claim, &server) {
        (Ok(signature), Ok(handshake)) => {
            reached.success = true;
            let block = decode_secret_block(&secret_block).expect("the client decoded it");
            let verdict = handshake.verify_claim(&realm, &identity, &block, &timestamp, signature);
            match &input.server {
                Server::Honest {
                    verifier_password: Some(other),
                    ..
                } if *other != input.password => {
                    assert_eq!(verdict, Err(SrpError::SignatureMismatch), "wrong password")
                }
                _ => assert_eq!(verdict, Ok(()), "right password refused"),
            }
        }
        (Ok(_), Err(_)) => reached.success = true,
        (Err(error), _) => {
            // What the flow reports for it.
            assert_eq!(Error::from(error.clone()).name(), names::SRP);
        }
    }

    if let Some(device) = &input.device {
        reached.success &= device_sign_in(&client, device, &secret_block, &timestamp);
    }
    hostile_client_on_server(&input, &salt);
    reached
}

fn client(secret: &[u8]) -> Result<SrpClient, SrpError> {
    SrpClient::from_secret(&secret[..secret.len().min(MAX_SECRET_BYTES)])
}

/// Registers a device as ConfirmDevice does (salt and verifier in base64), then signs it in with device
/// SRP against a server holding that registration. True when the signature was made and accepted.
fn device_sign_in(
    client: &SrpClient,
    device: &Device,
    secret_block: &str,
    timestamp: &str,
) -> bool {
    let registration = DeviceVerifier::from_random(
        &device.group_key,
        &device.device_key,
        &device.password_bytes,
        &device.salt_bytes,
    );
    let salt_bytes = STANDARD
        .decode(&registration.salt_b64)
        .expect("salt is base64");
    let verifier_bytes = STANDARD
        .decode(&registration.password_verifier_b64)
        .expect("verifier is base64");
    // The server keeps them as Cognito sends them back: SALT as signed hex of the registered bytes.
    let stored = PasswordVerifier {
        salt_hex: signed_hex(&salt_bytes),
        verifier_hex: signed_hex(&verifier_bytes),
    };
    let handshake = ServerHandshake::new(&stored, &client.srp_a_hex(), &device.b)
        .expect("an honest device registration and client A are accepted");
    let signature = client.password_claim(
        &device.group_key,
        &device.device_key,
        &registration.device_password,
        &handshake.srp_b_hex(),
        &stored.salt_hex,
        secret_block,
        timestamp,
    );
    match signature {
        Ok(signature) => {
            let block = decode_secret_block(secret_block).expect("the client decoded it");
            assert_eq!(
                handshake.verify_claim(
                    &device.group_key,
                    &device.device_key,
                    &block,
                    timestamp,
                    &signature
                ),
                Ok(()),
                "device SRP refused"
            );
            true
        }
        // Only the fuzzed secret block can be wrong here.
        Err(error) => {
            assert_eq!(
                error,
                SrpError::InvalidBase64 {
                    field: "SECRET_BLOCK"
                }
            );
            false
        }
    }
}

/// Java `BigInteger(bytes).toString(16)` of two's-complement bytes, as Cognito turns a registered salt back
/// into `SALT`.
fn signed_hex(bytes: &[u8]) -> String {
    let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
    let magnitude: Vec<u8> = if negative {
        // Two's complement negation of the big-endian bytes.
        let mut out: Vec<u8> = bytes.iter().map(|b| !b).collect();
        for byte in out.iter_mut().rev() {
            let (sum, carry) = byte.overflowing_add(1);
            *byte = sum;
            if !carry {
                break;
            }
        }
        out
    } else {
        bytes.to_vec()
    };
    let digits: String = magnitude.iter().map(|b| format!("{b:02x}")).collect();
    let digits = digits.trim_start_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    if negative {
        format!("-{digits}")
    } else {
        digits.to_owned()
    }
}

/// The server half fed what a hostile client sends: any `SRP_A`, any signature.
fn hostile_client_on_server(input: &SrpInput, salt: &str) {
    let Ok(verifier) = PasswordVerifier::from_salt_hex("Pool1", "alice", &input.password, salt)
    else {
        return;
    };
    assert!(verifier.matches("Pool1", "alice", &input.password));
    let srp_a = match &input.server {
        Server::Hostile(a) => a.render(),
        Server::Honest { .. } => return,
    };
    if let Ok(handshake) = ServerHandshake::new(&verifier, &srp_a, &[9; 32]) {
        let verdict = handshake.verify_claim(
            "Pool1",
            "alice",
            b"block",
            "Thu Jan 1 00:00:00 UTC 1970",
            &input.secret_block.render(),
        );
        assert!(verdict.is_err(), "a made-up signature was accepted");
    }
}
