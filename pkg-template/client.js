// CognitoClient, the package's API: the effects around the wasm cores. Every decision (which request to send,
// what a reply means, whether tokens need refreshing) is made by a core: the session core on this thread for
// the stored session and its refresh, the sign-in core (signer-host.js; it and the core are loaded on first
// use) for sign-ins and account operations. The effects each have a module: transport.js (requests to
// Cognito), store.js (storage and the session lock), refresh.js (refreshes and the refresh timer), tabs.js
// (the other tabs), timers.js (timeouts, aborts). This file holds what a returning user's page needs before
// getSession() answers (the session, the events and the other tabs) and the local sign-out. The operations
// are modules imported on first use (on-first-use.js): sign-in.js, account.js and redirect.js, each given
// the client's parts (see #parts).
import { Core } from './cognito_wasm.js';
import { onFirstUse } from './on-first-use.js';
import { encode, fail, invalid, invoke, unwrap } from './outcome.js';
import { Refresher } from './refresh.js';
import { PendingRedirects, Store } from './store.js';
import { EVENTS, TAB_EVENTS, Tabs, closeChannel } from './tabs.js';
import { Call } from './timers.js';
import { Transport } from './transport.js';

const signIns = onFirstUse(() => import('./sign-in.js'));
const accounts = onFirstUse(() => import('./account.js'));
const redirects = onFirstUse(() => import('./redirect.js'));
const signerHost = onFirstUse(() => import('./signer-host.js'));

/**
 * A client's sign-in half (signer-host.js's Signer), made by the first call that needs it: `call` and
 * `account` load signer-host.js, and through it the sign-in core (`account` its account module too);
 * `dropSignIn` before that has no sign-in to drop and loads nothing. `config`: the client's configuration as
 * JSON text, already checked by the session core.
 */
function lazySigner(config) {
  let signer;
  const opened = async () => {
    const { Signer } = await signerHost();
    return (signer ??= new Signer(config));
  };
  return {
    call: async (op, ...args) => (await opened()).call(op, ...args),
    account: async (op, ...args) => (await opened()).account(op, ...args),
    dropSignIn: () => signer?.dropSignIn(),
  };
}

export class CognitoClient {
  // Its public name, which the minifier would rename (`new CognitoClient` in stack traces; see errors.js).
  static name = 'CognitoClient';

  /**
   * What the operations' modules work with: `core` (the session core: the stored session, refreshes, sign-out,
   * the transport's decisions), `signer` (the sign-in core: sign-ins, the SRP maths in a worker where possible,
   * and account operations), `transport` (the requests to Cognito, and the server's clock they tell),
   * `store`, `refresher` (keeps the stored session fresh: refreshes when asked or due, one at a time, and the
   * refresh timer), `pendingRedirects` (this tab's signInWithRedirect under way, in sessionStorage until the
   * browser comes back), `timeoutMs`, and the client's `emit` and `announce`. Held by this client only, and
   * lent to an operation for its call.
   */
  #parts;
  /** The other tabs sharing the session. */
  #tabs;
  #listeners = new Set();
  /** Completing the redirect this page came back with (started on construction, see handleRedirect). */
  #redirecting;

  constructor(config) {
    if (config == null || typeof config !== 'object') throw invalid('CognitoClient config: expected an object');
    const { storage, caseSensitiveUsernames = true, ...rest } = config;
    if (typeof caseSensitiveUsernames !== 'boolean') throw invalid('caseSensitiveUsernames: expected true or false');
    const coreConfig = encode(rest, 'CognitoClient config');
    const core = new Core(coreConfig);
    let settings;
    try {
      settings = invoke(core, 'settings');
    } catch (error) {
      core.free();
      throw error;
    }
    const transport = new Transport(core, settings.endpoint);
    const store = new Store(storage, `cognito-wasm.${config.userPoolId}.${config.clientId}`, caseSensitiveUsernames);
    // No closure handed to something longer-lived may use `this`: the channel's handler lives as long as the
    // channel, and a closure that captured the client would keep it (and the channel) alive for the page's
    // life (closures made in one scope keep all of its variables, `this` included).
    const self = new WeakRef(this);
    this.#parts = {
      core,
      // The configuration is good: the sign-in core, once loaded, opens a core for it.
      signer: lazySigner(coreConfig),
      transport,
      store,
      timeoutMs: settings.timeoutMs,
      refresher: new Refresher({
        core,
        store,
        transport,
        timeoutMs: settings.timeoutMs,
        autoRefresh: settings.autoRefresh,
        // Through the WeakRef too: the refresher's timer and visibility listener must not keep the client alive.
        loadSession: (underLock) => self.deref()?.#loadSession(underLock) ?? null,
        announce: (event, username, error) => self.deref()?.#announce(event, username, error),
      }),
      pendingRedirects: new PendingRedirects(store.namespace),
      // Bound, not arrow functions: a closure here would share this scope, and so `this`, with the channel's handler.
      emit: this.#emit.bind(this),
      announce: this.#announce.bind(this),
    };
    this.#tabs = new Tabs(store.shared ? store.namespace : '', (message) => self.deref()?.#heard(message));
    if (this.#tabs.channel) closeChannel.register(this, this.#tabs.channel);
    // A page loaded with a signInWithRedirect pending may be its callback: completed now, as Amplify does.
    // Nothing is pending on a returning user's page, so it loads neither redirect.js nor the sign-in core.
    if (this.#parts.pendingRedirects.read() !== null) {
      this.#redirecting = this.#completeRedirect();
      this.#redirecting.catch(() => {}); // Reported by events, and to handleRedirect().
    }
  }

  /** Calls `handler` on every `event` in this tab; returns a function that stops it. */
  on(event, handler) {
    if (!EVENTS.includes(event) && !TAB_EVENTS.includes(event)) throw invalid(`event name: unknown event ${JSON.stringify(event)}`);
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
    new Call(options, this.#parts.timeoutMs);
    unwrap(await this.#parts.signer.call('prepareSignIn'));
  }

  /**
   * Signs in; resolves with the next step: DONE (the session is stored) or a challenge for confirmSignIn. A
   * WEB_AUTHN challenge is answered here, on the page, with one of the user's passkeys;
   * `options.mediation: 'conditional'` offers it in the autofill of an `autocomplete="username webauthn"` field.
   */
  async signIn(input, options) {
    return (await signIns()).signIn(this.#parts, input, options);
  }

  /** Answers the step signIn (or the previous confirmSignIn) returned; a wrong code can be answered again. */
  async confirmSignIn(input, options) {
    return (await signIns()).confirmSignIn(this.#parts, input, options);
  }

  /** The current session, refreshed first when its tokens expire within the refresh margin. */
  async getSession(options) {
    const call = new Call(options, this.#parts.timeoutMs);
    await call.wait(this.#redirecting?.catch(() => {}) ?? Promise.resolve());
    return (await this.#parts.refresher.valid(call)).session;
  }

  /** Refreshes the tokens now, keeping the refresh token (unless the client rotates them). */
  async refreshSession(options) {
    const call = new Call(options, this.#parts.timeoutMs);
    const session = await this.#parts.refresher.stored();
    return (await this.#parts.refresher.refresh(call, session, true)).session;
  }

  /**
   * Forgets the session on this device and revokes its refresh token. The local sign-out always happens; a
   * failed revocation (e.g. offline) is not reported. Here, not in a module loaded on first use: offline, the
   * local sign-out must not wait for a module that cannot load.
   */
  async signOut(options) {
    const { core, store, transport, refresher, timeoutMs } = this.#parts;
    const call = new Call(options, timeoutMs);
    // With `redirect`, the domain's session ends too: the URL is made first, so a configuration without
    // redirectSignOut fails before anything is signed out.
    const logout = options?.redirect === true ? await (await redirects()).signOutUrl(this.#parts) : undefined;
    // A refresh of this tab under way would otherwise store its tokens after the sign-out.
    await refresher.settled();
    // Read and cleared as one step, so the token revoked is the newest (a refresh elsewhere may have
    // rotated it) and no refresh can write the session back in between.
    const session = await store
      .exclusively(async () => {
        const newest = await this.#loadSession(true);
        if (newest) await store.removeIf(() => true, true);
        return newest;
      })
      .catch(() => null); // A storage that fails cannot be helped here; the sign-out is announced all the same.
    refresher.cancel();
    this.#announce('signedOut', session?.session.username);
    if (session) {
      const request = invoke(core, 'revokeRequest', session.stored);
      if (request) await transport.send(call, request).catch(() => {});
    }
    if (logout) globalThis.location.assign(logout);
  }

  // --- signing in through the user-pool domain (OAuth 2.0 code grant with PKCE) ----------------------------

  /**
   * Goes to the user-pool domain's managed login (or straight to identity provider `provider`); the
   * browser comes back to `oauth.redirectSignIn`, where the client completes the sign-in.
   */
  async signInWithRedirect(input, options) {
    return (await redirects()).signInWithRedirect(this.#parts, input, options);
  }

  /**
   * Completes signInWithRedirect on the page the domain sent the browser back to (the client starts this by
   * itself on construction; this returns the same work). Resolves with `{isSignedIn, customState}`, or
   * undefined when this page is not a redirect back to a pending sign-in.
   */
  handleRedirect(options) {
    if (this.#redirecting) return this.#redirecting;
    return this.#parts.pendingRedirects.read() === null ? Promise.resolve(undefined) : this.#completeRedirect(options);
  }

  /** redirect.js's completion; a redirect.js that cannot load fails the sign-in's event too. */
  async #completeRedirect(options) {
    let redirect;
    try {
      redirect = await redirects();
    } catch (error) {
      this.#emit('signInWithRedirectFailure', undefined, error);
      throw error;
    }
    return redirect.completeRedirect(this.#parts, options);
  }

  /** Signs the user out everywhere (GlobalSignOut), then clears the local session. */
  async globalSignOut(options) {
    await (await accounts()).ending(this.#parts, 'globalSignOut', options);
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
    await (await accounts()).ending(this.#parts, 'deleteUser', options);
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
    await (await accounts()).device(this.#parts, 'rememberDevice', null, options);
  }

  /** Forgets a device (this one when none is given): Cognito stops tracking it (ForgetDevice). */
  async forgetDevice(input, options) {
    await (await accounts()).forgetDevice(this.#parts, input, options);
  }

  /** The user's tracked devices (ListDevices). */
  listDevices(options) {
    return this.#signedIn('listDevices', null, options);
  }

  /** One device (this one when no id is given) (GetDevice). */
  async getDevice(input, options) {
    return (await (await accounts()).device(this.#parts, 'getDevice', input, options)).result;
  }

  // --- passkeys (WebAuthn) -----------------------------------------------------------------------------

  /**
   * Adds a passkey to the signed-in user: StartWebAuthnRegistration, the browser creates it
   * (navigator.credentials.create, on this page), CompleteWebAuthnRegistration.
   */
  async associateWebAuthnCredential(options) {
    await (await accounts()).associateWebAuthnCredential(this.#parts, options);
  }

  /** The signed-in user's passkeys, a page at a time (ListWebAuthnCredentials). */
  listWebAuthnCredentials(input, options) {
    return this.#signedIn('listWebAuthnCredentials', input ?? {}, options);
  }

  /** Deletes one of the signed-in user's passkeys (DeleteWebAuthnCredential). */
  async deleteWebAuthnCredential(input, options) {
    await this.#signedIn('deleteWebAuthnCredential', input, options);
  }

  // --- calls -------------------------------------------------------------------------------------------

  /** An operation of someone not signed in (sign-up, password reset), in account.js. */
  async #anonymous(op, input, options) {
    return (await accounts()).anonymous(this.#parts, op, input, options);
  }

  /** An operation of the signed-in user, with a valid access token, in account.js. */
  async #signedIn(op, input, options) {
    return (await accounts()).signedIn(this.#parts, op, input, options);
  }

  // --- the session -------------------------------------------------------------------------------------

  /**
   * The stored session, if any. One that cannot be read (corrupted, or written by something else) means
   * signed out, announced with a signedOut event that carries the reason.
   */
  async #loadSession(underLock = false) {
    const { core, store, transport } = this.#parts;
    try {
      const session = await store.load(core, underLock);
      // Until a reply says otherwise, the drift measured when the tokens came is the best guess.
      if (transport.clockOffset === undefined && session) transport.clockOffset = -session.session.clockDrift;
      return session;
    } catch (error) {
      this.#emit('signedOut', undefined, fail('StoredSessionUnreadable', error.message));
      return null;
    }
  }

  // --- events and other tabs ---------------------------------------------------------------------------

  /** Calls this tab's handlers; a handler that throws is ignored, so an app's bug cannot break the client. */
  #emit(event, username, error, customState) {
    const payload = { event };
    if (username !== undefined) payload.username = username;
    if (error) payload.error = { name: error.name, message: error.message };
    if (customState !== undefined) payload.customState = customState;
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
      this.#parts.refresher.rearm();
    } else if (message.event === 'signedOut' || message.event === 'sessionExpired') {
      this.#parts.signer.dropSignIn();
      this.#parts.refresher.cancel();
    }
  }
}
