//! The JavaScript API (wasm32 only): `CognitoClient`, shaped like Amplify v6's auth functions. This layer
//! only converts values, sends the core's requests with `fetch`, keeps the session in storage and reads the
//! clock; every decision is made by the sans-IO core.

mod js_error;
mod storage;
mod transport;

use std::rc::Rc;

use js_sys::Promise;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::error::names;
use crate::flows::sign_in::{Method, Progress, SignIn, SignInInput};
use crate::flows::{refresh, sign_out};
use crate::jwt::Claims;
use crate::protocol::{AuthResponse, StringMap};
use crate::secret::{ClientSecret, Password};
use crate::session::Session;
use crate::srp::client::SrpClient;
use crate::{ClientConfig, Error};
use storage::{SessionStore, StorageKind};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** Where the session is kept. Defaults to 'local' where localStorage exists, else 'memory'. */
export type StorageKind = 'memory' | 'local' | 'session';

export interface CognitoClientConfig {
  /** e.g. 'us-east-1_AbCdEf123' */
  userPoolId: string;
  /** The app client id. */
  clientId: string;
  /** Only for app clients created with a secret; sent as SECRET_HASH / ClientSecret. */
  clientSecret?: string;
  /** Defaults to https://cognito-idp.{region}.amazonaws.com/ (the region is taken from userPoolId). */
  endpoint?: string;
  storage?: StorageKind;
}

export type AuthFlowType = 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH';

export interface SignInInput {
  username: string;
  password: string;
  /** Defaults to 'USER_SRP_AUTH': the password never leaves the device. */
  authFlowType?: AuthFlowType;
  clientMetadata?: Record<string, string>;
}

export type SignInOutput =
  | { isSignedIn: true; nextStep: { signInStep: 'DONE' } }
  | {
      isSignedIn: false;
      nextStep: {
        signInStep: 'UNHANDLED_CHALLENGE';
        /** Cognito's ChallengeName, e.g. 'SMS_MFA'. */
        challengeName: string;
        challengeParameters: Record<string, string>;
      };
    };

/** Claims of the ID token (not verified: the tokens came from Cognito over TLS). */
export interface IdTokenClaims {
  sub: string;
  'cognito:username': string;
  aud: string;
  iss: string;
  exp: number;
  iat: number;
  auth_time: number;
  token_use: 'id';
  [claim: string]: unknown;
}

export interface Session {
  /** The name Cognito knows the user by (for alias sign-ins, not what was typed). */
  username: string;
  idToken: string;
  accessToken: string;
  refreshToken: string | null;
  /** When the earlier of the ID and access tokens expires, in device-clock milliseconds since the epoch. */
  expiresAt: number;
  /** Device clock minus Cognito's clock, in seconds, measured when the tokens arrived. */
  clockDrift: number;
  idTokenClaims: IdTokenClaims;
}
"#;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfigInput {
    user_pool_id: String,
    client_id: String,
    client_secret: Option<String>,
    endpoint: Option<String>,
    storage: Option<StorageKind>,
}

#[derive(Deserialize)]
enum AuthFlowType {
    #[serde(rename = "USER_SRP_AUTH")]
    UserSrp,
    #[serde(rename = "USER_PASSWORD_AUTH")]
    UserPassword,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignInArgs {
    username: String,
    password: String,
    auth_flow_type: Option<AuthFlowType>,
    client_metadata: Option<StringMap>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignInOutput {
    is_signed_in: bool,
    next_step: NextStep,
}

#[derive(Serialize)]
#[serde(tag = "signInStep")]
enum NextStep {
    #[serde(rename = "DONE")]
    Done,
    #[serde(rename = "UNHANDLED_CHALLENGE", rename_all = "camelCase")]
    UnhandledChallenge {
        challenge_name: String,
        challenge_parameters: StringMap,
    },
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionOutput<'a> {
    username: &'a str,
    id_token: &'a str,
    access_token: &'a str,
    refresh_token: Option<&'a str>,
    expires_at: f64,
    clock_drift: i64,
    id_token_claims: &'a Claims,
}

fn from_js<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, Error> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| Error::invalid_parameter(format!("{what}: {e}")))
}

fn to_js(value: &impl Serialize) -> Result<JsValue, Error> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| Error::invalid_response(format!("cannot convert result: {e}")))
}

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0).floor() as i64
}

/// Runs an async operation as a Promise whose rejection is a `CognitoError`.
fn promise<F>(future: F) -> Promise
where
    F: Future<Output = Result<JsValue, Error>> + 'static,
{
    future_to_promise(async move { future.await.map_err(JsValue::from) })
}

/// A client for one user pool app client. Create one per app and share it.
#[wasm_bindgen]
pub struct CognitoClient {
    inner: Rc<Inner>,
}

struct Inner {
    config: ClientConfig,
    store: SessionStore,
}

#[wasm_bindgen]
impl CognitoClient {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "CognitoClientConfig")] config: JsValue,
    ) -> Result<CognitoClient, JsValue> {
        let input: ConfigInput = from_js(config, "CognitoClient config")?;
        let config = ClientConfig::new(
            input.user_pool_id,
            input.client_id,
            input.client_secret.map(ClientSecret::new),
            input.endpoint,
        )?;
        let store = match input.storage {
            Some(kind) => SessionStore::new(kind, &config.user_pool_id, &config.client_id)?,
            None => SessionStore::new(StorageKind::Local, &config.user_pool_id, &config.client_id)
                .or_else(|_| {
                    SessionStore::new(StorageKind::Memory, &config.user_pool_id, &config.client_id)
                })?,
        };
        Ok(CognitoClient {
            inner: Rc::new(Inner { config, store }),
        })
    }

    /// Signs in with USER_SRP_AUTH (default) or USER_PASSWORD_AUTH and stores the session.
    #[wasm_bindgen(js_name = signIn, unchecked_return_type = "Promise<SignInOutput>")]
    pub fn sign_in(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SignInInput")] input: JsValue,
    ) -> Promise {
        let inner = self.inner.clone();
        promise(async move { inner.sign_in(from_js(input, "signIn input")?).await })
    }

    /// The current session; refreshes it first when its tokens have expired. Rejects with
    /// `UserUnAuthenticatedException` when nobody is signed in.
    #[wasm_bindgen(js_name = getSession, unchecked_return_type = "Promise<Session>")]
    pub fn get_session(&self) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            let session = inner.stored_session()?;
            let session = if session.is_valid_at(now()) {
                session
            } else {
                inner.refresh(&session).await?
            };
            session_output(&session)
        })
    }

    /// Refreshes the tokens now (REFRESH_TOKEN_AUTH), keeping the refresh token.
    #[wasm_bindgen(js_name = refreshSession, unchecked_return_type = "Promise<Session>")]
    pub fn refresh_session(&self) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            let session = inner.stored_session()?;
            session_output(&inner.refresh(&session).await?)
        })
    }

    /// Forgets the session on this device and revokes its refresh token. The local sign-out always
    /// happens; a failed revocation (e.g. offline) is not reported.
    #[wasm_bindgen(js_name = signOut, unchecked_return_type = "Promise<void>")]
    pub fn sign_out(&self) -> Promise {
        let inner = self.inner.clone();
        promise(async move {
            let session = inner.store.load();
            inner.store.clear();
            if let Some(token) = session.as_ref().and_then(Session::refresh_token) {
                let request = sign_out::revoke_request(&inner.config, token)?;
                let _ =
                    transport::send::<serde_json::Value>(&inner.config.endpoint, &request).await;
            }
            Ok(JsValue::UNDEFINED)
        })
    }
}

impl Inner {
    async fn sign_in(&self, args: SignInArgs) -> Result<JsValue, Error> {
        let method = match args.auth_flow_type.unwrap_or(AuthFlowType::UserSrp) {
            AuthFlowType::UserSrp => Method::Srp(SrpClient::generate()?),
            AuthFlowType::UserPassword => Method::Password,
        };
        let input = SignInInput {
            username: args.username,
            password: Password::new(args.password),
            client_metadata: args.client_metadata,
        };
        let (mut flow, mut request) = SignIn::start(&self.config, input, method)?;
        loop {
            let reply: AuthResponse = transport::send(&self.config.endpoint, &request).await?;
            match flow.on_response(&self.config, reply, now())? {
                Progress::Send(next) => request = next,
                Progress::SignedIn(session) => {
                    self.store.save(&session)?;
                    return to_js(&SignInOutput {
                        is_signed_in: true,
                        next_step: NextStep::Done,
                    });
                }
                Progress::Challenge(challenge) => {
                    let next_step = NextStep::UnhandledChallenge {
                        challenge_name: challenge.name,
                        challenge_parameters: challenge.parameters,
                    };
                    return to_js(&SignInOutput {
                        is_signed_in: false,
                        next_step,
                    });
                }
            }
        }
    }

    fn stored_session(&self) -> Result<Session, Error> {
        self.store
            .load()
            .ok_or_else(|| Error::unauthenticated("no user is signed in"))
    }

    /// Refreshes and stores; a refresh token Cognito refuses ends the session, a transient failure keeps it.
    async fn refresh(&self, session: &Session) -> Result<Session, Error> {
        let request = refresh::request(&self.config, session)?;
        let reply = match transport::send::<AuthResponse>(&self.config.endpoint, &request).await {
            Ok(reply) => reply,
            Err(error) => {
                if error.is("NotAuthorizedException") || error.is(names::UNAUTHENTICATED) {
                    self.store.clear();
                }
                return Err(error);
            }
        };
        let refreshed = refresh::refreshed(session, &reply, now())?;
        self.store.save(&refreshed)?;
        Ok(refreshed)
    }
}

fn session_output(session: &Session) -> Result<JsValue, Error> {
    to_js(&SessionOutput {
        username: session.username(),
        id_token: session.id_token(),
        access_token: session.access_token(),
        refresh_token: session.refresh_token().map(|t| t.expose()),
        expires_at: session.expires_at() as f64 * 1000.0,
        clock_drift: session.clock_drift(),
        id_token_claims: session.id_claims(),
    })
}
