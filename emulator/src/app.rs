//! One emulator instance at run time: the store behind its lock, the clock, the call counts and the data
//! dir. Releasing the store writes what was changed (see [`crate::persist`]).

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::calls::Calls;
use crate::origins::NetworkPolicy;
use crate::persist::Persister;
use crate::state::Store;

/// Shared state of one emulator instance.
#[derive(Debug)]
pub struct AppState {
    default_region: String,
    store: Mutex<Store>,
    /// Added to the wall clock: tests move time to expire tokens and handshakes, or to pretend the
    /// server's clock differs from the client's. Every "now" of the emulator goes through
    /// [`AppState::now_millis`].
    clock_offset_secs: AtomicI64,
    /// Call counts and injected faults (`/_emulator/calls`, `/_emulator/faults`).
    pub calls: Calls,
    /// The `--data-dir` database; unset when the emulator keeps everything in memory only.
    persister: OnceLock<Mutex<Persister>>,
    /// Why a write to the data dir failed. From then on memory and disk disagree, so every reply is an error
    /// (see [`crate::http`]) rather than an acknowledgement of something that is not on disk.
    persist_failure: OnceLock<String>,
    /// Which origins get CORS answers and which `Host`s are served (see [`crate::origins`]).
    network: OnceLock<NetworkPolicy>,
    /// The managed-login page's files (`--login-page`); unset, `/login` says how to set it.
    login_page: OnceLock<crate::oauth_model::LoginPage>,
}

impl AppState {
    /// An empty emulator whose new pools get ids in `region` (unless a request says otherwise).
    pub fn new(region: impl Into<String>) -> Arc<Self> {
        Self::with_store(region, Store::default())
    }

    /// An emulator starting from a store read back from a data dir.
    pub fn with_store(region: impl Into<String>, store: Store) -> Arc<Self> {
        Arc::new(Self {
            default_region: region.into(),
            store: Mutex::new(store),
            clock_offset_secs: AtomicI64::new(0),
            calls: Calls::default(),
            persister: OnceLock::new(),
            persist_failure: OnceLock::new(),
            network: OnceLock::new(),
            login_page: OnceLock::new(),
        })
    }

    /// From now on every change is written to `persister` before the store is released. Only the first
    /// call has an effect.
    pub fn persist_to(&self, persister: Persister) {
        let _ = self.persister.set(Mutex::new(persister));
    }

    /// Folds the data dir's write-ahead log into its database file: at a clean shutdown, so that one file
    /// is left behind.
    pub fn checkpoint_data_dir(&self) -> Result<(), String> {
        match self.persister.get() {
            Some(persister) => persister
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .checkpoint(),
            None => Ok(()),
        }
    }

    /// Sets the `--cors-origin`, `--cors-any` and `--host` settings. Only the first call has an effect;
    /// without one the emulator answers loopback origins and hosts only.
    pub fn set_network_policy(&self, policy: NetworkPolicy) {
        let _ = self.network.set(policy);
    }

    pub fn network_policy(&self) -> &NetworkPolicy {
        self.network.get_or_init(NetworkPolicy::default)
    }

    /// Serves the managed-login page from these files. Only the first call has an effect.
    pub fn set_login_page(&self, page: crate::oauth_model::LoginPage) {
        let _ = self.login_page.set(page);
    }

    pub fn login_page(&self) -> Option<&crate::oauth_model::LoginPage> {
        self.login_page.get()
    }

    /// Why the data dir could not be written, once that has happened.
    pub fn persist_failure(&self) -> Option<&str> {
        self.persist_failure.get().map(String::as_str)
    }

    pub fn default_region(&self) -> &str {
        &self.default_region
    }

    /// Milliseconds since the Unix epoch, on the emulator's (possibly advanced) clock.
    pub fn now_millis(&self) -> i64 {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        wall + self.clock_offset_secs.load(Ordering::Relaxed) * 1000
    }

    pub fn now_secs(&self) -> i64 {
        self.now_millis().div_euclid(1000)
    }

    /// Moves the emulator's clock forward (or back) by `secs`. Meant for tests of expiry.
    pub fn advance_clock(&self, secs: i64) {
        self.clock_offset_secs.fetch_add(secs, Ordering::Relaxed);
    }

    /// How far the emulator's clock is from the wall clock, in seconds.
    pub fn clock_offset(&self) -> i64 {
        self.clock_offset_secs.load(Ordering::Relaxed)
    }

    pub fn set_clock_offset(&self, secs: i64) {
        self.clock_offset_secs.store(secs, Ordering::Relaxed);
    }

    /// The store. A panic in another request must not wedge the emulator, so a poisoned lock is taken over.
    /// Dropping the guard writes what was changed to the data dir, if there is one.
    pub fn store(&self) -> StoreGuard<'_> {
        StoreGuard {
            state: self,
            guard: Some(
                self.store
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
            ),
        }
    }
}

/// The locked store; on drop, its changes go to the data dir before anyone can act on them.
pub struct StoreGuard<'a> {
    state: &'a AppState,
    /// Only `None` inside `drop`, which releases the lock before waiting for the disk.
    guard: Option<MutexGuard<'a, Store>>,
}

impl Deref for StoreGuard<'_> {
    type Target = Store;

    fn deref(&self) -> &Store {
        self.guard.as_ref().expect("store guard used after release")
    }
}

impl DerefMut for StoreGuard<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        self.guard.as_mut().expect("store guard used after release")
    }
}

impl Drop for StoreGuard<'_> {
    fn drop(&mut self) {
        let Some(mut store) = self.guard.take() else {
            return;
        };
        let changed = crate::persist::has_changes(&store);
        let Some(persister) = self.state.persister.get() else {
            if changed {
                crate::persist::forget_changes(&mut store);
            }
            return;
        };
        let lock_writer = || {
            persister
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        if !changed {
            // What was read may include another request's changes whose write is still under way (writers
            // hold the writer from before they release the store until their commit): wait for it, so that
            // no reply shows anything a crash could still take back.
            drop(store);
            drop(lock_writer());
            return;
        }
        // Taking the writer before releasing the store keeps the writes in the order of the changes, while
        // the disk wait itself no longer holds up other requests.
        let mut persister = lock_writer();
        let batch = persister.collect(&mut store);
        drop(store);
        if self.state.persist_failure.get().is_some() {
            return;
        }
        if let Err(error) = persister.write(batch) {
            eprintln!("cognito-emulator: {error}; refusing every request from now on");
            let _ = self.state.persist_failure.set(error);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_waits_for_a_write_under_way() {
        let dir = std::env::temp_dir().join(format!(
            "cognito-emulator-state-{}-{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        ));
        let opened = crate::persist::open(&dir).unwrap();
        let state = AppState::with_store("us-east-1", opened.store);
        state.persist_to(opened.persister);
        // Held as a writer holds it between releasing the store and its commit.
        let write_under_way = state.persister.get().unwrap().lock().unwrap();
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                drop(state.store());
                done_tx.send(()).unwrap();
            });
            let early = done_rx.recv_timeout(std::time::Duration::from_millis(200));
            assert!(
                early.is_err(),
                "the reader replied before the write was on disk"
            );
            drop(write_under_way);
            done_rx
                .recv_timeout(std::time::Duration::from_secs(10))
                .unwrap();
        });
        let _ = std::fs::remove_dir_all(&dir);
    }
}
