// A stand-in for the app the sign-in page redirects back to (same origin): it reads the session the page
// stored, with its own CognitoClient on the same pool, client and storage. No token ever was in a URL.
import { loadConfig } from './config.js';
import { CognitoClient } from './pkg/index.js';

const status = document.getElementById('app-status');
try {
  const config = await loadConfig();
  const client = new CognitoClient({ userPoolId: config.userPoolId, clientId: config.clientId, endpoint: config.endpoint, storage: config.storage });
  const session = await client.getSession();
  status.textContent = `The app sees ${session.username} signed in.`;
  status.dataset.username = session.username;
} catch (err) {
  status.textContent = err?.name === 'UserUnAuthenticatedException' ? 'Nobody is signed in.' : `${err.name}: ${err.message}`;
  document.getElementById('app-sign-in').hidden = false;
} finally {
  document.body.dataset.ready = 'true';
}
