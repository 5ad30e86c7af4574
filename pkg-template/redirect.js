// signInWithRedirect's effects (the sign-in core decides everything else): going to the user-pool domain,
// completing the sign-in on the page it sends the browser back to (the token request, the session stored,
// the address bar cleaned), and the domain's sign-out URL. Loaded by the client on first use (see
// on-first-use.js): when a redirect is begun, pending on construction (PendingRedirects, store.js) or asked
// for, or a sign-out ends the domain's session too.
import { onFirstUse } from './on-first-use.js';
import { encode, invalid, unwrap } from './outcome.js';
import { Call, deviceNow } from './timers.js';

/**
 * The POST itself (exchange.js), imported as transport.js does: a static import would put exchange.js's code
 * in a chunk shared with this module, an extra file for the pages that refresh or sign out (scripts/bundle-pkg.mjs).
 */
const exchange = onFirstUse(() => import('./exchange.js'));

/** The page's address and origin ('' outside a browser page). */
const pageUrl = () => globalThis.location?.href ?? '';
const pageOrigin = () => globalThis.location?.origin ?? '';

/** The query parameters the domain sends back: taken out of the address bar once read. */
const CALLBACK_PARAMS = ['code', 'state', 'error', 'error_description', 'error_uri'];

/**
 * Goes to the user-pool domain's managed login (or straight to an identity provider); the pending sign-in is
 * kept in this tab until the browser comes back. `parts`: the client's, see client.js.
 */
export async function signInWithRedirect(parts, input, options) {
  new Call(options, parts.timeoutMs);
  if (!globalThis.location) throw invalid('signInWithRedirect needs a browser page');
  const args = encode(input ?? {}, 'signInWithRedirect input');
  const { url, pending } = unwrap(await parts.signer.call('oauthBegin', args, pageOrigin()));
  parts.pendingRedirects.keep(pending);
  globalThis.location.assign(url);
}

/**
 * Completes the pending sign-in on the page the domain sent the browser back to: resolves with
 * `{isSignedIn, customState}`, or undefined when this page is not a redirect back to it.
 */
export async function completeRedirect(parts, options) {
  const call = new Call(options, parts.timeoutMs);
  const pending = parts.pendingRedirects.read();
  if (pending === null) return undefined;
  const url = pageUrl();
  let customState;
  let token;
  try {
    customState = unwrap(await parts.signer.call('oauthCustomState', pending)) ?? undefined;
    token = unwrap(await parts.signer.call('oauthCallback', url, pending));
    if (token === null) return undefined;
  } catch (error) {
    redirectDone(parts);
    throw redirectFailed(parts, error, customState);
  }
  // Used once: the code and the verifier are gone before the exchange, so a reload cannot replay them.
  redirectDone(parts);
  try {
    const reply = await postForm(call, token);
    const offset = parts.transport.clockOffset ?? 0;
    const session = unwrap(await parts.signer.call('oauthFinish', pending, reply.status, reply.body, deviceNow(), offset));
    await parts.store.exclusively(() => parts.store.save(session));
    parts.announce('signedIn', session.session.username);
    parts.refresher.schedule(session);
    parts.emit('signInWithRedirect', session.session.username, undefined, customState);
    return customState === undefined ? { isSignedIn: true } : { isSignedIn: true, customState };
  } catch (error) {
    throw redirectFailed(parts, error, customState);
  }
}

/** The URL of the domain's /logout that ends its session and comes back to `oauth.redirectSignOut`. */
export async function signOutUrl(parts) {
  return unwrap(await parts.signer.call('oauthSignOutUrl', pageOrigin()));
}

/** The pending sign-in is over: forgotten, and the code or error taken out of the address bar. */
function redirectDone(parts) {
  parts.pendingRedirects.remove();
  cleanAddressBar();
}

function redirectFailed(parts, error, customState) {
  parts.emit('signInWithRedirectFailure', undefined, error, customState);
  return error;
}

/** Takes the code (or error) and the state out of the address bar, so that neither a reload nor a bookmark keeps them. */
function cleanAddressBar() {
  const history = globalThis.history;
  if (!history?.replaceState || !globalThis.location) return;
  const url = new URL(globalThis.location.href);
  for (const name of CALLBACK_PARAMS) url.searchParams.delete(name);
  history.replaceState(history.state, '', url.href);
}

/**
 * POSTs the token request (`{url, body}`, a form) to the domain's /oauth2/token as a public client (no
 * cookies); resolves with `{status, body}`, whatever the status (the core reads the error). Not retried: a
 * code is used once.
 */
async function postForm(call, request) {
  const { post } = await exchange();
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const reply = await post(call, request.url, headers, request.body, 'the token endpoint', { credentials: 'omit' });
  return { status: reply.status, body: reply.text };
}
