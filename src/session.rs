//! A signed-in session: the tokens, who they belong to, and when they expire by the device clock.
//!
//! Expiry follows amazon-cognito-identity-js (TOKENS.md §5): `clockDrift = now − min(iat)` is fixed when
//! the tokens arrive, and the session is valid while `now − clockDrift < min(exp)`, so a device clock that is
//! off by hours still judges expiry correctly.

use crate::error::Error;
use crate::json::{self, Reader, Value};
use crate::jwt::{self, Claims};
use crate::prelude::*;
use crate::protocol::AuthenticationResult;
use crate::secret::RefreshToken;
use crate::text;
use zeroize::Zeroizing;

/// What is kept in storage; everything else is derived from it again on load.
#[derive(Clone, Debug)]
pub struct StoredSession {
    /// Format version, so a future layout is not misread.
    pub version: u32,
    pub username: String,
    pub id_token: String,
    pub access_token: String,
    pub refresh_token: Option<RefreshToken>,
    pub clock_drift: i64,
}

const STORED_VERSION: u32 = 1;

#[derive(Clone, Debug)]
pub struct Session {
    stored: StoredSession,
    id_claims: Claims,
    /// The remembered device these tokens were issued to (the access token's `device_key` claim).
    device_key: Option<String>,
    /// The earlier of the two tokens' `exp`, by the server's clock.
    expires_at_server: i64,
    /// How long the tokens were issued for (earlier `exp` minus later `iat`).
    lifetime: i64,
}

impl Session {
    /// A session from a fresh `AuthenticationResult`. A refresh reply carries no refresh token: the previous
    /// one is kept, as Cognito intends.
    pub fn from_authentication(
        result: &AuthenticationResult,
        username: &str,
        previous_refresh_token: Option<RefreshToken>,
        now: i64,
    ) -> Result<Self, Error> {
        let missing =
            |what| Error::invalid_response(text::concat(&["AuthenticationResult has no ", what]));
        let id_token = result.id_token.clone().ok_or_else(|| missing("IdToken"))?;
        let access_token = result
            .access_token
            .clone()
            .ok_or_else(|| missing("AccessToken"))?;
        let id_claims = jwt::decode_claims(&id_token)?;
        let access_claims = jwt::decode_claims(&access_token)?;
        let issued_at =
            jwt::time_claim(&access_claims, "iat")?.min(jwt::time_claim(&id_claims, "iat")?);
        // The username Cognito knows the user by (an alias sign-in types an e-mail; the tokens name the user).
        let username = id_claims
            .get("cognito:username")
            .or_else(|| access_claims.get("username"))
            .and_then(|v| v.as_str())
            .unwrap_or(username)
            .to_owned();
        let stored = StoredSession {
            version: STORED_VERSION,
            username,
            id_token,
            access_token,
            refresh_token: result
                .refresh_token
                .clone()
                .map(RefreshToken::new)
                .or(previous_refresh_token),
            clock_drift: now.saturating_sub(issued_at),
        };
        Self::from_stored(stored)
    }

    /// Rebuilds a session from storage; anything inconsistent is an error (callers treat it as signed out).
    pub fn from_stored(stored: StoredSession) -> Result<Self, Error> {
        if stored.version != STORED_VERSION {
            return Err(Error::invalid_response(
                "stored session has an unknown version",
            ));
        }
        let id_claims = jwt::decode_claims(&stored.id_token)?;
        let access_claims = jwt::decode_claims(&stored.access_token)?;
        let expires_at_server =
            jwt::time_claim(&access_claims, "exp")?.min(jwt::time_claim(&id_claims, "exp")?);
        let issued_at =
            jwt::time_claim(&access_claims, "iat")?.max(jwt::time_claim(&id_claims, "iat")?);
        let device_key = access_claims
            .get("device_key")
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        Ok(Self {
            stored,
            id_claims,
            device_key,
            expires_at_server,
            lifetime: expires_at_server.saturating_sub(issued_at).max(0),
        })
    }

    /// Reads what [`Session::to_storage_json`] wrote. Unknown members are refused, so that a layout this
    /// version does not know is never half-read.
    pub fn from_storage_json(text: &str) -> Result<Self, Error> {
        const WHAT: &str = "stored session";
        const MEMBERS: [&str; 6] = [
            "version",
            "username",
            "idToken",
            "accessToken",
            "refreshToken",
            "clockDrift",
        ];
        let value = json::parse_stored(text, WHAT)?;
        let stored = Reader::stored(&value, WHAT)?;
        if let Some(unknown) = stored.keys().find(|key| !MEMBERS.contains(key)) {
            return Err(Error::invalid_response(text::concat(&[
                WHAT,
                ": unknown member ",
                unknown,
            ])));
        }
        Self::from_stored(StoredSession {
            version: stored.required(stored.opt_u32("version")?, "version")?,
            username: stored.string("username")?,
            id_token: stored.string("idToken")?,
            access_token: stored.string("accessToken")?,
            refresh_token: stored.opt_string("refreshToken")?.map(RefreshToken::new),
            clock_drift: stored.required(stored.opt_i64("clockDrift")?, "clockDrift")?,
        })
    }

    pub fn to_storage_json(&self) -> String {
        let stored = &self.stored;
        Value::object([
            ("version", stored.version.into()),
            ("username", (&stored.username).into()),
            ("idToken", (&stored.id_token).into()),
            ("accessToken", (&stored.access_token).into()),
            (
                "refreshToken",
                stored.refresh_token.as_ref().map(|t| t.expose()).into(),
            ),
            ("clockDrift", stored.clock_drift.into()),
        ])
        .to_json()
    }

    /// Whether the tokens are still good at device time `now` (strictly before the earlier `exp`).
    pub fn is_valid_at(&self, now: i64) -> bool {
        now.saturating_sub(self.stored.clock_drift) < self.expires_at_server
    }

    /// Whether the tokens should be refreshed at device time `now`: they expire within `margin` seconds.
    /// The margin is at most half the tokens' lifetime, so that short-lived tokens (a pool set to minutes,
    /// or a test's seconds) are not refreshed on every call.
    pub fn needs_refresh(&self, now: i64, margin: i64) -> bool {
        !self.is_valid_at(now.saturating_add(self.bounded_margin(margin)))
    }

    /// Milliseconds from device time `now_ms` until [`Session::needs_refresh`] turns true (0 if it is).
    pub fn refresh_due_in_ms(&self, now_ms: i64, margin: i64) -> i64 {
        let due_ms = crate::clock::millis(
            self.expires_at()
                .saturating_sub(self.bounded_margin(margin)),
        );
        due_ms.saturating_sub(now_ms).max(0)
    }

    /// `margin` within 0 and half the lifetime (never negative). `clamp` would say the same, but its check
    /// that the bounds are in order panics with both bounds formatted, which links core's i64 `Debug`
    /// formatting into the module.
    fn bounded_margin(&self, margin: i64) -> i64 {
        margin.min(self.lifetime / 2).max(0)
    }

    /// Whether `self` holds other tokens than `earlier`: someone (another tab) refreshed or signed in since.
    pub fn supersedes(&self, earlier: &Session) -> bool {
        self.stored.access_token != earlier.stored.access_token
    }

    /// When the session expires, by the device clock (seconds).
    pub fn expires_at(&self) -> i64 {
        self.expires_at_server
            .saturating_add(self.stored.clock_drift)
    }

    pub fn username(&self) -> &str {
        &self.stored.username
    }

    pub fn id_token(&self) -> &str {
        &self.stored.id_token
    }

    pub fn access_token(&self) -> &str {
        &self.stored.access_token
    }

    pub fn refresh_token(&self) -> Option<&RefreshToken> {
        self.stored.refresh_token.as_ref()
    }

    pub fn device_key(&self) -> Option<&str> {
        self.device_key.as_deref()
    }

    pub fn clock_drift(&self) -> i64 {
        self.stored.clock_drift
    }

    pub fn id_claims(&self) -> &Claims {
        &self.id_claims
    }
}

/// The sessions a core has read, by stored text, newest first: the wasm edge's memory of the texts the JS
/// side names sessions by, so that each is parsed, checked and its JWTs decoded once. A page's decisions name
/// only a few at a time (the one it holds, the one storage holds now, the one a refresh made), so a handful is kept; one
/// pushed out is parsed again if it is named again. The texts carry refresh tokens: wiped when dropped.
#[derive(Default)]
pub struct HeldSessions(Vec<(Zeroizing<String>, Session)>);

impl HeldSessions {
    const CAPACITY: usize = 4;

    /// The session stored as `stored`, read now if this core has not held it.
    pub fn get(&mut self, stored: &str) -> Result<&Session, Error> {
        let held = match self.0.iter().position(|(text, _)| text.as_str() == stored) {
            Some(at) => self.0.remove(at),
            None => (
                Zeroizing::new(stored.to_owned()),
                Session::from_storage_json(stored)?,
            ),
        };
        self.0.insert(0, held);
        self.0.truncate(Self::CAPACITY);
        // Cannot be empty: one was just inserted (`first` only spares the module an indexing panic path).
        self.0
            .first()
            .map(|(_, session)| session)
            .ok_or_else(|| Error::invalid_response("no session held"))
    }

    /// The sessions stored as `first` and `second` (read now if not held), both held: a comparison of two
    /// stored texts needs no copy of either session.
    pub fn get_two(&mut self, first: &str, second: &str) -> Result<(&Session, &Session), Error> {
        self.get(first)?;
        self.get(second)?;
        // Each `get` moves its session to the front (CAPACITY is larger than two): `second`'s is first
        // now, and `first`'s, when it is another text, second.
        match (self.0.get(usize::from(first != second)), self.0.first()) {
            (Some((_, first)), Some((_, second))) => Ok((first, second)),
            _ => Err(Error::invalid_response("no session held")),
        }
    }

    /// Holds `session`, which is stored as `stored`.
    pub fn hold(&mut self, stored: String, session: Session) {
        self.0.insert(0, (Zeroizing::new(stored), session));
        self.0.truncate(Self::CAPACITY);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;
    use crate::protocol::AuthResponse;

    pub(crate) fn token(claims: serde_json::Value) -> String {
        format!(
            "eyJhbGciOiJSUzI1NiJ9.{}.c2ln",
            URL_SAFE_NO_PAD.encode(claims.to_string())
        )
    }

    /// The `AuthenticationResult` of a reply.
    fn read_result(result: serde_json::Value) -> AuthenticationResult {
        let reply = serde_json::json!({ "AuthenticationResult": result });
        AuthResponse::read(&json::parse(&reply.to_string()).unwrap(), "InitiateAuth")
            .unwrap()
            .authentication_result
            .unwrap()
    }

    pub(crate) fn result(iat: i64, refresh: Option<&str>) -> AuthenticationResult {
        read_result(serde_json::json!({
            "IdToken": token(serde_json::json!({"iat": iat, "exp": iat + 3600, "cognito:username": "alice", "email": "a@example.com"})),
            "AccessToken": token(serde_json::json!({"iat": iat + 5, "exp": iat + 3605, "username": "alice"})),
            "RefreshToken": refresh,
            "ExpiresIn": 3600,
        }))
    }

    #[test]
    fn drift_and_expiry_follow_the_reference_library() {
        // Device clock 100 s ahead of the server that issued the tokens at 1000.
        let session =
            Session::from_authentication(&result(1000, Some("r1")), "typed", None, 1100).unwrap();
        assert_eq!(session.clock_drift(), 100);
        assert_eq!(session.username(), "alice");
        assert_eq!(session.expires_at(), 1000 + 3600 + 100);
        assert!(session.is_valid_at(1000 + 3600 + 100 - 1));
        assert!(!session.is_valid_at(1000 + 3600 + 100));
        assert_eq!(
            session.id_claims().get("email").and_then(Value::as_str),
            Some("a@example.com")
        );
    }

    #[test]
    fn refresh_keeps_the_refresh_token_when_none_comes_back() {
        let first =
            Session::from_authentication(&result(1000, Some("r1")), "alice", None, 1000).unwrap();
        let refreshed = Session::from_authentication(
            &result(2000, None),
            "alice",
            first.refresh_token().cloned(),
            2000,
        )
        .unwrap();
        assert_eq!(
            refreshed.refresh_token().map(RefreshToken::expose),
            Some("r1")
        );
        let rotated = Session::from_authentication(
            &result(3000, Some("r2")),
            "alice",
            first.refresh_token().cloned(),
            3000,
        )
        .unwrap();
        assert_eq!(
            rotated.refresh_token().map(RefreshToken::expose),
            Some("r2")
        );
    }

    #[test]
    fn storage_round_trips_and_rejects_garbage() {
        let session =
            Session::from_authentication(&result(1000, Some("r1")), "alice", None, 1042).unwrap();
        let restored = Session::from_storage_json(&session.to_storage_json()).unwrap();
        assert_eq!(restored.clock_drift(), 42);
        assert_eq!(restored.expires_at(), session.expires_at());
        let tampered = session
            .to_storage_json()
            .replace("\"version\":1", "\"version\":9");
        for bad in [
            "",
            "null",
            "{}",
            "[]",
            "{\"version\":1}",
            tampered.as_str(),
            "{\"version\":1,\"username\":\"a\",\"idToken\":\"x\",\"accessToken\":\"y\",\"refreshToken\":null,\"clockDrift\":0}",
        ] {
            assert!(Session::from_storage_json(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refresh_is_due_a_margin_before_expiry_but_never_for_most_of_a_short_life() {
        let hour =
            Session::from_authentication(&result(1000, Some("r1")), "alice", None, 1000).unwrap();
        // The earlier exp is 1000 + 3600; the later iat 1005.
        assert!(!hour.needs_refresh(4540 - 1, 60));
        assert!(hour.needs_refresh(4540, 60));
        assert_eq!(hour.refresh_due_in_ms(4_000_000, 60), 540_000);
        assert_eq!(hour.refresh_due_in_ms(5_000_000, 60), 0);
        // Any device time the JS side passes is a number of milliseconds, never an overflow.
        assert_eq!(hour.refresh_due_in_ms(i64::MIN, 60), i64::MAX);
        assert_eq!(hour.refresh_due_in_ms(i64::MAX, 60), 0);
        // A margin longer than the tokens live is cut to half their life (3595 / 2 = 1797 s).
        assert!(!hour.needs_refresh(4600 - 1797 - 1, 7200));
        assert!(hour.needs_refresh(4600 - 1797, 7200));
        // A negative margin counts as none: due at the expiry itself.
        assert!(!hour.needs_refresh(4600 - 1, -60));
        assert!(hour.needs_refresh(4600, -60));
        assert_eq!(hour.refresh_due_in_ms(4_000_000, -60), 600_000);
        let other =
            Session::from_authentication(&result(2000, Some("r1")), "alice", None, 2000).unwrap();
        assert!(other.supersedes(&hour));
        assert!(!hour.supersedes(&hour.clone()));
    }

    #[test]
    fn results_without_tokens_are_refused() {
        let empty = read_result(serde_json::json!({}));
        assert_eq!(
            Session::from_authentication(&empty, "a", None, 0)
                .unwrap_err()
                .name(),
            "InvalidResponseException"
        );
    }

    /// The stored text of alice's session signed in at `iat`.
    fn stored(iat: i64) -> String {
        Session::from_authentication(&result(iat, Some("r1")), "alice", None, iat)
            .unwrap()
            .to_storage_json()
    }

    #[test]
    fn held_sessions_read_each_text_once_and_keep_the_newest_few() {
        let mut held = HeldSessions::default();
        let first = stored(1000);
        assert_eq!(held.get(&first).unwrap().expires_at(), 1000 + 3600);
        // Named again: the held one, not a second copy.
        held.get(&first).unwrap();
        assert_eq!(held.0.len(), 1);
        for iat in [2000, 3000, 4000, 5000] {
            held.get(&stored(iat)).unwrap();
        }
        assert_eq!(held.0.len(), HeldSessions::CAPACITY);
        assert!(
            held.0.iter().all(|(text, _)| text.as_str() != first),
            "the oldest is let go"
        );
        // A text that cannot be read is an error every time, and is not held.
        let error = held.get("{\"version\":1}").unwrap_err();
        assert_eq!(error.name(), "InvalidResponseException", "{error:?}");
        assert_eq!(held.0.len(), HeldSessions::CAPACITY);
        // Let go, then named again: read again.
        assert_eq!(held.get(&first).unwrap().expires_at(), 1000 + 3600);
        assert_eq!(
            held.0.first().map(|(text, _)| text.as_str()),
            Some(first.as_str())
        );
    }

    #[test]
    fn two_held_sessions_are_each_the_one_their_text_names() {
        let mut held = HeldSessions::default();
        let (older, newer) = (stored(1000), stored(2000));
        for filler in [3000, 4000, 5000, 6000] {
            held.get(&stored(filler)).unwrap();
        }
        let (a, b) = held.get_two(&older, &newer).unwrap();
        assert_eq!((a.expires_at(), b.expires_at()), (4600, 5600));
        assert!(b.supersedes(a));
        let (b, a) = held.get_two(&newer, &older).unwrap();
        assert_eq!((b.expires_at(), a.expires_at()), (5600, 4600));
        let (a, again) = held.get_two(&older, &older).unwrap();
        assert_eq!((a.expires_at(), again.expires_at()), (4600, 4600));
        assert_eq!(held.0.len(), HeldSessions::CAPACITY);
        for unreadable in [("{}", older.as_str()), (older.as_str(), "{}")] {
            let error = held.get_two(unreadable.0, unreadable.1).unwrap_err();
            assert_eq!(error.name(), "InvalidResponseException", "{error:?}");
        }
    }

    #[test]
    fn a_stored_session_without_a_required_member_names_it() {
        let good: serde_json::Value = serde_json::from_str(&stored(1000)).unwrap();
        for member in ["version", "clockDrift", "username"] {
            let mut text = good.clone();
            text.as_object_mut().unwrap().remove(member);
            let error = Session::from_storage_json(&text.to_string()).unwrap_err();
            assert_eq!(error.name(), "InvalidResponseException");
            assert_eq!(
                error.message,
                format!("stored session: {member} is required")
            );
        }
    }
}
