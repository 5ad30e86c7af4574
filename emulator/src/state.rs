//! The emulator's in-memory world: user pools with their app clients and users, plus the short-lived
//! sign-in state (pending SRP handshakes, challenge sessions) and the issued refresh tokens.
//!
//! The model: plain data, with lookups that answer Cognito's errors (`store.pool(id)?`,
//! `pool.user(name)?`). Everything sits behind one mutex ([`crate::app::AppState`]). Operations are short
//! apart from RSA key generation, which runs before the lock is taken.
//!
//! Pools, users, refresh tokens and revoked sign-ins are kept in [`crate::tracked`] collections: with
//! `--data-dir`, releasing the store writes the entries that were changed (see [`crate::persist`]). Types
//! deriving `Serialize` / `Deserialize` here are that on-disk format: a new field needs `#[serde(default)]`
//! (or a new schema version in [`crate::persist`]) so that existing data dirs still load.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use cognito_wasm::srp;
use cognito_wasm::srp::server::{PasswordVerifier, ServerHandshake};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::error::{CognitoError, OpResult};
use crate::jwt::PoolKeys;
use crate::names::Flow;
use crate::password::PasswordPolicy;
use crate::tracked::{Tracked, TrackedBTreeMap, TrackedHashMap, TrackedHashSet};
use crate::util::epoch_seconds;

/// All mutable state.
#[derive(Debug, Default)]
pub struct Store {
    pub pools: TrackedBTreeMap<String, Pool>,
    /// PASSWORD_VERIFIER handshakes waiting for their claim, keyed by the SECRET_BLOCK sent out.
    pub handshakes: HashMap<String, PendingSrp>,
    /// Challenge sessions other than PASSWORD_VERIFIER (NEW_PASSWORD_REQUIRED), keyed by `Session`.
    pub challenges: HashMap<String, PendingChallenge>,
    pub refresh_tokens: TrackedHashMap<String, RefreshRecord>,
    /// `origin_jti`s of revoked sign-ins: access tokens carrying one are refused.
    pub revoked_origins: TrackedHashSet<String>,
    /// Every code "sent" by e-mail or SMS, oldest first: the dev inbox (`GET /_emulator/inbox`).
    pub inbox: Vec<crate::codes::Message>,
    /// Wrong-password counts and lockouts (see [`crate::lockout`]).
    pub lockouts: crate::lockout::Lockouts,
    /// Wrong `PreviousPassword`s in ChangePassword, counted apart from sign-ins: Cognito answers those with
    /// `LimitExceededException`, and a stolen access token must not become a password oracle.
    pub password_change_lockouts: crate::lockout::Lockouts,
    /// StartWebAuthnRegistration challenges waiting for CompleteWebAuthnRegistration, by pool id and
    /// user key.
    pub passkey_registrations:
        HashMap<(String, String), crate::passkeys::model::PendingRegistration>,
    /// Authorization requests and codes of the OAuth 2.0 endpoints (see [`crate::oauth`]).
    pub oauth_grants: crate::oauth_model::Grants,
    /// The second [`Store::prune`] last swept in.
    pruned_at: i64,
}

impl Store {
    pub fn pool(&self, pool_id: &str) -> OpResult<&Pool> {
        self.pools
            .get(pool_id)
            .ok_or_else(|| CognitoError::pool_not_found(pool_id))
    }

    /// A store holding what a data dir kept: nothing noted as changed, no sign-in under way.
    pub fn restored(
        pools: BTreeMap<String, Pool>,
        refresh_tokens: HashMap<String, RefreshRecord>,
        revoked_origins: std::collections::HashSet<String>,
    ) -> Self {
        Self {
            pools: Tracked::unchanged(pools),
            refresh_tokens: Tracked::unchanged(refresh_tokens),
            revoked_origins: Tracked::unchanged(revoked_origins),
            ..Self::default()
        }
    }

    pub fn pool_mut(&mut self, pool_id: &str) -> OpResult<&mut Pool> {
        self.pools
            .get_mut(pool_id)
            .ok_or_else(|| CognitoError::pool_not_found(pool_id))
    }

    /// An app client and the pool that owns it.
    pub fn client(&self, client_id: &str) -> OpResult<(&Pool, &AppClient)> {
        self.pools
            .values()
            .find_map(|pool| Some((pool, pool.clients.get(client_id)?)))
            .ok_or_else(|| CognitoError::client_not_found(client_id))
    }

    /// The pool of a sign-in under way: it was there when the sign-in started, so its absence is no
    /// client error.
    pub fn sign_in_pool(&self, pool_id: &str) -> OpResult<&Pool> {
        self.pools
            .get(pool_id)
            .ok_or_else(|| CognitoError::internal("pool vanished during sign-in"))
    }

    /// An app client and its pool's id, cloned, so that the store can be changed afterwards.
    pub fn client_of(&self, client_id: &str) -> OpResult<(String, AppClient)> {
        let (pool, client) = self.client(client_id)?;
        Ok((pool.id.clone(), client.clone()))
    }

    /// A user by pool id and [`Pool::user_key`], as a sign-in or an access token names them.
    pub fn user(&self, pool_id: &str, user_key: &str) -> OpResult<&User> {
        self.pools
            .get(pool_id)
            .and_then(|pool| pool.users.get(user_key))
            .ok_or_else(CognitoError::user_not_found)
    }

    pub fn user_mut(&mut self, pool_id: &str, user_key: &str) -> OpResult<&mut User> {
        self.pools
            .get_mut(pool_id)
            .and_then(|pool| pool.users.get_mut(user_key))
            .ok_or_else(CognitoError::user_not_found)
    }

    /// Drops sign-in state that has expired, so abandoned attempts do not pile up and memory stays flat
    /// under a steady load. Called on every sign-in call but sweeps at most once per second of the
    /// emulator's clock: a sweep visits every refresh token, which under load are tens of thousands, and
    /// runs under the store lock. Whatever expired meanwhile is refused where it is used (each use checks
    /// `expires_at`), so sweeping late changes no answer.
    pub fn prune(&mut self, now_secs: i64) {
        if now_secs == self.pruned_at {
            return;
        }
        self.pruned_at = now_secs;
        self.handshakes
            .retain(|_, pending| pending.expires_at > now_secs);
        self.challenges
            .retain(|_, pending| pending.expires_at > now_secs);
        self.passkey_registrations
            .retain(|_, pending| pending.expires_at > now_secs);
        self.refresh_tokens
            .retain(|_, record| record.expires_at > now_secs);
        // A map keeps the capacity of its busiest moment; give most of it back once the burst is over.
        shrink_when_sparse(&mut self.handshakes);
        shrink_when_sparse(&mut self.challenges);
        let tokens = &self.refresh_tokens;
        if let Some(capacity) = sparse_capacity(tokens.len(), tokens.capacity()) {
            self.refresh_tokens.shrink_to(capacity);
        }
        self.lockouts.prune(now_secs);
        self.password_change_lockouts.prune(now_secs);
        self.oauth_grants.prune(now_secs);
    }
}

fn shrink_when_sparse<V>(map: &mut HashMap<String, V>) {
    if let Some(capacity) = sparse_capacity(map.len(), map.capacity()) {
        map.shrink_to(capacity);
    }
}

/// The capacity to shrink a map of `len` entries to, if it is mostly empty.
fn sparse_capacity(len: usize, capacity: usize) -> Option<usize> {
    (capacity > 64 && len < capacity / 4).then_some(len * 2)
}

/// A user pool. Clone: the fuzz harness copies a seeded pool into a fresh state for every input, since
/// seeding one takes RSA key generation.
#[derive(Clone, Debug)]
pub struct Pool {
    pub id: String,
    pub name: String,
    pub arn: String,
    pub created: i64,
    pub modified: i64,
    pub policy: PasswordPolicy,
    /// `email` / `phone_number`: users sign in with these and get a UUID as internal username.
    pub username_attributes: Vec<String>,
    /// `email` / `phone_number` / `preferred_username`: verified values work as sign-in aliases.
    pub alias_attributes: Vec<String>,
    pub auto_verified_attributes: Vec<String>,
    pub case_sensitive: bool,
    pub mfa_configuration: String,
    /// Which second factors the pool offers (SetUserPoolMfaConfig).
    pub sms_mfa: bool,
    pub software_token_mfa: bool,
    pub email_mfa: bool,
    /// `DeviceConfiguration`: `None` when the pool does not track devices.
    pub device_configuration: Option<DeviceConfiguration>,
    /// Dev-only CUSTOM_AUTH rounds (there are no Lambda triggers to ask).
    pub custom_challenge: Vec<CustomRound>,
    /// `Policies.SignInPolicy.AllowedFirstAuthFactors`. Only WEB_AUTHN is gated by it so far.
    pub allowed_first_auth_factors: Vec<String>,
    /// `WebAuthnConfiguration` (SetUserPoolMfaConfig): the passkeys' relying party.
    pub web_authn: crate::passkeys::model::WebAuthnConfiguration,
    pub keys: Arc<PoolKeys>,
    pub clients: BTreeMap<String, AppClient>,
    /// Users by [`Pool::user_key`] of their internal username.
    pub users: TrackedBTreeMap<String, User>,
    /// Secret for deriving stable fake salts for unknown users (user-existence-error prevention).
    pub fake_salt_key: Vec<u8>,
    /// Domain, identity providers and resource servers.
    pub oauth: crate::oauth_model::PoolOAuth,
}

/// `DeviceConfigurationType`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceConfiguration {
    pub challenge_required_on_new_device: bool,
    pub device_only_remembered_on_user_prompt: bool,
}

/// One round of the dev-only CUSTOM_CHALLENGE: the question sent and the answer expected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomRound {
    pub question: String,
    pub answer: String,
}

impl Pool {
    /// The pool name SRP mixes into its hashes: the text after the `_` of the pool id.
    pub fn realm(&self) -> &str {
        srp::pool_name(&self.id).unwrap_or(&self.id)
    }

    /// The region part of the pool id, which is also the one in the token issuer.
    pub fn region(&self) -> &str {
        self.id
            .split_once('_')
            .map_or(self.id.as_str(), |(region, _)| region)
    }

    /// `iss` of the pool's tokens: exactly Cognito's, so that third-party verifiers accept it.
    pub fn issuer(&self) -> String {
        format!(
            "https://cognito-idp.{}.amazonaws.com/{}",
            self.region(),
            self.id
        )
    }

    /// Map key for a username: usernames are case-insensitive unless the pool says otherwise.
    pub fn user_key(&self, username: &str) -> String {
        if self.case_sensitive {
            username.to_owned()
        } else {
            username.to_lowercase()
        }
    }

    /// The key of the user a sign-in name refers to: the internal username, or an e-mail / phone number
    /// when the pool signs in with those (as username attributes, or as verified aliases).
    pub fn find_user_key(&self, login: &str) -> Option<String> {
        let key = self.user_key(login);
        if self.users.contains_key(&key) {
            return Some(key);
        }
        let matches = |user: &User, attribute: &str, need_verified: bool| -> bool {
            let Some(value) = user.attribute(attribute) else {
                return false;
            };
            let same = if attribute == "email" {
                value.eq_ignore_ascii_case(login)
            } else {
                value == login
            };
            let verified = match attribute {
                "email" => user.attribute("email_verified") == Some("true"),
                "phone_number" => user.attribute("phone_number_verified") == Some("true"),
                _ => true,
            };
            same && (verified || !need_verified)
        };
        self.users
            .iter()
            .find(|(_, user)| {
                self.username_attributes
                    .iter()
                    .any(|a| matches(user, a, false))
                    || self.alias_attributes.iter().any(|a| matches(user, a, true))
            })
            .map(|(key, _)| key.clone())
    }

    /// The key of the user a sign-in name refers to (see [`Pool::find_user_key`]).
    pub fn existing_user_key(&self, login: &str) -> OpResult<String> {
        self.find_user_key(login)
            .ok_or_else(CognitoError::user_not_found)
    }

    /// One of the pool's app clients.
    pub fn client(&self, client_id: &str) -> OpResult<&AppClient> {
        self.clients
            .get(client_id)
            .ok_or_else(|| CognitoError::client_not_found(client_id))
    }

    pub fn client_mut(&mut self, client_id: &str) -> OpResult<&mut AppClient> {
        self.clients
            .get_mut(client_id)
            .ok_or_else(|| CognitoError::client_not_found(client_id))
    }

    /// The user a sign-in name refers to (see [`Pool::find_user_key`]).
    pub fn user(&self, login: &str) -> OpResult<&User> {
        self.find_user(login)
            .ok_or_else(CognitoError::user_not_found)
    }

    pub fn user_mut(&mut self, login: &str) -> OpResult<&mut User> {
        self.find_user_mut(login)
            .ok_or_else(CognitoError::user_not_found)
    }

    pub fn find_user(&self, login: &str) -> Option<&User> {
        self.find_user_key(login)
            .and_then(|key| self.users.get(&key))
    }

    /// Whose password a sign-in name guesses: the user's, or for an unknown name the name itself.
    pub fn lockout_target(&self, login: &str) -> crate::lockout::Target {
        match self.find_user(login) {
            Some(user) => crate::lockout::Target::User(user.sub.clone()),
            None => crate::lockout::Target::Unknown(self.user_key(login)),
        }
    }

    pub fn find_user_mut(&mut self, login: &str) -> Option<&mut User> {
        let key = self.find_user_key(login)?;
        self.users.get_mut(&key)
    }

    /// The `UserPool` structure of DescribeUserPool / CreateUserPool.
    pub fn to_json(&self) -> Value {
        let mut pool = json!({
            "Id": self.id,
            "Name": self.name,
            "Arn": self.arn,
            "Policies": {
                "PasswordPolicy": self.policy.to_json(),
                "SignInPolicy": { "AllowedFirstAuthFactors": self.allowed_first_auth_factors },
            },
            "DeletionProtection": "INACTIVE",
            "LambdaConfig": {},
            "LastModifiedDate": epoch_seconds(self.modified),
            "CreationDate": epoch_seconds(self.created),
            "AutoVerifiedAttributes": self.auto_verified_attributes,
            "MfaConfiguration": self.mfa_configuration,
            "EnabledMfas": self.enabled_mfas(),
            "EstimatedNumberOfUsers": self.users.len(),
            "UsernameConfiguration": { "CaseSensitive": self.case_sensitive },
            "AdminCreateUserConfig": {
                "AllowAdminCreateUserOnly": false,
                "UnusedAccountValidityDays": self.policy.temporary_password_validity_days,
            },
            "UserPoolTier": "ESSENTIALS",
        });
        if !self.username_attributes.is_empty() {
            pool["UsernameAttributes"] = json!(self.username_attributes);
        }
        if !self.alias_attributes.is_empty() {
            pool["AliasAttributes"] = json!(self.alias_attributes);
        }
        if let Some(devices) = &self.device_configuration {
            pool["DeviceConfiguration"] = json!({
                "ChallengeRequiredOnNewDevice": devices.challenge_required_on_new_device,
                "DeviceOnlyRememberedOnUserPrompt": devices.device_only_remembered_on_user_prompt,
            });
        }
        pool
    }

    /// The second factors the pool offers, as Cognito names them in `EnabledMfas`.
    pub fn enabled_mfas(&self) -> Vec<&'static str> {
        let mut list = Vec::new();
        if self.sms_mfa {
            list.push("SMS_MFA");
        }
        if self.software_token_mfa {
            list.push("SOFTWARE_TOKEN_MFA");
        }
        if self.email_mfa {
            list.push("EMAIL_OTP");
        }
        list
    }
}

/// An app client of a pool.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AppClient {
    pub id: String,
    pub name: String,
    pub secret: Option<String>,
    pub explicit_auth_flows: Vec<String>,
    pub access_validity_secs: i64,
    pub id_validity_secs: i64,
    pub refresh_validity_secs: i64,
    /// The validity members as given (value + units), echoed by DescribeUserPoolClient.
    pub validity_echo: Map<String, Value>,
    pub prevent_user_existence_errors: bool,
    pub enable_token_revocation: bool,
    /// How long challenge sessions (and SRP handshakes) stay usable, in minutes.
    pub auth_session_validity_mins: i64,
    /// `RefreshTokenRotation`: `Some(RetryGracePeriodSeconds)` when enabled.
    pub refresh_rotation: Option<i64>,
    pub created: i64,
    pub modified: i64,
    #[serde(default)]
    pub oauth: crate::oauth_model::ClientOAuth,
}

impl AppClient {
    /// Whether `ExplicitAuthFlows` allows a flow. The legacy values (without `ALLOW_`) left SRP and
    /// refresh always on; Cognito still honours them that way.
    pub fn allows(&self, flow: Flow) -> bool {
        let has = |name: &str| self.explicit_auth_flows.iter().any(|f| f == name);
        let legacy = self.explicit_auth_flows.is_empty()
            || self
                .explicit_auth_flows
                .iter()
                .any(|f| !f.starts_with("ALLOW_"));
        match (flow, legacy) {
            (Flow::UserSrp, true) => !has("CUSTOM_AUTH_FLOW_ONLY"),
            (Flow::UserPassword, true) => has("USER_PASSWORD_AUTH"),
            (Flow::RefreshToken, true) => true,
            (Flow::CustomAuth, true) => true,
            (Flow::UserAuth, true) => false,
            (Flow::CustomAuth, false) => has("ALLOW_CUSTOM_AUTH"),
            (Flow::UserAuth, false) => has("ALLOW_USER_AUTH"),
            (Flow::UserSrp, false) => has("ALLOW_USER_SRP_AUTH"),
            (Flow::UserPassword, false) => has("ALLOW_USER_PASSWORD_AUTH"),
            (Flow::RefreshToken, false) => has("ALLOW_REFRESH_TOKEN_AUTH"),
        }
    }

    /// The `UserPoolClient` structure of Create/DescribeUserPoolClient.
    pub fn to_json(&self, pool_id: &str) -> Value {
        let mut client = json!({
            "UserPoolId": pool_id,
            "ClientName": self.name,
            "ClientId": self.id,
            "LastModifiedDate": epoch_seconds(self.modified),
            "CreationDate": epoch_seconds(self.created),
            "RefreshTokenValidity": 30,
            "ExplicitAuthFlows": self.explicit_auth_flows,
            "PreventUserExistenceErrors": if self.prevent_user_existence_errors { "ENABLED" } else { "LEGACY" },
            "EnableTokenRevocation": self.enable_token_revocation,
            "EnablePropagateAdditionalUserContextData": false,
            "AuthSessionValidity": self.auth_session_validity_mins,
        });
        if let Some(grace) = self.refresh_rotation {
            client["RefreshTokenRotation"] =
                json!({ "Feature": "ENABLED", "RetryGracePeriodSeconds": grace });
        }
        for (key, value) in &self.validity_echo {
            client[key] = value.clone();
        }
        if let Some(secret) = &self.secret {
            client["ClientSecret"] = json!(secret);
        }
        crate::oauth_model::describe_client_oauth(&self.oauth, &mut client);
        client
    }
}

/// Cognito's user statuses that this emulator produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserStatus {
    Unconfirmed,
    Confirmed,
    ForceChangePassword,
    ResetRequired,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unconfirmed => "UNCONFIRMED",
            Self::Confirmed => "CONFIRMED",
            Self::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            Self::ResetRequired => "RESET_REQUIRED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "UNCONFIRMED" => Some(Self::Unconfirmed),
            "CONFIRMED" => Some(Self::Confirmed),
            "FORCE_CHANGE_PASSWORD" => Some(Self::ForceChangePassword),
            "RESET_REQUIRED" => Some(Self::ResetRequired),
            _ => None,
        }
    }
}

/// A user. Only the SRP salt and verifier are kept, never the password.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct User {
    /// The internal username (`USER_ID_FOR_SRP`, `cognito:username`): the `sub` in pools that sign in
    /// with e-mail or phone number.
    pub username: String,
    pub sub: String,
    /// Attributes in insertion order, `sub` first.
    pub attributes: Vec<(String, String)>,
    pub status: UserStatus,
    pub enabled: bool,
    pub verifier: Option<PasswordVerifier>,
    pub created: i64,
    pub modified: i64,
    /// Outstanding one-time codes by what they confirm (see [`crate::codes::CodeKind`]).
    pub codes: HashMap<String, crate::codes::OneTimeCode>,
    pub mfa: MfaSettings,
    /// The verified TOTP secret (base32) and the one AssociateSoftwareToken handed out last.
    pub totp_secret: Option<String>,
    pub totp_pending: Option<String>,
    pub totp_device_name: Option<String>,
    /// Devices by key; created when NewDeviceMetadata is issued, usable once confirmed.
    pub devices: BTreeMap<String, Device>,
    /// The user's DeviceGroupKey (one per user, like Cognito's).
    pub device_group_key: Option<String>,
    /// Registered passkeys, oldest first.
    #[serde(default)]
    pub passkeys: Vec<crate::passkeys::model::Passkey>,
}

/// A user's MFA preferences (SetUserMFAPreference).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaSettings {
    pub sms: bool,
    pub sms_preferred: bool,
    pub totp: bool,
    pub totp_preferred: bool,
    pub email: bool,
    pub email_preferred: bool,
}

/// A device of a user.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Device {
    pub key: String,
    pub group_key: String,
    /// From ConfirmDevice; `None` until then.
    pub verifier: Option<PasswordVerifier>,
    pub name: Option<String>,
    pub remembered: bool,
    pub created: i64,
    pub modified: i64,
    pub last_authenticated: i64,
}

impl User {
    /// A new user record with no codes, MFA or devices yet.
    pub fn new(
        username: String,
        sub: String,
        attributes: Vec<(String, String)>,
        status: UserStatus,
        verifier: Option<PasswordVerifier>,
        now_millis: i64,
    ) -> Self {
        Self {
            username,
            sub,
            attributes,
            status,
            enabled: true,
            verifier,
            created: now_millis,
            modified: now_millis,
            codes: HashMap::new(),
            mfa: MfaSettings::default(),
            totp_secret: None,
            totp_pending: None,
            totp_device_name: None,
            devices: BTreeMap::new(),
            device_group_key: None,
            passkeys: Vec::new(),
        }
    }

    pub fn remove_attribute(&mut self, name: &str) {
        self.attributes.retain(|(n, _)| n != name);
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn set_attribute(&mut self, name: &str, value: &str) {
        match self.attributes.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value.to_owned(),
            None => self.attributes.push((name.to_owned(), value.to_owned())),
        }
    }

    /// `[{"Name":…,"Value":…}]`, as the user operations return attributes.
    pub fn attributes_json(&self) -> Value {
        Value::Array(
            self.attributes
                .iter()
                .map(|(name, value)| json!({ "Name": name, "Value": value }))
                .collect(),
        )
    }
}

/// A PASSWORD_VERIFIER handshake between InitiateAuth and RespondToAuthChallenge.
#[derive(Debug)]
pub struct PendingSrp {
    pub pool_id: String,
    pub client_id: String,
    /// `None` for the decoy handshake answered for an unknown user.
    pub user_key: Option<String>,
    /// `USER_ID_FOR_SRP` as sent in the challenge.
    pub identity: String,
    pub handshake: ServerHandshake,
    pub session: String,
    pub expires_at: i64,
    /// `DEVICE_KEY` sent with InitiateAuth.
    pub device_key: Option<String>,
    /// For CUSTOM_AUTH with SRP: the custom rounds follow the password.
    pub custom: bool,
    /// Whose wrong-password count a failed proof adds to (the decoy's name for unknown users).
    pub lockout: crate::lockout::Target,
}

/// Who is signing in, carried from challenge to challenge.
#[derive(Clone, Debug)]
pub struct SignInContext {
    pub pool_id: String,
    pub client_id: String,
    pub user_key: String,
    pub sub: String,
    /// `DEVICE_KEY` from InitiateAuth: a device to authenticate after the password (and MFA).
    pub device_key: Option<String>,
    /// Minutes each challenge session lasts.
    pub session_mins: i64,
    /// MFA was answered (or skipped) already.
    pub mfa_done: bool,
    /// CUSTOM_AUTH: rounds answered so far.
    pub custom_round: usize,
}

impl SignInContext {
    /// The pool and user this sign-in is for, in `pools`; a user (or pool) that went away during the
    /// sign-in makes its session invalid.
    pub fn pool_and_user<'p>(
        &self,
        pools: &'p TrackedBTreeMap<String, Pool>,
    ) -> OpResult<(&'p Pool, &'p User)> {
        let pool = pools
            .get(&self.pool_id)
            .ok_or_else(CognitoError::invalid_session)?;
        // The same user, not one created since under the same name.
        let user = pool
            .users
            .get(&self.user_key)
            .filter(|u| u.sub == self.sub)
            .ok_or_else(CognitoError::invalid_session)?;
        Ok((pool, user))
    }
}

/// A challenge session other than PASSWORD_VERIFIER.
#[derive(Debug)]
pub struct PendingChallenge {
    pub challenge: &'static str,
    pub ctx: SignInContext,
    pub expires_at: i64,
    /// SMS_MFA / EMAIL_OTP: the code sent.
    pub code: Option<crate::codes::OneTimeCode>,
    /// Wrong answers still allowed before the session is dropped.
    pub attempts_left: u32,
    /// SELECT_MFA_TYPE / SELECT_CHALLENGE: the allowed answers.
    pub options: Vec<String>,
    /// MFA_SETUP: the secret AssociateSoftwareToken handed out, and whether VerifySoftwareToken accepted it.
    pub totp_secret: Option<String>,
    pub setup_verified: bool,
    /// EMAIL_OTP sent during MFA_SETUP: answering it turns e-mail MFA on.
    pub setup_email: bool,
    /// DEVICE_PASSWORD_VERIFIER: the device handshake, keyed like PASSWORD_VERIFIER by its SECRET_BLOCK.
    pub device_srp: Option<(ServerHandshake, String)>,
    /// WEB_AUTHN: the challenge sent and the passkeys it allows.
    pub passkey_assertion: Option<Box<webauthn_rs_core::proto::AuthenticationState>>,
}

impl PendingChallenge {
    pub fn new(challenge: &'static str, ctx: SignInContext, now: i64) -> Self {
        Self {
            challenge,
            expires_at: now + ctx.session_mins * 60,
            ctx,
            code: None,
            attempts_left: crate::codes::MAX_ATTEMPTS,
            options: Vec::new(),
            totp_secret: None,
            setup_verified: false,
            setup_email: false,
            device_srp: None,
            passkey_assertion: None,
        }
    }
}

/// What a refresh token stands for; the token itself is opaque random text.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RefreshRecord {
    pub pool_id: String,
    pub client_id: String,
    pub user_key: String,
    pub sub: String,
    pub origin_jti: String,
    pub auth_time: i64,
    pub expires_at: i64,
    pub revoked: bool,
    /// The device the sign-in was made on (`device_key` claim).
    pub device_key: Option<String>,
    /// Refresh-token rotation: when this token stops working because a newer one replaced it.
    pub superseded_at: Option<i64>,
    /// The OAuth scopes of a sign-in through the domain endpoints, kept for its refreshed access tokens.
    #[serde(default)]
    pub oauth_scopes: Option<Vec<String>>,
}
