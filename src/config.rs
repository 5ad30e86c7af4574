//! What identifies an app client: pool, client id, optional secret, and where Cognito is.

use crate::error::Error;
use crate::prelude::*;
use crate::retry::RetryPolicy;
use crate::secret::ClientSecret;
use crate::srp;
use crate::text;

const DEFAULT_TOTP_ISSUER: &str = "Cognito";
const DEFAULT_REFRESH_MARGIN_SECS: i64 = 60;

/// Which call refreshes tokens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RefreshMethod {
    /// `InitiateAuth` with `REFRESH_TOKEN_AUTH`: the refresh token stays the same.
    #[default]
    InitiateAuth,
    /// `GetTokensFromRefreshToken`: needed for refresh-token rotation, which returns a new refresh token
    /// (kept from then on) and retires the old one.
    GetTokensFromRefreshToken,
}

#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub user_pool_id: String,
    pub client_id: String,
    pub client_secret: Option<ClientSecret>,
    /// The Cognito endpoint every request is POSTed to.
    pub endpoint: String,
    /// The issuer authenticator apps show for TOTP set up through this client.
    pub totp_issuer: String,
    pub refresh_method: RefreshMethod,
    pub retry: RetryPolicy,
    /// `getSession` refreshes tokens that expire within this many seconds, so that a token handed to
    /// the app does not expire on its way to the API.
    pub refresh_margin_secs: i64,
}

impl ClientConfig {
    /// Validates the pool id and fills in the regional endpoint when none is given.
    pub fn new(
        user_pool_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: Option<ClientSecret>,
        endpoint: Option<String>,
    ) -> Result<Self, Error> {
        let user_pool_id = user_pool_id.into();
        let client_id = client_id.into();
        srp::pool_name(&user_pool_id).map_err(|_| {
            Error::invalid_parameter(text::concat(&["invalid userPoolId '", &user_pool_id, "'"]))
        })?;
        if client_id.is_empty() {
            return Err(Error::invalid_parameter("clientId is required"));
        }
        let endpoint = match endpoint.filter(|e| !e.is_empty()) {
            Some(endpoint) => checked_endpoint(endpoint)?,
            None => text::concat(&[
                "https://cognito-idp.",
                region_of(&user_pool_id),
                ".amazonaws.com/",
            ]),
        };
        Ok(Self {
            user_pool_id,
            client_id,
            client_secret,
            endpoint,
            totp_issuer: DEFAULT_TOTP_ISSUER.to_owned(),
            refresh_method: RefreshMethod::default(),
            retry: RetryPolicy::default(),
            refresh_margin_secs: DEFAULT_REFRESH_MARGIN_SECS,
        })
    }

    /// The pool name SRP hashes (validated in [`ClientConfig::new`]).
    pub fn pool_name(&self) -> &str {
        srp::pool_name(&self.user_pool_id).unwrap_or_default()
    }

    /// `SECRET_HASH` for `username`, when this client has a secret: base64 of HMAC-SHA256 keyed with the
    /// secret, of the username and then the client id (as [`srp::secret_hash`]).
    pub fn secret_hash(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_ref()
            .map(|secret| srp::secret_hash(secret.expose(), username, &self.client_id))
    }
}

/// Passwords' proofs and refresh tokens are POSTed to the endpoint, so it must be `https:`; plain `http:` is
/// for a local emulator only (localhost, 127.x.x.x, [::1]). The authority may hold only host-name, IP and
/// port characters: no user info, backslashes or whitespace, which URL parsers read differently, so the host
/// checked here is the host `fetch` connects to.
fn checked_endpoint(endpoint: String) -> Result<String, Error> {
    let refuse = || {
        Error::invalid_parameter(text::concat(&[
            "endpoint '",
            &endpoint,
            "' must be an https: URL (http: only for localhost, 127.0.0.1 or [::1])",
        ]))
    };
    // Split at the first ':' and then require '//': the same URLs as splitting at "://" (an accepted scheme
    // has no ':'), without linking core's substring searcher (3 kB) into the page's module.
    // Bytewise, as below: core's char and string patterns would bring their searchers into the session module.
    let (scheme, rest) = text::split_once(&endpoint, b':').ok_or_else(refuse)?;
    if !rest.as_bytes().starts_with(b"//") {
        return Err(refuse());
    }
    // Whole ranges, as crate::text takes substrings.
    let rest = rest.get(2..rest.len()).unwrap_or_default();
    let authority_end = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let authority = rest.get(0..authority_end).unwrap_or_default();
    let authority_ok = authority
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    // A bracketed IPv6 host ends at its ']', a name or IPv4 address at the port's ':'.
    let position = |byte| authority.bytes().position(|b| b == byte);
    let host_end = if authority.as_bytes().first() == Some(&b'[') {
        position(b']').map(|i| i + 1).ok_or_else(refuse)?
    } else {
        position(b':').unwrap_or(authority.len())
    };
    let (host, port) = authority.split_at_checked(host_end).ok_or_else(refuse)?;
    let port_ok = port.is_empty()
        || port.as_bytes().split_first().is_some_and(|(&colon, p)| {
            colon == b':' && !p.is_empty() && p.iter().all(u8::is_ascii_digit)
        });
    if !authority_ok || !port_ok || host.is_empty() || endpoint.chars().any(char::is_whitespace) {
        return Err(refuse());
    }
    let scheme_ok = scheme.eq_ignore_ascii_case("https")
        || (scheme.eq_ignore_ascii_case("http") && is_loopback(host));
    if scheme_ok {
        Ok(endpoint)
    } else {
        Err(refuse())
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host == "[::1]"
        || (host.as_bytes().starts_with(b"127.")
            && text::split(host, b'.').count() == 4
            && text::split(host, b'.').all(is_octet))
}

/// Whether `o` is digits only, of a value that fits a byte: `o.parse::<u8>()` of digits, without core's
/// integer parser in the session module.
fn is_octet(o: &str) -> bool {
    !o.is_empty()
        && o.bytes()
            .try_fold(0u32, |n, b| {
                b.is_ascii_digit()
                    .then(|| (n * 10 + u32::from(b - b'0')).min(256))
            })
            .is_some_and(|n| n <= 255)
}

fn region_of(user_pool_id: &str) -> &str {
    text::split_once(user_pool_id, b'_').map_or("", |(region, _)| region)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `SECRET_HASH` by the hmac, sha2 and base64 crates.
    fn hmac_crate_secret_hash(key: &str, username: &str, client_id: &str) -> String {
        use base64::Engine as _;
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(username.as_bytes());
        mac.update(client_id.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    }

    #[test]
    fn secret_hash_is_the_hmac_crates() {
        // The oracle is the hmac and sha2 crates' (srp::secret_hash, which this is, cannot be it: its HMAC is
        // the crate's own, src/srp/shared.rs). Keys and messages across the block
        // size (55, 56, 63, 64, 65 bytes: one or two blocks of padding; keys hashed first above 64).
        let lengths = [
            0, 1, 31, 32, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 200,
        ];
        for key_len in lengths {
            for message_len in lengths {
                let key: String = (0..key_len)
                    .map(|i| char::from(b'a' + (i % 26) as u8))
                    .collect();
                let username: String = (0..message_len / 2)
                    .map(|i| char::from(b'0' + (i % 10) as u8))
                    .collect();
                let client_id: String = (0..message_len - message_len / 2).map(|_| 'Z').collect();
                let config = ClientConfig::new(
                    "us-east-1_Test",
                    client_id.clone(),
                    Some(ClientSecret::new(key.clone())),
                    None,
                );
                let Ok(config) = config else {
                    assert!(client_id.is_empty());
                    continue;
                };
                assert_eq!(
                    config.secret_hash(&username),
                    Some(hmac_crate_secret_hash(&key, &username, &client_id)),
                    "key {key_len}, message {message_len}"
                );
            }
        }
    }

    #[test]
    fn endpoint_defaults_to_the_pool_region() {
        let config = ClientConfig::new("eu-west-2_AbC123", "client", None, None).unwrap();
        assert_eq!(
            config.endpoint,
            "https://cognito-idp.eu-west-2.amazonaws.com/"
        );
        assert_eq!(config.pool_name(), "AbC123");
        let local = ClientConfig::new(
            "eu-west-2_AbC123",
            "c",
            None,
            Some("http://127.0.0.1:9229/".into()),
        )
        .unwrap();
        assert_eq!(local.endpoint, "http://127.0.0.1:9229/");
    }

    #[test]
    fn an_octet_is_what_parses_as_a_byte() {
        for o in [
            "",
            "0",
            "00",
            "1",
            "9",
            "10",
            "99",
            "100",
            "199",
            "249",
            "250",
            "255",
            "256",
            "260",
            "300",
            "999",
            "0255",
            "000000000000255",
            "0000000000000256",
            "4294967551",
            "18446744073709551871",
            "+1",
            "-0",
            " 1",
            "1 ",
            "1a",
            "a",
            "١",
            "2é",
        ] {
            let oracle = o.bytes().all(|b| b.is_ascii_digit()) && o.parse::<u8>().is_ok();
            assert_eq!(is_octet(o), oracle, "{o:?}");
        }
    }

    #[test]
    fn endpoints_must_be_https_except_on_loopback() {
        let with = |endpoint: &str| {
            ClientConfig::new("eu-west-2_AbC123", "c", None, Some(endpoint.into()))
        };
        for good in [
            "https://cognito-idp.eu-west-2.amazonaws.com/",
            "HTTPS://proxy.example.com:8443/cognito",
            "http://127.0.0.1:9229/",
            "http://127.1.2.3/",
            "http://localhost:9229",
            "http://[::1]:9229/",
            "https://proxy.example.com?stage=1",
            "http://localhost:9229#here",
            "https://cognito.example.com",
        ] {
            assert_eq!(with(good).unwrap().endpoint, good);
        }
        for bad in [
            "http://cognito.example.com/",
            "http://127.0.0.1.evil.example/",
            "http://127.0.0.1@evil.example/",
            "http://evil.example\\@127.0.0.1/",
            "http://localhost.evil.example:9229/",
            "http://[::1].evil.example/",
            "http://127.0.0.256/",
            "http://127.0.0/",
            "http://127.0.0.1.2/",
            "http://127..0.1/",
            "http://evil.example?http://127.0.0.1/",
            "https://user:pass@cognito.example.com/",
            "https://cognito.example.com:/",
            "https:///path",
            "https:cognito.example.com/",
            "ftp:http://127.0.0.1/",
            "https://a b/",
            "ftp://127.0.0.1/",
            "cognito.example.com",
        ] {
            let error = with(bad).unwrap_err();
            assert_eq!(error.name(), "InvalidParameterException", "{bad:?}");
        }
    }

    #[test]
    fn bad_pool_ids_are_refused() {
        for id in ["", "nounderscore", "a_b_c", "us-east-1_"] {
            let error = ClientConfig::new(id, "client", None, None).unwrap_err();
            assert_eq!(error.name(), "InvalidParameterException", "{id:?}");
        }
        assert!(ClientConfig::new("us-east-1_Abc", "", None, None).is_err());
    }
}
