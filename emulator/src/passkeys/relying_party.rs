//! The pool as a WebAuthn relying party: the options Cognito sends (`CredentialCreationOptions`,
//! `CREDENTIAL_REQUEST_OPTIONS`) and the verification of what the authenticator answers. Every check —
//! the challenge, the origin against the relying party, the rpIdHash, the UP and UV flags, the
//! attestation statement (`none`, `packed` and the other formats the crate knows), the COSE key (ES256,
//! RS256), the assertion signature and the signature counter — is `webauthn-rs-core`'s; this module picks
//! its settings from the pool and turns its errors into the exceptions Cognito names.

use serde_json::{Map, Value, json};
use url::Url;
use webauthn_rs_core::WebauthnCore;
use webauthn_rs_core::error::WebauthnError;
use webauthn_rs_core::proto::{
    AuthenticationResult, AuthenticationState, COSEAlgorithm, Credential, PublicKeyCredential,
    RegisterPublicKeyCredential, RegistrationState, UserVerificationPolicy,
};

use super::model::Passkey;
use crate::error::{CognitoError, OpResult};
use crate::state::{Pool, User};

/// How long a registration challenge can be answered, and the `timeout` its options carry.
pub const REGISTRATION_SECS: i64 = 300;

/// The algorithms Cognito asks authenticators for, in its order: ES256 (-7), RS256 (-257).
const ALGORITHMS: [COSEAlgorithm; 2] = [COSEAlgorithm::ES256, COSEAlgorithm::RS256];

/// A pool whose passkeys can be used: WEB_AUTHN is an allowed first factor and it has a relying party.
pub struct RelyingParty {
    core: WebauthnCore,
    id: String,
    policy: UserVerificationPolicy,
}

pub fn not_enabled() -> CognitoError {
    CognitoError::new(
        "WebAuthnNotEnabledException",
        "Passkeys are not enabled for the user pool: add WEB_AUTHN to Policies.SignInPolicy.AllowedFirstAuthFactors.",
    )
}

/// Whether the pool lets users sign in with passkeys (its SignInPolicy lists WEB_AUTHN).
pub fn enabled(pool: &Pool) -> bool {
    pool.allowed_first_auth_factors
        .iter()
        .any(|factor| factor == "WEB_AUTHN")
}

impl RelyingParty {
    /// The pool's relying party, or why passkeys cannot be used there.
    pub fn of(pool: &Pool) -> OpResult<Self> {
        if !enabled(pool) {
            return Err(not_enabled());
        }
        let id = pool.web_authn.relying_party_id.clone().ok_or_else(|| {
            CognitoError::new(
                "WebAuthnConfigurationMissingException",
                "The user pool has no WebAuthnConfiguration.RelyingPartyId (and no domain to use instead).",
            )
        })?;
        let core = WebauthnCore::new_unsafe_experts_only(
            &pool.name,
            &id,
            allowed_origins(&id),
            std::time::Duration::from_secs(REGISTRATION_SECS as u64),
            // Pages on the relying party's subdomains, on any port, may use its passkeys, as browsers
            // allow (a relying party id is a registrable suffix of the page's host).
            Some(true),
            Some(true),
        );
        let policy = if pool.web_authn.user_verification_required {
            UserVerificationPolicy::Required
        } else {
            UserVerificationPolicy::Preferred
        };
        Ok(Self { core, id, policy })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// StartWebAuthnRegistration's `CredentialCreationOptions` (the JSON shape Cognito sends, which Amplify
    /// reads: base64url binary members, a discoverable credential required, ES256 and RS256) and the state
    /// that CompleteWebAuthnRegistration checks against.
    pub fn start_registration(
        &self,
        user: &User,
        sign_in_name: &str,
    ) -> OpResult<(Value, RegistrationState)> {
        let exclude = user
            .passkeys
            .iter()
            .map(|passkey| passkey.credential.cred_id.clone())
            .collect::<Vec<_>>();
        let builder = self
            .core
            .new_challenge_register_builder(user.sub.as_bytes(), sign_in_name, sign_in_name)
            .map_err(internal)?
            .user_verification_policy(self.policy)
            .credential_algorithms(ALGORITHMS.to_vec())
            .require_resident_key(true)
            .exclude_credentials((!exclude.is_empty()).then_some(exclude));
        let (challenge, state) = self
            .core
            .generate_challenge_register(builder)
            .map_err(internal)?;
        let generated = serde_json::to_value(&challenge.public_key).map_err(internal)?;
        let mut options = pick(
            &generated,
            &[
                "challenge",
                "rp",
                "user",
                "pubKeyCredParams",
                "timeout",
                "excludeCredentials",
            ],
        );
        options
            .entry("excludeCredentials")
            .or_insert_with(|| json!([]));
        options.insert(
            "authenticatorSelection".into(),
            json!({
                "requireResidentKey": true,
                "residentKey": "required",
                "userVerification": self.user_verification(),
            }),
        );
        Ok((Value::Object(options), state))
    }

    /// Verifies CompleteWebAuthnRegistration's `Credential` (a `RegistrationResponseJSON`).
    pub fn finish_registration(
        &self,
        credential: &Value,
        state: &RegistrationState,
    ) -> OpResult<Credential> {
        let response: RegisterPublicKeyCredential = serde_json::from_value(credential.clone())
            .map_err(|e| {
                CognitoError::invalid_parameter(format!(
                    "Credential is not a RegistrationResponseJSON: {e}"
                ))
            })?;
        self.core
            .register_credential(&response, state, None)
            .map_err(registration_error)
    }

    /// The WEB_AUTHN challenge's `CREDENTIAL_REQUEST_OPTIONS` (JSON text: challenge, rpId, timeout,
    /// allowCredentials with the user's passkeys, userVerification) and the state its answer is checked
    /// against.
    pub fn start_assertion(
        &self,
        passkeys: &[Passkey],
        timeout_secs: i64,
    ) -> OpResult<(String, AuthenticationState)> {
        let credentials = passkeys
            .iter()
            .map(|passkey| passkey.credential.clone())
            .collect();
        let builder = self
            .core
            .new_challenge_authenticate_builder(credentials, Some(self.policy))
            .map_err(internal)?;
        let (challenge, state) = self
            .core
            .generate_challenge_authenticate(builder)
            .map_err(internal)?;
        let generated = serde_json::to_value(&challenge.public_key).map_err(internal)?;
        let mut options = pick(&generated, &["challenge", "rpId", "allowCredentials"]);
        options.insert("timeout".into(), json!(timeout_secs * 1000));
        options.insert("userVerification".into(), json!(self.user_verification()));
        Ok((Value::Object(options).to_string(), state))
    }

    /// Verifies the WEB_AUTHN answer's `CREDENTIAL` (an `AuthenticationResponseJSON`, as text). Every failure
    /// is Cognito's `NotAuthorizedException`: RespondToAuthChallenge names none of the WebAuthn exceptions.
    pub fn finish_assertion(
        &self,
        credential: &str,
        state: &AuthenticationState,
    ) -> OpResult<AuthenticationResult> {
        let response: PublicKeyCredential = serde_json::from_str(credential).map_err(|e| {
            CognitoError::invalid_parameter(format!(
                "CREDENTIAL is not an AuthenticationResponseJSON: {e}"
            ))
        })?;
        self.core
            .authenticate_credential(&response, state)
            .map_err(assertion_error)
    }

    fn user_verification(&self) -> &'static str {
        match self.policy {
            UserVerificationPolicy::Required => "required",
            _ => "preferred",
        }
    }
}

/// The origins whose pages may use the relying party `id`: `https://id` (and its subdomains, any port),
/// plus `http://` for `localhost`, which browsers treat as a secure context.
fn allowed_origins(id: &str) -> Vec<Url> {
    let mut origins = Vec::new();
    let local = id == "localhost" || id.ends_with(".localhost");
    let schemes: &[&str] = if local {
        &["https", "http"]
    } else {
        &["https"]
    };
    for scheme in schemes {
        if let Ok(url) = Url::parse(&format!("{scheme}://{id}")) {
            origins.push(url);
        }
    }
    origins
}

/// The members of a generated options object that Cognito's shape has.
fn pick(generated: &Value, members: &[&str]) -> Map<String, Value> {
    members
        .iter()
        .filter_map(|name| Some(((*name).to_owned(), generated.get(*name)?.clone())))
        .collect()
}

fn internal(error: impl std::fmt::Display) -> CognitoError {
    CognitoError::internal(format!("WebAuthn: {error}"))
}

/// The exception CompleteWebAuthnRegistration answers for what webauthn-rs-core refused.
fn registration_error(error: WebauthnError) -> CognitoError {
    use WebauthnError as E;
    let (name, message): (&'static str, &str) = match &error {
        E::MismatchedChallenge | E::ChallengeNotFound => (
            "WebAuthnChallengeNotFoundException",
            "The credential answers no registration challenge of this user's.",
        ),
        E::InvalidRPOrigin | E::CredentialCrossOrigin => (
            "WebAuthnOriginNotAllowedException",
            "The credential was created on an origin the user pool's relying party does not allow.",
        ),
        E::InvalidRPIDHash => (
            "WebAuthnRelyingPartyMismatchException",
            "The credential was created for another relying party than the user pool's.",
        ),
        E::UserNotPresent | E::UserNotVerified => (
            "WebAuthnCredentialNotSupportedException",
            "The authenticator did not verify the user as the user pool requires.",
        ),
        E::InvalidClientDataType
        | E::ParseBase64Failure(_)
        | E::ParseCBORFailure(_)
        | E::ParseJSONFailure(_)
        | E::ParseNOMFailure
        | E::ParseInsufficientBytesAvailable
        | E::MissingAttestationCredentialData => (
            "InvalidParameterException",
            "The credential is not a well-formed registration response.",
        ),
        _ => (
            "WebAuthnCredentialNotSupportedException",
            "The credential's key or attestation is not supported.",
        ),
    };
    CognitoError::new(name, format!("{message} ({error:?})"))
}

/// Why a passkey sign-in was refused, as Cognito answers it.
fn assertion_error(error: WebauthnError) -> CognitoError {
    use WebauthnError as E;
    let message = match &error {
        E::MismatchedChallenge => "The passkey signed another challenge.",
        E::InvalidRPOrigin | E::CredentialCrossOrigin => {
            "The passkey was used on an origin the user pool's relying party does not allow."
        }
        E::InvalidRPIDHash => "The passkey belongs to another relying party.",
        E::UserNotPresent | E::UserNotVerified => {
            "The authenticator did not verify the user as the user pool requires."
        }
        E::CredentialNotFound => "The passkey is not one of the user's.",
        E::CredentialPossibleCompromise => {
            "The passkey's signature counter did not increase: the authenticator may have been cloned."
        }
        _ => "The passkey's assertion did not verify.",
    };
    CognitoError::not_authorized(format!("{message} ({error:?})"))
}
