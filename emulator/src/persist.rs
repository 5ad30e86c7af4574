//! `--data-dir DIR`: the durable part of the store — pools (settings, app clients, custom-challenge rounds,
//! RSA signing keys), users (attributes, status, SRP salt + verifier, MFA settings and TOTP secret, one-time
//! codes, devices with their verifiers), refresh tokens with their rotation and revocation state, and revoked
//! sign-ins — kept in one SQLite database, `DIR/emulator.sqlite3`.
//!
//! Why SQLite (the bundled build, through `rusqlite`) rather than a journal of our own: a refresh token is
//! issued on every sign-in, so each acknowledged change must reach the disk cheaply, one row at a time, and
//! atomically. SQLite's write-ahead log gives exactly that — a transaction per change, fsync'd
//! (`synchronous=FULL`) before the reply is sent — along with recovery of a half-written transaction after
//! a crash, detection of a damaged file, and an exclusive lock that keeps a second emulator off the same
//! directory. Hand-written, each of those is a place to get wrong.
//!
//! How changes are found: the store's collections note the keys they hand out mutably
//! ([`crate::tracked`]). When a request releases the store ([`crate::app::StoreGuard`]), [`Persister::collect`]
//! serialises the noted pools, users, refresh tokens and revoked sign-ins under the lock, and
//! [`Persister::write`] commits them in one transaction after the lock is released but before the guard's
//! owner can reply. A request that only read waits for writes under way, so that no reply shows a change
//! before it is on disk. A pool's row is its settings and keys only (its users have their own rows), and it
//! is written only when its serialised form changed, so a sign-in costs a refresh-token row and little else.
//!
//! Pending SRP handshakes, challenge sessions, the dev inbox, wrong-password counts, fault rules, call
//! counts and the clock offset are short-lived or test-only and stay in memory.
//!
//! A data file that cannot be read — not SQLite, not ours, from a newer schema, damaged, or with rows that
//! do not parse — stops the start-up with a one-line reason naming the file; nothing is written to it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use serde::{Deserialize, Serialize};

use crate::jwt::{JwtKey, PoolKeys};
use crate::oauth_model::PoolOAuth;
use crate::passkeys::model::WebAuthnConfiguration;
use crate::password::PasswordPolicy;
use crate::state::{AppClient, CustomRound, DeviceConfiguration, Pool, RefreshRecord, Store, User};
use crate::tracked::{Drained, Tracked};

/// The database's file name inside the data dir.
pub const FILE_NAME: &str = "emulator.sqlite3";

/// `PRAGMA application_id` of our files ("CgEm"): tells our database from any other SQLite file.
const APPLICATION_ID: i32 = 0x4367_456d;

/// `PRAGMA user_version`: the layout of the tables and records below.
const SCHEMA_VERSION: i32 = 1;

const SCHEMA: &str = "
    CREATE TABLE pools (id TEXT PRIMARY KEY, record TEXT NOT NULL) STRICT;
    CREATE TABLE users (
        pool_id TEXT NOT NULL,
        user_key TEXT NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (pool_id, user_key)
    ) STRICT;
    CREATE TABLE refresh_tokens (token TEXT PRIMARY KEY, record TEXT NOT NULL) STRICT;
    CREATE TABLE revoked_origins (origin TEXT PRIMARY KEY) STRICT;
";

/// A pool's row: everything but its users, which have rows of their own.
#[derive(Serialize, Deserialize)]
struct PoolRecord {
    id: String,
    name: String,
    arn: String,
    created: i64,
    modified: i64,
    policy: PasswordPolicy,
    username_attributes: Vec<String>,
    alias_attributes: Vec<String>,
    auto_verified_attributes: Vec<String>,
    case_sensitive: bool,
    mfa_configuration: String,
    sms_mfa: bool,
    software_token_mfa: bool,
    email_mfa: bool,
    device_configuration: Option<DeviceConfiguration>,
    custom_challenge: Vec<CustomRound>,
    /// Absent in data dirs written before passkeys: Cognito's default then.
    #[serde(default = "default_first_auth_factors")]
    allowed_first_auth_factors: Vec<String>,
    #[serde(default)]
    web_authn: WebAuthnConfiguration,
    clients: BTreeMap<String, AppClient>,
    /// Base64.
    fake_salt_key: String,
    /// PKCS#8 DER in base64: issued tokens and cached JWKS stay valid across restarts.
    id_token_key: String,
    access_token_key: String,
    /// Domain, identity providers and resource servers (absent in data dirs from before them).
    #[serde(default)]
    oauth: PoolOAuth,
}

fn default_first_auth_factors() -> Vec<String> {
    crate::names::DEFAULT_FIRST_AUTH_FACTORS
        .iter()
        .map(|factor| (*factor).to_owned())
        .collect()
}

/// A pool's two signing keys in their stored form.
#[derive(Debug)]
struct EncodedKeys {
    /// Which keys these are: pools keep their keys for life, but a pool id can be deleted and reused.
    keys: Arc<PoolKeys>,
    id_token: String,
    access_token: String,
}

impl EncodedKeys {
    fn of(keys: &Arc<PoolKeys>) -> Result<Self, String> {
        Ok(Self {
            keys: keys.clone(),
            id_token: STANDARD.encode(keys.id_token.to_pkcs8_der()?),
            access_token: STANDARD.encode(keys.access_token.to_pkcs8_der()?),
        })
    }
}

impl PoolRecord {
    fn of(pool: &Pool, keys: &EncodedKeys) -> Self {
        Self {
            id: pool.id.clone(),
            name: pool.name.clone(),
            arn: pool.arn.clone(),
            created: pool.created,
            modified: pool.modified,
            policy: pool.policy.clone(),
            username_attributes: pool.username_attributes.clone(),
            alias_attributes: pool.alias_attributes.clone(),
            auto_verified_attributes: pool.auto_verified_attributes.clone(),
            case_sensitive: pool.case_sensitive,
            mfa_configuration: pool.mfa_configuration.clone(),
            sms_mfa: pool.sms_mfa,
            software_token_mfa: pool.software_token_mfa,
            email_mfa: pool.email_mfa,
            device_configuration: pool.device_configuration,
            custom_challenge: pool.custom_challenge.clone(),
            allowed_first_auth_factors: pool.allowed_first_auth_factors.clone(),
            web_authn: pool.web_authn.clone(),
            clients: pool.clients.clone(),
            fake_salt_key: STANDARD.encode(&pool.fake_salt_key),
            id_token_key: keys.id_token.clone(),
            access_token_key: keys.access_token.clone(),
            oauth: pool.oauth.clone(),
        }
    }

    fn into_pool(self) -> Result<Pool, String> {
        let key = |name: &str, text: &str| {
            STANDARD
                .decode(text)
                .map_err(|e| format!("{name}: {e}"))
                .and_then(|der| JwtKey::from_pkcs8_der(&der).map_err(|e| format!("{name}: {e}")))
        };
        Ok(Pool {
            keys: Arc::new(PoolKeys {
                id_token: key("id_token_key", &self.id_token_key)?,
                access_token: key("access_token_key", &self.access_token_key)?,
            }),
            fake_salt_key: STANDARD
                .decode(&self.fake_salt_key)
                .map_err(|e| format!("fake_salt_key: {e}"))?,
            id: self.id,
            name: self.name,
            arn: self.arn,
            created: self.created,
            modified: self.modified,
            policy: self.policy,
            username_attributes: self.username_attributes,
            alias_attributes: self.alias_attributes,
            auto_verified_attributes: self.auto_verified_attributes,
            case_sensitive: self.case_sensitive,
            mfa_configuration: self.mfa_configuration,
            sms_mfa: self.sms_mfa,
            software_token_mfa: self.software_token_mfa,
            email_mfa: self.email_mfa,
            device_configuration: self.device_configuration,
            custom_challenge: self.custom_challenge,
            allowed_first_auth_factors: self.allowed_first_auth_factors,
            web_authn: self.web_authn,
            clients: self.clients,
            users: Tracked::default(),
            oauth: self.oauth,
        })
    }
}

/// One row to write or delete.
#[derive(Debug)]
pub enum Write {
    Pool {
        id: String,
        record: String,
    },
    PoolGone {
        id: String,
    },
    User {
        pool_id: String,
        key: String,
        record: String,
    },
    UserGone {
        pool_id: String,
        key: String,
    },
    AllUsersGone {
        pool_id: String,
    },
    Refresh {
        token: String,
        record: String,
    },
    RefreshGone {
        token: String,
    },
    AllRefreshGone,
    Revoked {
        origin: String,
    },
    RevokedGone {
        origin: String,
    },
    AllRevokedGone,
}

/// The rows one release of the store changed, in the order they must be applied.
#[derive(Debug, Default)]
pub struct Batch {
    writes: Vec<Write>,
    /// Serialising failed: the write reports it rather than acknowledge a change it could not store.
    error: Option<String>,
}

/// Whether releasing the store has anything to write. Users change only through a mutably borrowed pool,
/// which notes the pool, so their notes need not be looked at here.
pub fn has_changes(store: &Store) -> bool {
    store.pools.has_changes()
        || store.refresh_tokens.has_changes()
        || store.revoked_origins.has_changes()
}

/// Drops the change notes: without a data dir there is nowhere to write them.
pub fn forget_changes(store: &mut Store) {
    let pool_ids: Vec<String> = match store.pools.take_changes() {
        Drained::Everything => store.pools.keys().cloned().collect(),
        Drained::Keys(ids) => ids.into_iter().collect(),
    };
    for id in pool_ids {
        if let Some(pool) = store.pools.get_mut_unnoted(&id) {
            let _ = pool.users.take_changes();
        }
    }
    let _ = store.refresh_tokens.take_changes();
    let _ = store.revoked_origins.take_changes();
}

/// The open database, and what is known to be in it.
#[derive(Debug)]
pub struct Persister {
    path: PathBuf,
    connection: Connection,
    /// Each pool's row as last written, so that an unchanged pool is not rewritten on every sign-in.
    pool_rows: HashMap<String, String>,
    /// Encoding RSA keys is the costliest part of a pool's row, and it runs under the store lock.
    encoded_keys: HashMap<String, EncodedKeys>,
}

/// What [`open`] found.
#[derive(Debug)]
pub struct Opened {
    pub persister: Persister,
    pub store: Store,
    /// No pool was stored: a new data dir (or one whose pools were all deleted).
    pub empty: bool,
}

fn to_json<T: Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string(value).map_err(|e| format!("cannot serialise a record: {e}"))
}

impl Persister {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Turns the store's change notes into rows, forgetting the notes. Runs under the store lock.
    pub fn collect(&mut self, store: &mut Store) -> Batch {
        let mut batch = Batch::default();
        if let Err(error) = self.collect_into(store, &mut batch.writes) {
            batch.error = Some(error);
        }
        batch
    }

    fn collect_into(&mut self, store: &mut Store, writes: &mut Vec<Write>) -> Result<(), String> {
        self.collect_pools(store, writes)?;
        collect_refresh_tokens(store, writes)?;
        collect_revoked_origins(store, writes);
        Ok(())
    }

    /// The changed pools (and their changed users).
    fn collect_pools(&mut self, store: &mut Store, writes: &mut Vec<Write>) -> Result<(), String> {
        let pool_ids: Vec<String> = match store.pools.take_changes() {
            Drained::Keys(ids) => ids.into_iter().collect(),
            // Known rows plus present pools: removed pools are among the first.
            Drained::Everything => self
                .pool_rows
                .keys()
                .chain(store.pools.keys())
                .cloned()
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect(),
        };
        for id in pool_ids {
            let Some(pool) = store.pools.get_mut_unnoted(&id) else {
                self.encoded_keys.remove(&id);
                if self.pool_rows.remove(&id).is_some() {
                    writes.push(Write::PoolGone { id });
                }
                continue;
            };
            let keys = match self.encoded_keys.get(&id) {
                Some(encoded) if Arc::ptr_eq(&encoded.keys, &pool.keys) => encoded,
                _ => {
                    self.encoded_keys
                        .insert(id.clone(), EncodedKeys::of(&pool.keys)?);
                    &self.encoded_keys[&id]
                }
            };
            let record = to_json(&PoolRecord::of(pool, keys))?;
            if self.pool_rows.get(&id) != Some(&record) {
                self.pool_rows.insert(id.clone(), record.clone());
                writes.push(Write::Pool {
                    id: id.clone(),
                    record,
                });
            }
            collect_users(&id, pool, writes)?;
        }
        Ok(())
    }

    /// Commits a batch in one transaction. Returns only once the transaction is on disk (fsync'd).
    pub fn write(&mut self, batch: Batch) -> Result<(), String> {
        let fail = |e: rusqlite::Error| format!("cannot write {}: {e}", self.path.display());
        if let Some(error) = batch.error {
            return Err(format!("cannot write {}: {error}", self.path.display()));
        }
        if batch.writes.is_empty() {
            return Ok(());
        }
        let transaction = self.connection.transaction().map_err(fail)?;
        for write in &batch.writes {
            let (sql, values): (&str, Vec<&str>) = match write {
                Write::Pool { id, record } => (
                    "INSERT INTO pools (id, record) VALUES (?1, ?2)
                     ON CONFLICT (id) DO UPDATE SET record = excluded.record",
                    vec![id, record],
                ),
                Write::PoolGone { id } => {
                    transaction
                        .prepare_cached("DELETE FROM users WHERE pool_id = ?1")
                        .and_then(|mut statement| statement.execute([id]))
                        .map_err(fail)?;
                    ("DELETE FROM pools WHERE id = ?1", vec![id])
                }
                Write::User {
                    pool_id,
                    key,
                    record,
                } => (
                    "INSERT INTO users (pool_id, user_key, record) VALUES (?1, ?2, ?3)
                     ON CONFLICT (pool_id, user_key) DO UPDATE SET record = excluded.record",
                    vec![pool_id, key, record],
                ),
                Write::UserGone { pool_id, key } => (
                    "DELETE FROM users WHERE pool_id = ?1 AND user_key = ?2",
                    vec![pool_id, key],
                ),
                Write::AllUsersGone { pool_id } => {
                    ("DELETE FROM users WHERE pool_id = ?1", vec![pool_id])
                }
                Write::Refresh { token, record } => (
                    "INSERT INTO refresh_tokens (token, record) VALUES (?1, ?2)
                     ON CONFLICT (token) DO UPDATE SET record = excluded.record",
                    vec![token, record],
                ),
                Write::RefreshGone { token } => {
                    ("DELETE FROM refresh_tokens WHERE token = ?1", vec![token])
                }
                Write::AllRefreshGone => ("DELETE FROM refresh_tokens", vec![]),
                Write::Revoked { origin } => (
                    "INSERT OR IGNORE INTO revoked_origins (origin) VALUES (?1)",
                    vec![origin],
                ),
                Write::RevokedGone { origin } => (
                    "DELETE FROM revoked_origins WHERE origin = ?1",
                    vec![origin],
                ),
                Write::AllRevokedGone => ("DELETE FROM revoked_origins", vec![]),
            };
            transaction
                .prepare_cached(sql)
                .and_then(|mut statement| {
                    statement.execute(rusqlite::params_from_iter(values.iter()))
                })
                .map_err(fail)?;
        }
        transaction.commit().map_err(fail)
    }

    /// Writes the whole store (after the seed was applied in memory): one transaction, so that a failed or
    /// interrupted seeding leaves the data dir empty and the next start seeds again.
    pub fn write_everything(&mut self, store: &mut Store) -> Result<(), String> {
        store.pools.note_everything();
        let pool_ids: Vec<String> = store.pools.keys().cloned().collect();
        for id in pool_ids {
            if let Some(pool) = store.pools.get_mut_unnoted(&id) {
                pool.users.note_everything();
            }
        }
        store.refresh_tokens.note_everything();
        store.revoked_origins.note_everything();
        let batch = self.collect(store);
        self.write(batch)
    }

    /// Folds the write-ahead log into the database file, so that a cleanly stopped emulator leaves one file.
    pub fn checkpoint(&self) -> Result<(), String> {
        self.connection
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(|e| format!("cannot checkpoint {}: {e}", self.path.display()))
    }
}

/// Opens (creating if needed) the data dir and reads everything back. An `Err` is one line for the user: the
/// file and what is wrong with it.
pub fn open(dir: &Path) -> Result<Opened, String> {
    create_dir(dir)?;
    let path = dir.join(FILE_NAME);
    create_private_file(&path)?;
    let name = path.display().to_string();
    let connection = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format!("cannot open {name}: {e}"))?;
    let unreadable = |e: rusqlite::Error| describe(&name, dir, e);
    // A previous emulator on the directory may still be finishing its shutdown: wait for it a little, but
    // not for long before saying the directory is taken.
    connection
        .busy_timeout(std::time::Duration::from_secs(2))
        .map_err(unreadable)?;
    // Held from the first read until the process ends: a second emulator on the directory is refused
    // instead of both writing to it.
    connection
        .pragma_update(None, "locking_mode", "EXCLUSIVE")
        .map_err(unreadable)?;
    let application_id: i32 = connection
        .pragma_query_value(None, "application_id", |row| row.get(0))
        .map_err(unreadable)?;
    let version: i32 = connection
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(unreadable)?;
    let tables: i64 = connection
        .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
        .map_err(unreadable)?;
    let new = application_id == 0 && version == 0 && tables == 0;
    if !new {
        if application_id != APPLICATION_ID {
            return Err(format!(
                "{name} is not a cognito-emulator data file (another SQLite database); \
                 give --data-dir a directory of its own"
            ));
        }
        if version > SCHEMA_VERSION {
            return Err(format!(
                "{name} has schema version {version}, written by a newer cognito-emulator; \
                 this one reads version {SCHEMA_VERSION}"
            ));
        }
        if version != SCHEMA_VERSION {
            return Err(format!(
                "{name} is damaged: unknown schema version {version}"
            ));
        }
        let check: String = connection
            .query_row("PRAGMA quick_check(1)", [], |row| row.get(0))
            .map_err(unreadable)?;
        if check != "ok" {
            return Err(format!("{name} is damaged: {check}"));
        }
    }
    // Write-ahead logging: a commit appends to the log and fsyncs it, and a commit cut short by a crash is
    // rolled back on the next open.
    let mode: String = connection
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(unreadable)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!(
            "{name}: cannot switch to write-ahead logging (journal mode {mode})"
        ));
    }
    connection
        .pragma_update(None, "synchronous", "FULL")
        .map_err(unreadable)?;
    if new {
        connection
            .execute_batch(&format!(
                "BEGIN; {SCHEMA} PRAGMA application_id = {APPLICATION_ID}; \
                 PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            ))
            .map_err(|e| format!("cannot create {name}: {e}"))?;
    }
    let (store, pool_rows) = read_store(&connection, &name)?;
    Ok(Opened {
        empty: store.pools.is_empty(),
        persister: Persister {
            path,
            connection,
            pool_rows,
            encoded_keys: HashMap::new(),
        },
        store,
    })
}

fn describe(name: &str, dir: &Path, error: rusqlite::Error) -> String {
    match error.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => format!(
            "{} is in use by another cognito-emulator (its {name} is locked)",
            dir.display()
        ),
        Some(ErrorCode::NotADatabase) => {
            format!("{name} is not a cognito-emulator data file (not an SQLite database)")
        }
        Some(ErrorCode::DatabaseCorrupt) => format!("{name} is damaged: {error}"),
        _ => format!("cannot read {name}: {error}"),
    }
}

fn create_dir(dir: &Path) -> Result<(), String> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| format!("cannot create data dir {}: {e}", dir.display()))
}

/// Creates the database file readable by its owner only: it holds signing keys, client secrets, TOTP
/// secrets and refresh tokens. An existing file is left as it is.
fn create_private_file(path: &Path) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(format!("cannot create {}: {e}", path.display())),
    }
}

/// Every row, as a store with nothing noted as changed.
fn read_store(
    connection: &Connection,
    name: &str,
) -> Result<(Store, HashMap<String, String>), String> {
    let unreadable = |e: rusqlite::Error| format!("{name} is damaged: {e}");
    let rows = |sql: &str, columns: usize| -> Result<Vec<Vec<String>>, String> {
        let mut statement = connection.prepare(sql).map_err(unreadable)?;
        let rows = statement
            .query_map([], |row| (0..columns).map(|i| row.get(i)).collect())
            .map_err(unreadable)?;
        rows.collect::<Result<_, _>>().map_err(unreadable)
    };
    let mut pools = BTreeMap::new();
    let mut pool_rows = HashMap::new();
    for row in rows("SELECT id, record FROM pools", 2)? {
        let [id, record] = <[String; 2]>::try_from(row).map_err(|_| unreadable_row(name))?;
        let pool = serde_json::from_str::<PoolRecord>(&record)
            .map_err(|e| e.to_string())
            .and_then(PoolRecord::into_pool)
            .map_err(|e| format!("{name} is damaged: pool {id}: {e}"))?;
        if pool.id != id {
            return Err(format!(
                "{name} is damaged: pool row {id} holds pool {}",
                pool.id
            ));
        }
        pools.insert(id.clone(), pool);
        pool_rows.insert(id, record);
    }
    let mut users: HashMap<String, BTreeMap<String, User>> = HashMap::new();
    for row in rows("SELECT pool_id, user_key, record FROM users", 3)? {
        let [pool_id, key, record] =
            <[String; 3]>::try_from(row).map_err(|_| unreadable_row(name))?;
        if !pools.contains_key(&pool_id) {
            return Err(format!(
                "{name} is damaged: user {key} of pool {pool_id}, which is not there"
            ));
        }
        let user = serde_json::from_str::<User>(&record)
            .map_err(|e| format!("{name} is damaged: user {key} of pool {pool_id}: {e}"))?;
        users.entry(pool_id).or_default().insert(key, user);
    }
    for (pool_id, pool_users) in users {
        if let Some(pool) = pools.get_mut(&pool_id) {
            pool.users = Tracked::unchanged(pool_users);
        }
    }
    let mut refresh_tokens = HashMap::new();
    for row in rows("SELECT token, record FROM refresh_tokens", 2)? {
        let [token, record] = <[String; 2]>::try_from(row).map_err(|_| unreadable_row(name))?;
        let record = serde_json::from_str::<RefreshRecord>(&record)
            .map_err(|e| format!("{name} is damaged: a refresh token's record: {e}"))?;
        refresh_tokens.insert(token, record);
    }
    let revoked_origins: HashSet<String> = rows("SELECT origin FROM revoked_origins", 1)?
        .into_iter()
        .flatten()
        .collect();
    let store = Store::restored(pools, refresh_tokens, revoked_origins);
    Ok((store, pool_rows))
}

fn unreadable_row(name: &str) -> String {
    format!("{name} is damaged: a row has the wrong number of columns")
}

/// The changed users of the pool `pool_id`.
fn collect_users(pool_id: &str, pool: &mut Pool, writes: &mut Vec<Write>) -> Result<(), String> {
    match pool.users.take_changes() {
        Drained::Keys(keys) => {
            for key in keys {
                writes.push(match pool.users.get(&key) {
                    Some(user) => Write::User {
                        pool_id: pool_id.to_owned(),
                        key,
                        record: to_json(user)?,
                    },
                    None => Write::UserGone {
                        pool_id: pool_id.to_owned(),
                        key,
                    },
                });
            }
        }
        Drained::Everything => {
            writes.push(Write::AllUsersGone {
                pool_id: pool_id.to_owned(),
            });
            for (key, user) in pool.users.iter() {
                writes.push(Write::User {
                    pool_id: pool_id.to_owned(),
                    key: key.clone(),
                    record: to_json(user)?,
                });
            }
        }
    }
    Ok(())
}

/// The changed refresh tokens.
fn collect_refresh_tokens(store: &mut Store, writes: &mut Vec<Write>) -> Result<(), String> {
    match store.refresh_tokens.take_changes() {
        Drained::Keys(tokens) => {
            for token in tokens {
                writes.push(match store.refresh_tokens.get(&token) {
                    Some(record) => Write::Refresh {
                        record: to_json(record)?,
                        token,
                    },
                    None => Write::RefreshGone { token },
                });
            }
        }
        Drained::Everything => {
            writes.push(Write::AllRefreshGone);
            for (token, record) in store.refresh_tokens.iter() {
                writes.push(Write::Refresh {
                    token: token.clone(),
                    record: to_json(record)?,
                });
            }
        }
    }
    Ok(())
}

/// The changed revoked sign-ins.
fn collect_revoked_origins(store: &mut Store, writes: &mut Vec<Write>) {
    match store.revoked_origins.take_changes() {
        Drained::Keys(origins) => {
            for origin in origins {
                writes.push(if store.revoked_origins.contains(&origin) {
                    Write::Revoked { origin }
                } else {
                    Write::RevokedGone { origin }
                });
            }
        }
        Drained::Everything => {
            writes.push(Write::AllRevokedGone);
            for origin in store.revoked_origins.iter() {
                writes.push(Write::Revoked {
                    origin: origin.clone(),
                });
            }
        }
    }
}
