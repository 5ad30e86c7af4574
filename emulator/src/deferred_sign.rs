//! Signs tokens after the store's lock is released. An RSA-2048 signature is the costliest step of a
//! sign-in or refresh (two per reply), and every operation runs under the one store mutex: signing there
//! would make all concurrent calls wait for it. Within [`run`], [`sign`] hands out a placeholder and
//! remembers the claims; when the operation has returned (and so dropped the lock), [`run`] signs them and
//! puts the tokens into `AuthenticationResult`. Outside [`run`] (tests, the seed) [`sign`] signs at once.

use std::cell::RefCell;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::OpResult;
use crate::jwt::PoolKeys;

/// Which of a pool's two keys signs the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Access,
    Id,
}

struct Job {
    placeholder: String,
    keys: Arc<PoolKeys>,
    which: Which,
    claims: Map<String, Value>,
}

thread_local! {
    static JOBS: RefCell<Option<Vec<Job>>> = const { RefCell::new(None) };
}

fn sign_now(keys: &PoolKeys, which: Which, claims: &Map<String, Value>) -> String {
    match which {
        Which::Access => keys.access_token.sign(claims),
        Which::Id => keys.id_token.sign(claims),
    }
}

/// The token for `claims`, or inside [`run`] a placeholder that [`run`] replaces.
pub fn sign(keys: &Arc<PoolKeys>, which: Which, claims: Map<String, Value>) -> String {
    JOBS.with(|jobs| match jobs.borrow_mut().as_mut() {
        Some(list) => {
            // Control characters cannot come out of a real signature, so no token is mistaken for one.
            let placeholder = format!("\u{1}unsigned-token-{}", list.len());
            list.push(Job {
                placeholder: placeholder.clone(),
                keys: keys.clone(),
                which,
                claims,
            });
            placeholder
        }
        None => sign_now(keys, which, &claims),
    })
}

/// Clears the job list even if the operation panics, so that the pooled thread signs normally afterwards.
struct Reset;

impl Drop for Reset {
    fn drop(&mut self) {
        JOBS.with(|jobs| jobs.borrow_mut().take());
    }
}

/// Runs an operation with signing deferred, then signs.
pub fn run(operation: impl FnOnce() -> OpResult<Value>) -> OpResult<Value> {
    let reset = Reset;
    JOBS.with(|jobs| *jobs.borrow_mut() = Some(Vec::new()));
    let result = operation();
    let jobs = JOBS
        .with(|jobs| jobs.borrow_mut().take())
        .unwrap_or_default();
    drop(reset);
    let mut value = result?;
    for job in jobs {
        let token = sign_now(&job.keys, job.which, &job.claims);
        if let Some(Value::Object(tokens)) = value.get_mut("AuthenticationResult") {
            for slot in tokens.values_mut() {
                if slot.as_str() == Some(job.placeholder.as_str()) {
                    *slot = Value::String(token.clone());
                }
            }
        }
    }
    Ok(value)
}
