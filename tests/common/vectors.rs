//! The vector checks shared by the native and the browser test suites. Each mismatch panics with the case id
//! and field, so a failure says exactly which formula broke.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use cognito_wasm::srp::client::{DeviceVerifier, SrpClient};
use cognito_wasm::srp::encoding::{parse_signed_hex, signed_byte_array, to_byte_array};
use cognito_wasm::srp::server::{PasswordVerifier, ServerHandshake};
use cognito_wasm::srp::{SrpError, decode_secret_block, pool_name, secret_hash, timestamp};
use serde_json::Value;

/// Runs every case in a vector file and returns how many were checked; panics on the first mismatch and
/// when the file holds no cases at all.
pub fn check_all(json: &str) -> usize {
    let file: Value = serde_json::from_str(json).expect("vector file is not JSON");
    assert_eq!(
        file["constants"]["k_hex"],
        "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
    );
    let mut checked = 0;
    for case in cases(&file, "user_srp") {
        let inputs = &case["inputs"];
        let pool_id = text(inputs, "pool_id");
        let realm = pool_name(pool_id).expect("pool id");
        assert_eq!(realm, text(inputs, "pool_name"), "{}: pool name", id(case));
        let identity = text(&case["server_challenge"], "USER_ID_FOR_SRP");
        check_srp_case(case, realm, identity, text(inputs, "password"));
        let params = &case["expected"]["initiate_auth_AuthParameters"];
        assert_eq!(
            text(params, "USERNAME"),
            text(inputs, "username_input"),
            "{}: USERNAME",
            id(case)
        );
        checked += 1;
    }
    for case in cases(&file, "device_srp") {
        let inputs = &case["inputs"];
        let realm = text(inputs, "device_group_key");
        let identity = text(inputs, "device_key");
        check_srp_case(case, realm, identity, text(inputs, "device_password"));
        let auth = &case["expected"]["device_srp_auth_ChallengeResponses"];
        assert_eq!(
            text(auth, "DEVICE_KEY"),
            identity,
            "{}: DEVICE_KEY",
            id(case)
        );
        checked += 1;
    }
    for case in cases(&file, "device_verifier") {
        check_device_verifier(case);
        checked += 1;
    }
    for case in cases(&file, "secret_hash") {
        let got = secret_hash(
            text(case, "client_secret"),
            text(case, "username"),
            text(case, "client_id"),
        );
        assert_eq!(
            got,
            text(case, "expected_secret_hash_b64"),
            "{}: SECRET_HASH",
            id(case)
        );
        checked += 1;
    }
    for case in cases(&file, "timestamps") {
        let epoch_ms = case["epoch_ms"].as_i64().expect("epoch_ms");
        assert_eq!(
            unix_from_rfc3339(text(case, "now_utc")),
            epoch_ms / 1000,
            "now_utc vs epoch_ms"
        );
        assert_eq!(
            timestamp(epoch_ms.div_euclid(1000)),
            text(case, "expected"),
            "timestamp {epoch_ms}"
        );
        checked += 1;
    }
    assert!(checked > 0, "the vector file holds no cases");
    checked
}

/// One user or device SRP case, played from both ends.
fn check_srp_case(case: &Value, realm: &str, identity: &str, password: &str) {
    let case_id = id(case);
    let inputs = &case["inputs"];
    let challenge = &case["server_challenge"];
    let expected = &case["expected"];
    let secrets = &case["server_secrets"];
    let (srp_b, salt, block_b64) = (
        text(challenge, "SRP_B"),
        text(challenge, "SALT"),
        text(challenge, "SECRET_BLOCK"),
    );
    let field = |name: &str| text(expected, name);

    // Client side.
    let client = SrpClient::from_secret(&hex_bytes(text(inputs, "a_hex"))).expect("client a");
    assert_eq!(client.srp_a_hex(), field("SRP_A_hex"), "{case_id}: A");
    let derived = client
        .derive(realm, identity, password, srp_b, salt)
        .expect("derive");
    assert_eq!(derived.u.to_hex(), field("u_hex"), "{case_id}: u");
    assert_eq!(
        hex(&to_byte_array(&derived.u)),
        field("u_padhex"),
        "{case_id}: padHex(u)"
    );
    let salt_int = parse_signed_hex(salt, "SALT", 512).expect("salt");
    assert_eq!(
        hex(&signed_byte_array(&salt_int)),
        field("salt_padhex"),
        "{case_id}: padHex(salt)"
    );
    assert_eq!(derived.x.to_hex(), field("x_hex"), "{case_id}: x");
    assert_eq!(
        derived.premaster_secret.to_hex(),
        field("S_hex"),
        "{case_id}: S"
    );
    assert_eq!(
        hex(&to_byte_array(&derived.premaster_secret)),
        field("S_padhex"),
        "{case_id}: padHex(S)"
    );
    assert_eq!(
        hex(derived.key.as_bytes()),
        field("hkdf_key_hex"),
        "{case_id}: HKDF key"
    );
    let ts = timestamp(unix_from_rfc3339(text(inputs, "now_utc")));
    assert_eq!(ts, field("timestamp"), "{case_id}: TIMESTAMP");
    let signature = client
        .password_claim(realm, identity, password, srp_b, salt, block_b64, &ts)
        .expect("claim");
    assert_eq!(
        signature,
        field("password_claim_signature_b64"),
        "{case_id}: signature"
    );
    let responses = expected
        .get("password_verifier_ChallengeResponses")
        .or_else(|| expected.get("device_password_verifier_ChallengeResponses"))
        .expect("verifier ChallengeResponses");
    assert_eq!(
        text(responses, "PASSWORD_CLAIM_SIGNATURE"),
        signature,
        "{case_id}: response signature"
    );
    assert_eq!(
        text(responses, "PASSWORD_CLAIM_SECRET_BLOCK"),
        block_b64,
        "{case_id}: echoed secret block"
    );
    assert_eq!(
        text(responses, "TIMESTAMP"),
        ts,
        "{case_id}: response TIMESTAMP"
    );

    // Server side: the same verifier, B and S from the server's secrets, and the claim accepted.
    assert_eq!(
        text(secrets, "x_hex"),
        field("x_hex"),
        "{case_id}: server x"
    );
    let verifier =
        PasswordVerifier::from_salt_hex(realm, identity, password, salt).expect("verifier");
    assert_eq!(
        verifier.verifier_hex,
        text(secrets, "verifier_hex"),
        "{case_id}: verifier"
    );
    let server = ServerHandshake::new(
        &verifier,
        &client.srp_a_hex(),
        &hex_bytes(text(secrets, "b_hex")),
    )
    .expect("B");
    assert_eq!(
        server.srp_b_hex(),
        srp_b.trim_start_matches('0'),
        "{case_id}: server B"
    );
    let server_s = server.premaster_secret().expect("server S");
    assert_eq!(
        server_s.to_str_radix(16),
        field("S_hex"),
        "{case_id}: server S"
    );
    let block = decode_secret_block(block_b64).expect("secret block");
    assert_eq!(
        server.verify_claim(realm, identity, &block, &ts, &signature),
        Ok(()),
        "{case_id}: server check"
    );
    let mut forged = BASE64.decode(&signature).expect("signature b64");
    forged[0] ^= 1;
    assert_eq!(
        server.verify_claim(realm, identity, &block, &ts, &BASE64.encode(forged)),
        Err(SrpError::SignatureMismatch),
        "{case_id}: forged signature accepted"
    );
}

fn check_device_verifier(case: &Value) {
    let case_id = id(case);
    let inputs = &case["inputs"];
    let expected = &case["expected"];
    let password: [u8; 40] = hex_bytes_exact(text(inputs, "random_bytes_40_hex"));
    let salt: [u8; 16] = hex_bytes_exact(text(inputs, "random_bytes_16_hex"));
    let got = DeviceVerifier::from_random(
        text(inputs, "device_group_key"),
        text(inputs, "device_key"),
        &password,
        &salt,
    );
    assert_eq!(
        got.device_password,
        text(expected, "random_password"),
        "{case_id}: device password"
    );
    let config = &expected["ConfirmDevice_DeviceSecretVerifierConfig"];
    assert_eq!(got.salt_b64, text(config, "Salt"), "{case_id}: Salt");
    assert_eq!(
        got.password_verifier_b64,
        text(config, "PasswordVerifier"),
        "{case_id}: PasswordVerifier"
    );
    let salt_bytes = BASE64.decode(&got.salt_b64).expect("salt b64");
    assert_eq!(
        hex(&salt_bytes),
        text(expected, "salt_padhex"),
        "{case_id}: salt bytes"
    );
    let verifier_bytes = BASE64
        .decode(&got.password_verifier_b64)
        .expect("verifier b64");
    assert_eq!(
        hex(&verifier_bytes),
        text(expected, "verifier_padhex"),
        "{case_id}: verifier bytes"
    );
}

fn cases<'a>(file: &'a Value, list: &str) -> impl Iterator<Item = &'a Value> {
    file.get(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn id(case: &Value) -> &str {
    case["id"].as_str().unwrap_or("?")
}

fn text<'a>(object: &'a Value, key: &str) -> &'a str {
    object[key]
        .as_str()
        .unwrap_or_else(|| panic!("missing string field {key} in {object}"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes of a (possibly odd-length) hex number.
fn hex_bytes(digits: &str) -> Vec<u8> {
    let padded = if digits.len() % 2 == 1 {
        format!("0{digits}")
    } else {
        digits.to_owned()
    };
    (0..padded.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&padded[i..i + 2], 16).expect("hex digit"))
        .collect()
}

fn hex_bytes_exact<const LEN: usize>(digits: &str) -> [u8; LEN] {
    hex_bytes(digits)
        .try_into()
        .expect("random bytes of the stated length")
}

/// Seconds since the epoch for `YYYY-MM-DDTHH:MM:SSZ`.
fn unix_from_rfc3339(s: &str) -> i64 {
    let number = |range: std::ops::Range<usize>| s[range].parse::<i64>().expect("date digits");
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * m + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    days * 86_400 + number(11..13) * 3600 + number(14..16) * 60 + number(17..19)
}
