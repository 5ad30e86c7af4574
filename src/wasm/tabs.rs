//! Coordination with the other tabs (and workers) of this origin that share the session: one refresh at a
//! time across all of them, under a Web Lock (`navigator.locks`), and a `BroadcastChannel` that tells the
//! others when this one signed in, refreshed or signed out. Where neither API exists (Node, old browsers)
//! the tab works alone.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};
use web_sys::{BroadcastChannel, MessageEvent};

use super::events::AuthEvent;
use crate::Error;

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks`.
    type LockManager;

    #[wasm_bindgen(method, catch)]
    fn request(this: &LockManager, name: &str, callback: &Function) -> Result<Promise, JsValue>;
}

/// What one tab tells the others.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TabMessage {
    pub event: AuthEvent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

impl TabMessage {
    pub fn new(event: AuthEvent, username: Option<&str>, error: Option<&Error>) -> Self {
        Self {
            event,
            username: username.map(str::to_owned),
            error_name: error.map(|e| e.name.clone()),
            error_message: error.map(|e| e.message.clone()),
        }
    }

    pub fn error(&self) -> Option<Error> {
        self.error_name
            .as_ref()
            .map(|name| Error::new(name.clone(), self.error_message.clone().unwrap_or_default()))
    }
}

pub struct Tabs {
    lock_name: String,
    locks: Option<LockManager>,
    channel: Option<BroadcastChannel>,
    _on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
}

impl Tabs {
    /// A tab on its own: no locks, no channel.
    pub fn alone() -> Self {
        Self {
            lock_name: String::new(),
            locks: None,
            channel: None,
            _on_message: None,
        }
    }

    /// Joins the tabs sharing `namespace`; `on_message` hears what the others announce.
    pub fn join(namespace: &str, on_message: impl Fn(TabMessage) + 'static) -> Self {
        let locks = Reflect::get(&js_sys::global(), &"navigator".into())
            .and_then(|navigator| Reflect::get(&navigator, &"locks".into()))
            .ok()
            .filter(|locks| locks.is_object())
            .map(JsCast::unchecked_into::<LockManager>);
        let channel = BroadcastChannel::new(namespace).ok();
        let on_message = channel.as_ref().map(|channel| {
            let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                // Whatever else shares the channel name, only well-formed messages are acted on.
                if let Ok(message) = serde_wasm_bindgen::from_value::<TabMessage>(event.data()) {
                    on_message(message);
                }
            });
            channel.set_onmessage(Some(handler.as_ref().unchecked_ref()));
            handler
        });
        Self {
            lock_name: format!("{namespace}.refresh"),
            locks,
            channel,
            _on_message: on_message,
        }
    }

    /// Tells the other tabs (not this one).
    pub fn announce(&self, message: &TabMessage) {
        let Some(channel) = &self.channel else {
            return;
        };
        if let Ok(data) = message.serialize(&serde_wasm_bindgen::Serializer::json_compatible()) {
            let _ = channel.post_message(&data);
        }
    }

    /// Runs `work` while holding the refresh lock of every tab sharing the session (just runs it where
    /// there are no Web Locks).
    pub async fn exclusively<T: 'static>(
        &self,
        work: impl Future<Output = Result<T, Error>> + 'static,
    ) -> Result<T, Error> {
        let Some(locks) = &self.locks else {
            return work.await;
        };
        let result: Rc<RefCell<Option<Result<T, Error>>>> = Rc::default();
        let slot = result.clone();
        let mut work = Some(work);
        let callback = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |_lock: JsValue| {
            let (slot, work) = (slot.clone(), work.take());
            // The lock is held until this promise settles.
            future_to_promise(async move {
                if let Some(work) = work {
                    *slot.borrow_mut() = Some(work.await);
                }
                Ok(JsValue::UNDEFINED)
            })
        });
        let granted = locks
            .request(&self.lock_name, callback.as_ref().unchecked_ref())
            .map_err(|e| super::js_error::from_js(&e))?;
        JsFuture::from(granted)
            .await
            .map_err(|e| super::js_error::from_js(&e))?;
        result
            .borrow_mut()
            .take()
            .unwrap_or_else(|| Err(Error::new("LockError", "the refresh lock was not granted")))
    }
}

impl Drop for Tabs {
    fn drop(&mut self) {
        if let Some(channel) = &self.channel {
            channel.set_onmessage(None);
            channel.close();
        }
    }
}
