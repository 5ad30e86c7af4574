// The demo page: sign in with cognito-wasm, show the ID token's claims, refresh, sign out.
// No framework, no build step, no inline script or style (the server sends a strict CSP).
import { CognitoClient } from './pkg/index.js';

const $ = (id) => document.getElementById(id);
const form = $('sign-in-form');
const statusEl = $('status');
const errorEl = $('error');
const sessionEl = $('session');
const buttons = [$('sign-in'), $('refresh'), $('sign-out')];

const TIME_CLAIMS = new Set(['exp', 'iat', 'auth_time', 'nbf']);

function showError(err) {
  const name = err && err.name ? err.name : 'Error';
  const message = err && err.message ? err.message : String(err);
  errorEl.textContent = `${name}: ${message}`;
  statusEl.textContent = '';
}

function clearMessages() {
  errorEl.textContent = '';
  statusEl.textContent = '';
}

async function busy(label, fn) {
  clearMessages();
  statusEl.textContent = label;
  buttons.forEach((b) => (b.disabled = true));
  try {
    return await fn();
  } catch (err) {
    showError(err);
    return undefined;
  } finally {
    buttons.forEach((b) => (b.disabled = false));
    if (statusEl.textContent === label) statusEl.textContent = '';
  }
}

function formatClaim(name, value) {
  if (TIME_CLAIMS.has(name) && typeof value === 'number') {
    return `${value} (${new Date(value * 1000).toISOString()})`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function showSession(session) {
  $('who').textContent = session.username;
  const expires = new Date(session.expiresAt);
  const time = $('expires');
  time.dateTime = expires.toISOString();
  time.textContent = expires.toLocaleString();

  const tbody = $('claims').tBodies[0];
  tbody.replaceChildren(
    ...Object.keys(session.idTokenClaims)
      .sort()
      .map((name) => {
        const tr = document.createElement('tr');
        const th = document.createElement('th');
        th.scope = 'row';
        th.textContent = name;
        const td = document.createElement('td');
        td.textContent = formatClaim(name, session.idTokenClaims[name]);
        td.dataset.claim = name;
        tr.append(th, td);
        return tr;
      }),
  );
  form.hidden = true;
  sessionEl.hidden = false;
}

function showSignedOut() {
  sessionEl.hidden = true;
  form.hidden = false;
  $('password').value = '';
  $('username').focus();
}

async function main() {
  const config = await (await fetch('config.json', { cache: 'no-store' })).json();
  $('pool-id').textContent = config.userPoolId;
  const client = new CognitoClient({
    userPoolId: config.userPoolId,
    clientId: config.clientId,
    endpoint: config.endpoint,
    storage: 'session',
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const username = $('username').value.trim();
    const password = $('password').value;
    busy('Signing in…', async () => {
      const started = performance.now();
      const result = await client.signIn({ username, password });
      if (!result.isSignedIn) {
        showError({
          name: result.nextStep.signInStep,
          message: `the pool asks for ${result.nextStep.challengeName}, which this demo does not handle`,
        });
        return;
      }
      const elapsed = Math.round(performance.now() - started);
      showSession(await client.getSession());
      statusEl.textContent = `Signed in (${elapsed} ms).`;
    });
  });

  $('refresh').addEventListener('click', () =>
    busy('Refreshing…', async () => {
      showSession(await client.refreshSession());
      statusEl.textContent = `Session refreshed at ${new Date().toLocaleTimeString()}.`;
    }),
  );

  $('sign-out').addEventListener('click', () =>
    busy('Signing out…', async () => {
      await client.signOut();
      showSignedOut();
      statusEl.textContent = 'Signed out.';
    }),
  );

  // Resume a session kept in sessionStorage (reload), else show the form.
  try {
    showSession(await client.getSession());
  } catch (err) {
    if (err && err.name !== 'UserUnAuthenticatedException') showError(err);
    showSignedOut();
  }
  document.body.dataset.ready = 'true';
}

main().catch((err) => {
  showError(err);
  form.hidden = false;
  document.body.dataset.ready = 'true';
});
