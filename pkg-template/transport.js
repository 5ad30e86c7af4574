// Sending a core's requests to Cognito: retries of failures that may pass (the core decides how long to
// wait), Cognito's errors read by the core, and the server's clock from each reply's Date header. The
// exchange itself (fetch with a timeout and the caller's AbortSignal, the reply read up to a size limit) is
// exchange.js, imported with the first request.
import { onFirstUse } from './on-first-use.js';
import { invoke } from './outcome.js';

const exchange = onFirstUse(() => import('./exchange.js'));

/** One client's way to Cognito's endpoint. */
export class Transport {
  /** The session core (retryDelay, replyError). */
  #core;
  #endpoint;

  constructor(core, endpoint) {
    this.#core = core;
    this.#endpoint = endpoint;
    /** Server time minus device time (seconds), from the Date of the latest reply; undefined before one. */
    this.clockOffset = undefined;
  }

  /** Sends a request (`{target, body}`), retrying failures that may pass; resolves with the reply's text. */
  async send(call, request) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#sendOnce(call, request);
      } catch (error) {
        const delay = invoke(this.#core, 'retryDelay', attempt, error.retryable === true, Math.floor(Math.random() * 1e6));
        if (delay === null) throw error;
        await call.sleep(delay);
      }
    }
  }

  /** One attempt. Aborting or timing out cancels the fetch itself, body included. */
  async #sendOnce(call, request) {
    const { post } = await exchange();
    const headers = { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': request.target, 'Cache-Control': 'no-store' };
    const reply = await post(call, this.#endpoint, headers, request.body, 'Cognito');
    // Throws the reply's error; a success is null.
    invoke(this.#core, 'replyError', reply.status, reply.text, reply.headers.get('x-amzn-ErrorType'));
    const date = Date.parse(reply.headers.get('Date') ?? '');
    if (Number.isFinite(date)) this.clockOffset = invoke(this.#core, 'clockOffset', Date.now(), date) ?? this.clockOffset;
    return reply.text;
  }
}
