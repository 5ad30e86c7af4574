//! Newtypes for values that must never be printed: their `Debug` says `[redacted]`, and their bytes are
//! overwritten when they are dropped, so a freed secret does not linger in the wasm heap.
//!
//! What is wiped, and what is not: these newtypes, the SRP secrets (`a`, the exponent, the session key),
//! the parameters of InitiateAuth and RespondToAuthChallenge bodies and every serialised request body are
//! overwritten when dropped. Not wiped: the JSON text and parsed value of the app's arguments at the wasm
//! edge (a password arrives there as a JS string, which JS cannot wipe either), a challenge answer's text,
//! and the buffers a growing `String` leaves behind when it reallocates.

use crate::prelude::*;
use zeroize::Zeroize;

macro_rules! secret_string {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The secret itself, for the one place that must send or hash it.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                self.0.zeroize();
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_string!(
    /// A user's password.
    Password
);
secret_string!(
    /// A Cognito refresh token (opaque; never parsed).
    RefreshToken
);
secret_string!(
    /// An app client's secret.
    ClientSecret
);
secret_string!(
    /// A PKCE code verifier (RFC 7636), kept until the authorization code is exchanged.
    CodeVerifier
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        assert_eq!(
            format!("{:?}", Password::new("hunter2")),
            "Password([redacted])"
        );
        assert_eq!(
            format!("{:?}", RefreshToken::new("eyJ.x")),
            "RefreshToken([redacted])"
        );
        assert_eq!(
            format!("{:?}", Some(ClientSecret::new("abc"))),
            "Some(ClientSecret([redacted]))"
        );
    }
}
