//! The server's SRP ephemeral (`B = k·v + g^b`) computed before the store lock is taken.
//!
//! Every operation runs under the store's one mutex, and a 3072-bit exponentiation there would make all
//! concurrent calls wait for it. So a call that carries `USERNAME` and `SRP_A` first looks up, under a
//! short lock, the verifier its user has (or the decoy an unknown name gets), lets go of the lock, builds
//! the handshake, and leaves it here. [`super::auth::srp_challenge`], which runs under the lock with the
//! store as it is by then, takes it only if it was built for the same verifier and `SRP_A` — a password
//! changed in between simply means the handshake is built again, under the lock, as before. Whichever way,
//! what the client sees and what is stored is the same.
//!
//! The handshake waits in a thread-local, like [`crate::deferred_sign`]'s jobs: an operation runs on one
//! blocking-pool thread from start to end, and [`run`] clears the slot whatever happens.

use std::cell::RefCell;
use std::collections::BTreeMap;

use cognito_wasm::srp::server::{PasswordVerifier, ServerHandshake};

use crate::app::AppState;
use crate::credentials::{DecoySeed, decoy_seed};
use crate::util::random_bytes;

/// A handshake built outside the lock, and what it was built for.
pub(crate) struct Prepared {
    pub srp_a: String,
    pub verifier: PasswordVerifier,
    pub identity: String,
    /// `Some((pool_id, user_key))` for a decoy: which unknown name it answers.
    pub decoy_for: Option<(String, String)>,
    pub handshake: ServerHandshake,
}

thread_local! {
    static PREPARED: RefCell<Option<Prepared>> = const { RefCell::new(None) };
}

/// Clears the slot even if the operation panics, so that a pooled thread never hands a stale handshake
/// to a later call.
struct Reset;

impl Drop for Reset {
    fn drop(&mut self) {
        PREPARED.with(|slot| slot.borrow_mut().take());
    }
}

/// Prepares the handshake a call with these parameters will need (if it names a user and an `SRP_A`),
/// then runs the operation.
pub(crate) fn run<T>(
    state: &AppState,
    client_id: &str,
    params: &BTreeMap<String, String>,
    operation: impl FnOnce() -> T,
) -> T {
    let _reset = Reset;
    let prepared = prepare(state, client_id, params);
    PREPARED.with(|slot| *slot.borrow_mut() = prepared);
    operation()
}

/// The prepared handshake, if `fits` says it was built for what the locked code now sees.
pub(crate) fn take(fits: impl FnOnce(&Prepared) -> bool) -> Option<Prepared> {
    PREPARED.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.as_ref().is_some_and(fits) {
            slot.take()
        } else {
            None
        }
    })
}

enum Found {
    User(PasswordVerifier, String),
    Decoy(DecoySeed, String, String),
}

fn prepare(
    state: &AppState,
    client_id: &str,
    params: &BTreeMap<String, String>,
) -> Option<Prepared> {
    let username = params.get("USERNAME")?;
    let srp_a = params.get("SRP_A")?;
    let found = {
        let store = state.store();
        let (pool, client) = store.client(client_id).ok()?;
        let user = pool
            .find_user(username)
            .and_then(|u| u.verifier.clone().map(|v| (v, u.username.clone())));
        match user {
            Some((verifier, identity)) => Found::User(verifier, identity),
            None if client.prevent_user_existence_errors => Found::Decoy(
                decoy_seed(pool, username),
                pool.id.clone(),
                pool.user_key(username),
            ),
            None => return None,
        }
    };
    let (verifier, identity, decoy_for) = match found {
        Found::User(verifier, identity) => (verifier, identity, None),
        Found::Decoy(seed, pool_id, user_key) => {
            let (verifier, identity) = seed.verifier();
            (verifier, identity, Some((pool_id, user_key)))
        }
    };
    // An SRP_A the handshake refuses is refused again, with its message, under the lock.
    let handshake = ServerHandshake::new(&verifier, srp_a, &random_bytes(32)).ok()?;
    Some(Prepared {
        srp_a: srp_a.clone(),
        verifier,
        identity,
        decoy_for,
        handshake,
    })
}
