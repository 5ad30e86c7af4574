// CognitoClient, the package's API: the effects around the wasm cores. Every decision (which request to send,
// what a reply means, whether tokens need refreshing) is made by a core: the session core on this thread for
// the stored session and its refresh, the sign-in core (signer-host.js, loaded on first use) for sign-ins and
// account operations. The effects each have a module: transport.js (fetch), store.js (storage and the session
// lock), refresh.js (refreshes and the refresh timer), tabs.js (the other tabs), timers.js (timeouts, aborts);
// this file drives the sign-in and the account calls and fires the events.
import { Core } from './cognito_wasm_session.js';
import { errorJson, encode, fail, invalid, unwrap } from './outcome.js';
import { PendingRedirects, cleanAddressBar, pageOrigin, pageUrl, postForm } from './redirect.js';
import { createPasskey, getPasskey } from './passkeys.js';
import { Refresher } from './refresh.js';
import { Signer } from './signer-host.js';
import { Store } from './store.js';
import { EVENTS, TAB_EVENTS, Tabs, closeChannel } from './tabs.js';
import { Call, deviceNow } from './timers.js';
import { Transport } from './transport.js';

/** The sign-in core's step asking the page for a passkey assertion; the app never sees it (see #drive). */
const PASSKEY_STEP = 'CONFIRM_SIGN_IN_WITH_PASSKEY';
/** How the passkey of a WEB_AUTHN sign-in may be asked for (navigator.credentials.get's `mediation`). */
const MEDIATIONS = ['conditional', 'optional', 'required', 'silent'];

/** The name a new device is registered under: the user agent, as amazon-cognito-identity-js does. */
const deviceName = () => globalThis.navigator?.userAgent || 'cognito-wasm';

export class CognitoClient {
  /** The session core: the stored session, refreshes, sign-out, and the transport's decisions. */
  #core;
  /** The sign-in core: sign-ins (the SRP maths, in a worker where possible) and account operations. */
  #signer;
  /** The requests to Cognito, and the server's clock they tell. */
  #transport;
  #timeoutMs;
  #store;
  #tabs;
  #listeners = new Set();
  /** Keeps the stored session fresh: refreshes when asked or due, one at a time, and the refresh timer. */
  #refresher;
  /** This tab's signInWithRedirect under way (in sessionStorage until the browser comes back). */
  #pendingRedirects;
  /** Completing the redirect this page came back with (started on construction, see handleRedirect). */
  #redirecting;

  constructor(config) {
    if (config == null || typeof config !== 'object') throw invalid('CognitoClient config: expected an object');
    const { storage, caseSensitiveUsernames = true, ...rest } = config;
    if (typeof caseSensitiveUsernames !== 'boolean') throw invalid('caseSensitiveUsernames: expected true or false');
    const coreConfig = encode(rest, 'CognitoClient config');
    this.#core = new Core(coreConfig);
    let settings;
    try {
      settings = unwrap(this.#core.settings());
    } catch (error) {
      this.#core.free();
      throw error;
    }
    this.#transport = new Transport(this.#core, settings.endpoint);
    this.#timeoutMs = settings.timeoutMs;
    this.#store = new Store(storage, `cognito-wasm.${config.userPoolId}.${config.clientId}`, caseSensitiveUsernames);
    // The configuration is good: the sign-in core, once loaded, opens a core for it.
    this.#signer = new Signer(coreConfig);
    // No closure made here may use `this`: the channel's handler lives as long as the channel, and a closure
    // that captured the client would keep it (and the channel) alive for the page's life.
    const self = new WeakRef(this);
    this.#tabs = new Tabs(this.#store.shared ? this.#store.namespace : '', (message) => self.deref()?.#heard(message));
    if (this.#tabs.channel) closeChannel?.register(this, this.#tabs.channel);
    this.#refresher = new Refresher({
      core: this.#core,
      store: this.#store,
      transport: this.#transport,
      timeoutMs: this.#timeoutMs,
      autoRefresh: settings.autoRefresh,
      // Through the WeakRef too: the refresher's timer and visibility listener must not keep the client alive.
      loadSession: (underLock) => self.deref()?.#loadSession(underLock) ?? null,
      announce: (event, username, error) => self.deref()?.#announce(event, username, error),
    });
    // A page loaded with a signInWithRedirect pending may be its callback: completed now, as Amplify does.
    // Nothing is pending on a returning user's page, so it loads no sign-in core for this.
    this.#pendingRedirects = new PendingRedirects(this.#store.namespace);
    if (this.#pendingRedirects.read() !== null) {
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
    new Call(options, this.#timeoutMs);
    unwrap(await this.#signer.call('prepareSignIn'));
  }

  /**
   * Signs in; resolves with the next step: DONE (the session is stored) or a challenge for confirmSignIn. A
   * WEB_AUTHN challenge is answered here, on the page, with one of the user's passkeys;
   * `options.mediation: 'conditional'` offers it in the autofill of an `autocomplete="username webauthn"` field.
   */
  async signIn(input, options) {
    const call = new Call(options, this.#timeoutMs);
    call.mediation = passkeyMediation(options);
    const args = encode(input, 'signIn input');
    const username = typeof input?.username === 'string' ? input.username : '';
    const device = username ? await this.#store.loadDevice(this.#deviceReadable, username) : '';
    return this.#drive(call, unwrap(await this.#signer.call('signIn', args, device, deviceName())));
  }

  /** Answers the step signIn (or the previous confirmSignIn) returned; a wrong code can be answered again. */
  async confirmSignIn(input, options) {
    const call = new Call(options, this.#timeoutMs);
    call.mediation = passkeyMediation(options);
    const args = encode(input, 'confirmSignIn input');
    return this.#drive(call, unwrap(await this.#signer.call('confirmSignIn', args)));
  }

  /** The current session, refreshed first when its tokens expire within the refresh margin. */
  async getSession(options) {
    const call = new Call(options, this.#timeoutMs);
    await call.wait(this.#redirecting?.catch(() => {}) ?? Promise.resolve());
    return (await this.#refresher.valid(call)).session;
  }

  /** Refreshes the tokens now, keeping the refresh token (unless the client rotates them). */
  async refreshSession(options) {
    const call = new Call(options, this.#timeoutMs);
    const session = await this.#refresher.stored();
    return (await this.#refresher.refresh(call, session, true)).session;
  }

  /**
   * Forgets the session on this device and revokes its refresh token. The local sign-out always happens; a
   * failed revocation (e.g. offline) is not reported.
   */
  async signOut(options) {
    const call = new Call(options, this.#timeoutMs);
    // With `redirect`, the domain's session ends too: the URL is made first, so a configuration without
    // redirectSignOut fails before anything is signed out.
    const logout = options?.redirect === true ? unwrap(await this.#signer.call('oauthSignOutUrl', pageOrigin())) : undefined;
    // A refresh of this tab under way would otherwise store its tokens after the sign-out.
    await this.#refresher.settled();
    // Read and cleared as one step, so the token revoked is the newest (a refresh elsewhere may have
    // rotated it) and no refresh can write the session back in between.
    const session = await this.#store
      .exclusively(async () => {
        const newest = await this.#loadSession(true);
        if (newest) await this.#store.removeIf(() => true, true);
        return newest;
      })
      .catch(() => null); // A storage that fails cannot be helped here; the sign-out is announced all the same.
    this.#refresher.cancel();
    this.#announce('signedOut', session?.session.username);
    if (session) {
      const request = unwrap(this.#core.revokeRequest(session.stored));
      if (request) await this.#transport.send(call, request).catch(() => {});
    }
    if (logout) globalThis.location.assign(logout);
  }

  // --- signing in through the user-pool domain (OAuth 2.0 code grant with PKCE) ----------------------------

  /**
   * Goes to the user-pool domain's managed login (or straight to identity provider `provider`); the
   * browser comes back to `oauth.redirectSignIn`, where the client completes the sign-in.
   */
  async signInWithRedirect(input, options) {
    new Call(options, this.#timeoutMs);
    if (!globalThis.location) throw invalid('signInWithRedirect needs a browser page');
    const args = encode(input ?? {}, 'signInWithRedirect input');
    const { url, pending } = unwrap(await this.#signer.call('oauthBegin', args, pageOrigin()));
    this.#pendingRedirects.keep(pending);
    globalThis.location.assign(url);
  }

  /**
   * Completes signInWithRedirect on the page the domain sent the browser back to (the client starts this by
   * itself on construction; this returns the same work). Resolves with `{isSignedIn, customState}`, or
   * undefined when this page is not a redirect back to a pending sign-in.
   */
  handleRedirect(options) {
    if (this.#redirecting) return this.#redirecting;
    return this.#pendingRedirects.read() === null ? Promise.resolve(undefined) : this.#completeRedirect(options);
  }

  async #completeRedirect(options) {
    const call = new Call(options, this.#timeoutMs);
    const pending = this.#pendingRedirects.read();
    if (pending === null) return undefined;
    const url = pageUrl();
    let customState;
    let token;
    try {
      customState = unwrap(await this.#signer.call('oauthCustomState', pending)) ?? undefined;
      token = unwrap(await this.#signer.call('oauthCallback', url, pending));
      if (token === null) return undefined;
    } catch (error) {
      this.#redirectDone();
      throw this.#redirectFailed(error, customState);
    }
    // Used once: the code and the verifier are gone before the exchange, so a reload cannot replay them.
    this.#redirectDone();
    try {
      const reply = await postForm(call, token);
      const offset = this.#transport.clockOffset ?? 0;
      const session = unwrap(await this.#signer.call('oauthFinish', pending, reply.status, reply.body, deviceNow(), offset));
      await this.#store.exclusively(() => this.#store.save(session));
      this.#announce('signedIn', session.session.username);
      this.#refresher.schedule(session);
      this.#emit('signInWithRedirect', session.session.username, undefined, customState);
      return customState === undefined ? { isSignedIn: true } : { isSignedIn: true, customState };
    } catch (error) {
      throw this.#redirectFailed(error, customState);
    }
  }

  /** The pending sign-in is over: forgotten, and the code or error taken out of the address bar. */
  #redirectDone() {
    this.#pendingRedirects.remove();
    cleanAddressBar();
  }

  #redirectFailed(error, customState) {
    this.#emit('signInWithRedirectFailure', undefined, error, customState);
    return error;
  }

  /** Signs the user out everywhere (GlobalSignOut), then clears the local session. */
  async globalSignOut(options) {
    const call = new Call(options, this.#timeoutMs);
    const session = await this.#refresher.valid(call);
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
    const session = await this.#refresher.valid(call);
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

  // --- passkeys (WebAuthn) -----------------------------------------------------------------------------

  /**
   * Adds a passkey to the signed-in user: StartWebAuthnRegistration, the browser creates it
   * (navigator.credentials.create, on this page), CompleteWebAuthnRegistration.
   */
  async associateWebAuthnCredential(options) {
    const call = new Call(options, this.#timeoutMs);
    const session = await this.#refresher.valid(call);
    const creationOptions = await this.#account(call, 'startWebAuthnRegistration', null, session);
    const credential = await call.wait(createPasskey(creationOptions, { signal: call.signal }));
    await this.#account(call, 'completeWebAuthnRegistration', { credential }, session);
  }

  /** The signed-in user's passkeys, a page at a time (ListWebAuthnCredentials). */
  listWebAuthnCredentials(input, options) {
    return this.#signedIn('listWebAuthnCredentials', input ?? {}, options);
  }

  /** Deletes one of the signed-in user's passkeys (DeleteWebAuthnCredential). */
  async deleteWebAuthnCredential(input, options) {
    await this.#signedIn('deleteWebAuthnCredential', input, options);
  }

  /**
   * The WEB_AUTHN challenge answered: the sign-in core cannot reach navigator.credentials (it may run in a
   * worker), so the page signs with a passkey for the core's options and the core sends the assertion. A
   * ceremony that fails (cancelled, no passkey) ends the sign-in: Cognito's challenge is single-use anyway.
   */
  async #passkeyAnswer(call, requestOptions) {
    let assertion;
    try {
      assertion = await call.wait(getPasskey(requestOptions, { mediation: call.mediation, signal: call.signal }));
    } catch (error) {
      this.#signer.dropSignIn();
      throw error;
    }
    const args = encode({ challengeResponse: JSON.stringify(assertion) }, 'passkey assertion');
    return unwrap(await this.#signer.call('confirmSignIn', args));
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
    return this.#account(call, op, input, await this.#refresher.valid(call));
  }

  /** A device operation; the device is this browser's unless the input names one. */
  async #device(op, input, options) {
    const call = new Call(options, this.#timeoutMs);
    const session = await this.#refresher.valid(call);
    const current = await this.#currentDeviceKey(session);
    const args = { device: input?.device, currentDeviceKey: current };
    const result = await this.#account(call, op, args, session);
    return { session, current, result };
  }

  async #account(call, op, input, session) {
    const args = encode(input, `${op} input`);
    const token = session?.session.accessToken ?? '';
    const request = unwrap(await this.#signer.call('account', op, args, token));
    const reply = await this.#transport.send(call, request);
    return unwrap(await this.#signer.call('accountResult', op, args, reply, session?.session.username ?? ''));
  }

  /** Sends the sign-in's requests until it finishes or needs the app. */
  async #drive(call, progress) {
    for (;;) {
      if (progress.send) {
        let reply;
        try {
          reply = await this.#transport.send(call, progress.send);
        } catch (error) {
          progress = unwrap(await this.#signer.call('signInFailed', progress.flow, errorJson(error)));
          continue;
        }
        const offset = this.#transport.clockOffset ?? 0;
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
        this.#refresher.schedule(session);
      }
      if (progress.output?.nextStep?.signInStep === PASSKEY_STEP) {
        progress = await this.#passkeyAnswer(call, progress.output.nextStep.credentialRequestOptions);
        continue;
      }
      return progress.output;
    }
  }

  // --- the session -------------------------------------------------------------------------------------

  /**
   * The stored session, if any. One that cannot be read (corrupted, or written by something else) means
   * signed out, announced with a signedOut event that carries the reason.
   */
  async #loadSession(underLock = false) {
    try {
      const session = await this.#store.load(this.#core, underLock);
      // Until a reply says otherwise, the drift measured when the tokens came is the best guess.
      if (this.#transport.clockOffset === undefined && session) this.#transport.clockOffset = -session.session.clockDrift;
      return session;
    } catch (error) {
      this.#emit('signedOut', undefined, fail('StoredSessionUnreadable', error.message));
      return null;
    }
  }

  /** Whether stored device secrets can be read back (the sign-in core reads them). */
  #deviceReadable = async (device) => unwrap(await this.#signer.call('deviceReadable', device));

  /** The key of this browser's device for the signed-in user, if Cognito tracks it. */
  async #currentDeviceKey(session) {
    if (session.deviceKey) return session.deviceKey;
    const device = await this.#store.loadDevice(this.#deviceReadable, session.session.username);
    return device ? JSON.parse(device).deviceKey : undefined;
  }

  /** Forgets `session`'s user locally (not another user's session) and tells the listeners (here and in the other tabs). */
  async #endSession(session) {
    const username = session.session.username;
    // A storage that fails to remove cannot be helped here; the sign-out is announced all the same.
    await this.#store.removeIf((now) => now?.username === username).catch(() => {});
    this.#refresher.cancel();
    this.#announce('signedOut', username);
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
      this.#refresher.rearm();
    } else if (message.event === 'signedOut' || message.event === 'sessionExpired') {
      this.#signer.dropSignIn();
      this.#refresher.cancel();
    }
  }
}

/** The `mediation` of a sign-in's call options, checked. */
function passkeyMediation(options) {
  const mediation = options?.mediation;
  if (mediation !== undefined && !MEDIATIONS.includes(mediation)) {
    throw invalid(`call options: mediation must be one of ${MEDIATIONS.join(', ')}`);
  }
  return mediation;
}
