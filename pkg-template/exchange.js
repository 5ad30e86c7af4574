// One exchange with a server, for transport.js (Cognito's API) and redirect.js (the domain's token endpoint):
// a POST cancelled by the call's AbortSignal or timeout, body included, its reply read up to a size limit.
// Imported with the first request, so a page that sends none (a returning user's, tokens still good) does
// not fetch it.
import { aborted, fail, invoke, messageOf } from './outcome.js';
import { timer } from './timers.js';

/** The largest reply read (Cognito's replies are a few kB): a bigger one is cut off unread. */
export const MAX_REPLY_BYTES = 1 << 20;

/**
 * One attempt of `transport` (transport.js) at `request` (`{target, body}`): Cognito's error in the reply thrown
 * (the session core reads it), the server's clock taken from its Date header. Resolves with the reply's text.
 */
export async function sendOnce(transport, call, request) {
  const { core } = transport;
  const headers = { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': request.target, 'Cache-Control': 'no-store' };
  const reply = await post(call, transport.endpoint, headers, request.body, 'Cognito');
  // Throws the reply's error; a success is null.
  invoke(core, 'replyError', reply.status, reply.text, reply.headers.get('x-amzn-ErrorType'));
  const date = Date.parse(reply.headers.get('Date') ?? '');
  if (Number.isFinite(date)) transport.clockOffset = invoke(core, 'clockOffset', Date.now(), date) ?? transport.clockOffset;
  return reply.text;
}

/**
 * POSTs `body` to `url` with `headers` (and the fetch options `extra`), never following a redirect: one would
 * carry the password's proof, the refresh token or the code's verifier to wherever it points. Resolves with
 * `{status, headers, text}` whatever the status; a failure to connect is a NetworkError naming `server`.
 */
export function post(call, url, headers, body, server, extra) {
  return cancellable(call, async (signal) => {
    let response;
    try {
      response = await fetch(url, { method: 'POST', mode: 'cors', headers, body, signal, redirect: 'error', ...extra });
    } catch (cause) {
      throw fail('NetworkError', `request to ${server} failed: ${messageOf(cause)}`, true);
    }
    return { status: response.status, headers: response.headers, text: await replyText(response) };
  });
}

/**
 * Runs `request(signal)` (a fetch and the reading of its reply) so that aborting the call or its timeout
 * cancels it: rejects with AbortError or TimeoutError then; resolves or rejects as `request` does otherwise.
 */
async function cancellable(call, request) {
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
    return await request(controller.signal);
  } catch (error) {
    if (call.signal?.aborted) throw aborted();
    if (timedOut) throw fail('TimeoutError', `no reply within ${call.timeoutMs} ms`, true);
    throw error;
  } finally {
    clearTimeout(timeout);
    call.signal?.removeEventListener('abort', onAbort);
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
