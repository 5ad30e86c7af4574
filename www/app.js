// The demo page: sign in with cognito-wasm (answering any further step: codes, new password, MFA setup…),
// show the ID token's claims, refresh, sign out.
// No framework, no build step, no inline script or style (the server sends a strict CSP).
import { CognitoClient } from './pkg/index.js';

const $ = (id) => document.getElementById(id);
const form = $('sign-in-form');
const statusEl = $('status');
const errorEl = $('error');
const sessionEl = $('session');
const stepForm = $('step-form');
const buttons = [$('sign-in'), $('refresh'), $('sign-out'), $('step-submit')];

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

// What each sign-in step asks for: [heading, label, input type, autocomplete, extra information].
function describeStep(step) {
  const where = (d) => (d && d.destination ? ` sent to ${d.destination}` : '');
  switch (step.signInStep) {
    case 'CONFIRM_SIGN_IN_WITH_SMS_CODE':
      return ['Enter the SMS code', `Code${where(step.codeDeliveryDetails)}`, 'text', 'one-time-code', ''];
    case 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE':
      return ['Enter the e-mailed code', `Code${where(step.codeDeliveryDetails)}`, 'text', 'one-time-code', ''];
    case 'CONFIRM_SIGN_IN_WITH_TOTP_CODE':
      return ['Enter your authenticator code', 'Code from your authenticator app', 'text', 'one-time-code', ''];
    case 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION':
    case 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION':
      return ['Choose a second factor', `Type one of: ${step.allowedMFATypes.join(', ')}`, 'text', 'off', ''];
    case 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP':
      return ['Set up your authenticator app', 'Code from the app', 'text', 'one-time-code',
        `Add this key to your authenticator app: ${step.totpSetupDetails.sharedSecret}`];
    case 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP':
      return ['Set up e-mail codes', 'E-mail address for codes', 'email', 'email', ''];
    case 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED':
      return ['Choose a new password', 'New password', 'password', 'new-password',
        'Your administrator asks you to replace the temporary password.'];
    case 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE':
      return ['Answer the challenge', 'Answer', 'text', 'off', JSON.stringify(step.additionalInfo)];
    case 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION':
      return ['Choose how to sign in', `Type one of: ${step.availableChallenges.join(', ')}`, 'text', 'off', ''];
    case 'CONFIRM_SIGN_IN_WITH_PASSWORD':
      return ['Enter your password', 'Password', 'password', 'current-password', ''];
    default:
      return undefined;
  }
}

// Shows the next sign-in step, or reports one this page cannot handle.
function showStep(step) {
  const described = describeStep(step);
  if (!described) {
    const what = step.challengeName ? `the challenge ${step.challengeName}` : step.signInStep;
    showError({ name: step.signInStep, message: `${what} is not handled by this demo` });
    return;
  }
  const [heading, label, type, autocomplete, info] = described;
  $('step-heading').textContent = heading;
  $('step-label').textContent = label;
  $('step-info').textContent = info;
  const input = $('step-answer');
  input.type = type;
  input.autocomplete = autocomplete;
  input.value = '';
  form.hidden = true;
  stepForm.hidden = false;
  input.focus();
}

async function finishSignIn(result, client, started) {
  if (!result.isSignedIn) {
    showStep(result.nextStep);
    return;
  }
  const elapsed = Math.round(performance.now() - started);
  stepForm.hidden = true;
  showSession(await client.getSession());
  statusEl.textContent = `Signed in (${elapsed} ms).`;
}

function showSignedOut() {
  stepForm.hidden = true;
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
      await finishSignIn(await client.signIn({ username, password }), client, started);
    });
  });

  stepForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const challengeResponse = $('step-answer').value;
    busy('Checking…', async () => {
      const started = performance.now();
      await finishSignIn(await client.confirmSignIn({ challengeResponse }), client, started);
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
