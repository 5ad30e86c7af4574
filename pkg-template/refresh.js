// Keeping the stored session fresh: a refresh when a caller needs valid tokens or asks for one (one at a time
// in this tab, one at a time across tabs under the session lock, another tab's result taken when it won), and
// the proactive refresh: a timer shortly before the tokens are due, paused while the page is hidden.
import { unauthenticated, unwrap } from './outcome.js';
import { Call, deviceNow, timer } from './timers.js';

/** How much earlier than due the proactive refresh may run, at most: spreads many tabs' refreshes. */
const REFRESH_JITTER_MS = 5_000;
/** After a proactive refresh failed with something that may pass (offline, throttled), try again this late. */
const REFRESH_RETRY_MS = 30_000;
/** How long a write to localStorage may take to reach the other tabs' processes (a few ms in Chromium). */
const STORAGE_SETTLE_MS = 50;
const STORAGE_SETTLE_TRIES = 10;
/** Refusals of a refresh token: the session is over. */
const REFUSED = ['NotAuthorizedException', 'RefreshTokenReuseException', 'UserUnAuthenticatedException'];

/** `document.visibilityState === 'hidden'`; never true in workers or Node. */
const pageIsHidden = () => globalThis.document?.visibilityState === 'hidden';

/** One client's refreshes and refresh timer. */
export class Refresher {
  /** The session core: needsRefresh, stillNeeded, the refresh request and its reply, refreshDueInMs, supersedes. */
  #core;
  #store;
  #transport;
  #timeoutMs;
  #autoRefresh;
  /** The client's read of the stored session (null when none; an unreadable one is announced as a sign-out). */
  #loadSession;
  /** Fires an event here and in the other tabs. */
  #announce;
  /** The refresh under way in this tab, which concurrent callers wait for instead of sending their own. */
  #refreshing = null;
  #timer;
  /** The timer came due while the page was hidden: refresh when it is shown. */
  #paused = false;

  constructor({ core, store, transport, timeoutMs, autoRefresh, loadSession, announce }) {
    this.#core = core;
    this.#store = store;
    this.#transport = transport;
    this.#timeoutMs = timeoutMs;
    this.#autoRefresh = autoRefresh;
    this.#loadSession = loadSession;
    this.#announce = announce;
    if (autoRefresh) {
      this.#watchVisibility();
      // A session restored from storage gets its timer too, once the app could subscribe to events
      // (reading storage may report an unreadable session).
      queueMicrotask(() => this.rearm());
    }
  }

  /** Resolves when the refresh under way in this tab, if any, has ended (either way). */
  settled() {
    return this.#refreshing?.catch(() => {});
  }

  /** The session, refreshed first if its tokens expire within the refresh margin. */
  async valid(call) {
    const session = await this.stored();
    return unwrap(this.#core.needsRefresh(session.stored, deviceNow())) ? this.refresh(call, session, false) : session;
  }

  /** The stored session, or UserUnAuthenticatedException. `underLock`: the caller holds the session lock. */
  async stored(underLock = false) {
    const session = await this.#loadSession(underLock);
    if (!session) throw unauthenticated('no user is signed in');
    return session;
  }

  /**
   * Refreshes `before` (or takes the tokens another tab refreshed meanwhile). Concurrent callers in this tab
   * share one refresh; across tabs, one runs at a time under a Web Lock. This call can be aborted; the shared
   * refresh goes on for the others.
   */
  async refresh(call, before, requested) {
    await call.wait(this.#sharedRefresh(before, requested));
    return this.stored();
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
    const current = await this.stored(true);
    if (unwrap(this.#core.stillNeeded(requested, before.stored, current.stored, deviceNow()))) {
      await this.#refreshNow(new Call(undefined, this.#timeoutMs), current);
    }
  }

  /** Sends one refresh; a refresh token Cognito refuses ends the session, a transient failure keeps it. */
  async #refreshNow(call, current) {
    const username = current.session.username;
    const request = unwrap(this.#core.refreshRequest(current.stored));
    let refreshed;
    try {
      const reply = await this.#transport.send(call, request);
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
        this.cancel();
        this.#announce('sessionExpired', username, error);
      }
      throw error;
    }
    // Compare-and-set: a sign-out or another user's sign-in while the request was out wins.
    if (!(await this.#store.saveIf(current.stored, refreshed))) {
      throw unauthenticated('signed out while the refresh was under way');
    }
    this.#announce('tokenRefreshed', username);
    this.schedule(refreshed);
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
      if (unwrap(this.#core.supersedes(stored.stored, current.stored))) return stored;
      await new Promise((resolve) => timer(resolve, STORAGE_SETTLE_MS));
    }
    return null;
  }

  // --- the proactive refresh ---------------------------------------------------------------------------

  /** Arms the refresh of `session`: shortly before its tokens reach the refresh margin, or after `delayMs`. */
  schedule(session, delayMs) {
    if (!this.#autoRefresh) return;
    if (delayMs === undefined) {
      const due = unwrap(this.#core.refreshDueInMs(session.stored, Date.now()));
      delayMs = due - Math.random() * Math.min(REFRESH_JITTER_MS, due / 10);
    }
    clearTimeout(this.#timer);
    const self = new WeakRef(this);
    this.#timer = timer(() => self.deref()?.#refreshInBackground(session), delayMs);
  }

  async rearm() {
    const session = await this.#loadSession();
    if (session) this.schedule(session);
  }

  cancel() {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#paused = false;
  }

  /**
   * Waits while the page is hidden (browsers throttle hidden tabs' timers, and nobody needs the tokens there),
   * and tries again later after a failure that may pass.
   */
  async #refreshInBackground(before) {
    if (pageIsHidden()) {
      this.#paused = true;
      return;
    }
    this.#paused = false;
    try {
      await this.refresh(new Call(undefined, this.#timeoutMs), before, true);
    } catch (error) {
      if (error.retryable) this.schedule(before, REFRESH_RETRY_MS);
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
      const refresher = self.deref();
      if (!refresher) {
        document.removeEventListener('visibilitychange', onChange);
        return;
      }
      if (!pageIsHidden()) refresher.#shown();
    };
    document.addEventListener('visibilitychange', onChange);
  }

  async #shown() {
    const session = await this.#loadSession();
    if (!session) return;
    if (this.#paused || unwrap(this.#core.needsRefresh(session.stored, deviceNow()))) {
      await this.#refreshInBackground(session);
    } else {
      this.schedule(session);
    }
  }
}
