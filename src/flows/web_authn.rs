//! Passkeys (WebAuthn) as Cognito speaks them: the credentials a browser hands back, read and checked
//! before they are sent (a registration for CompleteWebAuthnRegistration, an assertion for the WEB_AUTHN
//! answer of a sign-in), and the four operations on the signed-in user's passkeys — StartWebAuthnRegistration,
//! CompleteWebAuthnRegistration, ListWebAuthnCredentials and DeleteWebAuthnCredential — their replies read
//! into typed outputs (their requests are built from the table in `wasm/account.rs`). The ceremonies
//! themselves (navigator.credentials) are the page's: this module only decides what goes to Cognito and what
//! its replies mean.

use crate::error::Error;
use crate::json::{Object, Reader, Value};
use crate::prelude::*;
use crate::protocol::Members;
use crate::text;

/// Cognito's largest page of ListWebAuthnCredentials (`MaxResults`, 1–20).
pub const MAX_PAGE_SIZE: u32 = 20;

/// Whether `text` is non-empty base64url (padding allowed), as every binary member of a credential is.
fn is_base64url(text: &str) -> bool {
    let body = text::trim_end(text, b'=');
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The base64url string at `path`, required.
fn binary(reader: &Reader<'_>, path: &str) -> Result<String, Error> {
    let text = reader.string(path)?;
    if is_base64url(&text) {
        Ok(text)
    } else {
        Err(Error::invalid_parameter(text::concat(&[
            "credential: ",
            path,
            " must be base64url",
        ])))
    }
}

/// The base64url string at `path`, if present.
fn opt_binary(reader: &Reader<'_>, path: &str) -> Result<Option<String>, Error> {
    match reader.get(path)? {
        None => Ok(None),
        Some(_) => binary(reader, path).map(Some),
    }
}

/// How a member of a credential's `response` is read.
#[derive(Clone, Copy)]
enum Member {
    /// Base64url, required.
    Binary,
    /// Base64url, if present.
    OptBinary,
    /// An array of strings (empty when absent).
    Strings,
    /// A whole number, if present.
    OptInt,
}

/// What an assertion (`navigator.credentials.get`) proves: `AuthenticatorAssertionResponse`'s members, in
/// the order they are read and sent.
const ASSERTION_RESPONSE: &[(&str, Member)] = &[
    ("clientDataJSON", Member::Binary),
    ("authenticatorData", Member::Binary),
    ("signature", Member::Binary),
    ("userHandle", Member::OptBinary),
];

/// What a registration (`navigator.credentials.create`) returns: `AuthenticatorAttestationResponse`'s.
const ATTESTATION_RESPONSE: &[(&str, Member)] = &[
    ("clientDataJSON", Member::Binary),
    ("attestationObject", Member::Binary),
    ("transports", Member::Strings),
    ("authenticatorData", Member::OptBinary),
    ("publicKey", Member::OptBinary),
    ("publicKeyAlgorithm", Member::OptInt),
];

/// A `PublicKeyCredential` in its JSON form (AuthenticationResponseJSON / RegistrationResponseJSON),
/// checked, and written back with the members Cognito takes, in a fixed order: `id`, `rawId`, `type`,
/// `clientExtensionResults`, `response` (the ceremony's members, as listed above), `authenticatorAttachment`.
/// Both ceremonies are read by one table-driven reader.
#[derive(Clone, Debug, PartialEq)]
pub struct Credential {
    /// The credential's id (base64url).
    pub id: String,
    json: Value,
}

impl Credential {
    fn read(credential: &Reader<'_>, members: &[(&str, Member)]) -> Result<Self, Error> {
        let kind = credential.string("type")?;
        if kind != "public-key" {
            return Err(Error::invalid_parameter(text::concat(&[
                "credential: type must be public-key, not '",
                &kind,
                "'",
            ])));
        }
        let id = binary(credential, "id")?;
        let raw_id = binary(credential, "rawId")?;
        if text::trim_end(&id, b'=') != text::trim_end(&raw_id, b'=') {
            return Err(Error::invalid_parameter(
                "credential: id and rawId name different credentials",
            ));
        }
        let extensions = match credential.get("clientExtensionResults")? {
            None => Object::default(),
            Some(value) => value.as_object().cloned().ok_or_else(|| {
                Error::invalid_parameter("credential: clientExtensionResults must be an object")
            })?,
        };
        let attachment = credential.opt_string("authenticatorAttachment")?;
        let reader = credential.object_at("response")?;
        let mut response = Value::Object(Object::default());
        for &(path, member) in members {
            let value = match member {
                Member::Binary => Some(binary(&reader, path)?.into()),
                Member::OptBinary => opt_binary(&reader, path)?.map(Value::from),
                Member::Strings => Some(reader.strings(path)?.into()),
                Member::OptInt => reader.opt_i64(path)?.map(Value::from),
            };
            response.insert_some(path, value);
        }
        let mut json = Value::object([
            ("id", (&id).into()),
            ("rawId", raw_id.into()),
            ("type", "public-key".into()),
            ("clientExtensionResults", Value::Object(extensions)),
            ("response", response),
        ]);
        json.insert_some("authenticatorAttachment", attachment);
        Ok(Self { id, json })
    }

    /// The assertion the page produced, as JSON text (the app's argument): the answer to the WEB_AUTHN
    /// challenge.
    pub fn assertion(text: &str) -> Result<Self, Error> {
        let value = crate::json::parse_argument(text, "credential")?;
        Self::read(&Reader::argument(&value, "credential")?, ASSERTION_RESPONSE)
    }

    /// The `CREDENTIAL` challenge response: the AuthenticationResponseJSON, as text.
    pub fn to_challenge_response(&self) -> String {
        self.json.to_json()
    }

    /// The new passkey the page produced (the app's argument `credential`), for
    /// CompleteWebAuthnRegistration.
    pub fn registration(args: &Reader<'_>) -> Result<Self, Error> {
        Self::read(&args.object_at("credential")?, ATTESTATION_RESPONSE)
    }

    /// The registration as CompleteWebAuthnRegistration's `Credential`.
    pub fn into_value(self) -> Value {
        self.json
    }
}

/// The WEB_AUTHN challenge's `CREDENTIAL_REQUEST_OPTIONS`: the PublicKeyCredentialRequestOptionsJSON the
/// page signs with. Kept as Cognito sent it (the page passes all of it to the browser), read once and checked
/// for what a ceremony cannot do without.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestOptions {
    options: Value,
    /// `allowCredentials`' ids: the user's passkeys Cognito names (none: any discoverable credential).
    allowed_ids: Vec<String>,
}

impl RequestOptions {
    /// The options in the challenge parameter `text`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let options = crate::json::parse_reply(text, "CREDENTIAL_REQUEST_OPTIONS")?;
        let reader = Reader::reply(&options, "CREDENTIAL_REQUEST_OPTIONS")?;
        let challenge = reader.string("challenge")?;
        let mut allowed_ids = Vec::new();
        for allowed in reader.objects("allowCredentials")? {
            allowed_ids.push(allowed.string("id")?);
        }
        if !is_base64url(&challenge) || !allowed_ids.iter().all(|id| is_base64url(id)) {
            return Err(Error::invalid_response(
                "CREDENTIAL_REQUEST_OPTIONS: challenge and credential ids must be base64url",
            ));
        }
        Ok(Self {
            options,
            allowed_ids,
        })
    }

    /// Whether an assertion by credential `id` answers these options: Cognito names the user's passkeys
    /// in `allowCredentials`; none named allows any (a discoverable credential).
    pub fn allows(&self, id: &str) -> bool {
        let id = text::trim_end(id, b'=');
        self.allowed_ids.is_empty()
            || self
                .allowed_ids
                .iter()
                .any(|allowed| text::trim_end(allowed, b'=') == id)
    }

    /// The options as the page's `getPasskey` takes them.
    pub fn to_json(&self) -> Value {
        self.options.clone()
    }
}

/// StartWebAuthnRegistration's reply: `CredentialCreationOptions`, passed to the page whole.
pub struct StartRegistrationReply {
    pub credential_creation_options: Value,
}

impl StartRegistrationReply {
    pub fn read(body: &Value) -> Result<Self, Error> {
        let reply = Reader::reply(body, "StartWebAuthnRegistration")?;
        let options = reply.object_at("CredentialCreationOptions")?;
        // The page cannot start a ceremony without these.
        options.string("challenge")?;
        options.string("user.id")?;
        options
            .string("rp.id")
            .or_else(|_| options.string("rp.name"))?;
        Ok(Self {
            credential_creation_options: reply
                .get("CredentialCreationOptions")?
                .cloned()
                .unwrap_or(Value::Null),
        })
    }
}

/// One of the user's passkeys (`WebAuthnCredentialDescription`).
#[derive(Clone, Debug, PartialEq)]
pub struct PasskeyDescription {
    pub credential_id: String,
    pub friendly_credential_name: Option<String>,
    pub relying_party_id: String,
    pub authenticator_attachment: Option<String>,
    pub authenticator_transports: Vec<String>,
    /// Whole milliseconds since the epoch (Cognito sends seconds, with a fraction), read exactly and without
    /// floating point: the module then links no float parser (6 kB).
    pub created_at_ms: i64,
}

impl PasskeyDescription {
    fn read(credential: &Reader<'_>) -> Result<Self, Error> {
        let mut members = Members::default();
        let read = Self {
            credential_id: members.keep(credential.string("CredentialId")),
            friendly_credential_name: members.keep(credential.opt_string("FriendlyCredentialName")),
            relying_party_id: members.keep(credential.string("RelyingPartyId")),
            authenticator_attachment: members
                .keep(credential.opt_string("AuthenticatorAttachment")),
            authenticator_transports: members.keep(credential.strings("AuthenticatorTransports")),
            created_at_ms: members.keep(credential.opt_millis("CreatedAt").and_then(|created| {
                created.ok_or_else(|| {
                    Error::invalid_response("ListWebAuthnCredentials: CreatedAt is required")
                })
            })),
        };
        members.finish(read)
    }

    /// As Amplify v6's `listWebAuthnCredentials` gives it: `createdAt` a JS Date's milliseconds.
    pub fn to_json(&self) -> Value {
        let mut json = Value::object([
            ("credentialId", (&self.credential_id).into()),
            (
                "friendlyCredentialName",
                self.friendly_credential_name.as_ref().into(),
            ),
            ("relyingPartyId", (&self.relying_party_id).into()),
            (
                "authenticatorTransports",
                self.authenticator_transports.as_slice().into(),
            ),
            ("createdAt", self.created_at_ms.into()),
        ]);
        json.insert_some(
            "authenticatorAttachment",
            self.authenticator_attachment.as_ref(),
        );
        json
    }
}

/// A page of ListWebAuthnCredentials.
pub struct ListReply {
    pub credentials: Vec<PasskeyDescription>,
    pub next_token: Option<String>,
}

impl ListReply {
    pub fn read(body: &Value) -> Result<Self, Error> {
        let reply = Reader::reply(body, "ListWebAuthnCredentials")?;
        let mut credentials = Vec::new();
        for credential in reply.objects("Credentials")? {
            credentials.push(PasskeyDescription::read(&credential)?);
        }
        Ok(Self {
            credentials,
            next_token: reply.opt_string("NextToken")?,
        })
    }

    /// `{credentials, nextToken?}`.
    pub fn to_json(&self) -> Value {
        let mut credentials = Vec::new();
        for credential in &self.credentials {
            credentials.push(credential.to_json());
        }
        let mut json = Value::object([("credentials", Value::Array(credentials))]);
        json.insert_some("nextToken", self.next_token.as_ref());
        json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ASSERTION: &str = r#"{"id":"AAEC","rawId":"AAEC","type":"public-key","authenticatorAttachment":"platform",
        "clientExtensionResults":{},"response":{"clientDataJSON":"eyJ9","authenticatorData":"SZYN",
        "signature":"MEUC","userHandle":"dXNlcg"}}"#;

    #[test]
    fn an_assertion_is_read_and_sent_back_whole() {
        let assertion = Credential::assertion(ASSERTION).unwrap();
        assert_eq!(assertion.id, "AAEC");
        let sent: serde_json::Value =
            serde_json::from_str(&assertion.to_challenge_response()).unwrap();
        let given: serde_json::Value = serde_json::from_str(ASSERTION).unwrap();
        assert_eq!(sent, given);
    }

    #[test]
    fn a_credential_that_is_not_an_assertion_is_refused() {
        for broken in [
            ASSERTION.replace("public-key", "password"),
            ASSERTION.replace(r#""signature":"MEUC","#, ""),
            ASSERTION.replace(r#""rawId":"AAEC""#, r#""rawId":"AAED""#),
            ASSERTION.replace("SZYN", "not base64!"),
            "[]".to_owned(),
        ] {
            let error = Credential::assertion(&broken).unwrap_err();
            assert!(error.is("InvalidParameterException"), "{broken}: {error:?}");
        }
        let message = |broken: String| Credential::assertion(&broken).unwrap_err().message.clone();
        assert_eq!(
            message(ASSERTION.replace("public-key", "password")),
            "credential: type must be public-key, not 'password'"
        );
        assert_eq!(
            message(ASSERTION.replace("SZYN", "not base64!")),
            "credential: authenticatorData must be base64url"
        );
    }

    #[test]
    fn list_pages_are_read() {
        let reply = crate::json::parse_reply(
            r#"{"Credentials":[{"CredentialId":"AAEC","RelyingPartyId":"localhost",
                "AuthenticatorTransports":["internal"],"CreatedAt":1700000000.5}],"NextToken":"x"}"#,
            "ListWebAuthnCredentials",
        )
        .unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&ListReply::read(&reply).unwrap().to_json().to_string()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"credentials": [{"credentialId": "AAEC", "friendlyCredentialName": null,
                "relyingPartyId": "localhost", "authenticatorTransports": ["internal"],
                "createdAt": 1_700_000_000_500_i64}], "nextToken": "x"})
        );
    }
}
