// Sending a core's requests to Cognito: retries of failures that may pass (the core decides how long to
// wait). Each attempt (the request, Cognito's errors read by the core, the server's clock from the reply's
// Date header) is exchange.js's, imported with the first request: a page that sends none (a returning
// user's, tokens still good) does not fetch it.
import { onFirstUse } from './on-first-use.js';
import { invoke } from './outcome.js';

const exchange = onFirstUse(() => import('./exchange.js'));

/** One client's way to Cognito's endpoint. */
export class Transport {
  constructor(core, endpoint) {
    /** The session core (retryDelay; replyError and clockOffset in exchange.js). */
    this.core = core;
    this.endpoint = endpoint;
    /** Server time minus device time (seconds), from the Date of the latest reply; undefined before one. */
    this.clockOffset = undefined;
  }

  /**
   * Sends a request (`{target, body}`), retrying failures that may pass (a module that could not load among
   * them); resolves with the reply's text.
   */
  async send(call, request) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await (await exchange()).sendOnce(this, call, request);
      } catch (error) {
        const delay = invoke(this.core, 'retryDelay', attempt, error.retryable === true, Math.floor(Math.random() * 1e6));
        if (delay === null) throw error;
        await call.sleep(delay);
      }
    }
  }
}
