//! The session module's operations ([`super::Core`]'s, run by [`super::call`]): everything a page needs for a
//! user who signed in earlier — read the stored session, decide when to refresh, build the refresh and
//! revocation requests, read their replies, and the transport's retry and error decisions. No SRP, no
//! sign-in flow, no account operation.
//!
//! The JS side names a session by its stored text (what storage and the other tabs hold). The core parses a
//! text, checks it and decodes its JWTs once, and holds the result in [`HeldSessions`]; every later decision
//! about that text uses what it holds. A text that cannot be read is the same typed error for every
//! operation.

use super::{Core, Opened, opened, reply_body, request_json, session_json, session_view};
use crate::clock;
use crate::error::Error;
use crate::flows::refresh::{self, Reason};
use crate::flows::sign_out;
use crate::json::Value;
use crate::protocol::{RawResponse, parse_response};
use crate::session::{HeldSessions, Session};

/// `session` as the JS side keeps it (`{stored, session, deviceKey}`), held under its stored text.
fn hold_view(sessions: &mut HeldSessions, session: Session) -> Value {
    let stored = session.to_storage_json();
    let view = session_view(&session, stored.clone());
    sessions.hold(stored, session);
    view
}

impl Core {
    /// Milliseconds to wait before attempt `attempt + 1` of a request that failed, or `null` to give up.
    /// `retryable` is the failure's own verdict (its name's, or an HTTP 5xx's).
    /// `jitter_millionths`: a random whole number below a million (the JS side's `Math.random()`, whole so
    /// that the module parses no floating point).
    pub(super) fn retry_delay(
        &self,
        attempt: u32,
        retryable: bool,
        jitter_millionths: i64,
    ) -> Result<Value, Error> {
        let opened = opened(&self.opened)?;
        let jitter = jitter_millionths as f64 / 1_000_000.0;
        Ok(opened
            .config
            .retry
            .delay_ms(attempt, retryable, jitter)
            .into())
    }

    /// The reply's error, or `null` for a success (2xx). A success's body is parsed once, by the operation
    /// that reads it (an unreadable one is its `InvalidResponseException`).
    pub(super) fn reply_error(
        status: u16,
        body: &str,
        error_type_header: Option<&str>,
    ) -> Result<Value, Error> {
        if (200..300).contains(&status) {
            return Ok(Value::Null);
        }
        let raw = RawResponse {
            status,
            body,
            error_type_header,
        };
        parse_response(&raw).map(|_| Value::Null)
    }

    /// Server minus device time in whole seconds from a reply's `Date` header, or `null` when it is not
    /// believable.
    pub(super) fn clock_offset(device_ms: i64, server_date_ms: i64) -> Value {
        clock::offset_from_date(device_ms, server_date_ms).into()
    }

    /// A stored session, checked and decoded: `{stored, session, deviceKey}`.
    pub(super) fn read_session(&mut self, stored: &str) -> Result<Value, Error> {
        self.sessions.get(stored).map(session_json)
    }

    /// Whether the session's tokens expire within the refresh margin at `device_now` (Unix seconds).
    pub(super) fn needs_refresh(&mut self, stored: &str, device_now: i64) -> Result<Value, Error> {
        self.decide(|opened, sessions| {
            let margin = opened.config.refresh_margin_secs;
            Ok(sessions
                .get(stored)?
                .needs_refresh(device_now, margin)
                .into())
        })
    }

    /// Milliseconds from `now_ms` until the session needs a refresh.
    pub(super) fn refresh_due_in_ms(&mut self, stored: &str, now_ms: i64) -> Result<Value, Error> {
        self.decide(|opened, sessions| {
            let margin = opened.config.refresh_margin_secs;
            // Whole milliseconds: a timer has no use for less, and the JSON writer carries no floats.
            Ok(sessions
                .get(stored)?
                .refresh_due_in_ms(now_ms, margin)
                .into())
        })
    }

    /// Whether `current` (stored now) has other tokens than `earlier`: another tab refreshed or signed in.
    pub(super) fn supersedes(&mut self, current: &str, earlier: &str) -> Result<Value, Error> {
        self.decide(|_, sessions| {
            let (current, earlier) = sessions.get_two(current, earlier)?;
            Ok(current.supersedes(earlier).into())
        })
    }

    /// Holding the refresh lock: whether `current` must still be refreshed (see [`refresh::still_needed`]).
    pub(super) fn still_needed(
        &mut self,
        requested: bool,
        before: &str,
        current: &str,
        device_now: i64,
    ) -> Result<Value, Error> {
        let reason = if requested {
            Reason::Requested
        } else {
            Reason::Expiring
        };
        self.decide(|opened, sessions| {
            let (before, current) = sessions.get_two(before, current)?;
            let margin = opened.config.refresh_margin_secs;
            Ok(refresh::still_needed(reason, before, current, device_now, margin).into())
        })
    }

    /// The request that refreshes the stored session.
    pub(super) fn refresh_request(&mut self, stored: &str) -> Result<Value, Error> {
        self.decide(|opened, sessions| {
            let request = refresh::request(&opened.config, sessions.get(stored)?)?;
            Ok(request_json(&request))
        })
    }

    /// The session the refresh reply `body` gives: `{stored, session, deviceKey}`, held from now on.
    pub(super) fn refreshed(
        &mut self,
        stored: &str,
        body: &str,
        device_now: i64,
    ) -> Result<Value, Error> {
        self.decide(|_, sessions| {
            let before = sessions.get(stored)?;
            let after = refresh::refreshed(before, &reply_body(body)?, device_now)?;
            Ok(hold_view(sessions, after))
        })
    }

    /// RevokeToken for the session's refresh token (`null` when it has none).
    pub(super) fn revoke_request(&mut self, stored: &str) -> Result<Value, Error> {
        self.decide(
            |opened, sessions| match sessions.get(stored)?.refresh_token() {
                Some(token) => Ok(request_json(&sign_out::revoke_request(
                    &opened.config,
                    token,
                ))),
                None => Ok(Value::Null),
            },
        )
    }

    /// A decision about held sessions under this core's configuration.
    fn decide(
        &mut self,
        decide: impl FnOnce(&Opened, &mut HeldSessions) -> Result<Value, Error>,
    ) -> Result<Value, Error> {
        decide(opened(&self.opened)?, &mut self.sessions)
    }
}
