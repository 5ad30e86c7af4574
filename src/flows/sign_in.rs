//! Sign-in: `USER_SRP_AUTH` (InitiateAuth → PASSWORD_VERIFIER → tokens, exactly two requests) or
//! `USER_PASSWORD_AUTH` (one request). Challenges this module does not answer are handed back by name,
//! never mistaken for success.

use crate::config::ClientConfig;
use crate::error::Error;
use crate::protocol::{
    AuthResponse, InitiateAuthRequest, Operation, Request, RespondToAuthChallengeRequest, StringMap,
};
use crate::secret::Password;
use crate::session::Session;
use crate::srp::client::SrpClient;
use crate::srp::{decode_secret_block, timestamp};

/// How the password is proven.
pub enum Method {
    /// SRP-6a with this ephemeral; the password never leaves the device.
    Srp(SrpClient),
    /// The password is sent to Cognito over TLS (`USER_PASSWORD_AUTH`, must be enabled on the client).
    Password,
}

pub struct SignInInput {
    pub username: String,
    pub password: Password,
    pub client_metadata: Option<StringMap>,
}

/// A challenge the caller has to deal with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    pub name: String,
    pub parameters: StringMap,
    pub session: Option<String>,
    pub available_challenges: Vec<String>,
}

#[derive(Debug)]
pub enum Progress {
    /// Send this request and pass its reply to [`SignIn::on_response`].
    Send(Request),
    SignedIn(Box<Session>),
    /// Cognito asks for something this flow does not answer yet.
    Challenge(Challenge),
}

enum State {
    /// Waiting for InitiateAuth's reply; SRP sign-ins hold their ephemeral until PASSWORD_VERIFIER.
    Initiated(Option<SrpClient>),
    /// The password claim was sent; only tokens or a further challenge can follow.
    ClaimSent,
    Finished,
}

pub struct SignIn {
    input: SignInInput,
    state: State,
}

impl SignIn {
    /// The InitiateAuth request that opens the flow.
    pub fn start(
        config: &ClientConfig,
        input: SignInInput,
        method: Method,
    ) -> Result<(Self, Request), Error> {
        if input.username.is_empty() {
            return Err(Error::invalid_parameter("username is required"));
        }
        if input.password.expose().is_empty() {
            return Err(Error::invalid_parameter("password is required"));
        }
        let mut auth_parameters =
            StringMap::from([("USERNAME".to_owned(), input.username.clone())]);
        let (auth_flow, srp) = match method {
            Method::Srp(srp) => {
                auth_parameters.insert("SRP_A".into(), srp.srp_a_hex());
                ("USER_SRP_AUTH", Some(srp))
            }
            Method::Password => {
                auth_parameters.insert("PASSWORD".into(), input.password.expose().to_owned());
                ("USER_PASSWORD_AUTH", None)
            }
        };
        if let Some(hash) = config.secret_hash(&input.username) {
            auth_parameters.insert("SECRET_HASH".into(), hash);
        }
        let request = Request::new(
            Operation::InitiateAuth,
            &InitiateAuthRequest {
                auth_flow,
                client_id: &config.client_id,
                auth_parameters,
                client_metadata: input.client_metadata.as_ref(),
            },
        )?;
        Ok((
            Self {
                input,
                state: State::Initiated(srp),
            },
            request,
        ))
    }

    /// Advances the flow with a reply; `now` is Unix seconds, used for the SRP timestamp and token expiry.
    pub fn on_response(
        &mut self,
        config: &ClientConfig,
        response: AuthResponse,
        now: i64,
    ) -> Result<Progress, Error> {
        let state = std::mem::replace(&mut self.state, State::Finished);
        if let Some(result) = &response.authentication_result {
            if matches!(state, State::Finished) {
                return Err(Error::invalid_response("reply after the sign-in finished"));
            }
            let session = Session::from_authentication(result, &self.input.username, None, now)?;
            return Ok(Progress::SignedIn(Box::new(session)));
        }
        let name = response.challenge_name.clone().ok_or_else(|| {
            Error::invalid_response("reply has neither AuthenticationResult nor ChallengeName")
        })?;
        match (name.as_str(), state) {
            ("PASSWORD_VERIFIER", State::Initiated(Some(srp))) => {
                let request = self.password_claim(config, &srp, &response, now)?;
                self.state = State::ClaimSent;
                Ok(Progress::Send(request))
            }
            ("PASSWORD_VERIFIER", _) => Err(Error::invalid_response(
                "unexpected PASSWORD_VERIFIER challenge",
            )),
            _ => Ok(Progress::Challenge(Challenge {
                name,
                parameters: response.challenge_parameters,
                session: response.session,
                available_challenges: response.available_challenges,
            })),
        }
    }

    /// Answers PASSWORD_VERIFIER. Everything is keyed on `USER_ID_FOR_SRP`, the name Cognito knows the
    /// user by (it differs from the typed one for alias sign-ins).
    fn password_claim(
        &self,
        config: &ClientConfig,
        srp: &SrpClient,
        response: &AuthResponse,
        now: i64,
    ) -> Result<Request, Error> {
        let parameter = |key: &str| {
            response
                .challenge_parameters
                .get(key)
                .map(String::as_str)
                .ok_or_else(|| Error::invalid_response(format!("PASSWORD_VERIFIER without {key}")))
        };
        let user_id = parameter("USER_ID_FOR_SRP")?;
        let secret_block = parameter("SECRET_BLOCK")?;
        decode_secret_block(secret_block)?;
        let timestamp = timestamp(now);
        let signature = srp.password_claim(
            config.pool_name(),
            user_id,
            self.input.password.expose(),
            parameter("SRP_B")?,
            parameter("SALT")?,
            secret_block,
            &timestamp,
        )?;
        let mut responses = StringMap::from([
            ("USERNAME".to_owned(), user_id.to_owned()),
            (
                "PASSWORD_CLAIM_SECRET_BLOCK".to_owned(),
                secret_block.to_owned(),
            ),
            ("TIMESTAMP".to_owned(), timestamp),
            ("PASSWORD_CLAIM_SIGNATURE".to_owned(), signature),
        ]);
        // The hash must name the user as the challenge does (typed aliases fail the check).
        let hash_user = response
            .challenge_parameters
            .get("USERNAME")
            .map_or(user_id, String::as_str);
        if let Some(hash) = config.secret_hash(hash_user) {
            responses.insert("SECRET_HASH".into(), hash);
        }
        Request::new(
            Operation::RespondToAuthChallenge,
            &RespondToAuthChallengeRequest {
                challenge_name: "PASSWORD_VERIFIER",
                client_id: &config.client_id,
                challenge_responses: responses,
                session: response.session.as_deref(),
                client_metadata: self.input.client_metadata.as_ref(),
            },
        )
    }
}
