// Handing the signed-in session back to the app, in one of two ways (README "Hosted sign-in page"):
//
// - Redirect: ?redirect_uri=… must resolve to a URL on this page's origin that is on allowedRedirectUris
//   (exact match; relative entries are resolved against the origin's root, not the page, so the list means
//   the same wherever the page is served). The tokens stay in this origin's storage, where the app
//   reads them with its own CognitoClient; nothing travels in the URL. Anything else is refused, visibly.
// - Embedded (iframe or popup): the parent sends {type: 'cognito-wasm:hello'}; if its origin is on
//   allowedParentOrigins (and it is our parent or opener), the page answers {type: 'cognito-wasm:ready'} to
//   that origin, then {type: 'cognito-wasm:signed-in', username, idToken, accessToken, expiresAt} once
//   signed in (at once if already signed in), and {type: 'cognito-wasm:signed-out'} after a sign-out.
//   The refresh token never leaves this page; a parent that needs fresh tokens says hello again.
//   Messages from any other origin or window are ignored (counted in <html data-ignored-messages>).
//
// This module is loaded by its own <script> before the package, so a hello sent at the frame's load event
// is not missed while the .wasm compiles; it is queued until the allow-list is known.

const PREFIX = 'cognito-wasm:';
const embedder = window.parent !== window ? window.parent : window.opener;
const queued = [];
let allowedOrigins = null;
let parentOrigin = null;
let onConnect = () => {};

function ignore() {
  const root = document.documentElement;
  root.dataset.ignoredMessages = String(Number(root.dataset.ignoredMessages || 0) + 1);
}

function handle(event) {
  if (!allowedOrigins) {
    queued.push(event);
    return;
  }
  const fromParent = embedder && event.source === embedder;
  if (!fromParent || !allowedOrigins.includes(event.origin) || event.data?.type !== `${PREFIX}hello`) {
    ignore();
    return;
  }
  parentOrigin = event.origin;
  embedder.postMessage({ type: `${PREFIX}ready` }, parentOrigin);
  onConnect();
}

window.addEventListener('message', handle);

export const embedded = Boolean(embedder);
export const isPopup = Boolean(window.opener) && window.parent === window;

/** Starts answering parents once the allow-list is known; `connected` runs on each accepted hello. */
export function acceptParents(origins, connected) {
  allowedOrigins = origins.map((o) => o.replace(/\/$/, ''));
  onConnect = connected;
  queued.splice(0).forEach(handle);
}

export const hasParent = () => parentOrigin !== null;

function post(message) {
  if (parentOrigin) embedder.postMessage(message, parentOrigin);
}

export function postSignedIn(session) {
  const { username, idToken, accessToken, expiresAt } = session;
  post({ type: `${PREFIX}signed-in`, username, idToken, accessToken, expiresAt });
}

export const postSignedOut = () => post({ type: `${PREFIX}signed-out` });

/**
 * The redirect asked for in the page's URL: null when none, { url } when allowed, { refused } otherwise.
 */
export function redirectTarget(allowedUris, href = location.href) {
  const raw = new URL(href).searchParams.get('redirect_uri');
  if (raw === null) return null;
  let url;
  try {
    url = new URL(raw, href);
  } catch {
    return { refused: raw };
  }
  const here = new URL(href).origin;
  const root = `${here}/`;
  const allowed = allowedUris.some((entry) => {
    try {
      const resolved = new URL(entry, root);
      return resolved.origin === here && resolved.href === url.href;
    } catch {
      return false;
    }
  });
  return allowed && url.origin === here ? { url: url.href } : { refused: raw };
}

/**
 * A refused redirect_uri as the notice may show it: the origin and path, at most 60 characters (just the
 * scheme for anything but http(s)). The query, fragment and any length of text an attacker put in the link
 * are never repeated on this trusted page.
 */
export function shortAddress(raw, href = location.href) {
  let url;
  try {
    url = new URL(raw, href);
  } catch {
    return 'an address that is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `a ${url.protocol} address`;
  const text = url.origin + url.pathname;
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
