// Sending a core's requests to Cognito: fetch with a timeout and the caller's AbortSignal, retries of failures
// that may pass (the core decides how long to wait), replies read up to a size limit, and the server's clock
// from each reply's Date header.
import { clockOffset } from './cognito_wasm_session.js';
import { fail, messageOf, unwrap } from './outcome.js';

/** The largest reply read from Cognito (its replies are a few kB): a bigger one is cut off unread. */
export const MAX_REPLY_BYTES = 1 << 20;

/**
 * A reply's body as text, read no further than MAX_REPLY_BYTES. A failure to read is a NetworkError (it may
 * pass); a body that is too big is an InvalidResponseException (it will not).
 */
export async function replyText(response) {
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
        const delay = unwrap(this.#core.retryDelay(attempt, String(error.name), error.retryable === true, Math.random()));
        if (delay === null) throw error;
        await call.sleep(delay);
      }
    }
  }

  /** One attempt. Aborting or timing out cancels the fetch itself, body included. */
  #sendOnce(call, request) {
    return call.cancellable(async (signal) => {
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
          signal,
          // A redirect would carry the password's proof or the refresh token to wherever it points.
          redirect: 'error',
        });
      } catch (cause) {
        throw fail('NetworkError', `request to Cognito failed: ${messageOf(cause)}`, true);
      }
      const text = await replyText(response);
      // Throws the reply's error; a success is null.
      unwrap(this.#core.replyError(response.status, text, response.headers.get('x-amzn-ErrorType') ?? undefined));
      const date = Date.parse(response.headers.get('Date') ?? '');
      if (Number.isFinite(date)) this.clockOffset = unwrap(clockOffset(Date.now(), date)) ?? this.clockOffset;
      return text;
    });
  }
}
