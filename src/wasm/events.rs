//! `client.on(event, handler)`: who wants to hear about sign-in, sign-out and refreshes in this tab. A
//! handler that throws is ignored, so an app's bug cannot break the client.

use std::cell::{Cell, RefCell};
use std::rc::Weak;

use js_sys::Function;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;

use crate::Error;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AuthEvent {
    SignedIn,
    SignedOut,
    TokenRefreshed,
    TokenRefreshFailed,
    /// The refresh token was refused: the session is gone and the user must sign in again.
    SessionExpired,
}

#[derive(Serialize)]
struct Payload<'a> {
    event: AuthEvent,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorPayload<'a>>,
}

#[derive(Serialize)]
struct ErrorPayload<'a> {
    name: &'a str,
    message: &'a str,
}

#[derive(Default)]
pub struct Listeners {
    next_id: Cell<u32>,
    handlers: RefCell<Vec<(u32, AuthEvent, Function)>>,
}

impl Listeners {
    /// Adds a handler; returns the JS function that removes it. `owner` keeps the unsubscribe function
    /// from holding the client alive.
    pub fn add(
        &self,
        event: AuthEvent,
        handler: Function,
        owner: Weak<impl AsRef<Listeners> + 'static>,
    ) -> Function {
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1));
        self.handlers.borrow_mut().push((id, event, handler));
        let unsubscribe = Closure::<dyn Fn()>::new(move || {
            if let Some(owner) = owner.upgrade() {
                owner
                    .as_ref()
                    .as_ref()
                    .handlers
                    .borrow_mut()
                    .retain(|(other, _, _)| *other != id);
            }
        });
        unsubscribe.into_js_value().into()
    }

    pub fn emit(&self, event: AuthEvent, username: Option<&str>, error: Option<&Error>) {
        let payload = Payload {
            event,
            username,
            error: error.map(|e| ErrorPayload {
                name: &e.name,
                message: &e.message,
            }),
        };
        let Ok(payload) = payload.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        else {
            return;
        };
        // Handlers may subscribe or unsubscribe while being called: call a snapshot.
        let handlers: Vec<Function> = self
            .handlers
            .borrow()
            .iter()
            .filter(|(_, e, _)| *e == event)
            .map(|(_, _, h)| h.clone())
            .collect();
        for handler in handlers {
            let _ = handler.call1(&JsValue::NULL, &payload);
        }
    }
}
