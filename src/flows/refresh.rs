//! Token refresh, with `InitiateAuth` (`REFRESH_TOKEN_AUTH`, the reply carries no new refresh token and the
//! old one stays) or with `GetTokensFromRefreshToken` (which, with refresh-token rotation, returns a new
//! refresh token that replaces the old one).

use crate::config::{ClientConfig, RefreshMethod};
use crate::error::Error;
use crate::json::{Reader, Value};
use crate::protocol::{AuthenticationResult, Members, Operation, Request};
use crate::session::Session;
use crate::text;

/// The request that refreshes `session`, by the client's [`RefreshMethod`].
pub fn request(config: &ClientConfig, session: &Session) -> Result<Request, Error> {
    let refresh_token = session
        .refresh_token()
        .ok_or_else(|| Error::unauthenticated("the session has no refresh token"))?
        .expose();
    if config.refresh_method == RefreshMethod::GetTokensFromRefreshToken {
        // This call takes the client secret itself, not a SECRET_HASH.
        let mut body = Value::object([
            ("RefreshToken", refresh_token.into()),
            ("ClientId", (&config.client_id).into()),
        ]);
        body.insert_some(
            "ClientSecret",
            config.client_secret.as_ref().map(|s| s.expose()),
        );
        body.insert_some("DeviceKey", session.device_key());
        return Ok(Request::new(Operation::GetTokensFromRefreshToken, body));
    }
    // InitiateAuth's body as AuthRequest writes it (AuthParameters in name order; the test below
    // holds them alike), built as a value: the sorted string map and the request type are then the sign-in
    // module's alone (the session module 1.3 kB, 534 B gzipped, smaller; the sign-in module 1.0 kB larger).
    let mut auth_parameters = Value::object([]);
    auth_parameters.insert_some("DEVICE_KEY", session.device_key());
    auth_parameters.insert("REFRESH_TOKEN", refresh_token);
    auth_parameters.insert_some("SECRET_HASH", config.secret_hash(session.username()));
    let body = Value::object([
        ("AuthFlow", "REFRESH_TOKEN_AUTH".into()),
        ("ClientId", (&config.client_id).into()),
        ("AuthParameters", auth_parameters),
    ]);
    Ok(Request::new(Operation::InitiateAuth, body))
}

/// Why a refresh is wanted, which decides whether tokens another tab refreshed meanwhile will do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// `getSession` found the tokens within the refresh margin of expiry.
    Expiring,
    /// `refreshSession`, or the proactive timer: refresh even tokens that are still valid.
    Requested,
}

/// Decided after this tab holds the refresh lock: whether to refresh `current` (what storage holds now), or
/// whether it already is what the caller wanted. `before` is the session the caller saw when it decided to
/// refresh; if another tab refreshed since, `current` supersedes it and is used as it is, so that no two
/// tabs refresh the same tokens (with rotation, the second would present a retired refresh token).
pub fn still_needed(
    reason: Reason,
    before: &Session,
    current: &Session,
    now: i64,
    margin: i64,
) -> bool {
    if current.needs_refresh(now, margin) {
        return true;
    }
    reason == Reason::Requested && !current.supersedes(before)
}

/// The refreshed session from the reply to [`request`].
pub fn refreshed(session: &Session, body: &Value, now: i64) -> Result<Session, Error> {
    // The tokens, or the challenge named instead, and nothing else of the reply: the sign-in's whole reply
    // reader (challenge parameters, available challenges) would be in the page's module for nothing.
    let reply = Reader::reply(body, "refresh")?;
    let mut members = Members::default();
    let result = AuthenticationResult::read_in(&reply, &mut members);
    let challenge = members.keep(reply.opt_string("ChallengeName"));
    let result = members.finish(result)?.ok_or_else(|| {
        Error::invalid_response(text::concat(&[
            "refresh answered with challenge ",
            challenge.as_deref().unwrap_or("(none)"),
            " instead of tokens",
        ]))
    })?;
    Session::from_authentication(
        &result,
        session.username(),
        session.refresh_token().cloned(),
        now,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{AuthCall, AuthRequest, StringMap};
    use crate::secret::{ClientSecret, RefreshToken};
    use crate::session::StoredSession;
    use crate::session::tests::{result, token};

    fn session(iat: i64) -> Session {
        Session::from_authentication(&result(iat, Some("r1")), "alice", None, iat).unwrap()
    }

    #[test]
    fn a_refresh_another_tab_made_is_used_instead_of_refreshing_again() {
        let before = session(1000);
        let theirs = session(1500);
        // Still fresh and unchanged: only an explicit request refreshes.
        assert!(!still_needed(Reason::Expiring, &before, &before, 1100, 60));
        assert!(still_needed(Reason::Requested, &before, &before, 1100, 60));
        // Another tab refreshed while this one waited for the lock: use its tokens.
        assert!(!still_needed(Reason::Expiring, &before, &theirs, 4560, 60));
        assert!(!still_needed(Reason::Requested, &before, &theirs, 4560, 60));
        // Their tokens are about to expire too: refresh them (with their, newest, refresh token).
        assert!(still_needed(Reason::Requested, &before, &theirs, 5060, 60));
        assert!(still_needed(Reason::Expiring, &before, &before, 4560, 60));
    }

    #[test]
    fn the_initiate_auth_refresh_is_the_body_initiate_auth_request_writes() {
        for device in [None, Some("dev-1")] {
            for secret in [None, Some("s3cret")] {
                let mut access = serde_json::json!({"iat": 1000, "exp": 4600, "username": "alice"});
                if let Some(device) = device {
                    access["device_key"] = device.into();
                }
                let session = Session::from_stored(StoredSession {
                    version: 1,
                    username: "alice".into(),
                    id_token: token(serde_json::json!({"iat": 1000, "exp": 4600})),
                    access_token: token(access),
                    refresh_token: Some(RefreshToken::new("r\"1")),
                    clock_drift: 0,
                })
                .unwrap();
                let config = ClientConfig::new(
                    "us-east-1_Pool1",
                    "client",
                    secret.map(ClientSecret::new),
                    None,
                )
                .unwrap();
                // The oracle: the request type the sign-in flows send InitiateAuth with.
                let mut auth_parameters =
                    StringMap::from([("REFRESH_TOKEN".to_owned(), "r\"1".to_owned())]);
                if let Some(hash) = config.secret_hash("alice") {
                    auth_parameters.insert("SECRET_HASH".into(), hash);
                }
                if let Some(device) = device {
                    auth_parameters.insert("DEVICE_KEY".into(), device.to_owned());
                }
                let expected = AuthRequest {
                    call: AuthCall::InitiateAuth,
                    name: "REFRESH_TOKEN_AUTH",
                    client_id: "client".into(),
                    parameters: auth_parameters,
                    client_metadata: None,
                }
                .to_request();
                assert_eq!(request(&config, &session).unwrap(), expected);
            }
        }
    }
}
