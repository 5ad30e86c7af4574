//! Where the session and remembered-device secrets are kept: in memory, in `localStorage` /
//! `sessionStorage`, or in an object of the app's with (possibly async) `getItem` / `setItem` /
//! `removeItem`. Keys are namespaced by pool, app client and user, so two pools, clients or users on one
//! origin never mix. A stored value that cannot be read back is dropped (signed out, device forgotten), never
//! thrown at the page.

use std::cell::RefCell;
use std::collections::BTreeMap;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Storage;

use crate::Error;
use crate::error::names;
use crate::flows::sign_in::DeviceSecrets;
use crate::session::Session;

enum Backend {
    Memory(RefCell<BTreeMap<String, String>>),
    Web(Storage),
    /// The app's own object.
    Custom(JsValue),
}

pub struct SessionStore {
    backend: Backend,
    /// Prefix of every key: `cognito-wasm.{userPoolId}.{clientId}`.
    namespace: String,
    shared_across_tabs: bool,
}

impl SessionStore {
    /// The store the `storage` option asks for: `'memory' | 'local' | 'session'`, a custom object, or (when
    /// absent) `localStorage` where there is one, else memory.
    pub fn new(option: &JsValue, user_pool_id: &str, client_id: &str) -> Result<Self, Error> {
        let backend = if option.is_undefined() || option.is_null() {
            web_storage("localStorage")
                .map(Backend::Web)
                .unwrap_or_else(|_| Backend::Memory(RefCell::default()))
        } else if let Some(kind) = option.as_string() {
            match kind.as_str() {
                "memory" => Backend::Memory(RefCell::default()),
                "local" => Backend::Web(web_storage("localStorage")?),
                "session" => Backend::Web(web_storage("sessionStorage")?),
                other => {
                    return Err(Error::invalid_parameter(format!(
                        "storage: unknown kind {other:?}; use 'memory', 'local', 'session' or an object"
                    )));
                }
            }
        } else if option.is_object()
            && ["getItem", "setItem", "removeItem"]
                .iter()
                .all(|name| method(option, name).is_some())
        {
            Backend::Custom(option.clone())
        } else {
            return Err(Error::invalid_parameter(
                "storage: an object needs getItem, setItem and removeItem functions",
            ));
        };
        let shared_across_tabs = match &backend {
            Backend::Memory(_) => false,
            // sessionStorage is per tab; localStorage (and whatever the app brings) is per origin.
            Backend::Web(storage) => !is_session_storage(storage),
            Backend::Custom(_) => true,
        };
        Ok(Self {
            backend,
            namespace: format!("cognito-wasm.{user_pool_id}.{client_id}"),
            shared_across_tabs,
        })
    }

    /// Whether other tabs of this origin see the same session, so refreshes and sign-outs must be
    /// coordinated with them.
    pub fn is_shared_across_tabs(&self) -> bool {
        self.shared_across_tabs
    }

    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    async fn get(&self, key: &str) -> Result<Option<String>, Error> {
        match &self.backend {
            Backend::Memory(map) => Ok(map.borrow().get(key).cloned()),
            Backend::Web(storage) => storage.get_item(key).map_err(|e| storage_error("read", &e)),
            Backend::Custom(object) => {
                let value = call(object, "getItem", &[key.into()])
                    .await
                    .map_err(|e| storage_error("read", &e))?;
                if value.is_null() || value.is_undefined() {
                    Ok(None)
                } else {
                    value.as_string().map(Some).ok_or_else(|| {
                        Error::new(
                            names::STORAGE,
                            "getItem returned something other than a string",
                        )
                    })
                }
            }
        }
    }

    async fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        match &self.backend {
            Backend::Memory(map) => {
                map.borrow_mut().insert(key.to_owned(), value.to_owned());
                Ok(())
            }
            Backend::Web(storage) => storage
                .set_item(key, value)
                .map_err(|e| storage_error("write (quota?)", &e)),
            Backend::Custom(object) => call(object, "setItem", &[key.into(), value.into()])
                .await
                .map(drop)
                .map_err(|e| storage_error("write", &e)),
        }
    }

    async fn remove(&self, key: &str) -> Result<(), Error> {
        match &self.backend {
            Backend::Memory(map) => {
                map.borrow_mut().remove(key);
                Ok(())
            }
            Backend::Web(storage) => storage
                .remove_item(key)
                .map_err(|e| storage_error("remove", &e)),
            Backend::Custom(object) => call(object, "removeItem", &[key.into()])
                .await
                .map(drop)
                .map_err(|e| storage_error("remove", &e)),
        }
    }

    /// Who is signed in: the key of the current user's session.
    fn last_user_key(&self) -> String {
        format!("{}.lastAuthUser", self.namespace)
    }

    fn session_key(&self, username: &str) -> String {
        format!("{}.user.{username}.session", self.namespace)
    }

    /// Devices are kept per user; usernames are case-insensitive in Cognito pools by default.
    fn device_key(&self, username: &str) -> String {
        format!("{}.user.{}.device", self.namespace, username.to_lowercase())
    }

    /// The stored session: `Ok(None)` when there is none. An unreadable one (corrupted, foreign, or not the
    /// user it is filed under) is removed and its error returned, so the caller can report it.
    pub async fn load(&self) -> Result<Option<Session>, Error> {
        let pointer = self.last_user_key();
        let Some(username) = self.get(&pointer).await? else {
            return Ok(None);
        };
        let key = self.session_key(&username);
        let Some(json) = self.get(&key).await? else {
            self.remove(&pointer).await?;
            return Ok(None);
        };
        let session = Session::from_storage_json(&json).and_then(|session| {
            if session.username() == username {
                Ok(session)
            } else {
                Err(Error::invalid_response(
                    "stored session belongs to another user",
                ))
            }
        });
        if session.is_err() {
            self.remove(&key).await?;
            self.remove(&pointer).await?;
        }
        session.map(Some)
    }

    /// Stores `session` as the signed-in one; another user's session is removed.
    pub async fn save(&self, session: &Session) -> Result<(), Error> {
        let pointer = self.last_user_key();
        if let Some(previous) = self.get(&pointer).await? {
            if previous != session.username() {
                self.remove(&self.session_key(&previous)).await?;
            }
        }
        self.set(
            &self.session_key(session.username()),
            &session.to_storage_json(),
        )
        .await?;
        self.set(&pointer, session.username()).await
    }

    /// Removes the signed-in session (remembered devices stay).
    pub async fn clear(&self) -> Result<(), Error> {
        let pointer = self.last_user_key();
        if let Some(username) = self.get(&pointer).await? {
            self.remove(&self.session_key(&username)).await?;
        }
        self.remove(&pointer).await
    }

    /// The device secrets kept for `username`; unreadable ones are removed.
    pub async fn load_device(&self, username: &str) -> Option<DeviceSecrets> {
        let key = self.device_key(username);
        let json = self.get(&key).await.ok()??;
        let device = serde_json::from_str(&json);
        if device.is_err() {
            let _ = self.remove(&key).await;
        }
        device.ok()
    }

    pub async fn save_device(&self, username: &str, device: &DeviceSecrets) -> Result<(), Error> {
        let json =
            serde_json::to_string(device).map_err(|e| Error::new(names::STORAGE, e.to_string()))?;
        self.set(&self.device_key(username), &json).await
    }

    pub async fn forget_device(&self, username: &str) -> Result<(), Error> {
        self.remove(&self.device_key(username)).await
    }
}

fn storage_error(what: &str, cause: &JsValue) -> Error {
    let detail = super::js_error::message_of(cause);
    Error::new(
        names::STORAGE,
        format!("could not {what} storage: {detail}"),
    )
}

fn method(object: &JsValue, name: &str) -> Option<Function> {
    Reflect::get(object, &name.into())
        .ok()?
        .dyn_into::<Function>()
        .ok()
}

/// Calls `object[name](...args)` and waits for the result if it is a promise (a thrown error rejects).
async fn call(object: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let function = method(object, name).ok_or_else(|| JsValue::from_str("not a function"))?;
    let array: js_sys::Array = args.iter().collect();
    let value = Reflect::apply(&function, object, &array)?;
    JsFuture::from(Promise::resolve(&value)).await
}

/// `globalThis[name]`, which may be missing (Node, workers) or throw (storage disabled by the user).
fn web_storage(name: &str) -> Result<Storage, Error> {
    let unavailable = || {
        Error::invalid_parameter(format!(
            "storage '{name}' is not available here; use 'memory'"
        ))
    };
    let value = Reflect::get(&js_sys::global(), &name.into()).map_err(|_| unavailable())?;
    value.dyn_into::<Storage>().map_err(|_| unavailable())
}

fn is_session_storage(storage: &Storage) -> bool {
    Reflect::get(&js_sys::global(), &"sessionStorage".into())
        .is_ok_and(|session| JsValue::from(storage.clone()) == session)
}
