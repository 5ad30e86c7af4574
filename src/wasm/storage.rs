//! Where the session is kept: in memory, or in `localStorage` / `sessionStorage`. A stored value that cannot
//! be read back is dropped (signed out), never thrown at the page.

use std::cell::RefCell;

use js_sys::Reflect;
use wasm_bindgen::JsCast;
use web_sys::Storage;

use crate::Error;
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
    key: String,
    memory: RefCell<Option<String>>,
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
            key: format!("cognito-wasm.{user_pool_id}.{client_id}.session"),
            memory: RefCell::new(None),
        })
    }

    /// The stored session, if there is a readable one; an unreadable one is removed.
    pub fn load(&self) -> Option<Session> {
        let raw = match &self.backend {
            Some(storage) => storage.get_item(&self.key).ok().flatten(),
            None => self.memory.borrow().clone(),
        }?;
        match Session::from_storage_json(&raw) {
            Ok(session) => Some(session),
            Err(_) => {
                self.clear();
                None
            }
        }
    }

    pub fn save(&self, session: &Session) -> Result<(), Error> {
        let json = session.to_storage_json();
        match &self.backend {
            Some(storage) => storage.set_item(&self.key, &json).map_err(|_| {
                Error::new(
                    "StorageError",
                    "the session could not be written to storage (quota?)",
                )
            }),
            None => {
                self.memory.replace(Some(json));
                Ok(())
            }
        }
    }

    pub fn clear(&self) {
        match &self.backend {
            Some(storage) => {
                let _ = storage.remove_item(&self.key);
            }
            None => {
                self.memory.replace(None);
            }
        }
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
