//! Answering a pending authorization request once the user is known — from managed login
//! ([`super::login`]) or an identity provider ([`super::idpresponse`]): a code bound to the request, and
//! the redirect that carries it (with the request's `state`) back to the app.

use crate::oauth_model::{AuthorizationCode, CODE_LIFETIME_SECS, PendingAuthorization};
use crate::state::Store;
use crate::util::{b64url, random_bytes};

use super::protocol::with_query;

/// Issues the code for `pending` and returns where to send the browser.
pub fn answer_with_code(
    store: &mut Store,
    pending: &PendingAuthorization,
    pool_id: String,
    user_key: String,
    auth_time: i64,
    now: i64,
) -> String {
    let code = b64url(&random_bytes(32));
    store.oauth_grants.codes.insert(
        code.clone(),
        AuthorizationCode {
            pool_id,
            client_id: pending.client_id.clone(),
            user_key,
            redirect_uri: pending.redirect_uri.clone(),
            code_challenge: pending.code_challenge.clone(),
            nonce: pending.nonce.clone(),
            scopes: pending.scopes.clone(),
            auth_time,
            expires_at: now + CODE_LIFETIME_SECS,
        },
    );
    with_query(
        &pending.redirect_uri,
        &[("code", Some(&code)), ("state", pending.state.as_deref())],
    )
}

/// The redirect that refuses `pending` with an OAuth error.
pub fn answer_with_error(pending: &PendingAuthorization, error: &str) -> String {
    with_query(
        &pending.redirect_uri,
        &[("error", Some(error)), ("state", pending.state.as_deref())],
    )
}
