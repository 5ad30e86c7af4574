//! What passkeys add to the model: a pool's `WebAuthnConfiguration`, a user's registered credentials, and
//! the registration ceremonies under way. Plain data; [`super::relying_party`] does the verifying.

use serde::{Deserialize, Serialize};
use webauthn_rs_core::proto::{Credential, RegistrationState};

/// Cognito's limit of passkeys per user: CompleteWebAuthnRegistration refuses a 21st with
/// `LimitExceededException` (it is also ListWebAuthnCredentials' largest page).
pub const MAX_PASSKEYS_PER_USER: usize = 20;

/// `WebAuthnConfiguration` of SetUserPoolMfaConfig / GetUserPoolMfaConfig.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebAuthnConfiguration {
    /// The relying party passkeys are made for. Without it (and the emulator has no user-pool domain to
    /// fall back on, as Cognito does) no passkey can be registered.
    pub relying_party_id: Option<String>,
    /// `required`: only authenticators that verify the user (UV flag) are accepted, at registration and
    /// at sign-in. Otherwise `preferred`, Cognito's default.
    pub user_verification_required: bool,
}

impl WebAuthnConfiguration {
    pub fn user_verification(&self) -> &'static str {
        if self.user_verification_required {
            "required"
        } else {
            "preferred"
        }
    }
}

/// A registered passkey of a user.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Passkey {
    /// The credential id, base64url without padding, as ListWebAuthnCredentials shows it.
    pub id: String,
    /// What webauthn-rs-core verifies assertions with: the public key, the signature counter, the
    /// user-verification policy it was registered under.
    pub credential: Credential,
    pub friendly_name: String,
    pub relying_party_id: String,
    /// `platform` / `cross-platform`, as the browser reported it.
    pub attachment: Option<String>,
    pub transports: Vec<String>,
    /// Milliseconds since the epoch.
    pub created: i64,
}

/// A StartWebAuthnRegistration waiting for its CompleteWebAuthnRegistration (one per user: a new start
/// replaces it). Memory only, like sign-in challenges.
#[derive(Debug)]
pub struct PendingRegistration {
    /// The app client of the access token that started it: completing with another client's token is
    /// `WebAuthnClientMismatchException`.
    pub client_id: String,
    /// The user's `sub`, so that a user deleted and re-created under the same name finds nothing.
    pub sub: String,
    /// The challenge sent and the policy it was sent under.
    pub state: RegistrationState,
    pub relying_party_id: String,
    /// Epoch seconds.
    pub expires_at: i64,
}
