//! The one error type the library reports. Inside Rust an error has a [`ErrorKind`]: an exception Cognito
//! named, or one of the library's own kinds (network, timeout, unreadable reply, bad argument, SRP…). The
//! JS face `{name, message, retryable}` is made from it at the wasm edge, with [`Error::name`].

use crate::prelude::*;
use core::fmt;

/// Names of errors that do not come from Cognito, as the package's JS sees them.
pub mod names {
    /// `fetch` failed: offline, DNS, CORS refused, connection reset.
    pub const NETWORK: &str = "NetworkError";
    /// Cognito (or something in between) answered with something that is not a valid reply.
    pub const INVALID_RESPONSE: &str = "InvalidResponseException";
    /// An argument was missing or malformed.
    pub const INVALID_PARAMETER: &str = "InvalidParameterException";
    /// No session: nobody signed in, or the session was cleared.
    pub const UNAUTHENTICATED: &str = "UserUnAuthenticatedException";
    /// The SRP values in a challenge are malformed or hostile.
    pub const SRP: &str = "SrpProtocolException";
    /// The caller's `AbortSignal` fired; the call was abandoned (its request may still have reached Cognito).
    pub const ABORTED: &str = "AbortError";
    /// A request got no complete reply within the configured timeout.
    pub const TIMEOUT: &str = "TimeoutError";
    /// The configured storage failed to read or write.
    pub const STORAGE: &str = "StorageError";
}

/// What went wrong, as the core decides on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// An exception Cognito named (`NotAuthorizedException`, `CodeMismatchException`…).
    Cognito(String),
    Network,
    Timeout,
    Aborted,
    Storage,
    /// A reply that is not what the operation answers. Cognito's own `InvalidParameterException` (a bad
    /// request) is [`ErrorKind::InvalidParameter`] too: the app sees one name for both.
    InvalidResponse,
    InvalidParameter,
    Unauthenticated,
    Srp,
}

impl ErrorKind {
    /// The kind a name stands for: one of the library's own [`names`], else Cognito's exception.
    pub fn from_name(name: &str) -> Self {
        match name {
            names::NETWORK => Self::Network,
            names::TIMEOUT => Self::Timeout,
            names::ABORTED => Self::Aborted,
            names::STORAGE => Self::Storage,
            names::INVALID_RESPONSE => Self::InvalidResponse,
            names::INVALID_PARAMETER => Self::InvalidParameter,
            names::UNAUTHENTICATED => Self::Unauthenticated,
            names::SRP => Self::Srp,
            other => Self::Cognito(other.to_owned()),
        }
    }

    /// The name the app sees.
    pub fn name(&self) -> &str {
        match self {
            Self::Cognito(name) => name,
            Self::Network => names::NETWORK,
            Self::Timeout => names::TIMEOUT,
            Self::Aborted => names::ABORTED,
            Self::Storage => names::STORAGE,
            Self::InvalidResponse => names::INVALID_RESPONSE,
            Self::InvalidParameter => names::INVALID_PARAMETER,
            Self::Unauthenticated => names::UNAUTHENTICATED,
            Self::Srp => names::SRP,
        }
    }

    /// Throttling, server faults and network failures may succeed later; authentication errors never do.
    fn retryable(&self) -> bool {
        match self {
            Self::Network | Self::Timeout => true,
            Self::Cognito(name) => matches!(
                name.as_str(),
                "TooManyRequestsException"
                    | "LimitExceededException"
                    | "ThrottlingException"
                    | "InternalErrorException"
                    | "ServiceUnavailableException"
            ),
            _ => false,
        }
    }
}

/// An error: its [`Report`] behind one pointer, so that a `Result` carrying it is small and every `?` moves a
/// word rather than the whole report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(Box<Report>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub kind: ErrorKind,
    pub message: String,
    /// Whether trying again may help: the kind's default, or set from the reply (an HTTP 5xx).
    pub retryable: bool,
}

impl core::ops::Deref for Error {
    type Target = Report;

    fn deref(&self) -> &Report {
        &self.0
    }
}

impl core::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut Report {
        &mut self.0
    }
}

impl Error {
    pub fn of_kind(kind: ErrorKind, message: impl Into<String>) -> Self {
        let retryable = kind.retryable();
        Self(Box::new(Report {
            kind,
            message: message.into(),
            retryable,
        }))
    }

    /// The error named `name` (Cognito's exception, or one of [`names`]).
    pub fn new(name: impl AsRef<str>, message: impl Into<String>) -> Self {
        Self::of_kind(ErrorKind::from_name(name.as_ref()), message)
    }

    pub fn network(message: impl Into<String>) -> Self {
        Self::of_kind(ErrorKind::Network, message)
    }

    pub fn invalid_response(message: impl Into<String>) -> Self {
        Self::of_kind(ErrorKind::InvalidResponse, message)
    }

    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::of_kind(ErrorKind::InvalidParameter, message)
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::of_kind(ErrorKind::Unauthenticated, message)
    }

    /// The name the app sees.
    pub fn name(&self) -> &str {
        self.kind.name()
    }

    pub fn is(&self, name: &str) -> bool {
        self.name() == name
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())?;
        f.write_str(": ")?;
        f.write_str(&self.message)
    }
}

impl core::error::Error for Error {}

impl From<crate::srp::SrpError> for Error {
    fn from(error: crate::srp::SrpError) -> Self {
        Self::of_kind(ErrorKind::Srp, error.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_local_name_round_trips_through_its_kind() {
        for name in [
            names::NETWORK,
            names::TIMEOUT,
            names::ABORTED,
            names::STORAGE,
            names::INVALID_RESPONSE,
            names::INVALID_PARAMETER,
            names::UNAUTHENTICATED,
            names::SRP,
        ] {
            let kind = ErrorKind::from_name(name);
            assert!(!matches!(kind, ErrorKind::Cognito(_)), "{name}");
            assert_eq!(kind.name(), name);
        }
        assert_eq!(
            ErrorKind::from_name("CodeMismatchException"),
            ErrorKind::Cognito("CodeMismatchException".into())
        );
    }

    #[test]
    fn srp_errors_keep_their_message() {
        let error = Error::from(crate::srp::SrpError::TooLong { field: "SALT" });
        assert_eq!(error.name(), names::SRP);
        assert_eq!(error.message, "SALT is too long");
        assert_eq!(error.to_string(), "SrpProtocolException: SALT is too long");
    }

    #[test]
    fn retrying_helps_only_with_throttling_faults_and_the_network() {
        assert!(Error::network("offline").retryable);
        assert!(Error::new(names::TIMEOUT, "slow").retryable);
        assert!(Error::new("TooManyRequestsException", "").retryable);
        assert!(!Error::new("NotAuthorizedException", "").retryable);
        assert!(!Error::invalid_response("garbage").retryable);
    }
}
