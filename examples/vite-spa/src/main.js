// The smallest app that uses the package the way a bundled SPA does: imported by name, bundled by Vite
// (which emits the .wasm as an asset), configured at build time through VITE_* environment variables.
import { CognitoClient } from 'cognito-wasm';

const client = new CognitoClient({
  userPoolId: import.meta.env.VITE_COGNITO_USER_POOL_ID,
  clientId: import.meta.env.VITE_COGNITO_CLIENT_ID,
  // Unset in production: the package then talks to Cognito itself. Set to an emulator for development.
  ...(import.meta.env.VITE_COGNITO_ENDPOINT ? { endpoint: import.meta.env.VITE_COGNITO_ENDPOINT } : {}),
});

const form = document.getElementById('sign-in');
const status = document.getElementById('status');
const signOut = document.getElementById('sign-out');

function show(session) {
  form.hidden = Boolean(session);
  signOut.hidden = !session;
  status.dataset.username = session?.username ?? '';
  status.textContent = session ? `Signed in as ${session.username} (${session.idTokenClaims.email ?? 'no e-mail'}).` : 'Signed out.';
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  status.textContent = 'Signing in…';
  try {
    const result = await client.signIn({ username: form.username.value, password: form.password.value });
    if (!result.isSignedIn) throw new Error(`this example does not handle ${result.nextStep.signInStep}`);
    show(await client.getSession());
  } catch (err) {
    status.textContent = `${err.name}: ${err.message}`;
  }
});

signOut.addEventListener('click', async () => {
  await client.signOut();
  show(null);
});

client.getSession().then(show, () => show(null)).finally(() => {
  document.body.dataset.ready = 'true';
});
