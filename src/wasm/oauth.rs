//! The sign-in module's operations for `signInWithRedirect` ([`super::SignInCore`]'s, run by [`super::call`]): the
//! app's `oauth` configuration read, and [`crate::flows::oauth`] — the authorize URL with its pending state,
//! the page the browser came back to, the token request and its reply, the `/logout` URL. They live here, not in the session module: a
//! returning user's page, which has no pending redirect, never loads them.
//!
//! The pending redirect crosses as the text [`PendingRedirect::to_storage_json`] makes; the JS side keeps it
//! in sessionStorage, unread, and passes it back.

use crate::prelude::*;
use crate::text;

use super::{SignInCore, opened, session_json};
use crate::clock::Now;
use crate::config::ClientConfig;
use crate::error::Error;
use crate::flows::oauth::{self, OAuthConfig, PendingRedirect};
use crate::json::{self, Reader, Value};

/// The scopes asked for when the app names none: the ID token (and the nonce in it) needs `openid`.
const DEFAULT_SCOPES: [&str; 2] = ["openid", "email"];

/// The app's `oauth` configuration, for a page at `origin`.
struct Redirects {
    config: OAuthConfig,
    /// `redirectSignOut`: one of the client's LogoutURLs.
    sign_out: Option<String>,
}

/// The URL of `name` (a string, or an array as Amplify takes it: the one on this page's origin, else the
/// first).
fn url_for(input: &Reader<'_>, name: &str, origin: &str) -> Result<Option<String>, Error> {
    let urls = match input.get(name)? {
        None => return Ok(None),
        Some(Value::String(url)) => return Ok(Some(url.clone())),
        Some(_) => input.strings(name)?,
    };
    let on_origin = |url: &&String| {
        !origin.is_empty()
            && url
                .strip_prefix(origin)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    Ok(urls.iter().find(on_origin).or(urls.first()).cloned())
}

impl Redirects {
    fn read(client: &ClientConfig, raw: Option<&Value>, origin: &str) -> Result<Self, Error> {
        let raw = raw.ok_or_else(|| {
            Error::invalid_parameter("CognitoClient config: signInWithRedirect needs `oauth`")
        })?;
        let input = Reader::argument(raw, "CognitoClient config oauth")?;
        // Only the code grant: the implicit grant would put the tokens in the address bar.
        input.opt_choice("responseType", &[("code", ())])?;
        let domain = input.string("domain")?;
        let domain = if text::contains(&domain, "://") {
            domain
        } else {
            text::concat(&["https://", &domain])
        };
        let scopes = match input.get("scopes")? {
            Some(_) => input.strings("scopes")?,
            None => DEFAULT_SCOPES.map(str::to_owned).to_vec(),
        };
        let redirect_sign_in = url_for(&input, "redirectSignIn", origin)?.ok_or_else(|| {
            Error::invalid_parameter("CognitoClient config oauth: redirectSignIn is missing")
        })?;
        Ok(Self {
            config: OAuthConfig {
                domain,
                client_id: client.client_id.clone(),
                redirect_sign_in,
                scopes,
            },
            sign_out: url_for(&input, "redirectSignOut", origin)?,
        })
    }
}

impl SignInCore {
    /// The app's `customState` of the `pending` sign-in (`null` when none), or why `pending` is unreadable.
    pub(super) fn oauth_custom_state(pending: &str) -> Result<Value, Error> {
        PendingRedirect::from_storage_json(pending).map(|pending| pending.custom_state.into())
    }

    /// The token endpoint answered `status` with `body`: returns the session (as signing in does) once the ID
    /// token's nonce and audience are this sign-in's, at `now`.
    pub(super) fn oauth_finish(
        &self,
        pending: &str,
        status: u16,
        body: &str,
        now: Now,
    ) -> Result<Value, Error> {
        let redirects = self.redirects("")?;
        let pending = PendingRedirect::from_storage_json(pending)?;
        let session = oauth::finish(&redirects.config, &pending, status, body, now.device)?;
        Ok(session_json(&session))
    }

    /// The domain's `/logout` URL, which comes back to `redirectSignOut`.
    pub(super) fn oauth_sign_out_url(&self, origin: &str) -> Result<Value, Error> {
        let redirects = self.redirects(origin)?;
        let back = redirects.sign_out.ok_or_else(|| {
            Error::invalid_parameter(
                "CognitoClient config oauth: signOut({ redirect: true }) needs redirectSignOut",
            )
        })?;
        Ok(oauth::sign_out_url(&redirects.config, &back).into())
    }

    fn redirects(&self, origin: &str) -> Result<Redirects, Error> {
        let opened = opened(&self.opened)?;
        Redirects::read(&opened.config, self.oauth.as_ref(), origin)
    }

    /// Starts `signInWithRedirect` (`args`: `{provider?, customState?}`) from a page at `origin`: returns
    /// `{url, pending}`, the authorize URL to go to and the text to keep until the browser comes back.
    pub(super) fn begin_redirect(&self, args: &str, origin: &str) -> Result<Value, Error> {
        let redirects = self.redirects(origin)?;
        let args_json = json::parse_argument(args, "signInWithRedirect input")?;
        let input = Reader::argument(&args_json, "signInWithRedirect input")?;
        let provider = input.opt_string("provider")?;
        let custom_state = input.opt_string("customState")?;
        let (url, pending) = oauth::begin(
            &redirects.config,
            provider.as_deref(),
            custom_state.as_deref(),
        )?;
        Ok(Value::object([
            ("url", url.into()),
            ("pending", pending.to_storage_json().into()),
        ]))
    }

    /// The page at `url` came back from the domain for the `pending` sign-in: returns `null` when `url` is
    /// not its callback, else the token request `{url, body}` (a form to POST), or the callback's error
    /// (state mismatch, the user cancelled, the domain's error).
    pub(super) fn oauth_callback(&self, url: &str, pending: &str) -> Result<Value, Error> {
        let pending = PendingRedirect::from_storage_json(pending)?;
        if !oauth::is_callback(url, &pending) {
            return Ok(Value::Null);
        }
        // The pending redirect names its own redirect URI: the origin only picks among configured ones.
        let redirects = self.redirects("")?;
        let code = oauth::read_callback(url, &pending)?;
        let token_url = text::concat(&[
            text::trim_end(&redirects.config.domain, b'/'),
            "/oauth2/token",
        ]);
        Ok(Value::object([
            ("url", token_url.into()),
            (
                "body",
                oauth::token_request_body(&redirects.config, &code, &pending).into(),
            ),
        ]))
    }
}
