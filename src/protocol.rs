//! Cognito's wire format: JSON bodies POSTed with an `X-Amz-Target` header, and how replies (including
//! errors) are read. Pure data; the transport that sends a [`Request`] lives at the edge.

use crate::prelude::*;
use crate::text;
use zeroize::Zeroize;

use crate::error::Error;
use crate::json::{self, Reader, Value};

/// The operations the library calls, each by its name (the `X-Amz-Target` after the service's prefix).
/// A name rather than an enum variant: a `match` from variants to their names compiles into a table of
/// every name, which the session module carried (some 1 kB of data) for the three operations it sends.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Operation(&'static str);

// Named as the enum's variants were, and as Cognito names the operations.
#[allow(non_upper_case_globals)]
impl Operation {
    pub const InitiateAuth: Self = Self("InitiateAuth");
    pub const RespondToAuthChallenge: Self = Self("RespondToAuthChallenge");
    pub const RevokeToken: Self = Self("RevokeToken");
    pub const GetTokensFromRefreshToken: Self = Self("GetTokensFromRefreshToken");
    pub const GlobalSignOut: Self = Self("GlobalSignOut");
    pub const ConfirmDevice: Self = Self("ConfirmDevice");
    pub const UpdateDeviceStatus: Self = Self("UpdateDeviceStatus");
    pub const ForgetDevice: Self = Self("ForgetDevice");
    pub const ListDevices: Self = Self("ListDevices");
    pub const GetDevice: Self = Self("GetDevice");
    pub const AssociateSoftwareToken: Self = Self("AssociateSoftwareToken");
    pub const VerifySoftwareToken: Self = Self("VerifySoftwareToken");
    pub const SetUserMfaPreference: Self = Self("SetUserMFAPreference");
    pub const SignUp: Self = Self("SignUp");
    pub const ConfirmSignUp: Self = Self("ConfirmSignUp");
    pub const ResendConfirmationCode: Self = Self("ResendConfirmationCode");
    pub const ForgotPassword: Self = Self("ForgotPassword");
    pub const ConfirmForgotPassword: Self = Self("ConfirmForgotPassword");
    pub const ChangePassword: Self = Self("ChangePassword");
    pub const GetUser: Self = Self("GetUser");
    pub const UpdateUserAttributes: Self = Self("UpdateUserAttributes");
    pub const GetUserAttributeVerificationCode: Self = Self("GetUserAttributeVerificationCode");
    pub const VerifyUserAttribute: Self = Self("VerifyUserAttribute");
    pub const DeleteUserAttributes: Self = Self("DeleteUserAttributes");
    pub const DeleteUser: Self = Self("DeleteUser");
    pub const StartWebAuthnRegistration: Self = Self("StartWebAuthnRegistration");
    pub const CompleteWebAuthnRegistration: Self = Self("CompleteWebAuthnRegistration");
    pub const ListWebAuthnCredentials: Self = Self("ListWebAuthnCredentials");
    pub const DeleteWebAuthnCredential: Self = Self("DeleteWebAuthnCredential");

    pub fn name(self) -> &'static str {
        self.0
    }

    /// The `X-Amz-Target` header value.
    pub fn target(self) -> String {
        text::concat(&["AWSCognitoIdentityProviderService.", self.name()])
    }
}

impl core::fmt::Debug for Operation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.0)
    }
}

pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// One request to send: the operation and its JSON body.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    pub operation: Operation,
    pub body: String,
}

impl core::fmt::Debug for Request {
    // Bodies carry passwords, SRP proofs and tokens.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("body", &"[redacted]")
            .finish()
    }
}

// The serialised body holds whatever secrets its typed form held.
impl Drop for Request {
    fn drop(&mut self) {
        self.body.zeroize();
    }
}

impl Request {
    /// The request of `operation` with `body`, whose strings (passwords, tokens) are wiped once written.
    pub fn new(operation: Operation, body: Value) -> Self {
        Self {
            operation,
            body: body.into_wiped_json(),
        }
    }
}

/// A Cognito string map (`AuthParameters`, `ChallengeResponses`, `ClientMetadata`): defined with the JSON
/// values that read and write it.
pub use crate::json::StringMap;

/// The body of InitiateAuth or RespondToAuthChallenge, which have one shape: a name (`AuthFlow`,
/// `ChallengeName`), the client, a parameter map (`AuthParameters`, `ChallengeResponses`), the challenge's
/// session (RespondToAuthChallenge only) and the client metadata. One type, so that a sign-in's requests
/// share one writer. Owned, so that a sign-in can keep what it sent (to send it again without a device
/// Cognito forgot); the parameters carry passwords and SRP values and are wiped when dropped.
#[derive(Clone)]
pub struct AuthRequest {
    pub call: AuthCall,
    /// The `AuthFlow` or the `ChallengeName`.
    pub name: &'static str,
    pub client_id: String,
    /// The `AuthParameters` or the `ChallengeResponses`.
    pub parameters: StringMap,
    pub client_metadata: Option<StringMap>,
}

/// Which of the two operations an [`AuthRequest`] is: only an answer to a challenge carries a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthCall {
    InitiateAuth,
    RespondToAuthChallenge { session: Option<String> },
}

/// Overwrites the values of a parameter map (passwords, SRP claims, device keys) before it is freed.
pub fn wipe_values(parameters: &mut StringMap) {
    parameters.values_mut().for_each(Zeroize::zeroize);
}

impl Drop for AuthRequest {
    fn drop(&mut self) {
        wipe_values(&mut self.parameters);
    }
}

impl AuthRequest {
    pub fn operation(&self) -> Operation {
        match self.call {
            AuthCall::InitiateAuth => Operation::InitiateAuth,
            AuthCall::RespondToAuthChallenge { .. } => Operation::RespondToAuthChallenge,
        }
    }

    pub fn to_request(&self) -> Request {
        let (name, parameters, session) = match &self.call {
            AuthCall::InitiateAuth => ("AuthFlow", "AuthParameters", None),
            AuthCall::RespondToAuthChallenge { session } => {
                ("ChallengeName", "ChallengeResponses", session.as_ref())
            }
        };
        let mut body = Value::object([
            (name, self.name.into()),
            ("ClientId", (&self.client_id).into()),
            (parameters, (&self.parameters).into()),
        ]);
        body.insert_some("Session", session);
        body.insert_some("ClientMetadata", self.client_metadata.as_ref());
        Request::new(self.operation(), body)
    }
}

/// The reply of InitiateAuth and RespondToAuthChallenge (and GetTokensFromRefreshToken).
#[derive(Clone, Debug, Default)]
pub struct AuthResponse {
    pub challenge_name: Option<String>,
    pub session: Option<String>,
    pub challenge_parameters: StringMap,
    pub authentication_result: Option<AuthenticationResult>,
    pub available_challenges: Vec<String>,
}

impl AuthResponse {
    /// Reads the reply `body` of `operation`.
    pub fn read(body: &Value, operation: &str) -> Result<Self, Error> {
        let reply = Reader::reply(body, operation)?;
        let mut members = Members::default();
        let authentication_result = AuthenticationResult::read_in(&reply, &mut members);
        let response = Self {
            challenge_name: members.keep(reply.opt_string("ChallengeName")),
            session: members.keep(reply.opt_string("Session")),
            challenge_parameters: members.keep(reply.map_or_empty("ChallengeParameters")),
            authentication_result,
            available_challenges: members.keep(reply.strings("AvailableChallenges")),
        };
        members.finish(response)
    }
}

/// The members of a reply read one after another, keeping the first error: a reader that returned at each
/// member's error compiled to a branch and a ladder of drops per member.
#[derive(Default)]
pub(crate) struct Members {
    error: Option<Error>,
}

impl Members {
    /// The member `read` read, or its default after an error (which is kept if it is the first).
    pub(crate) fn keep<T: Default>(&mut self, read: Result<T, Error>) -> T {
        read.unwrap_or_else(|error| {
            self.error.get_or_insert(error);
            T::default()
        })
    }

    /// `value`, unless a member was unreadable: then the first error.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, Error> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(value),
        }
    }
}

#[derive(Clone)]
pub struct AuthenticationResult {
    pub access_token: Option<String>,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
    pub expires_in: Option<i64>,
    pub token_type: Option<String>,
    pub new_device_metadata: Option<NewDeviceMetadata>,
}

impl AuthenticationResult {
    /// The reply's `AuthenticationResult` (absent while a challenge is under way); the errors of its members
    /// are kept in `members`.
    pub(crate) fn read_in(reply: &Reader<'_>, members: &mut Members) -> Option<Self> {
        members
            .keep(reply.opt_object("AuthenticationResult"))
            .map(|result| Self {
                access_token: members.keep(result.opt_string("AccessToken")),
                id_token: members.keep(result.opt_string("IdToken")),
                refresh_token: members.keep(result.opt_string("RefreshToken")),
                expires_in: members.keep(result.opt_i64("ExpiresIn")),
                token_type: members.keep(result.opt_string("TokenType")),
                new_device_metadata: members.keep(result.opt_object("NewDeviceMetadata")).map(
                    |device| NewDeviceMetadata {
                        device_key: members.keep(device.opt_string("DeviceKey")),
                        device_group_key: members.keep(device.opt_string("DeviceGroupKey")),
                    },
                ),
            })
    }
}

impl core::fmt::Debug for AuthenticationResult {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AuthenticationResult")
            .field("tokens", &"[redacted]")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

#[derive(Clone, Debug)]
pub struct NewDeviceMetadata {
    pub device_key: Option<String>,
    pub device_group_key: Option<String>,
}

/// An HTTP reply as the transport hands it over.
pub struct RawResponse<'a> {
    pub status: u16,
    pub body: &'a str,
    /// The `x-amzn-ErrorType` header, used when the body names no error.
    pub error_type_header: Option<&'a str>,
}

/// Reads a reply: the success body as JSON (for the operation's reader), or the Cognito error it carries.
pub fn parse_response(response: &RawResponse<'_>) -> Result<Value, Error> {
    if (200..300).contains(&response.status) {
        return json::parse_reply(response.body, "Cognito");
    }
    Err(parse_error(response))
}

/// Cognito errors: `{"__type": "[prefix#]NameException", "message": "..."}`, else the header.
fn parse_error(response: &RawResponse<'_>) -> Error {
    let body: Option<Value> = json::parse(response.body).ok();
    let member = |names: [&str; 2]| {
        names
            .iter()
            .find_map(|name| body.as_ref()?.get(name)?.as_str().map(str::to_owned))
    };
    let error_type = member(["__type", "code"]);
    let message = member(["message", "Message"]);
    let name = error_type
        .as_deref()
        .or_else(|| {
            response
                .error_type_header
                .map(|h| text::split_once(h, b':').map_or(h, |(before, _)| before))
        })
        .and_then(error_name);
    match name {
        Some(name) => {
            let mut error = Error::new(name, message.unwrap_or_default());
            error.retryable |= response.status >= 500;
            error
        }
        None => {
            let mut error = Error::new(
                "UnknownError",
                text::concat(&[
                    "HTTP ",
                    &text::decimal(response.status.into()),
                    " from Cognito",
                ]),
            );
            error.retryable = response.status >= 500;
            error
        }
    }
}

/// The error name a `__type` (or the header) gives: after its last `#`, without the whitespace around it, when
/// it has the form of one ([`is_error_name`]).
fn error_name(t: &str) -> Option<&str> {
    // After the last '#' (found bytewise: core's reverse search formats numbers in a panic). Whole ranges, as
    // crate::text takes substrings.
    let t = t
        .bytes()
        .rposition(|b| b == b'#')
        .and_then(|at| t.get(at + 1..t.len()))
        .unwrap_or(t);
    // `t.trim()` without core's pattern searcher (in the session module for this alone): a name is ASCII
    // alphanumeric, so it ends at the first other byte, and only whitespace may follow it.
    let start: usize = t
        .chars()
        .take_while(|c| c.is_whitespace())
        .map(char::len_utf8)
        .sum();
    let t = t.get(start..t.len())?;
    let end = t
        .bytes()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(t.len());
    let (name, after) = t.split_at_checked(end)?;
    (after.chars().all(char::is_whitespace) && is_error_name(name)).then_some(name)
}

/// Whether `name` has the form of Cognito's (and AWS's) error names: an ASCII PascalCase identifier such as
/// `NotAuthorizedException` or `ServiceUnavailable`. Anything else (`constructor`, `__proto__`, markup) is
/// reported as `UnknownError`: apps look names up in tables, and a name from the wire must not be able to
/// name one of JavaScript's built-in properties.
fn is_error_name(name: &str) -> bool {
    name.len() <= 100
        && name.as_bytes().first().is_some_and(u8::is_ascii_uppercase)
        && name.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A name → value attribute (`AttributeType`): of a user, or of a device.
#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: String,
    pub value: Option<String>,
}

impl Attribute {
    /// The attribute list at `path` of `reply`.
    pub(crate) fn list(reply: Reader<'_>, path: &str) -> Result<Vec<Self>, Error> {
        // A loop, not a `collect` into a `Result`: that compiles to a copy of the iterator machinery per
        // item type.
        let mut list = Vec::new();
        for attribute in reply.objects(path)? {
            let mut members = Members::default();
            let read = Self {
                name: members.keep(attribute.string("Name")),
                value: members.keep(attribute.opt_string("Value")),
            };
            list.push(members.finish(read)?);
        }
        Ok(list)
    }
}

/// A JSON list of strings inside a challenge parameter (`MFAS_CAN_CHOOSE`, `requiredAttributes`); nothing
/// when it is absent or not such a list.
pub fn string_list(parameters: &StringMap, key: &str) -> Vec<String> {
    let value: Option<Value> = parameters.get(key).and_then(|v| json::parse(v).ok());
    let items = value.as_ref().and_then(Value::as_array);
    let mut list = Vec::new();
    for item in items.into_iter().flatten() {
        if let Some(text) = item.as_str() {
            list.push(text.to_owned());
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_name_is_the_trimmed_name_after_the_last_hash() {
        // The oracle: what it replaced, with core's `trim()`.
        fn oracle(t: &str) -> Option<&str> {
            let t = t.rsplit('#').next().unwrap_or(t).trim();
            is_error_name(t).then_some(t)
        }
        for t in [
            "",
            " ",
            "#",
            "NotAuthorizedException",
            "  NotAuthorizedException\t\n",
            "aws.cognito#UserNotFoundException",
            "a#b#CodeMismatch ",
            "# X",
            "X #",
            "Foo Bar",
            "Foo  ",
            "\u{a0}Foo\u{2003}",
            "\u{a0}Foo\u{a0}x",
            "Fooé",
            "éFoo",
            "foo",
            "Foo!",
            "\u{b}Foo\u{85}",
            "constructor",
            "__proto__",
            "Foo\u{0}",
            "Foo\u{feff}",
        ] {
            assert_eq!(error_name(t), oracle(t), "{t:?}");
        }
        let long = "A".repeat(101);
        assert_eq!(error_name(&long), oracle(&long));
        assert_eq!(error_name(&long[1..]), Some(&long[1..]));
    }

    #[test]
    fn string_map_keeps_name_order_and_the_last_value() {
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let mut map = StringMap::from([pair("b", "1"), pair("a", "2"), pair("b", "3")]);
        assert_eq!(map.insert("c".to_owned(), "4".to_owned()), None);
        assert_eq!(
            map.insert("a".to_owned(), "5".to_owned()),
            Some("2".to_owned())
        );
        let members: Vec<_> = map.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(members, ["a=5", "b=3", "c=4"]);
        assert_eq!(map.remove("b"), Some("3".to_owned()));
        assert!(!map.contains_key("b") && map.get("b").is_none() && map.len() == 2);
        assert_eq!(
            Value::from(&map).to_string(),
            r#"{"a":"5","c":"4"}"#,
            "written in name order, as a BTreeMap was"
        );
    }

    fn read(status: u16, body: &str, header: Option<&str>) -> Result<AuthResponse, Error> {
        let body = parse_response(&RawResponse {
            status,
            body,
            error_type_header: header,
        })?;
        AuthResponse::read(&body, "InitiateAuth")
    }

    fn error_of(status: u16, body: &str, header: Option<&str>) -> Error {
        read(status, body, header).unwrap_err()
    }

    #[test]
    fn error_names_are_cognitos() {
        let e = error_of(
            400,
            r#"{"__type":"NotAuthorizedException","message":"Incorrect username or password."}"#,
            None,
        );
        assert_eq!(
            (e.name(), e.message.as_str(), e.retryable),
            (
                "NotAuthorizedException",
                "Incorrect username or password.",
                false
            )
        );
        let e = error_of(
            400,
            r#"{"__type":"com.amazonaws.cognito#TooManyRequestsException","Message":"slow"}"#,
            None,
        );
        assert_eq!(
            (e.name(), e.message.as_str(), e.retryable),
            ("TooManyRequestsException", "slow", true)
        );
        let e = error_of(400, r#"{"__type":"a#b#ExpiredCodeException"}"#, None);
        assert_eq!(e.name(), "ExpiredCodeException", "after the last '#'");
        let e = error_of(400, r#"{"code":"UserNotFoundException"}"#, None);
        assert_eq!(e.name(), "UserNotFoundException");
        let e = error_of(
            400,
            "<html>",
            Some("InvalidParameterException:http://internal"),
        );
        assert_eq!(e.name(), "InvalidParameterException");
        let e = error_of(400, "", Some("prefix#LimitExceededException:x:y"));
        assert_eq!(e.name(), "LimitExceededException");
        let e = error_of(503, "", None);
        assert_eq!((e.name(), e.retryable), ("UnknownError", true));
        let e = error_of(500, r#"{"__type":"InternalErrorException"}"#, None);
        assert!(e.retryable);
    }

    #[test]
    fn names_not_of_cognitos_form_are_unknown_errors() {
        for name in [
            "constructor",
            "__proto__",
            "toString",
            "has space",
            "Ünicode",
            "x".repeat(101).as_str(),
        ] {
            let body = format!(r#"{{"__type":"{name}","message":"m"}}"#);
            let e = error_of(400, &body, None);
            assert_eq!(
                (e.name(), e.message.as_str()),
                ("UnknownError", "HTTP 400 from Cognito"),
                "{name:?}"
            );
            let e = error_of(400, "", Some(name));
            assert_eq!(e.name(), "UnknownError", "header {name:?}");
        }
        let e = error_of(503, r#"{"__type":"ServiceUnavailable"}"#, None);
        assert_eq!((e.name(), e.retryable), ("ServiceUnavailable", true));
    }

    #[test]
    fn malformed_success_bodies_are_typed_errors() {
        for body in [
            "not json",
            "[1]",
            r#"{"AuthenticationResult":{"ExpiresIn":"soon"}}"#,
            r#"{"ChallengeParameters":{"a":1}}"#,
        ] {
            let e = error_of(200, body, None);
            assert_eq!(e.name(), "InvalidResponseException", "{body}");
        }
        assert!(read(200, "", None).is_ok());
    }

    #[test]
    fn request_debug_hides_the_body() {
        let request = Request {
            operation: Operation::InitiateAuth,
            body: "{\"PASSWORD\":\"hunter2\"}".into(),
        };
        assert!(!format!("{request:?}").contains("hunter2"));
        assert_eq!(
            Operation::InitiateAuth.target(),
            "AWSCognitoIdentityProviderService.InitiateAuth"
        );
    }
}
