// Time for the client: device time, timers that never keep Node alive, and what may cut one call short
// (the caller's AbortSignal, each request's timeout; exchange.js applies both to a request).
import { aborted, invalid } from './outcome.js';

/** Device time, Unix seconds. */
export const deviceNow = () => Math.floor(Date.now() / 1000);

/** A setTimeout that never keeps Node alive. */
export function timer(callback, ms) {
  const handle = setTimeout(callback, Math.min(Math.max(ms, 0), 2 ** 31 - 1));
  handle?.unref?.();
  return handle;
}

/** What may cut one call short: the caller's AbortSignal, and the timeout of each request. */
export class Call {
  constructor(options, defaultTimeoutMs) {
    if (options != null && typeof options !== 'object') throw invalid('call options: expected an object');
    const { signal, timeoutMs } = options ?? {};
    if (signal != null && !(signal instanceof AbortSignal)) {
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
