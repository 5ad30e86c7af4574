// The effects of signInWithRedirect (the sign-in core decides everything else): the pending redirect kept in
// sessionStorage while the browser is at the user-pool domain, the page's address, and the token request.
import { fail, messageOf } from './outcome.js';
import { memory, webStorage } from './store.js';
import { replyText } from './transport.js';

/** The page's address and origin ('' outside a browser page). */
export const pageUrl = () => globalThis.location?.href ?? '';
export const pageOrigin = () => globalThis.location?.origin ?? '';

/** The query parameters the domain sends back: taken out of the address bar once read. */
const CALLBACK_PARAMS = ['code', 'state', 'error', 'error_description', 'error_uri'];

/** Takes the code (or error) and the state out of the address bar, so that neither a reload nor a bookmark keeps them. */
export function cleanAddressBar() {
  const history = globalThis.history;
  if (!history?.replaceState || !globalThis.location) return;
  const url = new URL(globalThis.location.href);
  for (const name of CALLBACK_PARAMS) url.searchParams.delete(name);
  history.replaceState(history.state, '', url.href);
}

/**
 * The pending redirect of this tab: the text the sign-in core made (state, nonce, PKCE verifier, custom
 * state, redirect URI), in sessionStorage — this tab only, and gone with it — and in memory where there is none.
 */
export class PendingRedirects {
  #key;
  /** Where the sign-in's tab keeps it: sessionStorage, or memory where the page may not use one. */
  #backend = webStorage('sessionStorage', false) ?? memory();

  constructor(namespace) {
    this.#key = `${namespace}.oauth.pending`;
  }

  read() {
    return this.#backend.get(this.#key);
  }

  keep(pending) {
    this.#backend.set(this.#key, pending);
  }

  remove() {
    this.#backend.remove(this.#key);
  }
}

/**
 * POSTs the token request (`{url, body}`, a form) to the domain's /oauth2/token as a public client; resolves
 * with `{status, body}`, whatever the status (the core reads the error). Not retried: a code is used once.
 */
export function postForm(call, request) {
  return call.cancellable(async (signal) => {
    let response;
    try {
      response = await fetch(request.url, {
        method: 'POST',
        mode: 'cors',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: request.body,
        signal,
        credentials: 'omit',
        // A redirect would carry the code and its verifier to wherever it points.
        redirect: 'error',
      });
    } catch (cause) {
      throw fail('NetworkError', `request to the token endpoint failed: ${messageOf(cause)}`, true);
    }
    return { status: response.status, body: await replyText(response) };
  });
}
