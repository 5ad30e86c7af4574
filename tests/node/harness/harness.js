// Loads the packed package into a page (or a worker, see worker.js) and keeps what the tests look at:
// `window.lib` (the package), `window.events` (every AuthEvent this page's client fired).
import * as lib from '/pkg/index.js';

window.lib = lib;
window.events = [];

/** Creates `window.client` with `config`, recording its events. */
window.makeClient = (config) => {
  window.client = new lib.CognitoClient(config);
  for (const name of ['signedIn', 'signedOut', 'tokenRefreshed', 'tokenRefreshFailed', 'sessionExpired']) {
    window.client.on(name, (event) => window.events.push(event));
  }
  return true;
};

/** Runs `fn`, resolving to { ok, value } or { ok: false, name, message } (errors do not cross evaluate well). */
window.attempt = async (fn) => {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, name: error.name, message: error.message, isCognitoError: error instanceof lib.CognitoError };
  }
};

document.body.dataset.ready = 'true';
