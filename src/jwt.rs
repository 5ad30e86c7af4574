//! Reading (not verifying) the claims of Cognito's ID and access tokens. The client trusts the tokens it got
//! over TLS from Cognito and only needs their times and user claims; verification is the server's job.

use crate::b64::URL_SAFE_NO_PAD;
use crate::error::Error;
use crate::json::{self, Object, Value};
use crate::text;

pub type Claims = Object;

/// The payload of a compact JWS, as a JSON object.
pub fn decode_claims(token: &str) -> Result<Claims, Error> {
    let mut parts = text::split(token, b'.');
    let (Some(_header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Error::invalid_response("token is not a JWT"));
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(text::trim_end(payload, b'='))
        .map_err(|_| Error::invalid_response("JWT payload is not base64url"))?;
    let text = text::from_utf8(&bytes)
        .ok_or_else(|| Error::invalid_response("JWT payload is not UTF-8"))?;
    match json::parse(&text) {
        Ok(Value::Object(claims)) => Ok(claims),
        _ => Err(Error::invalid_response("JWT payload is not a JSON object")),
    }
}

/// A numeric-date claim (`exp`, `iat`, `auth_time`) in whole seconds.
pub fn time_claim(claims: &Claims, name: &str) -> Result<i64, Error> {
    let value = claims
        .get(name)
        .ok_or_else(|| Error::invalid_response(text::concat(&["JWT has no ", name, " claim"])))?;
    value
        .as_i64()
        .or_else(|| value.floor_below_1e15())
        .ok_or_else(|| {
            Error::invalid_response(text::concat(&["JWT ", name, " claim is not a number"]))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        format!(
            "eyJhbGciOiJSUzI1NiJ9.{}.c2ln",
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    #[test]
    fn reads_claims() {
        let claims =
            decode_claims(&jwt(r#"{"exp":1700000000,"iat":1.6999964e9,"sub":"x"}"#)).unwrap();
        assert_eq!(time_claim(&claims, "exp").unwrap(), 1_700_000_000);
        assert_eq!(time_claim(&claims, "iat").unwrap(), 1_699_996_400);
        assert_eq!(claims.get("sub"), Some(&Value::from("x")));
    }

    #[test]
    fn garbage_is_a_typed_error() {
        for token in [
            "",
            "a.b",
            "a.b.c.d",
            "a.!!!.c",
            &jwt("[1]"),
            &jwt("not json"),
        ] {
            assert_eq!(
                decode_claims(token).unwrap_err().name(),
                "InvalidResponseException",
                "{token}"
            );
        }
        let claims = decode_claims(&jwt(r#"{"exp":"later","iat":1e300}"#)).unwrap();
        assert!(time_claim(&claims, "exp").is_err());
        assert!(time_claim(&claims, "iat").is_err());
        assert!(time_claim(&claims, "nbf").is_err());
    }
}
