// The SPA of tests/node/oauth-spa.test.mjs: the package imported by name and bundled by Vite, configured at
// run time from /config.json (the test's server writes it: the emulator's port is known only then). It
// records the client's events and the redirect's outcome for the test to read.
import { CognitoClient } from 'cognito-wasm';

const config = await (await fetch('/config.json')).json();
const client = new CognitoClient(config);
const events = [];
for (const name of ['signedIn', 'signedOut', 'tokenRefreshed', 'signInWithRedirect', 'signInWithRedirectFailure']) {
  client.on(name, (event) => events.push(event));
}
const status = document.getElementById('status');

window.app = {
  CognitoClient,
  config,
  client,
  events,
  // Started by the client on construction; handleRedirect() returns the same work.
  redirect: client.handleRedirect().then(
    (result) => ({ result: result ?? null }),
    (error) => ({ error: { name: error.name, message: error.message } }),
  ),
};

window.app.redirect.then(async () => {
  const session = await client.getSession().catch(() => null);
  status.textContent = session ? `Signed in as ${session.username}.` : 'Signed out.';
  status.dataset.ready = 'true';
});
