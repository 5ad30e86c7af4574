//! Passkeys end to end against the in-process emulator: pool configuration, registration (ES256 and RS256,
//! attestation `none` and `packed`), listing with paging, deletion, USER_AUTH sign-in with WEB_AUTHN, and
//! each refusal — with a software authenticator that builds the authenticator data, COSE keys, attestation
//! statements and signatures itself, and can be told to get any of them wrong.

mod common;

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{Emu, claims};
use openssl::bn::BigNumContext;
use openssl::ec::{EcGroup, EcKey, PointConversionForm};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::Signer;
use serde_cbor_2::Value as Cbor;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const ORIGIN: &str = "http://localhost:8080";
const RP_ID: &str = "localhost";

fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64url(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).unwrap()
}

#[derive(Clone, Copy, PartialEq)]
enum Alg {
    Es256,
    Rs256,
}

/// A software authenticator holding one credential; each field is a way to get something wrong.
struct Authenticator {
    alg: Alg,
    key: PKey<Private>,
    id: Vec<u8>,
    counter: u32,
    user_verified: bool,
    packed: bool,
    /// The relying party it hashes into the authenticator data.
    rp_id: String,
    /// The page's origin the browser writes into clientDataJSON.
    origin: String,
}

impl Authenticator {
    fn new(alg: Alg) -> Self {
        let key = match alg {
            Alg::Es256 => {
                let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
                PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap()
            }
            Alg::Rs256 => PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap(),
        };
        let mut id = vec![0u8; 32];
        openssl::rand::rand_bytes(&mut id).unwrap();
        Self {
            alg,
            key,
            id,
            counter: 0,
            user_verified: true,
            packed: false,
            rp_id: RP_ID.to_owned(),
            origin: ORIGIN.to_owned(),
        }
    }

    fn cose_key(&self) -> Cbor {
        let int = |n: i128| Cbor::Integer(n);
        let mut map = BTreeMap::new();
        match self.alg {
            Alg::Es256 => {
                let ec = self.key.ec_key().unwrap();
                let mut ctx = BigNumContext::new().unwrap();
                let point = ec
                    .public_key()
                    .to_bytes(ec.group(), PointConversionForm::UNCOMPRESSED, &mut ctx)
                    .unwrap();
                map.insert(int(1), int(2));
                map.insert(int(3), int(-7));
                map.insert(int(-1), int(1));
                map.insert(int(-2), Cbor::Bytes(point[1..33].to_vec()));
                map.insert(int(-3), Cbor::Bytes(point[33..65].to_vec()));
            }
            Alg::Rs256 => {
                let rsa = self.key.rsa().unwrap();
                map.insert(int(1), int(3));
                map.insert(int(3), int(-257));
                map.insert(int(-1), Cbor::Bytes(rsa.n().to_vec()));
                map.insert(int(-2), Cbor::Bytes(rsa.e().to_vec()));
            }
        }
        Cbor::Map(map)
    }

    fn cose_alg(&self) -> i128 {
        match self.alg {
            Alg::Es256 => -7,
            Alg::Rs256 => -257,
        }
    }

    /// rpIdHash, flags (UP, UV as set, AT with credential data), signCount, and the attested credential.
    fn authenticator_data(&self, attested: bool) -> Vec<u8> {
        let mut data = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        let mut flags = 0x01;
        if self.user_verified {
            flags |= 0x04;
        }
        if attested {
            flags |= 0x40;
        }
        data.push(flags);
        data.extend_from_slice(&self.counter.to_be_bytes());
        if attested {
            data.extend_from_slice(&[0u8; 16]);
            data.extend_from_slice(&(self.id.len() as u16).to_be_bytes());
            data.extend_from_slice(&self.id);
            data.extend(serde_cbor_2::to_vec(&self.cose_key()).unwrap());
        }
        data
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        let mut signer = Signer::new(MessageDigest::sha256(), &self.key).unwrap();
        signer.update(message).unwrap();
        signer.sign_to_vec().unwrap()
    }

    fn client_data(&self, kind: &str, challenge: &str) -> Vec<u8> {
        json!({ "type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": false })
            .to_string()
            .into_bytes()
    }

    /// navigator.credentials.create(), then `.toJSON()`: a RegistrationResponseJSON.
    fn create(&self, options: &Value) -> Value {
        let client_data =
            self.client_data("webauthn.create", options["challenge"].as_str().unwrap());
        let auth_data = self.authenticator_data(true);
        let statement = if self.packed {
            let mut signed = auth_data.clone();
            signed.extend(Sha256::digest(&client_data));
            let mut map = BTreeMap::new();
            map.insert(Cbor::Text("alg".into()), Cbor::Integer(self.cose_alg()));
            map.insert(Cbor::Text("sig".into()), Cbor::Bytes(self.sign(&signed)));
            Cbor::Map(map)
        } else {
            Cbor::Map(BTreeMap::new())
        };
        let mut object = BTreeMap::new();
        let format = if self.packed { "packed" } else { "none" };
        object.insert(Cbor::Text("fmt".into()), Cbor::Text(format.into()));
        object.insert(Cbor::Text("attStmt".into()), statement);
        object.insert(Cbor::Text("authData".into()), Cbor::Bytes(auth_data));
        let attestation = serde_cbor_2::to_vec(&Cbor::Map(object)).unwrap();
        self.public_key_credential(json!({
            "clientDataJSON": b64url(&client_data),
            "attestationObject": b64url(&attestation),
            "transports": ["internal"],
        }))
    }

    /// A PublicKeyCredential's JSON around its `response`.
    fn public_key_credential(&self, response: Value) -> Value {
        json!({
            "id": b64url(&self.id),
            "rawId": b64url(&self.id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": response,
        })
    }

    /// navigator.credentials.get(), then `.toJSON()`, as text: an AuthenticationResponseJSON.
    fn get(&mut self, request_options: &str, user_handle: &str) -> String {
        let options: Value = serde_json::from_str(request_options).unwrap();
        if self.counter > 0 {
            self.counter += 1;
        }
        let client_data = self.client_data("webauthn.get", options["challenge"].as_str().unwrap());
        let auth_data = self.authenticator_data(false);
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(&client_data));
        self.public_key_credential(json!({
            "clientDataJSON": b64url(&client_data),
            "authenticatorData": b64url(&auth_data),
            "signature": b64url(&self.sign(&signed)),
            "userHandle": user_handle,
        }))
        .to_string()
    }
}

/// The WEB_AUTHN challenge's CREDENTIAL_REQUEST_OPTIONS.
fn request_options(challenge: &Value) -> String {
    challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A pool with passkeys allowed (relying party `localhost`), a USER_AUTH client and user "alice".
struct World {
    emu: Emu,
    pool: String,
    client: String,
    access_token: String,
}

async fn world(user_verification: &str) -> World {
    world_with(Emu::start().await, user_verification).await
}

async fn world_on(emu: Emu) -> World {
    world_with(emu, "preferred").await
}

async fn world_with(emu: Emu, user_verification: &str) -> World {
    let pool = emu
        .create_pool(json!({
            "Policies": { "SignInPolicy": { "AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"] } },
        }))
        .await;
    emu.ok(
        "SetUserPoolMfaConfig",
        json!({
            "UserPoolId": pool,
            "MfaConfiguration": "OFF",
            "WebAuthnConfiguration": { "RelyingPartyId": RP_ID, "UserVerification": user_verification },
        }),
    )
    .await;
    let (client, _) = emu
        .create_client(
            &pool,
            json!({ "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }),
        )
        .await;
    emu.create_user(&pool, "alice").await;
    let tokens = emu.tokens(&pool, &client, "alice", common::PASSWORD).await;
    World {
        access_token: tokens["AccessToken"].as_str().unwrap().to_owned(),
        emu,
        pool,
        client,
    }
}

impl World {
    /// InitiateAuth USER_AUTH without a preference: SELECT_CHALLENGE.
    async fn choice(&self) -> Value {
        self.emu
            .ok(
                "InitiateAuth",
                json!({
                    "AuthFlow": "USER_AUTH",
                    "ClientId": self.client,
                    "AuthParameters": { "USERNAME": "alice" },
                }),
            )
            .await
    }

    async fn start_registration(&self) -> Value {
        self.emu
            .ok(
                "StartWebAuthnRegistration",
                json!({ "AccessToken": self.access_token }),
            )
            .await["CredentialCreationOptions"]
            .clone()
    }

    async fn register(&self, authenticator: &Authenticator) {
        let options = self.start_registration().await;
        self.emu
            .ok(
                "CompleteWebAuthnRegistration",
                json!({ "AccessToken": self.access_token, "Credential": authenticator.create(&options) }),
            )
            .await;
    }

    async fn refused_registration(&self, authenticator: &Authenticator, error: &str) -> String {
        let options = self.start_registration().await;
        self.emu
            .err(
                "CompleteWebAuthnRegistration",
                json!({ "AccessToken": self.access_token, "Credential": authenticator.create(&options) }),
                error,
            )
            .await
    }

    async fn list(&self, extra: Value) -> Value {
        let mut body = json!({ "AccessToken": self.access_token });
        common::merge(&mut body, extra);
        self.emu.ok("ListWebAuthnCredentials", body).await
    }

    /// InitiateAuth USER_AUTH preferring WEB_AUTHN.
    async fn prefer_passkey(&self) -> common::Reply {
        self.emu
            .call(
                "InitiateAuth",
                json!({
                    "AuthFlow": "USER_AUTH",
                    "ClientId": self.client,
                    "AuthParameters": { "USERNAME": "alice", "PREFERRED_CHALLENGE": "WEB_AUTHN" },
                }),
            )
            .await
    }

    /// The WEB_AUTHN challenge, asked for with [`World::prefer_passkey`].
    async fn passkey_challenge(&self) -> Value {
        let reply = self.prefer_passkey().await.body;
        assert_eq!(reply["ChallengeName"], "WEB_AUTHN", "{reply}");
        reply
    }

    /// RespondToAuthChallenge WEB_AUTHN with `credential`.
    async fn respond(&self, challenge: &Value, credential: String) -> common::Reply {
        self.emu
            .call("RespondToAuthChallenge", self.answer(challenge, credential))
            .await
    }

    fn answer(&self, challenge: &Value, credential: String) -> Value {
        json!({
            "ChallengeName": "WEB_AUTHN",
            "ClientId": self.client,
            "Session": challenge["Session"],
            "ChallengeResponses": { "USERNAME": "alice", "CREDENTIAL": credential },
        })
    }

    async fn user_handle(&self) -> String {
        let sub = self
            .emu
            .ok("GetUser", json!({ "AccessToken": self.access_token }))
            .await["UserAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["Name"] == "sub")
            .unwrap()["Value"]
            .as_str()
            .unwrap()
            .to_owned();
        b64url(sub.as_bytes())
    }

    /// A passkey sign-in that must end with tokens.
    async fn signs_in(&self, authenticator: &mut Authenticator) -> Value {
        let reply = self.sign_in(authenticator).await;
        assert!(
            reply.body["AuthenticationResult"]["IdToken"].is_string(),
            "{}",
            reply.body
        );
        reply.body["AuthenticationResult"].clone()
    }

    /// A whole passkey sign-in; the final reply.
    async fn sign_in(&self, authenticator: &mut Authenticator) -> common::Reply {
        let challenge = self.passkey_challenge().await;
        let options = request_options(&challenge);
        let credential = authenticator.get(&options, &self.user_handle().await);
        self.emu
            .call(
                "RespondToAuthChallenge",
                self.answer(&challenge, credential),
            )
            .await
    }
}

#[tokio::test]
async fn pool_configuration_is_shown_where_cognito_shows_it() {
    let w = world("required").await;
    let config = w
        .emu
        .ok("GetUserPoolMfaConfig", json!({ "UserPoolId": w.pool }))
        .await;
    assert_eq!(
        config["WebAuthnConfiguration"],
        json!({ "RelyingPartyId": RP_ID, "UserVerification": "required" })
    );
    let pool = w
        .emu
        .ok("DescribeUserPool", json!({ "UserPoolId": w.pool }))
        .await;
    assert_eq!(
        pool["UserPool"]["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"],
        json!(["PASSWORD", "WEB_AUTHN"])
    );
    w.emu
        .ok(
            "UpdateUserPool",
            json!({ "UserPoolId": w.pool, "Policies": { "SignInPolicy": { "AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"] } } }),
        )
        .await;
    let pool = w
        .emu
        .ok("DescribeUserPool", json!({ "UserPoolId": w.pool }))
        .await;
    assert_eq!(
        pool["UserPool"]["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"],
        json!(["PASSWORD", "EMAIL_OTP"])
    );
    for (factors, why) in [
        (json!(["WEB_AUTHN"]), "without PASSWORD"),
        (json!(["PASSWORD", "SOFTWARE_TOKEN"]), "not a first factor"),
        (json!([]), "empty"),
    ] {
        let reply = w
            .emu
            .call(
                "UpdateUserPool",
                json!({ "UserPoolId": w.pool, "Policies": { "SignInPolicy": { "AllowedFirstAuthFactors": factors } } }),
            )
            .await;
        assert_eq!(reply.error_type(), "InvalidParameterException", "{why}");
    }
    w.emu
        .err(
            "SetUserPoolMfaConfig",
            json!({ "UserPoolId": w.pool, "WebAuthnConfiguration": { "RelyingPartyId": RP_ID, "UserVerification": "always" } }),
            "InvalidParameterException",
        )
        .await;
    // A new pool: passwords only, no relying party.
    let fresh = w.emu.create_pool(json!({})).await;
    let pool = w
        .emu
        .ok("DescribeUserPool", json!({ "UserPoolId": fresh }))
        .await;
    assert_eq!(
        pool["UserPool"]["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"],
        json!(["PASSWORD"])
    );
    let config = w
        .emu
        .ok("GetUserPoolMfaConfig", json!({ "UserPoolId": fresh }))
        .await;
    assert_eq!(
        config["WebAuthnConfiguration"],
        json!({ "UserVerification": "preferred" })
    );
}

#[tokio::test]
async fn registration_options_have_cognitos_shape() {
    let w = world("preferred").await;
    let options = w.start_registration().await;
    assert_eq!(options["rp"]["id"], RP_ID);
    assert_eq!(options["rp"]["name"], "test-pool");
    assert_eq!(options["user"]["name"], "alice");
    assert_eq!(options["user"]["displayName"], "alice");
    assert_eq!(unb64url(options["challenge"].as_str().unwrap()).len(), 32);
    assert!(!options["user"]["id"].as_str().unwrap().is_empty());
    let algs: Vec<i64> = options["pubKeyCredParams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p["type"], "public-key");
            p["alg"].as_i64().unwrap()
        })
        .collect();
    assert_eq!(algs, [-7, -257]);
    assert_eq!(options["excludeCredentials"], json!([]));
    assert_eq!(
        options["authenticatorSelection"],
        json!({ "requireResidentKey": true, "residentKey": "required", "userVerification": "preferred" })
    );
    assert_eq!(options["timeout"], 300_000);
    // Once a passkey is registered, the options exclude it (no second registration of one authenticator).
    let authenticator = Authenticator::new(Alg::Es256);
    w.register(&authenticator).await;
    let options = w.start_registration().await;
    assert_eq!(
        options["excludeCredentials"][0]["id"],
        b64url(&authenticator.id)
    );
}

#[tokio::test]
async fn es256_none_and_rs256_packed_register_and_are_listed_and_paged() {
    let w = world("preferred").await;
    let es256 = Authenticator::new(Alg::Es256);
    w.register(&es256).await;
    let mut rs256 = Authenticator::new(Alg::Rs256);
    rs256.packed = true;
    w.register(&rs256).await;
    let mut es256_packed = Authenticator::new(Alg::Es256);
    es256_packed.packed = true;
    w.register(&es256_packed).await;

    let all = w.list(json!({})).await;
    let ids: Vec<&str> = all["Credentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["CredentialId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            b64url(&es256.id),
            b64url(&rs256.id),
            b64url(&es256_packed.id)
        ]
    );
    assert!(all.get("NextToken").is_none());
    let first = &all["Credentials"][0];
    assert_eq!(first["RelyingPartyId"], RP_ID);
    assert_eq!(first["AuthenticatorAttachment"], "platform");
    assert_eq!(first["AuthenticatorTransports"], json!(["internal"]));
    assert!(first["FriendlyCredentialName"].is_string());
    assert!(first["CreatedAt"].is_number());

    let page1 = w.list(json!({ "MaxResults": 2 })).await;
    assert_eq!(page1["Credentials"].as_array().unwrap().len(), 2);
    let token = page1["NextToken"].as_str().unwrap();
    let page2 = w.list(json!({ "MaxResults": 2, "NextToken": token })).await;
    assert_eq!(page2["Credentials"][0]["CredentialId"], ids[2]);
    assert!(page2.get("NextToken").is_none());
    w.emu
        .err(
            "ListWebAuthnCredentials",
            json!({ "AccessToken": w.access_token, "NextToken": "bogus" }),
            "InvalidParameterException",
        )
        .await;
    w.emu
        .err(
            "ListWebAuthnCredentials",
            json!({ "AccessToken": w.access_token, "MaxResults": 21 }),
            "InvalidParameterException",
        )
        .await;

    w.emu
        .ok(
            "DeleteWebAuthnCredential",
            json!({ "AccessToken": w.access_token, "CredentialId": ids[1] }),
        )
        .await;
    let after = w.list(json!({})).await;
    assert_eq!(after["Credentials"].as_array().unwrap().len(), 2);
    w.emu
        .err(
            "DeleteWebAuthnCredential",
            json!({ "AccessToken": w.access_token, "CredentialId": ids[1] }),
            "ResourceNotFoundException",
        )
        .await;
}

#[tokio::test]
async fn registration_refusals_name_cognitos_exceptions() {
    let w = world("required").await;

    let mut other_origin = Authenticator::new(Alg::Es256);
    other_origin.origin = "https://evil.example".into();
    w.refused_registration(&other_origin, "WebAuthnOriginNotAllowedException")
        .await;

    let mut other_rp = Authenticator::new(Alg::Es256);
    other_rp.rp_id = "example.com".into();
    w.refused_registration(&other_rp, "WebAuthnRelyingPartyMismatchException")
        .await;

    let mut no_uv = Authenticator::new(Alg::Es256);
    no_uv.user_verified = false;
    w.refused_registration(&no_uv, "WebAuthnCredentialNotSupportedException")
        .await;

    // A packed statement whose signature is not over this credential's data.
    let mut forged = Authenticator::new(Alg::Rs256);
    forged.packed = true;
    let options = w.start_registration().await;
    let mut credential = forged.create(&options);
    forged.key = Authenticator::new(Alg::Rs256).key;
    let resigned = forged.create(&options);
    credential["response"]["attestationObject"] = {
        // The attestation object of a different key, with this credential's client data: the key in the
        // authenticator data no longer matches the signature.
        let bytes = unb64url(resigned["response"]["attestationObject"].as_str().unwrap());
        let mut object: BTreeMap<Cbor, Cbor> = serde_cbor_2::from_slice(&bytes).unwrap();
        let original: BTreeMap<Cbor, Cbor> = serde_cbor_2::from_slice(&unb64url(
            credential["response"]["attestationObject"]
                .as_str()
                .unwrap(),
        ))
        .unwrap();
        object.insert(
            Cbor::Text("authData".into()),
            original[&Cbor::Text("authData".into())].clone(),
        );
        json!(b64url(&serde_cbor_2::to_vec(&object).unwrap()))
    };
    w.emu
        .err(
            "CompleteWebAuthnRegistration",
            json!({ "AccessToken": w.access_token, "Credential": credential }),
            "WebAuthnCredentialNotSupportedException",
        )
        .await;

    // The challenge: answered for another one, never started, used up, or too late.
    let authenticator = Authenticator::new(Alg::Es256);
    w.start_registration().await;
    let stale = authenticator.create(&json!({ "challenge": b64url(&[7u8; 32]) }));
    w.emu
        .err(
            "CompleteWebAuthnRegistration",
            json!({ "AccessToken": w.access_token, "Credential": stale }),
            "WebAuthnChallengeNotFoundException",
        )
        .await;
    let options = w.start_registration().await;
    w.emu
        .ok(
            "CompleteWebAuthnRegistration",
            json!({ "AccessToken": w.access_token, "Credential": authenticator.create(&options) }),
        )
        .await;
    w.emu
        .err(
            "CompleteWebAuthnRegistration",
            json!({ "AccessToken": w.access_token, "Credential": authenticator.create(&options) }),
            "WebAuthnChallengeNotFoundException",
        )
        .await;
    let late = Authenticator::new(Alg::Es256);
    let options = w.start_registration().await;
    w.emu.state.advance_clock(301);
    let message = w
        .emu
        .err(
            "CompleteWebAuthnRegistration",
            json!({ "AccessToken": w.access_token, "Credential": late.create(&options) }),
            "WebAuthnChallengeNotFoundException",
        )
        .await;
    assert!(message.contains("expired"), "{message}");
    w.emu.state.advance_clock(-301);

    // Only the one passkey that was accepted is there.
    let list = w.list(json!({})).await;
    assert_eq!(list["Credentials"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn completing_with_another_clients_token_is_a_client_mismatch() {
    let w = world("preferred").await;
    let (other_client, _) = w
        .emu
        .create_client(
            &w.pool,
            json!({ "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }),
        )
        .await;
    let other_token = w
        .emu
        .tokens(&w.pool, &other_client, "alice", common::PASSWORD)
        .await["AccessToken"]
        .clone();
    let options = w.start_registration().await;
    w.emu
        .err(
            "CompleteWebAuthnRegistration",
            json!({ "AccessToken": other_token, "Credential": Authenticator::new(Alg::Es256).create(&options) }),
            "WebAuthnClientMismatchException",
        )
        .await;
}

#[tokio::test]
async fn a_pool_without_passkeys_or_relying_party_refuses_registration() {
    let emu = Emu::start().await;
    let (pool, client) = emu.setup().await;
    let token = emu.tokens(&pool, &client, "alice", common::PASSWORD).await["AccessToken"].clone();
    emu.err(
        "StartWebAuthnRegistration",
        json!({ "AccessToken": token }),
        "WebAuthnNotEnabledException",
    )
    .await;
    emu.ok(
        "UpdateUserPool",
        json!({ "UserPoolId": pool, "Policies": { "SignInPolicy": { "AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"] } } }),
    )
    .await;
    emu.err(
        "StartWebAuthnRegistration",
        json!({ "AccessToken": token }),
        "WebAuthnConfigurationMissingException",
    )
    .await;
}

#[tokio::test]
async fn the_twenty_first_passkey_is_over_the_limit() {
    let w = world("preferred").await;
    for _ in 0..20 {
        w.register(&Authenticator::new(Alg::Es256)).await;
    }
    w.emu
        .err(
            "StartWebAuthnRegistration",
            json!({ "AccessToken": w.access_token }),
            "LimitExceededException",
        )
        .await;
    let page = w.list(json!({})).await;
    assert_eq!(page["Credentials"].as_array().unwrap().len(), 20);
    assert!(page.get("NextToken").is_none());
}

#[tokio::test]
async fn user_auth_offers_web_authn_and_a_passkey_signs_in() {
    let w = world("preferred").await;
    // Without a passkey WEB_AUTHN is not offered, and preferring it falls back to the choice.
    let reply = w.choice().await;
    assert_eq!(reply["ChallengeName"], "SELECT_CHALLENGE");
    assert!(
        !reply["AvailableChallenges"]
            .as_array()
            .unwrap()
            .contains(&json!("WEB_AUTHN"))
    );

    let mut authenticator = Authenticator::new(Alg::Es256);
    w.register(&authenticator).await;
    let reply = w.choice().await;
    assert!(
        reply["AvailableChallenges"]
            .as_array()
            .unwrap()
            .contains(&json!("WEB_AUTHN")),
        "{reply}"
    );
    // Chosen at SELECT_CHALLENGE: the WEB_AUTHN challenge follows.
    let chosen = w
        .emu
        .ok(
            "RespondToAuthChallenge",
            json!({
                "ChallengeName": "SELECT_CHALLENGE",
                "ClientId": w.client,
                "Session": reply["Session"],
                "ChallengeResponses": { "USERNAME": "alice", "ANSWER": "WEB_AUTHN" },
            }),
        )
        .await;
    assert_eq!(chosen["ChallengeName"], "WEB_AUTHN");
    let options: Value = serde_json::from_str(
        chosen["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(options["rpId"], RP_ID);
    assert_eq!(options["userVerification"], "preferred");
    assert_eq!(options["timeout"], 180_000);
    assert_eq!(
        options["allowCredentials"][0]["id"],
        b64url(&authenticator.id)
    );
    assert_eq!(options["allowCredentials"][0]["type"], "public-key");
    let credential = authenticator.get(
        chosen["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]
            .as_str()
            .unwrap(),
        &w.user_handle().await,
    );
    let done = w
        .emu
        .ok("RespondToAuthChallenge", w.answer(&chosen, credential))
        .await;
    let access = done["AuthenticationResult"]["AccessToken"]
        .as_str()
        .unwrap();
    assert_eq!(claims(access)["username"], "alice");

    // As PREFERRED_CHALLENGE, with an RS256 passkey too.
    let mut rs256 = Authenticator::new(Alg::Rs256);
    rs256.packed = true;
    w.register(&rs256).await;
    for passkey in [&mut authenticator, &mut rs256] {
        w.signs_in(passkey).await;
    }
}

#[tokio::test]
async fn sign_in_refusals() {
    let w = world("required").await;
    let mut authenticator = Authenticator::new(Alg::Es256);
    w.register(&authenticator).await;
    let handle = w.user_handle().await;

    let refused = |reply: common::Reply, why: &str| {
        assert_eq!(
            reply.error_type(),
            "NotAuthorizedException",
            "{why}: {}",
            reply.body
        );
    };

    // Signed by another key.
    let mut impostor = Authenticator::new(Alg::Es256);
    impostor.id = authenticator.id.clone();
    refused(w.sign_in(&mut impostor).await, "wrong signature");

    // For another challenge.
    let challenge = w.passkey_challenge().await;
    let credential = authenticator.get(
        &json!({ "challenge": b64url(&[9u8; 32]) }).to_string(),
        &handle,
    );
    refused(w.respond(&challenge, credential).await, "wrong challenge");

    // From another origin, for another relying party, without user verification.
    authenticator.origin = "https://evil.example".into();
    refused(w.sign_in(&mut authenticator).await, "wrong origin");
    authenticator.origin = ORIGIN.into();
    authenticator.rp_id = "example.com".into();
    refused(w.sign_in(&mut authenticator).await, "wrong rpIdHash");
    authenticator.rp_id = RP_ID.into();
    authenticator.user_verified = false;
    refused(w.sign_in(&mut authenticator).await, "no UV");
    authenticator.user_verified = true;

    // A session is used once.
    let challenge = w.passkey_challenge().await;
    let options = request_options(&challenge);
    let credential = authenticator.get(&options, &handle);
    w.emu
        .ok(
            "RespondToAuthChallenge",
            w.answer(&challenge, credential.clone()),
        )
        .await;
    refused(w.respond(&challenge, credential).await, "replayed");

    // Deleted: refused, even with a challenge issued before the deletion.
    let pending = w.passkey_challenge().await;
    w.emu
        .ok(
            "DeleteWebAuthnCredential",
            json!({ "AccessToken": w.access_token, "CredentialId": b64url(&authenticator.id) }),
        )
        .await;
    let options = request_options(&pending);
    let credential = authenticator.get(&options, &handle);
    refused(w.respond(&pending, credential).await, "deleted passkey");
    let reply = w.prefer_passkey().await;
    assert_eq!(
        reply.body["ChallengeName"], "SELECT_CHALLENGE",
        "no passkey left: {}",
        reply.body
    );
}

#[tokio::test]
async fn a_signature_counter_that_goes_back_is_refused_and_zero_is_not_a_counter() {
    let w = world("preferred").await;
    // An authenticator without a counter (synced passkeys): always 0, always accepted.
    let mut synced = Authenticator::new(Alg::Es256);
    w.register(&synced).await;
    for _ in 0..2 {
        w.signs_in(&mut synced).await;
    }

    // A security key with a counter: 10 at registration, 11 and 12 on sign-in; then a clone at 11.
    let mut key = Authenticator::new(Alg::Es256);
    key.counter = 10;
    w.register(&key).await;
    for _ in 0..2 {
        w.signs_in(&mut key).await;
    }
    key.counter = 10; // the next assertion says 11, which was already seen
    let reply = w.sign_in(&mut key).await;
    assert_eq!(
        reply.error_type(),
        "NotAuthorizedException",
        "{}",
        reply.body
    );
    assert!(reply.message().contains("counter"), "{}", reply.message());
    // The real key, further on, still signs in.
    key.counter = 20;
    w.signs_in(&mut key).await;
}

/// An emulator on `dir` that stops (releasing the data dir) when the sender is dropped.
async fn emulator_on(
    dir: &std::path::Path,
) -> (
    Emu,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let opened = cognito_emulator::persist::open(dir).unwrap();
    let state = cognito_emulator::AppState::with_store("us-east-1", opened.store);
    state.persist_to(opened.persister);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn({
        let state = state.clone();
        async move {
            let _ = cognito_emulator::serve_with_shutdown(listener, state, async {
                let _ = stopped.await;
            })
            .await;
        }
    });
    let emu = Emu {
        base,
        state,
        http: reqwest::Client::new(),
    };
    (emu, stop, server)
}

#[tokio::test]
async fn passkeys_and_their_counters_are_kept_in_the_data_dir() {
    let dir = std::env::temp_dir().join(format!(
        "cognito-emulator-passkeys-{}-{}",
        std::process::id(),
        common::now_secs()
    ));
    let (emu, stop, server) = emulator_on(&dir).await;
    let w = world_on(emu).await;
    let mut key = Authenticator::new(Alg::Rs256);
    key.counter = 5;
    w.register(&key).await;
    w.signs_in(&mut key).await; // counter 6 is now the one on record
    let World {
        emu,
        pool,
        client,
        access_token,
    } = w;
    drop(emu);
    drop(stop);
    server.await.unwrap();

    let (emu, _stop, _server) = emulator_on(&dir).await;
    let w = World {
        emu,
        pool,
        client,
        access_token,
    };
    let config = w
        .emu
        .ok("GetUserPoolMfaConfig", json!({ "UserPoolId": w.pool }))
        .await;
    assert_eq!(config["WebAuthnConfiguration"]["RelyingPartyId"], RP_ID);
    let list = w.list(json!({})).await;
    assert_eq!(list["Credentials"][0]["CredentialId"], b64url(&key.id));
    key.counter = 5; // says 6 again: the kept counter refuses it
    let reply = w.sign_in(&mut key).await;
    assert_eq!(
        reply.error_type(),
        "NotAuthorizedException",
        "{}",
        reply.body
    );
    w.signs_in(&mut key).await; // 7
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_seed_file_can_allow_passkeys() {
    let seed: cognito_emulator::seed::Seed = serde_json::from_value(json!({
        "pools": [{
            "id": "us-east-1_Passkeys1",
            "name": "seeded",
            "allowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"],
            "webAuthnConfiguration": { "RelyingPartyId": RP_ID, "UserVerification": "required" },
        }],
    }))
    .unwrap();
    let state = cognito_emulator::AppState::new("us-east-1");
    cognito_emulator::seed::load(&state, &seed).unwrap();
    let emu = Emu::start_with(state).await;
    let config = emu
        .ok(
            "GetUserPoolMfaConfig",
            json!({ "UserPoolId": "us-east-1_Passkeys1" }),
        )
        .await;
    assert_eq!(
        config["WebAuthnConfiguration"],
        json!({ "RelyingPartyId": RP_ID, "UserVerification": "required" })
    );
    let pool = emu
        .ok(
            "DescribeUserPool",
            json!({ "UserPoolId": "us-east-1_Passkeys1" }),
        )
        .await;
    assert_eq!(
        pool["UserPool"]["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"],
        json!(["PASSWORD", "WEB_AUTHN"])
    );

    let bad: cognito_emulator::seed::Seed = serde_json::from_value(json!({
        "pools": [{ "name": "bad", "webAuthnConfiguration": { "UserVerification": "sometimes" } }],
    }))
    .unwrap();
    let error = cognito_emulator::seed::load(&cognito_emulator::AppState::new("us-east-1"), &bad)
        .unwrap_err();
    assert!(error.contains("userVerification"), "{error}");
}

#[tokio::test]
async fn under_preferred_a_passkey_registered_with_user_verification_keeps_needing_it() {
    let w = world("preferred").await;
    let mut verified = Authenticator::new(Alg::Es256);
    w.register(&verified).await;
    verified.user_verified = false;
    let reply = w.sign_in(&mut verified).await;
    assert_eq!(
        reply.error_type(),
        "NotAuthorizedException",
        "{}",
        reply.body
    );
    w.emu
        .ok(
            "DeleteWebAuthnCredential",
            json!({ "AccessToken": w.access_token, "CredentialId": b64url(&verified.id) }),
        )
        .await;
    let mut unverified = Authenticator::new(Alg::Es256);
    unverified.user_verified = false;
    w.register(&unverified).await;
    w.signs_in(&mut unverified).await;
}
