//! Signing in through a user-pool domain (`signInWithRedirect`): the OAuth 2.0 authorization code grant with
//! PKCE (S256), without any I/O.
//!
//! [`begin`] makes the `/oauth2/authorize` URL and the [`PendingRedirect`] to keep until the browser comes
//! back (state, nonce, PKCE verifier, the app's custom state; the package keeps it in sessionStorage).
//! [`read_callback`] checks the URL the browser came back to against it, [`token_request_body`] is the form
//! to POST to `/oauth2/token`, and [`finish`] reads the reply, checks the ID token's `nonce` and audience
//! and makes the [`Session`]. Tokens never travel in a URL: only the code grant is offered.

use crate::prelude::*;
use crate::text;

use crate::b64::URL_SAFE_NO_PAD;

use crate::error::Error;
use crate::json::{self, Reader, Value};
use crate::jwt;
use crate::protocol::{AuthenticationResult, Members};
use crate::secret::CodeVerifier;
use crate::session::Session;

/// Where and how the app signs in (the package's `oauth` config).
#[derive(Clone, Debug)]
pub struct OAuthConfig {
    /// The user-pool domain as a URL: `https://my-app.auth.eu-west-1.amazoncognito.com`.
    pub domain: String,
    pub client_id: String,
    /// `redirectSignIn`: one of the client's CallbackURLs.
    pub redirect_sign_in: String,
    pub scopes: Vec<String>,
}

/// What must survive the round trip to the domain, and nothing else.
#[derive(Debug)]
pub struct PendingRedirect {
    pub state: String,
    pub nonce: String,
    pub code_verifier: CodeVerifier,
    pub custom_state: Option<String>,
    /// The `redirect_uri` the authorize request named: the token request must name the same one, and only a
    /// page loaded there completes this sign-in.
    pub redirect_uri: String,
}

impl PendingRedirect {
    /// The text the package keeps in sessionStorage until the browser comes back (the verifier included:
    /// it never leaves this tab's storage but for the token request).
    pub fn to_storage_json(&self) -> String {
        let stored = Value::object([
            ("state", (&self.state).into()),
            ("nonce", (&self.nonce).into()),
            ("codeVerifier", self.code_verifier.expose().into()),
            ("customState", self.custom_state.as_ref().into()),
            ("redirectUri", (&self.redirect_uri).into()),
        ]);
        stored.into_wiped_json()
    }

    /// Reads the stored text back; anything else is an error (the package then drops it).
    pub fn from_storage_json(text: &str) -> Result<Self, Error> {
        let value = json::parse_stored(text, "pending redirect")?;
        let stored = Reader::stored(&value, "pending redirect")?;
        let mut members = Members::default();
        let read = Self {
            state: members.keep(stored.string("state")),
            nonce: members.keep(stored.string("nonce")),
            code_verifier: CodeVerifier::new(members.keep(stored.string("codeVerifier"))),
            custom_state: members.keep(stored.opt_string("customState")),
            redirect_uri: members.keep(stored.string("redirectUri")),
        };
        members.finish(read)
    }
}

fn random_text(bytes: usize) -> Result<String, Error> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|e| {
        Error::new(
            "CryptoError",
            text::concat(&["no randomness: ", &reason(e)]),
        )
    })?;
    Ok(URL_SAFE_NO_PAD.encode(&buffer))
}

/// getrandom's text for why it failed (its `Display`). In the browser its one failure is a missing Web
/// Crypto API (its `wasm_js` backend returns no other error), so that text is written out there: `Display`
/// would link core's formatting into the module.
#[cfg(target_arch = "wasm32")]
fn reason(_: getrandom::Error) -> String {
    "Web Crypto API is unavailable".to_owned()
}

/// Natively (the tests, the emulator; never shipped), getrandom's own text.
#[cfg(not(target_arch = "wasm32"))]
#[allow(clippy::disallowed_methods)]
fn reason(error: getrandom::Error) -> String {
    error.to_string()
}

/// `%`-encodes a query or form value (RFC 3986 unreserved characters stay). Public for the emulator, whose
/// OAuth endpoints build the same URLs.
pub use crate::text::percent_encode as encode;

fn decode(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes().iter();
    while let Some(&byte) = rest.next() {
        match byte {
            b'+' => out.push(b' '),
            b'%' => {
                let escaped = match rest.as_slice() {
                    [high, low, ..] => hex_digit(*high)
                        .zip(hex_digit(*low))
                        .map(|(high, low)| high << 4 | low),
                    _ => None,
                };
                match escaped {
                    Some(decoded) => {
                        out.push(decoded);
                        rest.nth(1);
                    }
                    None => out.push(b'%'),
                }
            }
            _ => out.push(byte),
        }
    }
    // Codes and states are ASCII; text that does not decode to UTF-8 is no code (and no state) at all.
    text::from_utf8(&out).unwrap_or_default()
}

/// The value of hex digit `byte` (either case).
fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(&encode(value));
    }
    out
}

/// The S256 challenge of a verifier.
pub fn code_challenge(verifier: &CodeVerifier) -> String {
    URL_SAFE_NO_PAD.encode(crate::srp::encoding::hash(&[verifier.expose().as_bytes()]))
}

/// The authorize URL to send the browser to, and what to keep until it comes back. `provider` names an
/// identity provider of the pool (`Google`, an OIDC provider's name) to go to straight away.
pub fn begin(
    config: &OAuthConfig,
    provider: Option<&str>,
    custom_state: Option<&str>,
) -> Result<(String, PendingRedirect), Error> {
    let pending = PendingRedirect {
        state: random_text(32)?,
        nonce: random_text(32)?,
        code_verifier: CodeVerifier::new(random_text(48)?),
        custom_state: custom_state.map(str::to_owned),
        redirect_uri: config.redirect_sign_in.clone(),
    };
    let challenge = code_challenge(&pending.code_verifier);
    let scope = text::join(config.scopes.iter().map(String::as_str), " ");
    let mut pairs = vec![
        ("response_type", "code"),
        ("client_id", config.client_id.as_str()),
        ("redirect_uri", pending.redirect_uri.as_str()),
        ("scope", scope.as_str()),
        ("state", pending.state.as_str()),
        ("nonce", pending.nonce.as_str()),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    if let Some(provider) = provider {
        pairs.push(("identity_provider", provider));
    }
    let url = text::concat(&[
        text::trim_end(&config.domain, b'/'),
        "/oauth2/authorize?",
        &form(&pairs),
    ]);
    Ok((url, pending))
}

/// The query of `url` (without its fragment), empty when it has none.
fn query_of(url: &str) -> &str {
    let url = text::split(url, b'#').next().unwrap_or_default();
    text::split_once(url, b'?').map_or("", |(_, query)| query)
}

/// Whether the page at `url` is this sign-in's way back: the pending `redirect_uri` (its query and fragment
/// aside) carrying a `code` or an `error`. Any other page leaves the pending sign-in alone, so that an app
/// whose every page loads the client completes the redirect only where the domain sends it.
pub fn is_callback(url: &str, pending: &PendingRedirect) -> bool {
    let base = |url: &str| {
        let end = url.bytes().position(|b| b == b'?' || b == b'#');
        let url = end.and_then(|end| url.get(..end)).unwrap_or(url);
        url.strip_suffix('/').unwrap_or(url).to_owned()
    };
    base(url) == base(&pending.redirect_uri)
        && text::split(query_of(url), b'&').any(|pair| {
            let name = text::split(pair, b'=').next().unwrap_or_default();
            name == "code" || name == "error"
        })
}

/// The code in the URL the browser came back to. A `state` other than the pending one is refused
/// (`OAuthStateMismatchException`) before anything else is read; `error=access_denied` is the user
/// cancelling (`UserCancelledException`); any other error is `OAuthException`.
pub fn read_callback(url: &str, pending: &PendingRedirect) -> Result<String, Error> {
    let query = query_of(url);
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = None;
    for pair in text::split(query, b'&').filter(|p| !p.is_empty()) {
        let (name, value) = text::split_once(pair, b'=').unwrap_or((pair, ""));
        let slot = match name {
            "code" => &mut code,
            "state" => &mut state,
            "error" => &mut error,
            "error_description" => &mut description,
            _ => continue,
        };
        slot.get_or_insert_with(|| decode(value));
    }
    if state.as_deref() != Some(pending.state.as_str()) {
        return Err(Error::new(
            "OAuthStateMismatchException",
            "the state in the redirect is not the one this sign-in sent",
        ));
    }
    match (error.as_deref(), code) {
        (Some("access_denied"), _) => Err(Error::new(
            "UserCancelledException",
            "the sign-in was cancelled",
        )),
        (Some(error), _) => Err(Error::new(
            "OAuthException",
            match description {
                Some(description) => text::concat(&[error, ": ", &description]),
                None => error.to_owned(),
            },
        )),
        (None, Some(code)) if !code.is_empty() => Ok(code),
        (None, _) => Err(Error::invalid_response(
            "the redirect has neither code nor error",
        )),
    }
}

/// The form to POST (as `application/x-www-form-urlencoded`) to `{domain}/oauth2/token`.
pub fn token_request_body(config: &OAuthConfig, code: &str, pending: &PendingRedirect) -> String {
    form(&[
        ("grant_type", "authorization_code"),
        ("client_id", config.client_id.as_str()),
        ("code", code),
        ("redirect_uri", pending.redirect_uri.as_str()),
        ("code_verifier", pending.code_verifier.expose()),
    ])
}

/// The session from the token endpoint's reply (`status`, `body`). `invalid_grant` (a code used or
/// expired, a wrong verifier) is `InvalidGrantException`; an ID token without this sign-in's `nonce`, or for
/// another client, is refused (`NonceMismatchException`, `InvalidResponseException`).
pub fn finish(
    config: &OAuthConfig,
    pending: &PendingRedirect,
    status: u16,
    body: &str,
    now: i64,
) -> Result<Session, Error> {
    let reply = json::parse_reply(body, "the token endpoint")?;
    let text = |name: &str| reply.get(name).and_then(Value::as_str).map(str::to_owned);
    if status != 200 {
        return Err(match text("error").as_deref() {
            Some("invalid_grant") => Error::new(
                "InvalidGrantException",
                "the authorization code is used up, expired, or not this sign-in's",
            ),
            Some(error) => Error::new("OAuthException", error),
            None => Error::invalid_response(text::concat(&[
                "the token endpoint answered ",
                &text::decimal(status.into()),
            ])),
        });
    }
    let id_token = text("id_token")
        .ok_or_else(|| Error::invalid_response("no id_token: the scopes must include openid"))?;
    let claims = jwt::decode_claims(&id_token)?;
    if claims.get("nonce").and_then(Value::as_str) != Some(pending.nonce.as_str()) {
        return Err(Error::new(
            "NonceMismatchException",
            "the ID token's nonce is not this sign-in's",
        ));
    }
    if claims.get("aud").and_then(Value::as_str) != Some(config.client_id.as_str()) {
        return Err(Error::invalid_response(
            "the ID token is for another client",
        ));
    }
    let username = claims
        .get("cognito:username")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let result = AuthenticationResult {
        access_token: text("access_token"),
        id_token: Some(id_token),
        refresh_token: text("refresh_token"),
        expires_in: reply.get("expires_in").and_then(Value::as_i64),
        token_type: text("token_type"),
        new_device_metadata: None,
    };
    Session::from_authentication(&result, &username, None, now)
}

/// The `/logout` URL that ends the domain's session and comes back to `logout_uri` (one of the client's
/// LogoutURLs).
pub fn sign_out_url(config: &OAuthConfig, logout_uri: &str) -> String {
    text::concat(&[
        text::trim_end(&config.domain, b'/'),
        "/logout?",
        &form(&[("client_id", &config.client_id), ("logout_uri", logout_uri)]),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> OAuthConfig {
        OAuthConfig {
            domain: "https://app.auth.eu-west-1.amazoncognito.com/".into(),
            client_id: "client1".into(),
            redirect_sign_in: "https://app.example/cb".into(),
            scopes: vec!["openid".into(), "email".into()],
        }
    }

    #[test]
    fn begin_sends_pkce_state_and_nonce() {
        let (url, pending) = begin(&config(), Some("Google"), Some("back to /cart")).unwrap();
        assert!(url.starts_with("https://app.auth.eu-west-1.amazoncognito.com/oauth2/authorize?response_type=code&client_id=client1&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=openid%20email&state="));
        assert!(url.contains(&format!(
            "&code_challenge={}&code_challenge_method=S256",
            code_challenge(&pending.code_verifier)
        )));
        assert!(url.contains(&format!("&nonce={}", pending.nonce)));
        assert!(url.ends_with("&identity_provider=Google"));
        assert!(
            !url.contains("cart"),
            "the custom state stays in the browser"
        );
        assert_eq!(pending.code_verifier.expose().len(), 64);
        let (_, other) = begin(&config(), None, None).unwrap();
        assert_ne!(other.state, pending.state);
    }

    #[test]
    fn sign_out_url_goes_to_logout() {
        assert_eq!(
            sign_out_url(&config(), "https://app.example/bye"),
            "https://app.auth.eu-west-1.amazoncognito.com/logout?client_id=client1&logout_uri=https%3A%2F%2Fapp.example%2Fbye"
        );
    }

    #[test]
    fn rfc7636_challenge() {
        // RFC 7636 appendix B.
        let verifier = CodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            code_challenge(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn callbacks() {
        let (_, pending) = begin(&config(), None, None).unwrap();
        let state = &pending.state;
        let at = |query: String| format!("https://app.example/cb?{query}");
        assert_eq!(
            read_callback(&at(format!("code=abc%2Bd&state={state}")), &pending).unwrap(),
            "abc+d"
        );
        // A stray `%` before multi-byte text is kept, not a panic; so is one before anything but two hex
        // digits (a sign included: `%+f` is no escape, and its `+` a space), and escapes of either case decode.
        for (code, read) in [
            ("%é", "%é"),
            ("%+f%zz%4", "% f%zz%4"),
            ("%2f%2F%7E", "//~"),
            ("%C3%A9", "é"),
        ] {
            let url = at(format!("code={code}&state={state}"));
            assert_eq!(read_callback(&url, &pending).unwrap(), read, "{code}");
        }
        // An escape that is no UTF-8 is no code at all.
        assert!(read_callback(&at(format!("code=%FF&state={state}")), &pending).is_err());
        let tampered = read_callback(&at("code=abc&state=other".into()), &pending).unwrap_err();
        assert!(tampered.is("OAuthStateMismatchException"));
        let missing = read_callback(&at("code=abc".into()), &pending).unwrap_err();
        assert!(missing.is("OAuthStateMismatchException"));
        let cancelled =
            read_callback(&at(format!("error=access_denied&state={state}")), &pending).unwrap_err();
        assert!(cancelled.is("UserCancelledException"));
        let other = read_callback(
            &at(format!(
                "error=invalid_scope&error_description=no+such&state={state}"
            )),
            &pending,
        )
        .unwrap_err();
        assert!(other.is("OAuthException"));
        assert_eq!(other.message, "invalid_scope: no such");
    }

    #[test]
    fn token_errors_are_typed() {
        let (_, pending) = begin(&config(), None, None).unwrap();
        let refused =
            finish(&config(), &pending, 400, r#"{"error":"invalid_grant"}"#, 0).unwrap_err();
        assert!(refused.is("InvalidGrantException"));
        let unreadable = finish(&config(), &pending, 502, "{}", 0).unwrap_err();
        assert_eq!(unreadable.message, "the token endpoint answered 502");
        let body = token_request_body(&config(), "c0de", &pending);
        assert!(body.starts_with("grant_type=authorization_code&client_id=client1&code=c0de&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&code_verifier="));
    }

    #[test]
    fn pending_survives_storage_and_names_its_callback() {
        let (_, pending) = begin(&config(), None, Some("to /cart")).unwrap();
        let stored = pending.to_storage_json();
        let back = PendingRedirect::from_storage_json(&stored).unwrap();
        assert_eq!(back.state, pending.state);
        assert_eq!(back.nonce, pending.nonce);
        assert_eq!(back.code_verifier.expose(), pending.code_verifier.expose());
        assert_eq!(back.custom_state.as_deref(), Some("to /cart"));
        assert_eq!(back.redirect_uri, "https://app.example/cb");
        assert!(PendingRedirect::from_storage_json("{}").is_err());

        assert!(is_callback("https://app.example/cb?code=x&state=y", &back));
        assert!(is_callback(
            "https://app.example/cb/?error=access_denied",
            &back
        ));
        assert!(!is_callback("https://app.example/cb", &back));
        assert!(!is_callback("https://app.example/cb?coded=1", &back));
        assert!(!is_callback("https://app.example/other?code=x", &back));
        assert!(!is_callback("https://evil.example/cb?code=x", &back));
        assert!(!is_callback("https://app.example/cb#?code=x", &back));
    }

    #[test]
    fn the_reply_must_carry_this_sign_ins_nonce_and_client() {
        use crate::session::tests::token;
        let (_, pending) = begin(&config(), None, None).unwrap();
        let reply = |nonce: &str, aud: &str| {
            let id = token(serde_json::json!({
                "cognito:username": "mia", "aud": aud, "nonce": nonce, "iat": 1000, "exp": 4600,
            }));
            let access = token(serde_json::json!({ "username": "mia", "iat": 1000, "exp": 4600 }));
            serde_json::json!({
                "id_token": id, "access_token": access, "refresh_token": "r1",
                "expires_in": 3600, "token_type": "Bearer",
            })
            .to_string()
        };
        let session = finish(
            &config(),
            &pending,
            200,
            &reply(&pending.nonce, "client1"),
            1000,
        )
        .unwrap();
        assert_eq!(session.username(), "mia");
        assert_eq!(session.refresh_token().map(|t| t.expose()), Some("r1"));
        let replayed = finish(&config(), &pending, 200, &reply("another", "client1"), 1000);
        assert!(replayed.unwrap_err().is("NonceMismatchException"));
        let elsewhere = finish(
            &config(),
            &pending,
            200,
            &reply(&pending.nonce, "client2"),
            1000,
        );
        assert!(elsewhere.unwrap_err().is("InvalidResponseException"));
    }
}
