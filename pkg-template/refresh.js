// Keeping the stored session fresh: a refresh when a caller needs valid tokens or asks for one (one at a time
// in this tab, one at a time across tabs under the session lock), and the proactive refresh: a timer shortly
// before the tokens are due, paused while the page is hidden. The refresh itself (token-refresh.js, and the
// refresh module of the wasm) is loaded when one is first due, so a page whose tokens are still good does not
// fetch it.
import { onFirstUse } from './on-first-use.js';
import { invoke, unauthenticated } from './outcome.js';
import { Call, deviceNow, timer } from './timers.js';
import { wasmProvider } from './wasm-provider.js';

// With the refresh module attached to this thread's instance, as the entry loads it (wasm-provider.js); both at
// once: one round trip, not two.
const tokenRefresh = onFirstUse(async () => (await Promise.all([import('./token-refresh.js'), wasmProvider().loadRefresh()]))[0]);

/** How much earlier than due the proactive refresh may run, at most: spreads many tabs' refreshes. */
const REFRESH_JITTER_MS = 5_000;
/** After a proactive refresh failed with something that may pass (offline, throttled), try again this late. */
const REFRESH_RETRY_MS = 30_000;

/** `document.visibilityState === 'hidden'`; never true in workers or Node. */
const pageIsHidden = () => globalThis.document?.visibilityState === 'hidden';

/** One client's refreshes and refresh timer. */
export class Refresher {
  /** The constructor's parts (token-refresh.js uses them too). */
  #parts;
  /** The refresh under way in this tab, which concurrent callers wait for instead of sending their own. */
  #refreshing = null;
  #timer;
  /** The timer came due while the page was hidden: refresh when it is shown. */
  #paused = false;

  /**
   * `core`: the session core (needsRefresh, refreshDueInMs; in token-refresh.js the refresh itself); `store`,
   * `transport`; `timeoutMs` of a refresh; `autoRefresh`: whether the proactive refresh runs;
   * `loadSession(underLock)`: the client's read of the stored session (null when none; an unreadable one is
   * announced as a sign-out); `announce`.
   */
  constructor(parts) {
    this.#parts = parts;
    if (parts.autoRefresh) {
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
    return invoke(this.#parts.core, 'needsRefresh', session.stored, deviceNow()) ? this.refresh(call, session, false) : session;
  }

  /** The stored session, or UserUnAuthenticatedException. `underLock`: the caller holds the session lock. */
  async stored(underLock = false) {
    const session = await this.#parts.loadSession(underLock);
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
      // The module is loaded before the lock is taken: the other tabs wait for the lock, not for the network.
      // One that cannot load (offline) fails the refresh as a request would: announced, the session kept.
      const refreshing = tokenRefresh()
        .then(
          (module) => this.#parts.store.exclusively(() => module.refreshUnderLock(this, this.#parts, before, requested)),
          (error) => {
            this.#parts.announce('tokenRefreshFailed', before.session.username, error);
            throw error;
          },
        )
        .finally(() => {
          this.#refreshing = null;
        });
      // Callers that gave up waiting must not leave the rejection unhandled.
      refreshing.catch(() => {});
      this.#refreshing = refreshing;
    }
    return this.#refreshing;
  }

  // --- the proactive refresh ---------------------------------------------------------------------------

  /** Arms the refresh of `session`: shortly before its tokens reach the refresh margin, or after `delayMs`. */
  schedule(session, delayMs) {
    if (!this.#parts.autoRefresh) return;
    if (delayMs === undefined) {
      const due = invoke(this.#parts.core, 'refreshDueInMs', session.stored, Date.now());
      delayMs = due - Math.random() * Math.min(REFRESH_JITTER_MS, due / 10);
    }
    clearTimeout(this.#timer);
    const self = new WeakRef(this);
    this.#timer = timer(() => self.deref()?.#refreshInBackground(session), delayMs);
  }

  async rearm() {
    const session = await this.#parts.loadSession();
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
      await this.refresh(new Call(undefined, this.#parts.timeoutMs), before, true);
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
    const session = await this.#parts.loadSession();
    if (!session) return;
    if (this.#paused || invoke(this.#parts.core, 'needsRefresh', session.stored, deviceNow())) {
      await this.#refreshInBackground(session);
    } else {
      this.schedule(session);
    }
  }
}
