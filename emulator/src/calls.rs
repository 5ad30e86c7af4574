//! What tests need to see and steer about the Cognito calls the emulator receives (dev-only, not part of
//! Cognito): a count of calls per operation, and fault rules — "the next N calls of this operation are
//! delayed, fail with this error, or lose their connection" — so that a client's retries, timeouts and
//! single-flight refreshes can be tested against the real protocol.
//!
//! A call is known by its operation name and, for the two sign-in operations, also by the operation and
//! its flow or challenge (`InitiateAuth:REFRESH_TOKEN_AUTH`, `RespondToAuthChallenge:PASSWORD_VERIFIER`),
//! so a test can count or break refreshes without touching first sign-ins.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::connection::ConnectionPolicy;
use crate::names::{AUTH_FLOWS, CHALLENGE_NAMES};

/// The operation a fault rule for every call names.
pub const ANY_OPERATION: &str = "*";

/// What a fault rule does to a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Wait this long, then run the operation and answer normally.
    Delay { millis: u64 },
    /// Answer this error instead of running the operation.
    Fail {
        status: StatusCode,
        error_type: String,
        message: String,
    },
    /// Close the connection without an HTTP answer; the operation does not run.
    DropConnection,
}

/// One rule: applies to the next `remaining` calls named `operation`.
#[derive(Clone, Debug)]
pub struct FaultRule {
    pub id: u64,
    pub operation: String,
    pub remaining: u32,
    pub fault: Fault,
}

impl FaultRule {
    pub fn to_json(&self) -> Value {
        let mut rule =
            json!({ "id": self.id, "operation": self.operation, "count": self.remaining });
        match &self.fault {
            Fault::Delay { millis } => rule["delayMs"] = json!(millis),
            Fault::Fail {
                status,
                error_type,
                message,
            } => {
                rule["status"] = json!(status.as_u16());
                rule["type"] = json!(error_type);
                rule["message"] = json!(message);
            }
            Fault::DropConnection => rule["dropConnection"] = json!(true),
        }
        rule
    }
}

/// The body of `POST /_emulator/faults`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FaultRequest {
    pub operation: String,
    #[serde(default = "one")]
    pub count: u32,
    pub delay_ms: Option<u64>,
    pub status: Option<u16>,
    #[serde(rename = "type")]
    pub error_type: Option<String>,
    pub message: Option<String>,
    #[serde(default)]
    pub drop_connection: bool,
}

fn one() -> u32 {
    1
}

/// Longest injected delay: long enough for any client timeout, short enough not to wedge a test run.
const MAX_DELAY_MS: u64 = 120_000;

impl FaultRequest {
    /// Checks the request and turns it into the operation name, call count and fault. `is_operation` says
    /// which names the emulator answers (the operation table sits above this module).
    pub fn parse(
        self,
        is_operation: impl Fn(&str) -> bool,
    ) -> Result<(String, u32, Fault), String> {
        let name = self.operation.as_str();
        if !(name == ANY_OPERATION || is_operation(name) || is_call_detail(name)) {
            return Err(format!(
                "operation {:?} is not \"*\", an operation the emulator answers, or InitiateAuth:<AuthFlow> / \
                 RespondToAuthChallenge:<ChallengeName>",
                self.operation
            ));
        }
        if self.count == 0 {
            return Err("count must be at least 1".into());
        }
        let failing = self.status.is_some() || self.error_type.is_some() || self.message.is_some();
        let kinds = usize::from(self.delay_ms.is_some())
            + usize::from(failing)
            + usize::from(self.drop_connection);
        if kinds != 1 {
            return Err(
                "give exactly one of delayMs, status/type/message, or dropConnection: true".into(),
            );
        }
        let fault = if let Some(millis) = self.delay_ms {
            if millis > MAX_DELAY_MS {
                return Err(format!("delayMs must be at most {MAX_DELAY_MS}"));
            }
            Fault::Delay { millis }
        } else if self.drop_connection {
            Fault::DropConnection
        } else {
            let status = StatusCode::from_u16(self.status.unwrap_or(400))
                .ok()
                .filter(|s| s.is_client_error() || s.is_server_error())
                .ok_or("status must be between 400 and 599")?;
            let error_type = self
                .error_type
                .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric()))
                .ok_or("type must be a Cognito error name such as TooManyRequestsException")?;
            let message = self
                .message
                .unwrap_or_else(|| format!("Injected fault: {error_type}"));
            Fault::Fail {
                status,
                error_type,
                message,
            }
        };
        Ok((self.operation, self.count, fault))
    }
}

/// Whether `name` is a sign-in operation with a valid flow / challenge (`InitiateAuth:USER_SRP_AUTH`).
fn is_call_detail(name: &str) -> bool {
    match name.split_once(':') {
        Some(("InitiateAuth", flow)) => AUTH_FLOWS.contains(&flow),
        Some(("RespondToAuthChallenge", challenge)) => CHALLENGE_NAMES.contains(&challenge),
        _ => false,
    }
}

/// The names a call is known by: its operation, plus `Operation:FLOW` for InitiateAuth and
/// RespondToAuthChallenge when the body names a valid flow or challenge.
pub fn call_names(operation: &str, body: Option<&Map<String, Value>>) -> Vec<String> {
    let mut names = vec![operation.to_owned()];
    let member = match operation {
        "InitiateAuth" => "AuthFlow",
        "RespondToAuthChallenge" => "ChallengeName",
        _ => return names,
    };
    if let Some(detail) = body.and_then(|b| b.get(member)).and_then(Value::as_str) {
        let name = format!("{operation}:{detail}");
        if is_call_detail(&name) {
            names.push(name);
        }
    }
    names
}

/// How the calls known by one name went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallCount {
    /// Every call received: `answered + failed + dropped`.
    pub total: u64,
    /// Calls the operation answered (success or Cognito error), delayed ones included.
    pub answered: u64,
    /// Calls answered with an injected error.
    pub failed: u64,
    /// Calls whose connection was dropped.
    pub dropped: u64,
    /// Calls answered after an injected delay.
    pub delayed: u64,
}

impl CallCount {
    fn to_json(self) -> Value {
        json!({
            "total": self.total,
            "answered": self.answered,
            "failed": self.failed,
            "dropped": self.dropped,
            "delayed": self.delayed,
        })
    }
}

#[derive(Debug, Default)]
struct Book {
    rules: Vec<FaultRule>,
    next_id: u64,
    counts: BTreeMap<String, CallCount>,
}

/// Call counts and fault rules of one emulator. Kept apart from the store so that counting never waits
/// for an operation.
#[derive(Debug, Default)]
pub struct Calls {
    book: Mutex<Book>,
    connections: Arc<ConnectionPolicy>,
}

impl Calls {
    fn book(&self) -> MutexGuard<'_, Book> {
        self.book
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The keep-alive policy the listener must follow (see [`crate::connection`]).
    pub fn connection_policy(&self) -> Arc<ConnectionPolicy> {
        self.connections.clone()
    }

    /// While a drop is pending, each call gets a fresh connection, so that browsers do not resend the
    /// dropped one.
    fn update_connection_policy(&self, book: &Book) {
        let drop_pending = book
            .rules
            .iter()
            .any(|rule| rule.fault == Fault::DropConnection);
        self.connections
            .set_one_request_per_connection(drop_pending);
    }

    /// Records a call that has just arrived and says which fault, if any, it gets: the oldest rule that
    /// names the call (by any of its `names`, or `*`) uses up one of its calls.
    pub fn arrive(&self, names: &[String]) -> Option<Fault> {
        let mut book = self.book();
        let position = book
            .rules
            .iter()
            .position(|rule| rule.operation == ANY_OPERATION || names.contains(&rule.operation));
        let fault = position.map(|index| {
            let rule = &mut book.rules[index];
            rule.remaining -= 1;
            let fault = rule.fault.clone();
            if rule.remaining == 0 {
                book.rules.remove(index);
            }
            fault
        });
        for name in names {
            let count = book.counts.entry(name.clone()).or_default();
            count.total += 1;
            match &fault {
                None => count.answered += 1,
                Some(Fault::Delay { .. }) => {
                    count.answered += 1;
                    count.delayed += 1;
                }
                Some(Fault::Fail { .. }) => count.failed += 1,
                Some(Fault::DropConnection) => count.dropped += 1,
            }
        }
        self.update_connection_policy(&book);
        fault
    }

    pub fn add_rule(&self, operation: String, count: u32, fault: Fault) -> FaultRule {
        let mut book = self.book();
        book.next_id += 1;
        let rule = FaultRule {
            id: book.next_id,
            operation,
            remaining: count,
            fault,
        };
        book.rules.push(rule.clone());
        self.update_connection_policy(&book);
        rule
    }

    /// The rules still waiting for calls, oldest first.
    pub fn rules(&self) -> Vec<FaultRule> {
        self.book().rules.clone()
    }

    pub fn clear_rules(&self) {
        let mut book = self.book();
        book.rules.clear();
        self.update_connection_policy(&book);
    }

    /// `{"InitiateAuth": {"total": …, …}, "InitiateAuth:REFRESH_TOKEN_AUTH": {…}, …}`.
    pub fn counts_json(&self) -> Value {
        let counts = self
            .book()
            .counts
            .iter()
            .map(|(name, count)| (name.clone(), count.to_json()))
            .collect();
        Value::Object(counts)
    }

    pub fn count(&self, name: &str) -> CallCount {
        self.book().counts.get(name).copied().unwrap_or_default()
    }

    pub fn reset_counts(&self) {
        self.book().counts.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn rules_apply_in_order_and_run_out() {
        let calls = Calls::default();
        calls.add_rule(
            "InitiateAuth:REFRESH_TOKEN_AUTH".into(),
            2,
            Fault::DropConnection,
        );
        calls.add_rule("*".into(), 1, Fault::Delay { millis: 5 });
        let policy = calls.connection_policy();
        assert!(policy.one_request_per_connection(), "a drop is pending");
        let refresh = names(&["InitiateAuth", "InitiateAuth:REFRESH_TOKEN_AUTH"]);
        let srp = names(&["InitiateAuth", "InitiateAuth:USER_SRP_AUTH"]);
        // The SRP call skips the refresh rule and takes the catch-all one.
        assert_eq!(calls.arrive(&srp), Some(Fault::Delay { millis: 5 }));
        assert_eq!(calls.arrive(&refresh), Some(Fault::DropConnection));
        assert_eq!(calls.arrive(&refresh), Some(Fault::DropConnection));
        assert_eq!(calls.arrive(&refresh), None);
        assert!(calls.rules().is_empty());
        assert!(!policy.one_request_per_connection(), "no drop pending");
        let all = calls.count("InitiateAuth");
        assert_eq!(
            (all.total, all.answered, all.dropped, all.delayed),
            (4, 2, 2, 1)
        );
        assert_eq!(calls.count("InitiateAuth:REFRESH_TOKEN_AUTH").total, 3);
        assert_eq!(calls.count("InitiateAuth:USER_SRP_AUTH").total, 1);
        calls.reset_counts();
        assert_eq!(calls.count("InitiateAuth"), CallCount::default());
    }

    #[test]
    fn call_names_only_for_valid_flows() {
        let body = |v: Value| v.as_object().unwrap().clone();
        assert_eq!(
            call_names(
                "InitiateAuth",
                Some(&body(json!({"AuthFlow": "REFRESH_TOKEN"})))
            ),
            names(&["InitiateAuth", "InitiateAuth:REFRESH_TOKEN"])
        );
        assert_eq!(
            call_names("InitiateAuth", Some(&body(json!({"AuthFlow": "NOPE"})))),
            names(&["InitiateAuth"])
        );
        assert_eq!(
            call_names("GetUser", Some(&body(json!({"AuthFlow": "USER_SRP_AUTH"})))),
            names(&["GetUser"])
        );
        assert_eq!(call_names("InitiateAuth", None), names(&["InitiateAuth"]));
    }

    #[test]
    fn fault_requests_are_checked() {
        let parse = |v: Value| {
            serde_json::from_value::<FaultRequest>(v)
                .unwrap()
                .parse(|name| name == "InitiateAuth")
        };
        assert_eq!(
            parse(json!({"operation": "InitiateAuth", "count": 2, "status": 503, "type": "InternalErrorException"}))
                .unwrap(),
            (
                "InitiateAuth".to_owned(),
                2,
                Fault::Fail {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    error_type: "InternalErrorException".into(),
                    message: "Injected fault: InternalErrorException".into()
                }
            )
        );
        assert!(parse(json!({"operation": "Nope", "delayMs": 1})).is_err());
        assert!(parse(json!({"operation": "*", "delayMs": 1, "dropConnection": true})).is_err());
        assert!(parse(json!({"operation": "*"})).is_err());
        assert!(parse(json!({"operation": "*", "count": 0, "delayMs": 1})).is_err());
        assert!(parse(json!({"operation": "*", "status": 200, "type": "X"})).is_err());
        assert!(parse(json!({"operation": "*", "status": 400})).is_err());
        assert!(
            parse(json!({"operation": "InitiateAuth:REFRESH_TOKEN_AUTH", "dropConnection": true}))
                .is_ok()
        );
    }
}
