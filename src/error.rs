//! The one error type the library reports: a name (Cognito's exception name, or one of the local names
//! below), a message, and whether retrying may help.

use std::fmt;

/// Names of errors that do not come from Cognito.
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub name: String,
    pub message: String,
    pub retryable: bool,
}

impl Error {
    pub fn new(name: impl Into<String>, message: impl Into<String>) -> Self {
        let name = name.into();
        let retryable = is_retryable(&name);
        Self {
            name,
            message: message.into(),
            retryable,
        }
    }

    pub fn network(message: impl Into<String>) -> Self {
        Self::new(names::NETWORK, message)
    }

    pub fn invalid_response(message: impl Into<String>) -> Self {
        Self::new(names::INVALID_RESPONSE, message)
    }

    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(names::INVALID_PARAMETER, message)
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(names::UNAUTHENTICATED, message)
    }

    pub fn is(&self, name: &str) -> bool {
        self.name == name
    }
}

/// Throttling, server faults and network failures may succeed later; authentication errors never do.
fn is_retryable(name: &str) -> bool {
    matches!(
        name,
        names::NETWORK
            | names::TIMEOUT
            | "TooManyRequestsException"
            | "LimitExceededException"
            | "ThrottlingException"
            | "InternalErrorException"
            | "ServiceUnavailableException"
    )
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for Error {}

impl From<crate::srp::SrpError> for Error {
    fn from(error: crate::srp::SrpError) -> Self {
        Self::new(names::SRP, error.to_string())
    }
}
