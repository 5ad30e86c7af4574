//! Operations a signed-in user calls with an access token (GetUser), and the access-token check they share.

use serde_json::{Value, json};

use crate::access::authenticate;
use crate::app::AppState;
use crate::error::OpResult;
use crate::request::Req;

/// GetUser.
pub fn get_user(state: &AppState, req: Req<'_>) -> OpResult<Value> {
    let token = req.str("AccessToken")?;
    let now = state.now_secs();
    let store = state.store();
    let (pool, user) = authenticate(&store, token, now)?;
    let mut response = json!({
        "Username": user.username,
        "UserAttributes": user.attributes_json(),
    });
    crate::users::mfa_fields(pool, user, &mut response);
    Ok(response)
}
