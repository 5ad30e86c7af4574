//! Where the session and remembered-device secrets are kept: in memory, or in `localStorage` /
//! `sessionStorage`. A stored value that cannot be read back is dropped (signed out, device forgotten), never
//! thrown at the page.

use std::cell::RefCell;
use std::collections::BTreeMap;

use js_sys::Reflect;
use wasm_bindgen::JsCast;
use web_sys::Storage;

use crate::Error;
use crate::flows::sign_in::DeviceSecrets;
use crate::session::Session;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    Memory,
    Local,
    Session,
}

pub struct SessionStore {
    backend: Option<Storage>,
    /// Prefix of every key, so two pools or app clients on one origin never mix.
    namespace: String,
    memory: RefCell<BTreeMap<String, String>>,
}

impl SessionStore {
    /// A store for one pool and app client; fails when a web storage is asked for where there is none.
    pub fn new(kind: StorageKind, user_pool_id: &str, client_id: &str) -> Result<Self, Error> {
        let backend = match kind {
            StorageKind::Memory => None,
            StorageKind::Local => Some(web_storage("localStorage")?),
            StorageKind::Session => Some(web_storage("sessionStorage")?),
        };
        Ok(Self {
            backend,
            namespace: format!("cognito-wasm.{user_pool_id}.{client_id}"),
            memory: RefCell::default(),
        })
    }

    fn get(&self, key: &str) -> Option<String> {
        match &self.backend {
            Some(storage) => storage.get_item(key).ok().flatten(),
            None => self.memory.borrow().get(key).cloned(),
        }
    }

    fn set(&self, key: String, value: String) -> Result<(), Error> {
        match &self.backend {
            Some(storage) => storage
                .set_item(&key, &value)
                .map_err(|_| Error::new("StorageError", "could not write to storage (quota?)")),
            None => {
                self.memory.borrow_mut().insert(key, value);
                Ok(())
            }
        }
    }

    fn remove(&self, key: &str) {
        match &self.backend {
            Some(storage) => {
                let _ = storage.remove_item(key);
            }
            None => {
                self.memory.borrow_mut().remove(key);
            }
        }
    }

    fn session_key(&self) -> String {
        format!("{}.session", self.namespace)
    }

    /// Devices are kept per user; usernames are case-insensitive in Cognito pools by default.
    fn device_key(&self, username: &str) -> String {
        format!("{}.device.{}", self.namespace, username.to_lowercase())
    }

    /// The stored session, if there is a readable one; an unreadable one is removed.
    /// The stored session: `Ok(None)` when there is none; an unreadable one is removed and its error
    /// returned, so the caller can report it.
    pub fn load(&self) -> Result<Option<Session>, Error> {
        let key = self.session_key();
        let Some(json) = self.get(&key) else {
            return Ok(None);
        };
        match Session::from_storage_json(&json) {
            Ok(session) => Ok(Some(session)),
            Err(error) => {
                self.remove(&key);
                Err(error)
            }
        }
    }

    pub fn save(&self, session: &Session) -> Result<(), Error> {
        self.set(self.session_key(), session.to_storage_json())
    }

    pub fn clear(&self) {
        self.remove(&self.session_key());
    }

    /// The device secrets kept for `username`; unreadable ones are removed.
    pub fn load_device(&self, username: &str) -> Option<DeviceSecrets> {
        let key = self.device_key(username);
        let device = serde_json::from_str(&self.get(&key)?);
        if device.is_err() {
            self.remove(&key);
        }
        device.ok()
    }

    pub fn save_device(&self, username: &str, device: &DeviceSecrets) -> Result<(), Error> {
        let json =
            serde_json::to_string(device).map_err(|e| Error::new("StorageError", e.to_string()))?;
        self.set(self.device_key(username), json)
    }

    pub fn forget_device(&self, username: &str) {
        self.remove(&self.device_key(username));
    }
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
