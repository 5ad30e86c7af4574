//! The OAuth 2.0 side of the model: an app client's OAuth settings, a pool's domain, identity providers and
//! resource servers (all kept with `--data-dir`), and the short-lived grants of the domain endpoints
//! (pending authorization requests and authorization codes, in memory only, like challenge sessions).
//!
//! Plain data: [`crate::oauth_settings`] reads and checks it from requests, [`crate::oauth`] serves it.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// How long an authorization code can be exchanged, as Cognito documents: 5 minutes.
pub const CODE_LIFETIME_SECS: i64 = 300;

/// How long a pending authorization request waits for the managed-login page to complete it.
pub const PENDING_LIFETIME_SECS: i64 = 3600;

/// An app client's OAuth settings (CreateUserPoolClient / UpdateUserPoolClient members of the same names).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientOAuth {
    /// `AllowedOAuthFlows`: `code`, `implicit`, `client_credentials`.
    pub flows: Vec<String>,
    /// `AllowedOAuthFlowsUserPoolClient`: the domain endpoints serve this client at all.
    pub enabled: bool,
    /// `AllowedOAuthScopes`: standard scopes and `{resource server}/{scope}`.
    pub scopes: Vec<String>,
    pub callback_urls: Vec<String>,
    pub logout_urls: Vec<String>,
    pub default_redirect_uri: Option<String>,
    /// `SupportedIdentityProviders`: `COGNITO` and provider names.
    pub identity_providers: Vec<String>,
}

impl ClientOAuth {
    pub fn allows_flow(&self, flow: &str) -> bool {
        self.enabled && self.flows.iter().any(|f| f == flow)
    }
}

/// Adds the client's OAuth members to a `UserPoolClient` structure, leaving out the empty ones as
/// Cognito does.
pub fn describe_client_oauth(oauth: &ClientOAuth, client: &mut Value) {
    let Some(client) = client.as_object_mut() else {
        return;
    };
    client.insert(
        "AllowedOAuthFlowsUserPoolClient".into(),
        json!(oauth.enabled),
    );
    let lists: [(&str, &Vec<String>); 5] = [
        ("AllowedOAuthFlows", &oauth.flows),
        ("AllowedOAuthScopes", &oauth.scopes),
        ("CallbackURLs", &oauth.callback_urls),
        ("LogoutURLs", &oauth.logout_urls),
        ("SupportedIdentityProviders", &oauth.identity_providers),
    ];
    for (member, list) in lists {
        if !list.is_empty() {
            client.insert(member.into(), json!(list));
        }
    }
    if let Some(uri) = &oauth.default_redirect_uri {
        client.insert("DefaultRedirectURI".into(), json!(uri));
    }
}

/// A pool's OAuth settings: its domain, identity providers and resource servers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolOAuth {
    /// The `Domain` of CreateUserPoolDomain (a prefix, or a custom domain name).
    pub domain: Option<String>,
    pub identity_providers: BTreeMap<String, IdentityProvider>,
    /// By identifier.
    pub resource_servers: BTreeMap<String, ResourceServer>,
}

/// `IdentityProviderType`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityProvider {
    pub name: String,
    /// `OIDC`, `SAML`, `Google`, …: stored as given; only OIDC can be signed in with.
    pub provider_type: String,
    pub details: BTreeMap<String, String>,
    /// User-pool attribute → provider claim.
    pub attribute_mapping: BTreeMap<String, String>,
    pub idp_identifiers: Vec<String>,
    pub created: i64,
    pub modified: i64,
}

impl IdentityProvider {
    /// The `IdentityProviderType` structure.
    pub fn to_json(&self, pool_id: &str) -> Value {
        json!({
            "UserPoolId": pool_id,
            "ProviderName": self.name,
            "ProviderType": self.provider_type,
            "ProviderDetails": self.details,
            "AttributeMapping": self.attribute_mapping,
            "IdpIdentifiers": self.idp_identifiers,
            "LastModifiedDate": crate::util::epoch_seconds(self.modified),
            "CreationDate": crate::util::epoch_seconds(self.created),
        })
    }
}

/// `ResourceServerType`: custom scopes are `{identifier}/{scope name}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceServer {
    pub identifier: String,
    pub name: String,
    /// (name, description)
    pub scopes: Vec<(String, String)>,
}

impl ResourceServer {
    /// The `ResourceServerType` structure.
    pub fn to_json(&self, pool_id: &str) -> Value {
        let scopes: Vec<Value> = self
            .scopes
            .iter()
            .map(
                |(name, description)| json!({ "ScopeName": name, "ScopeDescription": description }),
            )
            .collect();
        let mut server = Map::new();
        server.insert("UserPoolId".into(), json!(pool_id));
        server.insert("Identifier".into(), json!(self.identifier));
        server.insert("Name".into(), json!(self.name));
        server.insert("Scopes".into(), Value::Array(scopes));
        Value::Object(server)
    }

    /// Whether `scope` is `{identifier}/{one of its scope names}`.
    pub fn defines(&self, scope: &str) -> bool {
        scope
            .strip_prefix(self.identifier.as_str())
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|name| self.scopes.iter().any(|(n, _)| n == name))
    }
}

/// A request to `/oauth2/authorize` waiting for the user to sign in on the managed-login page.
#[derive(Clone, Debug)]
pub struct PendingAuthorization {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub scopes: Vec<String>,
    /// PKCE S256 challenge, base64url.
    pub code_challenge: Option<String>,
    /// The browser that started the request: the value of its HttpOnly cookie (see `oauth::login`).
    pub browser_secret: String,
    pub expires_at: i64,
}

/// An authorization code: single-use, bound to the client, the redirect URI and the PKCE challenge.
#[derive(Clone, Debug)]
pub struct AuthorizationCode {
    pub pool_id: String,
    pub client_id: String,
    pub user_key: String,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub nonce: Option<String>,
    pub scopes: Vec<String>,
    /// When the user signed in on the managed-login page.
    pub auth_time: i64,
    pub expires_at: i64,
}

/// The grants under way, keyed by their random handles.
#[derive(Debug, Default)]
pub struct Grants {
    /// By the id the managed-login page's cookie names.
    pub pending: HashMap<String, PendingAuthorization>,
    pub codes: HashMap<String, AuthorizationCode>,
    /// Codes already exchanged → the sign-in they gave, until they would have expired: a replayed code
    /// revokes that sign-in (RFC 6749 section 4.1.2).
    pub redeemed: HashMap<String, (String, i64)>,
    /// Sign-ins sent to an identity provider, by the `state` sent with them.
    pub federations: HashMap<String, Federation>,
    /// Codes of the dev-only test OpenID provider (see `oauth::test_provider`).
    pub provider_codes: HashMap<String, ProviderCode>,
}

/// An authorization request sent on to an identity provider, waiting at `/oauth2/idpresponse`.
#[derive(Clone, Debug)]
pub struct Federation {
    /// The pending request's handle: the browser coming back must carry it in its cookie.
    pub browser_secret: String,
    pub pool_id: String,
    pub provider: String,
    /// The `nonce` sent to the provider, checked in its ID token.
    pub nonce: String,
    pub expires_at: i64,
}

/// A code of the test OpenID provider, for the claims the tester released.
#[derive(Clone, Debug)]
pub struct ProviderCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub nonce: Option<String>,
    pub claims: Map<String, Value>,
    pub expires_at: i64,
}

impl Grants {
    /// Drops what has expired.
    pub fn prune(&mut self, now_secs: i64) {
        self.pending.retain(|_, p| p.expires_at > now_secs);
        self.codes.retain(|_, c| c.expires_at > now_secs);
        self.redeemed
            .retain(|_, (_, expires_at)| *expires_at > now_secs);
    }
}

/// Where the managed-login page's files are (`--login-page`): the hosted page (`www/`), and folders mounted
/// under it as `scripts/serve.py` mounts them (`pkg/`: the built package, `vendor/uqr/`: the QR encoder).
#[derive(Clone, Debug)]
pub struct LoginPage {
    pub page_dir: PathBuf,
    /// (path prefix under the page, folder)
    pub mounts: Vec<(String, PathBuf)>,
}
