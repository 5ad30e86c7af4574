// CognitoClient: the effects around the wasm cores. Every decision (which request to send, what a reply
// means, whether tokens need refreshing) is made by a core: the session core on this thread for the stored
// session and its refresh, the sign-in core (signer-host.js, loaded on first use) for sign-ins and account
// operations. This file sends their requests with fetch, keeps the session in storage, arms the refresh timer
// and keeps the tabs of an origin in step.
import { Core, clockOffset } from './cognito_wasm_session.js';
import { CognitoError } from './errors.js';
import { Signer } from './signer-host.js';

/** How much earlier than due the proactive refresh may run, at most: spreads many tabs' refreshes. */
const REFRESH_JITTER_MS = 5_000;
/** After a proactive refresh failed with something that may pass (offline, throttled), try again this late. */
const REFRESH_RETRY_MS = 30_000;
/** How long a write to localStorage may take to reach the other tabs' processes (a few ms in Chromium). */
const STORAGE_SETTLE_MS = 50;
const STORAGE_SETTLE_TRIES = 10;
/** The largest reply read from Cognito (its replies are a few kB): a bigger one is cut off unread. */
const MAX_REPLY_BYTES = 1 << 20;
const EVENTS = ['signedIn', 'signedOut', 'tokenRefreshed', 'tokenRefreshFailed', 'sessionExpired'];
/** Refusals of a refresh token: the session is over. */
const REFUSED = ['NotAuthorizedException', 'RefreshTokenReuseException', 'UserUnAuthenticatedException'];

const fail = (name, message, retryable = false) => new CognitoError(name, message, retryable);
const invalid = (message) => fail('InvalidParameterException', message);
const unauthenticated = (message) => fail('UserUnAuthenticatedException', message);
const aborted = () => fail('AbortError', 'the call was aborted');
const messageOf = (cause) => (cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : '');

/** The value of a core outcome (`{ok}`), or its error thrown. */
function unwrap(text) {
  const outcome = JSON.parse(text);
  if (outcome.error) throw fail(outcome.error.name, outcome.error.message, outcome.error.retryable);
  return outcome.ok;
}

/** What an error says, for the core. */
const errorJson = (error) =>
  JSON.stringify({ name: String(error?.name ?? 'Error'), message: messageOf(error), retryable: error?.retryable === true });

/** An app's argument as JSON for the core (which checks its shape). */
function encode(value, what) {
  try {
    return JSON.stringify(value ?? null);
  } catch (cause) {
    throw invalid(`${what}: ${messageOf(cause)}`);
  }
}

/**
 * A reply's body as text, read no further than MAX_REPLY_BYTES. A failure to read is a NetworkError (it may
 * pass); a body that is too big is an InvalidResponseException (it will not).
 */
async function replyText(response) {
  const tooBig = () => fail('InvalidResponseException', `the reply is larger than ${MAX_REPLY_BYTES} bytes`);
  if (Number(response.headers.get('Content-Length')) > MAX_REPLY_BYTES) {
    response.body?.cancel().catch(() => {});
    throw tooBig();
  }
  const chunks = [];
  let size = 0;
  try {
    const reader = response.body?.getReader();
    for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader.read()) {
      size += chunk.value.byteLength;
      if (size > MAX_REPLY_BYTES) {
        reader.cancel().catch(() => {});
        break;
      }
      chunks.push(chunk.value);
    }
  } catch (cause) {
    throw fail('NetworkError', `reply body was cut off: ${messageOf(cause)}`, true);
  }
  if (size > MAX_REPLY_BYTES) throw tooBig();
  return new Blob(chunks).text();
}

/** Device time, Unix seconds. */
const deviceNow = () => Math.floor(Date.now() / 1000);

/** A setTimeout that never keeps Node alive. */
function timer(callback, ms) {
  const handle = setTimeout(callback, Math.min(Math.max(ms, 0), 2 ** 31 - 1));
  handle?.unref?.();
  return handle;
}

/** `document.visibilityState === 'hidden'`; never true in workers or Node. */
const pageIsHidden = () => globalThis.document?.visibilityState === 'hidden';

/** The name a new device is registered under: the user agent, as amazon-cognito-identity-js does. */
const deviceName = () => globalThis.navigator?.userAgent || 'cognito-wasm';

/** Closes a collected client's channel to the other tabs, which would otherwise stay open for the page's life. */
const closeChannel =
  typeof FinalizationRegistry === 'function' ? new FinalizationRegistry((channel) => channel.close()) : undefined;

/** What may cut one call short: the caller's AbortSignal, and the timeout of each request. */
class Call {
  constructor(options, defaultTimeoutMs) {
    if (options != null && typeof options !== 'object') throw invalid('call options: expected an object');
    const { signal, timeoutMs } = options ?? {};
    if (signal != null && !(typeof AbortSignal !== 'undefined' && signal instanceof AbortSignal)) {
      throw invalid('call options: signal must be an AbortSignal');
    }
    if (timeoutMs != null && !(Number.isInteger(timeoutMs) && timeoutMs >= 0)) {
      throw invalid('call options: timeoutMs must be a whole number of milliseconds');
    }
    this.signal = signal ?? undefined;
    this.timeoutMs = timeoutMs ?? defaultTimeoutMs;
  }

  throwIfAborted() {
    if (this.signal?.aborted) throw aborted();
  }

  /** Waits for `promise`, or rejects with AbortError as soon as the signal fires. */
  wait(promise) {
    const signal = this.signal;
    if (!signal) return promise;
    if (signal.aborted) return Promise.reject(aborted());
    let onAbort;
    const abort = new Promise((_, reject) => {
      onAbort = () => reject(aborted());
      signal.addEventListener('abort', onAbort, { once: true });
    });
    // A long-lived signal shared by many calls must not collect listeners.
    return Promise.race([promise, abort]).finally(() => signal.removeEventListener('abort', onAbort));
  }

  /** Resolves after `ms` (rejects when aborted first). */
  sleep(ms) {
    let handle;
    const elapsed = new Promise((resolve) => {
      handle = timer(resolve, ms);
    });
    return this.wait(elapsed).finally(() => clearTimeout(handle));
  }
}

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
class Store {
  /** `caseSensitive`: whether the pool tells "Bob" from "bob" (Cognito's UsernameConfiguration.CaseSensitive). */
  constructor(option, namespace, caseSensitive = true) {
    this.namespace = namespace;
    this.caseSensitive = caseSensitive;
    if (option == null) {
      this.backend = webStorage('localStorage', false) ?? memory();
    } else if (typeof option === 'string') {
      if (option === 'memory') this.backend = memory();
      else if (option === 'local') this.backend = webStorage('localStorage', true);
      else if (option === 'session') this.backend = webStorage('sessionStorage', true);
      else throw invalid(`storage: unknown kind ${JSON.stringify(option)}; use 'memory', 'local', 'session' or an object`);
    } else if (typeof option === 'object' && ['getItem', 'setItem', 'removeItem'].every((m) => typeof option[m] === 'function')) {
      this.backend = custom(option);
    } else {
      throw invalid('storage: an object needs getItem, setItem and removeItem functions');
    }
    /** Whether other tabs of the origin see the same session (sessionStorage is per tab). */
    this.shared = this.backend.shared;
  }

  async get(key) {
    try {
      return await this.backend.get(key);
    } catch (cause) {
      throw cause instanceof CognitoError ? cause : storageError('read', cause);
    }
  }

  async set(key, value) {
    try {
      await this.backend.set(key, value);
    } catch (cause) {
      throw storageError('write', cause);
    }
  }

  async remove(key) {
    try {
      await this.backend.remove(key);
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

  /** Devices are kept per user, by the name as the pool compares it: "Bob" and "bob" are two users where case counts. */
  deviceKey(username) {
    return `${this.namespace}.user.${this.caseSensitive ? username : username.toLowerCase()}.device`;
  }

  /** Runs `work` holding the session lock (see sessionLock); `work` must not take it again. */
  exclusively(work) {
    return sessionLock(`${this.namespace}.session`, this.shared, work);
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
      const session = unwrap(core.readSession(seen.stored));
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

  /**
   * The device secrets kept for `username` (JSON text), or ''; those `readable` (async, the sign-in core's
   * check) refuses are removed.
   */
  async loadDevice(readable, username) {
    const key = this.deviceKey(username);
    try {
      const device = await this.get(key);
      if (device == null) return '';
      if (await readable(device)) return device;
      await this.remove(key);
    } catch {
      // A device that cannot be read is no device: the sign-in goes on without it.
    }
    return '';
  }

  saveDevice(username, device) {
    return this.set(this.deviceKey(username), device);
  }

  forgetDevice(username) {
    return this.remove(this.deviceKey(username));
  }
}

function storageError(what, cause) {
  return fail('StorageError', `could not ${what} storage: ${messageOf(cause)}`);
}

function memory() {
  const map = new Map();
  return {
    shared: false,
    get: (key) => map.get(key) ?? null,
    set: (key, value) => void map.set(key, value),
    remove: (key) => void map.delete(key),
  };
}

/** `globalThis[name]`, which may be missing (Node, workers) or throw (storage disabled by the user). */
function webStorage(name, required) {
  let storage;
  try {
    storage = globalThis[name];
  } catch {
    storage = undefined;
  }
  if (!storage || typeof storage.getItem !== 'function') {
    if (required) throw invalid(`storage '${name}' is not available here; use 'memory'`);
    return undefined;
  }
  return {
    shared: name === 'localStorage',
    get: (key) => storage.getItem(key),
    set: (key, value) => storage.setItem(key, value),
    remove: (key) => storage.removeItem(key),
  };
}

function custom(object) {
  return {
    shared: true,
    async get(key) {
      const value = await object.getItem(key);
      if (value == null) return null;
      if (typeof value !== 'string') throw fail('StorageError', 'getItem returned something other than a string');
      return value;
    },
    set: async (key, value) => void (await object.setItem(key, value)),
    remove: async (key) => void (await object.removeItem(key)),
  };
}

/**
 * The other tabs (and workers) of this origin sharing the session: a BroadcastChannel telling the others of
 * sign-ins, refreshes and sign-outs (the session lock, Store.exclusively, keeps their writes apart). Where
 * it does not exist (old browsers) the tab works alone.
 */
class Tabs {
  constructor(namespace, onMessage) {
    this.channel = undefined;
    if (namespace && typeof BroadcastChannel === 'function') {
      this.channel = new BroadcastChannel(namespace);
      // Whatever else shares the channel name, only well-formed messages are acted on.
      this.channel.onmessage = ({ data }) => {
        if (
          data && EVENTS.includes(data.event) &&
          ['username', 'errorName', 'errorMessage'].every((k) => data[k] === undefined || typeof data[k] === 'string')
        ) {
          onMessage(data);
        }
      };
      // A channel must not keep Node alive.
      this.channel.unref?.();
    }
  }

  announce(message) {
    this.channel?.postMessage(message);
  }
}

export class CognitoClient {
  /** The session core: the stored session, refreshes, sign-out, and the transport's decisions. */
  #core;
  /** The sign-in core: sign-ins (the SRP maths, in a worker where possible) and account operations. */
  #signer;
  #endpoint;
  #timeoutMs;
  #autoRefresh;
  #store;
  #tabs;
  #listeners = new Set();
  /** Server time minus device time (seconds), from the Date of the latest reply. */
  #clockOffset;
  /** The refresh under way in this tab, which concurrent callers wait for instead of sending their own. */
  #refreshing = null;
  #refreshTimer;
  /** The timer came due while the page was hidden: refresh when it is shown. */
  #refreshPaused = false;

  constructor(config) {
    if (config == null || typeof config !== 'object') throw invalid('CognitoClient config: expected an object');
    const { storage, caseSensitiveUsernames = true, ...rest } = config;
    if (typeof caseSensitiveUsernames !== 'boolean') throw invalid('caseSensitiveUsernames: expected true or false');
    const coreConfig = encode(rest, 'CognitoClient config');
    try {
      this.#core = new Core(coreConfig);
    } catch (error) {
      if (typeof error === 'string') unwrap(error);
      throw error;
    }
    const settings = JSON.parse(this.#core.settings());
    this.#endpoint = settings.endpoint;
    this.#timeoutMs = settings.timeoutMs;
    this.#autoRefresh = settings.autoRefresh;
    this.#store = new Store(storage, `cognito-wasm.${config.userPoolId}.${config.clientId}`, caseSensitiveUsernames);
    // The configuration is good: the sign-in core, once loaded, opens a core for it.
    this.#signer = new Signer(coreConfig);
    // No closure made here may use `this`: the channel's handler lives as long as the channel, and a closure
    // that captured the client would keep it (and the channel) alive for the page's life.
    const self = new WeakRef(this);
    this.#tabs = new Tabs(this.#store.shared ? this.#store.namespace : '', (message) => self.deref()?.#heard(message));
    if (this.#tabs.channel) closeChannel?.register(this, this.#tabs.channel);
    if (this.#autoRefresh) {
      this.#watchVisibility();
      // A session restored from storage gets its timer too, once the app could subscribe to events
      // (reading storage may report an unreadable session).
      queueMicrotask(this.#rearmFromStorage.bind(this));
    }
  }

  /** Calls `handler` on every `event` in this tab; returns a function that stops it. */
  on(event, handler) {
    if (!EVENTS.includes(event)) throw invalid(`event name: unknown event ${JSON.stringify(event)}`);
    if (typeof handler !== 'function') throw invalid('event handler: expected a function');
    const entry = { event, handler };
    this.#listeners.add(entry);
    return () => void this.#listeners.delete(entry);
  }

  /**
   * Computes the SRP values of the next sign-in now (the costly A = g^a mod N), so that signIn sends its first
   * request at once. Call it when the sign-in form is shown; each preparation serves one sign-in.
   */
  async prepareSignIn(options) {
    new Call(options, this.#timeoutMs);
    unwrap(await this.#signer.call('prepareSignIn'));
  }

  /** Signs in; resolves with the next step: DONE (the session is stored) or a challenge for confirmSignIn. */
  async signIn(input, options) {
    const call = new Call(options, this.#timeoutMs);
    const args = encode(input, 'signIn input');
    const username = typeof input?.username === 'string' ? input.username : '';
    const device = username ? await this.#store.loadDevice(this.#deviceReadable, username) : '';
    return this.#drive(call, unwrap(await this.#signer.call('signIn', args, device, deviceName())));
  }

  /** Answers the step signIn (or the previous confirmSignIn) returned; a wrong code can be answered again. */
  async confirmSignIn(input, options) {
    const call = new Call(options, this.#timeoutMs);
    const args = encode(input, 'confirmSignIn input');
    return this.#drive(call, unwrap(await this.#signer.call('confirmSignIn', args)));
  }

  /** The current session, refreshed first when its tokens expire within the refresh margin. */
  async getSession(options) {
    const call = new Call(options, this.#timeoutMs);
    return (await this.#validSession(call)).session;
  }

  /** Refreshes the tokens now, keeping the refresh token (unless the client rotates them). */
  async refreshSession(options) {
    const call = new Call(options, this.#timeoutMs);
    const session = await this.#storedSession();
    return (await this.#refresh(call, session, true)).session;
  }

  /**
   * Forgets the session on this device and revokes its refresh token. The local sign-out always happens; a
   * failed revocation (e.g. offline) is not reported.
   */
  async signOut(options) {
    const call = new Call(options, this.#timeoutMs);
    // A refresh of this tab under way would otherwise store its tokens after the sign-out.
    await this.#refreshing?.catch(() => {});
    // Read and cleared as one step, so the token revoked is the newest (a refresh elsewhere may have
    // rotated it) and no refresh can write the session back in between.
    const session = await this.#store
      .exclusively(async () => {
        const newest = await this.#loadSession(true);
        if (newest) await this.#store.removeIf(() => true, true);
        return newest;
      })
      .catch(() => null); // A storage that fails cannot be helped here; the sign-out is announced all the same.
    this.#cancelRefreshTimer();
    this.#announce('signedOut', session?.session.username);
    if (session) {
      const request = unwrap(this.#core.revokeRequest(session.stored));
      if (request) await this.#send(call, request).catch(() => {});
    }
  }

  /** Signs the user out everywhere (GlobalSignOut), then clears the local session. */
  async globalSignOut(options) {
    const call = new Call(options, this.#timeoutMs);
    const session = await this.#validSession(call);
    await this.#account(call, 'globalSignOut', null, session);
    await this.#endSession(session);
  }

  /** Registers a new user (SignUp). */
  signUp(input, options) {
    return this.#anonymous('signUp', input, options);
  }

  /** Confirms a sign-up with the code that was sent (ConfirmSignUp). */
  confirmSignUp(input, options) {
    return this.#anonymous('confirmSignUp', input, options);
  }

  /** Sends the sign-up code again (ResendConfirmationCode). */
  resendSignUpCode(input, options) {
    return this.#anonymous('resendSignUpCode', input, options);
  }

  /** Starts a password reset: Cognito sends a code (ForgotPassword). */
  resetPassword(input, options) {
    return this.#anonymous('resetPassword', input, options);
  }

  /** Sets the new password with the code from resetPassword (ConfirmForgotPassword). */
  async confirmResetPassword(input, options) {
    await this.#anonymous('confirmResetPassword', input, options);
  }

  /** Changes the signed-in user's password (ChangePassword). */
  async updatePassword(input, options) {
    await this.#signedIn('updatePassword', input, options);
  }

  /** The signed-in user's attributes (GetUser). */
  fetchUserAttributes(options) {
    return this.#signedIn('fetchUserAttributes', null, options);
  }

  /** Updates attributes; those that need verification (e-mail, phone) get a code (UpdateUserAttributes). */
  updateUserAttributes(input, options) {
    return this.#signedIn('updateUserAttributes', input, options);
  }

  /** Sends a verification code for an attribute (GetUserAttributeVerificationCode). */
  sendUserAttributeVerificationCode(input, options) {
    return this.#signedIn('sendUserAttributeVerificationCode', input, options);
  }

  /** Verifies an attribute with its code (VerifyUserAttribute). */
  async confirmUserAttribute(input, options) {
    await this.#signedIn('confirmUserAttribute', input, options);
  }

  /** Deletes attributes (DeleteUserAttributes). */
  async deleteUserAttributes(input, options) {
    await this.#signedIn('deleteUserAttributes', input, options);
  }

  /** Deletes the signed-in user (DeleteUser) and clears the session. */
  async deleteUser(options) {
    const call = new Call(options, this.#timeoutMs);
    const session = await this.#validSession(call);
    await this.#account(call, 'deleteUser', null, session);
    await this.#endSession(session);
  }

  /** Starts TOTP setup for the signed-in user (AssociateSoftwareToken). */
  setUpTOTP(options) {
    return this.#signedIn('setUpTOTP', null, options);
  }

  /** Finishes TOTP setup with a code from the app (VerifySoftwareToken). */
  async verifyTOTPSetup(input, options) {
    await this.#signedIn('verifyTOTPSetup', input, options);
  }

  /** Enables, disables or prefers MFA factors (SetUserMFAPreference). */
  async updateMFAPreference(input, options) {
    await this.#signedIn('updateMFAPreference', input, options);
  }

  /** The enabled and preferred MFA factors (from GetUser). */
  fetchMFAPreference(options) {
    return this.#signedIn('fetchMFAPreference', null, options);
  }

  /** Marks this browser's device as remembered, so later sign-ins can skip MFA (UpdateDeviceStatus). */
  async rememberDevice(options) {
    await this.#device('rememberDevice', null, options);
  }

  /** Forgets a device (this one when none is given): Cognito stops tracking it (ForgetDevice). */
  async forgetDevice(input, options) {
    const { session, current } = await this.#device('forgetDevice', input, options);
    if (current != null && (input?.device?.id ?? current) === current) {
      await this.#store.forgetDevice(session.session.username);
    }
  }

  /** The user's tracked devices (ListDevices). */
  listDevices(options) {
    return this.#signedIn('listDevices', null, options);
  }

  /** One device (this one when no id is given) (GetDevice). */
  async getDevice(input, options) {
    return (await this.#device('getDevice', input, options)).result;
  }

  // --- calls -------------------------------------------------------------------------------------------

  /** An operation of someone not signed in (sign-up, password reset). */
  async #anonymous(op, input, options) {
    const call = new Call(options, this.#timeoutMs);
    return this.#account(call, op, input, null);
  }

  /** An operation of the signed-in user, with a valid access token. */
  async #signedIn(op, input, options) {
    const call = new Call(options, this.#timeoutMs);
    return this.#account(call, op, input, await this.#validSession(call));
  }

  /** A device operation; the device is this browser's unless the input names one. */
  async #device(op, input, options) {
    const call = new Call(options, this.#timeoutMs);
    const session = await this.#validSession(call);
    const current = await this.#currentDeviceKey(session);
    const args = { device: input?.device, currentDeviceKey: current };
    const result = await this.#account(call, op, args, session);
    return { session, current, result };
  }

  async #account(call, op, input, session) {
    const args = encode(input, `${op} input`);
    const token = session?.session.accessToken ?? '';
    const request = unwrap(await this.#signer.call('account', op, args, token));
    const reply = await this.#send(call, request);
    return unwrap(await this.#signer.call('accountResult', op, args, reply, session?.session.username ?? ''));
  }

  /** Sends a request (`{target, body}`), retrying failures that may pass; resolves with the reply's text. */
  async #send(call, request) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#sendOnce(call, request);
      } catch (error) {
        const delay = this.#core.retryDelay(attempt, String(error.name), error.retryable === true, Math.random());
        if (delay < 0) throw error;
        await call.sleep(delay);
      }
    }
  }

  /** One attempt. Aborting or timing out cancels the fetch itself, body included. */
  async #sendOnce(call, request) {
    call.throwIfAborted();
    const controller = new AbortController();
    let timedOut = false;
    const timeout = timer(() => {
      timedOut = true;
      controller.abort();
    }, call.timeoutMs);
    const onAbort = () => controller.abort();
    call.signal?.addEventListener('abort', onAbort);
    try {
      let response;
      try {
        response = await fetch(this.#endpoint, {
          method: 'POST',
          mode: 'cors',
          headers: {
            'Content-Type': 'application/x-amz-json-1.1',
            'X-Amz-Target': request.target,
            'Cache-Control': 'no-store',
          },
          body: request.body,
          signal: controller.signal,
          // A redirect would carry the password's proof or the refresh token to wherever it points.
          redirect: 'error',
        });
      } catch (cause) {
        throw fail('NetworkError', `request to Cognito failed: ${messageOf(cause)}`, true);
      }
      const text = await replyText(response);
      const error = this.#core.replyError(response.status, text, response.headers.get('x-amzn-ErrorType') ?? undefined);
      if (error) unwrap(error);
      const date = Date.parse(response.headers.get('Date') ?? '');
      if (Number.isFinite(date)) this.#clockOffset = clockOffset(Date.now(), date) ?? this.#clockOffset;
      return text;
    } catch (error) {
      if (call.signal?.aborted) throw aborted();
      if (timedOut) throw fail('TimeoutError', `no reply within ${call.timeoutMs} ms`, true);
      throw error;
    } finally {
      clearTimeout(timeout);
      call.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Sends the sign-in's requests until it finishes or needs the app. */
  async #drive(call, progress) {
    for (;;) {
      if (progress.send) {
        let reply;
        try {
          reply = await this.#send(call, progress.send);
        } catch (error) {
          progress = unwrap(await this.#signer.call('signInFailed', progress.flow, errorJson(error)));
          continue;
        }
        const offset = this.#clockOffset ?? 0;
        progress = unwrap(await this.#signer.call('signInReplied', progress.flow, reply, deviceNow(), offset));
        continue;
      }
      if (progress.signedIn) {
        const { session, typedUsername, device, deviceForgotten } = progress.signedIn;
        await this.#store.exclusively(() => this.#store.save(session));
        // Under the typed and the internal username, so the next sign-in finds it whichever is typed.
        for (const name of new Set([typedUsername, session.session.username])) {
          if (deviceForgotten) await this.#store.forgetDevice(name);
          if (device) await this.#store.saveDevice(name, device);
        }
        this.#announce('signedIn', session.session.username);
        this.#scheduleRefresh(session);
      }
      return progress.output;
    }
  }

  // --- the session -------------------------------------------------------------------------------------

  /** The session, refreshed first if its tokens expire within the refresh margin. */
  async #validSession(call) {
    const session = await this.#storedSession();
    return this.#core.needsRefresh(session.stored, deviceNow()) ? this.#refresh(call, session, false) : session;
  }

  /** The stored session, or UserUnAuthenticatedException. `underLock`: the caller holds the session lock. */
  async #storedSession(underLock = false) {
    const session = await this.#loadSession(underLock);
    if (!session) throw unauthenticated('no user is signed in');
    return session;
  }

  /**
   * The stored session, if any. One that cannot be read (corrupted, or written by something else) means
   * signed out, announced with a signedOut event that carries the reason.
   */
  async #loadSession(underLock = false) {
    try {
      const session = await this.#store.load(this.#core, underLock);
      // Until a reply says otherwise, the drift measured when the tokens came is the best guess.
      if (this.#clockOffset === undefined && session) this.#clockOffset = -session.session.clockDrift;
      return session;
    } catch (error) {
      this.#emit('signedOut', undefined, fail('StoredSessionUnreadable', error.message));
      return null;
    }
  }

  /** Whether stored device secrets can be read back (the sign-in core reads them). */
  #deviceReadable = (device) => this.#signer.call('deviceReadable', device);

  /** The key of this browser's device for the signed-in user, if Cognito tracks it. */
  async #currentDeviceKey(session) {
    if (session.deviceKey) return session.deviceKey;
    const device = await this.#store.loadDevice(this.#deviceReadable, session.session.username);
    return device ? JSON.parse(device).deviceKey : undefined;
  }

  /**
   * Refreshes `before` (or takes the tokens another tab refreshed meanwhile). Concurrent callers in this tab
   * share one refresh; across tabs, one runs at a time under a Web Lock. This call can be aborted; the shared
   * refresh goes on for the others.
   */
  async #refresh(call, before, requested) {
    await call.wait(this.#sharedRefresh(before, requested));
    return this.#storedSession();
  }

  #sharedRefresh(before, requested) {
    if (!this.#refreshing) {
      const refreshing = this.#store
        .exclusively(() => this.#refreshUnderLock(before, requested))
        .finally(() => {
          this.#refreshing = null;
        });
      // Callers that gave up waiting must not leave the rejection unhandled.
      refreshing.catch(() => {});
      this.#refreshing = refreshing;
    }
    return this.#refreshing;
  }

  /**
   * Holding the lock, reads storage again: another tab may have refreshed (use its tokens, and with rotation
   * never present the refresh token it retired) or signed out.
   */
  async #refreshUnderLock(before, requested) {
    const current = await this.#storedSession(true);
    if (this.#core.stillNeeded(requested, before.stored, current.stored, deviceNow())) {
      await this.#refreshNow(new Call(undefined, this.#timeoutMs), current);
    }
  }

  /** Sends one refresh; a refresh token Cognito refuses ends the session, a transient failure keeps it. */
  async #refreshNow(call, current) {
    const username = current.session.username;
    const request = unwrap(this.#core.refreshRequest(current.stored));
    let refreshed;
    try {
      const reply = await this.#send(call, request);
      refreshed = unwrap(this.#core.refreshed(current.stored, reply, deviceNow()));
    } catch (error) {
      const refused = REFUSED.includes(error.name);
      if (refused) {
        // localStorage reaches other renderer processes a moment after a write: this tab may have read the
        // tokens another tab had just rotated out. Their successor is the answer.
        const newer = await this.#successorOf(current);
        if (newer) return newer;
      }
      this.#announce('tokenRefreshFailed', username, error);
      // Only the refused session ends: another user may have signed in meanwhile.
      if (refused && (await this.#store.removeIf((now) => now?.stored === current.stored, true))) {
        this.#cancelRefreshTimer();
        this.#announce('sessionExpired', username, error);
      }
      throw error;
    }
    // Compare-and-set: a sign-out or another user's sign-in while the request was out wins.
    if (!(await this.#store.saveIf(current.stored, refreshed))) {
      throw unauthenticated('signed out while the refresh was under way');
    }
    this.#announce('tokenRefreshed', username);
    this.#scheduleRefresh(refreshed);
    if (this.#store.shared) {
      // Keep the lock a moment, so that the next tab to take it reads these tokens rather than a copy of
      // storage from before the write.
      await new Promise((resolve) => timer(resolve, STORAGE_SETTLE_MS));
    }
    return refreshed;
  }

  /** The session another tab stored in place of `current`, waiting briefly for storage to show it. */
  async #successorOf(current) {
    if (!this.#store.shared) return null;
    for (let i = 0; i < STORAGE_SETTLE_TRIES; i += 1) {
      const stored = await this.#loadSession(true);
      if (!stored || stored.session.username !== current.session.username) return null;
      if (this.#core.supersedes(stored.stored, current.stored)) return stored;
      await new Promise((resolve) => timer(resolve, STORAGE_SETTLE_MS));
    }
    return null;
  }

  /** Forgets `session`'s user locally (not another user's session) and tells the listeners (here and in the other tabs). */
  async #endSession(session) {
    const username = session.session.username;
    // A storage that fails to remove cannot be helped here; the sign-out is announced all the same.
    await this.#store.removeIf((now) => now?.username === username).catch(() => {});
    this.#cancelRefreshTimer();
    this.#announce('signedOut', username);
  }

  // --- events and other tabs ---------------------------------------------------------------------------

  /** Calls this tab's handlers; a handler that throws is ignored, so an app's bug cannot break the client. */
  #emit(event, username, error) {
    const payload = { event };
    if (username !== undefined) payload.username = username;
    if (error) payload.error = { name: error.name, message: error.message };
    // Handlers may subscribe or unsubscribe while being called: call a snapshot.
    for (const listener of [...this.#listeners]) {
      if (listener.event !== event) continue;
      try {
        listener.handler(payload);
      } catch {
        // Not the client's to handle.
      }
    }
  }

  /** Fires `event` here and in the other tabs sharing the session. */
  #announce(event, username, error) {
    this.#emit(event, username, error);
    const message = { event };
    if (username !== undefined) message.username = username;
    if (error) Object.assign(message, { errorName: error.name, errorMessage: error.message });
    this.#tabs.announce(message);
  }

  /** What another tab announced: fire it here too, and follow the session's new state. */
  #heard(message) {
    const error = message.errorName === undefined ? undefined : fail(message.errorName, message.errorMessage ?? '');
    this.#emit(message.event, message.username, error);
    if (message.event === 'signedIn' || message.event === 'tokenRefreshed') {
      this.#rearmFromStorage();
    } else if (message.event === 'signedOut' || message.event === 'sessionExpired') {
      this.#signer.dropSignIn();
      this.#cancelRefreshTimer();
    }
  }

  // --- the proactive refresh ---------------------------------------------------------------------------

  /** Arms the refresh of `session`: shortly before its tokens reach the refresh margin, or after `delayMs`. */
  #scheduleRefresh(session, delayMs) {
    if (!this.#autoRefresh) return;
    if (delayMs === undefined) {
      const due = this.#core.refreshDueInMs(session.stored, Date.now());
      delayMs = due - Math.random() * Math.min(REFRESH_JITTER_MS, due / 10);
    }
    clearTimeout(this.#refreshTimer);
    const self = new WeakRef(this);
    this.#refreshTimer = timer(() => self.deref()?.#refreshInBackground(session), delayMs);
  }

  async #rearmFromStorage() {
    const session = await this.#loadSession();
    if (session) this.#scheduleRefresh(session);
  }

  #cancelRefreshTimer() {
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = undefined;
    this.#refreshPaused = false;
  }

  /**
   * Waits while the page is hidden (browsers throttle hidden tabs' timers, and nobody needs the tokens there),
   * and tries again later after a failure that may pass.
   */
  async #refreshInBackground(before) {
    if (pageIsHidden()) {
      this.#refreshPaused = true;
      return;
    }
    this.#refreshPaused = false;
    try {
      await this.#refresh(new Call(undefined, this.#timeoutMs), before, true);
    } catch (error) {
      if (error.retryable) this.#scheduleRefresh(before, REFRESH_RETRY_MS);
    }
  }

  /**
   * When the page is shown again: refresh if the timer came due while hidden or the tokens are within the
   * margin, else re-arm the timer (hidden tabs' timers may have been delayed).
   */
  #watchVisibility() {
    const document = globalThis.document;
    if (!document?.addEventListener) return;
    const self = new WeakRef(this);
    const onChange = () => {
      const client = self.deref();
      if (!client) {
        document.removeEventListener('visibilitychange', onChange);
        return;
      }
      if (!pageIsHidden()) client.#shown();
    };
    document.addEventListener('visibilitychange', onChange);
  }

  async #shown() {
    const session = await this.#loadSession();
    if (!session) return;
    if (this.#refreshPaused || this.#core.needsRefresh(session.stored, deviceNow())) {
      await this.#refreshInBackground(session);
    } else {
      this.#scheduleRefresh(session);
    }
  }
}
