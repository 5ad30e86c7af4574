// Where the session, the remembered-device secrets (devices.js names and reads them) and a pending
// signInWithRedirect are kept, and the session lock that keeps the writes of this page's clients and of the
// origin's other tabs apart.
import { fail, invalid, invoke, messageOf } from './outcome.js';
import { timer } from './timers.js';

/**
 * How long a localStorage write may take to reach the other tabs' processes. Chromium keeps a copy of
 * localStorage in each renderer and updates the others' copies after the write: measured on this project's
 * machine, a write reached another tab in 0.6 ms (median), 3.5 ms (p99), 8.6 ms (most of 300); and a tab
 * handed the Web Lock or a BroadcastChannel message right after the write read the old value about one time
 * in three. A holder of the session lock that wrote keeps it this much longer, and tells the other tabs after.
 */
export const STORAGE_SETTLE_MS = 50;

/** Resolves after STORAGE_SETTLE_MS. */
export const storageSettles = () => new Promise((resolve) => timer(resolve, STORAGE_SETTLE_MS));

/** The tail of each in-page lock queue, by name: the lock where Web Locks are missing or not needed. */
const pageLocks = new Map();

/**
 * Runs `work` holding the session lock `name`: across the tabs of the origin (a Web Lock) when `acrossTabs`
 * and Web Locks exist, else across the clients of this page (a queue). Each holder reads and writes the stored
 * session as one step: a sign-in's save, a refresh (request included), a sign-out, a repair.
 * `work` must not take the lock again: it would wait for itself.
 */
function sessionLock(name, acrossTabs, work) {
  const locks = acrossTabs ? globalThis.navigator?.locks : undefined;
  if (locks) return locks.request(name, work);
  const run = (pageLocks.get(name) ?? Promise.resolve()).then(() => work());
  const tail = run.then(
    () => {},
    () => {},
  );
  pageLocks.set(name, tail);
  tail.then(() => pageLocks.get(name) === tail && pageLocks.delete(name));
  return run;
}

/**
 * Where the session and remembered-device secrets are kept: memory, localStorage / sessionStorage, or the
 * app's object with (possibly async) getItem / setItem / removeItem. Keys are namespaced by pool, app client
 * and user. A stored value that cannot be read back is dropped (signed out, device forgotten).
 */
export class Store {
  /** Where the values are: localStorage, sessionStorage, the app's object or memory(), all with (possibly async) getItem, setItem, removeItem. */
  #storage;
  /** The storage is localStorage: another tab's copy is updated a moment after a write (see STORAGE_SETTLE_MS). */
  #settles = false;
  /** Something was written to a storage that reaches the other tabs late, and has not been waited for. */
  #unsettled = false;

  /**
   * `caseSensitive`: whether the pool tells "Bob" from "bob" (Cognito's UsernameConfiguration.CaseSensitive),
   * for the devices' keys (devices.js).
   */
  constructor(option, namespace, caseSensitive = true) {
    this.namespace = namespace;
    this.caseSensitive = caseSensitive;
    let storage;
    /** Whether other tabs of the origin see the same session: they do in localStorage and the app's object. */
    this.shared = false;
    if (option == null || option === 'local') {
      storage = webStorage('localStorage', option === 'local');
      this.shared = this.#settles = storage !== undefined;
    } else if (option === 'session') {
      storage = webStorage('sessionStorage', true);
    } else if (typeof option === 'string') {
      if (option !== 'memory') throw invalid(`storage: unknown kind ${JSON.stringify(option)}; use 'memory', 'local', 'session' or an object`);
    } else if (typeof option === 'object' && ['getItem', 'setItem', 'removeItem'].every((m) => typeof option[m] === 'function')) {
      storage = option;
      this.shared = true;
    } else {
      throw invalid('storage: an object needs getItem, setItem and removeItem functions');
    }
    this.#storage = storage ?? memory();
  }

  async get(key) {
    let value;
    try {
      value = await this.#storage.getItem(key);
    } catch (cause) {
      throw storageError('read', cause);
    }
    if (value != null && typeof value !== 'string') throw fail('StorageError', 'getItem returned something other than a string');
    return value ?? null;
  }

  async set(key, value) {
    this.#unsettled ||= this.#settles;
    try {
      await this.#storage.setItem(key, value);
    } catch (cause) {
      throw storageError('write', cause);
    }
  }

  async remove(key) {
    this.#unsettled ||= this.#settles;
    try {
      await this.#storage.removeItem(key);
    } catch (cause) {
      throw storageError('remove', cause);
    }
  }

  get pointer() {
    return `${this.namespace}.lastAuthUser`;
  }

  sessionKey(username) {
    return `${this.namespace}.user.${username}.session`;
  }

  /**
   * Runs `work` holding the session lock (see sessionLock); `work` must not take it again. A write of
   * `work`'s is given time to reach the other tabs (settled) before the lock is released, so the next holder
   * and a tab told of it read what was written.
   */
  exclusively(work) {
    return sessionLock(`${this.namespace}.session`, this.shared, async () => {
      try {
        return await work();
      } finally {
        // Also when `work` failed after a write (a sign-in whose second write was refused, say).
        await this.settled();
      }
    });
  }

  /**
   * Resolves once this store's writes can be read by the other tabs: at once, unless the backend is
   * localStorage and something was written since the last time (see STORAGE_SETTLE_MS).
   */
  async settled() {
    if (!this.#unsettled) return;
    this.#unsettled = false;
    await storageSettles();
  }

  /** What is stored now, unread: `{username, stored}` (`stored` null when the pointer names nothing), or null. */
  async raw() {
    const username = await this.get(this.pointer);
    return username == null ? null : { username, stored: await this.get(this.sessionKey(username)) };
  }

  /**
   * The stored session (`{stored, session, deviceKey}`) or null. An unreadable one is removed and thrown; a
   * pointer to no session is removed. What is seen may be another tab's save half done, so the removals are
   * compare-and-delete under the session lock (`underLock`: the caller holds it already).
   */
  async load(core, underLock = false) {
    const seen = await this.raw();
    if (seen == null) return null;
    if (seen.stored == null) {
      await this.removeIf((now) => now?.username === seen.username && now.stored == null, underLock);
      return null;
    }
    try {
      const session = invoke(core, 'readSession', seen.stored);
      if (session.session.username !== seen.username) {
        throw fail('InvalidResponseException', 'stored session belongs to another user');
      }
      return session;
    } catch (error) {
      await this.removeIf((now) => now?.username === seen.username && now.stored === seen.stored, underLock);
      throw error;
    }
  }

  /** Stores `session` as the signed-in one; another user's session is removed. Hold the session lock. */
  async save(session) {
    const username = session.session.username;
    const previous = await this.get(this.pointer);
    if (previous != null && previous !== username) await this.remove(this.sessionKey(previous));
    await this.set(this.sessionKey(username), session.stored);
    await this.set(this.pointer, username);
  }

  /**
   * Compare-and-set: stores `session` only if the stored session is still `expected` (its stored text).
   * Hold the session lock. Returns whether it stored it.
   */
  async saveIf(expected, session) {
    const now = await this.raw();
    if (now?.username !== session.session.username || now.stored !== expected) return false;
    await this.save(session);
    return true;
  }

  /**
   * Compare-and-delete: removes the signed-in session (remembered devices stay) if `stillThere(raw())` holds,
   * under the session lock (`underLock`: the caller holds it already). Returns whether it removed it.
   */
  async removeIf(stillThere, underLock = false) {
    const remove = async () => {
      const now = await this.raw();
      if (!stillThere(now)) return false;
      if (now?.stored != null) await this.remove(this.sessionKey(now.username));
      await this.remove(this.pointer);
      return true;
    };
    return underLock ? remove() : this.exclusively(remove);
  }
}

/**
 * The pending redirect of this tab: the text the sign-in core made (state, nonce, PKCE verifier, custom
 * state, redirect URI), in sessionStorage — this tab only, and gone with it — and in memory where there is none.
 * Here, not in redirect.js, because every client reads it on construction (is this page a redirect back?),
 * while the rest of signInWithRedirect is loaded only when one is pending or begun.
 */
export class PendingRedirects {
  #key;
  /** Where the sign-in's tab keeps it: sessionStorage, or memory where the page may not use one. */
  #storage = webStorage('sessionStorage', false) ?? memory();

  constructor(namespace) {
    this.#key = `${namespace}.oauth.pending`;
  }

  read() {
    return this.#storage.getItem(this.#key);
  }

  keep(pending) {
    this.#storage.setItem(this.#key, pending);
  }

  remove() {
    this.#storage.removeItem(this.#key);
  }
}

function storageError(what, cause) {
  return fail('StorageError', `could not ${what} storage: ${messageOf(cause)}`);
}

/** A storage of this page's memory, with a Storage's getItem, setItem and removeItem. */
export function memory() {
  const map = new Map();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

/**
 * `globalThis[name]` (localStorage, sessionStorage), which may be missing (Node, workers) or throw (storage
 * disabled by the user): undefined then, or an InvalidParameterException when `required`.
 */
export function webStorage(name, required) {
  let storage;
  try {
    storage = globalThis[name];
  } catch {
    storage = undefined;
  }
  if (storage && typeof storage.getItem === 'function') return storage;
  if (required) throw invalid(`storage '${name}' is not available here; use 'memory'`);
}
