//! The session module's exports (`session-core`): everything a page needs for a user who signed in earlier —
//! read the stored session, decide when to refresh, build the refresh and revocation requests, read their
//! replies, and the transport's retry and error decisions. No SRP, no sign-in flow, no account operation.

use wasm_bindgen::prelude::*;

use super::{Core, error_json, outcome, reply_body, request_json, session_json};
use crate::clock;
use crate::error::Error;
use crate::flows::refresh::{self, Reason};
use crate::flows::sign_out;
use crate::json::Value;
use crate::protocol::{RawResponse, parse_response};
use crate::session::Session;

fn stored_session(stored: &str) -> Result<Session, Error> {
    Session::from_storage_json(stored)
}

#[wasm_bindgen]
impl Core {
    /// Milliseconds to wait before attempt `attempt + 1` of a request that failed, or -1 to give up.
    #[wasm_bindgen(js_name = retryDelay)]
    pub fn retry_delay(&self, attempt: u32, error_name: &str, retryable: bool, jitter: f64) -> i32 {
        let mut error = Error::new(error_name, "");
        error.retryable = retryable;
        self.config
            .retry
            .delay_ms(attempt, &error, jitter)
            .map_or(-1, |ms| i32::try_from(ms).unwrap_or(i32::MAX))
    }

    /// The error a reply carries as an outcome's JSON, or "" for a success (2xx). A success's body is parsed
    /// once, by the export that reads it (an unreadable one is its `InvalidResponseException`).
    #[wasm_bindgen(js_name = replyError)]
    pub fn reply_error(
        &self,
        status: u16,
        body: &str,
        error_type_header: Option<String>,
    ) -> String {
        if (200..300).contains(&status) {
            return String::new();
        }
        match parse_response(&RawResponse {
            status,
            body,
            error_type_header: error_type_header.as_deref(),
        }) {
            Ok(_) => String::new(),
            Err(error) => error_json(&error),
        }
    }

    /// A stored session, checked and decoded: `{stored, session, deviceKey}`.
    #[wasm_bindgen(js_name = readSession)]
    pub fn read_session(&self, stored: &str) -> String {
        outcome(stored_session(stored).and_then(|s| session_json(&s)))
    }

    /// Whether the session's tokens expire within the refresh margin at `device_now` (Unix seconds).
    #[wasm_bindgen(js_name = needsRefresh)]
    pub fn needs_refresh(&self, stored: &str, device_now: f64) -> bool {
        stored_session(stored)
            .is_ok_and(|s| s.needs_refresh(device_now as i64, self.config.refresh_margin_secs))
    }

    /// Milliseconds from `now_ms` until the session needs a refresh.
    #[wasm_bindgen(js_name = refreshDueInMs)]
    pub fn refresh_due_in_ms(&self, stored: &str, now_ms: f64) -> f64 {
        stored_session(stored).map_or(0.0, |s| {
            s.refresh_due_in_ms(now_ms, self.config.refresh_margin_secs)
        })
    }

    /// Whether `current` (stored now) has other tokens than `earlier`: another tab refreshed or signed in.
    pub fn supersedes(&self, current: &str, earlier: &str) -> bool {
        match (stored_session(current), stored_session(earlier)) {
            (Ok(current), Ok(earlier)) => current.supersedes(&earlier),
            _ => current != earlier,
        }
    }

    /// Holding the refresh lock: whether `current` must still be refreshed (see [`refresh::still_needed`]).
    #[wasm_bindgen(js_name = stillNeeded)]
    pub fn still_needed(
        &self,
        requested: bool,
        before: &str,
        current: &str,
        device_now: f64,
    ) -> bool {
        let reason = if requested {
            Reason::Requested
        } else {
            Reason::Expiring
        };
        match (stored_session(before), stored_session(current)) {
            (Ok(before), Ok(current)) => refresh::still_needed(
                reason,
                &before,
                &current,
                device_now as i64,
                self.config.refresh_margin_secs,
            ),
            _ => true,
        }
    }

    /// The request that refreshes the stored session.
    #[wasm_bindgen(js_name = refreshRequest)]
    pub fn refresh_request(&self, stored: &str) -> String {
        outcome(
            stored_session(stored)
                .and_then(|s| refresh::request(&self.config, &s))
                .map(|r| request_json(&r)),
        )
    }

    /// The session the refresh reply `body` gives: `{stored, session, deviceKey}`.
    pub fn refreshed(&self, stored: &str, body: &str, device_now: f64) -> String {
        outcome(stored_session(stored).and_then(|before| {
            let after = refresh::refreshed(&before, &reply_body(body)?, device_now as i64)?;
            session_json(&after)
        }))
    }

    /// RevokeToken for the session's refresh token (`null` when it has none).
    #[wasm_bindgen(js_name = revokeRequest)]
    pub fn revoke_request(&self, stored: &str) -> String {
        outcome(
            stored_session(stored).and_then(|s| match s.refresh_token() {
                Some(token) => Ok(request_json(&sign_out::revoke_request(
                    &self.config,
                    token,
                )?)),
                None => Ok(Value::Null),
            }),
        )
    }
}

/// Server minus device time in whole seconds from a reply's `Date` header, when it is believable.
#[wasm_bindgen(js_name = clockOffset)]
pub fn clock_offset(device_ms: f64, server_date_ms: f64) -> Option<f64> {
    clock::offset_from_date(device_ms, server_date_ms).map(|s| s as f64)
}
