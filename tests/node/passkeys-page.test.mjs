// The hosted page's passkeys end to end, in headless Chromium with its virtual authenticator, against the
// emulator, under the page's strict CSP: signed in with a password, "Add a passkey" registers one and the
// list shows it; "Sign in with a passkey" signs in with it (one InitiateAuth, one RespondToAuthChallenge);
// the remembered name's passkey is offered by autofill (mediation 'conditional') on the sign-in screen;
// Delete removes it, after which it is not offered. Every screen is checked with axe-core and
// photographed into target/screenshots/page-passkey-*.png.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fixture } from './fixture.mjs';
import { screen, startPageHarness, watch } from './page-harness.mjs';
import { authenticatorPage, callCounts, clearCalls, passkeyPool } from './passkeys-harness.mjs';

const h = fixture(startPageHarness);

/** Records the `mediation` of every navigator.credentials.get in `window.mediations`. */
const RECORD_MEDIATION = `
  window.mediations = [];
  const get = navigator.credentials.get.bind(navigator.credentials);
  navigator.credentials.get = (options) => { window.mediations.push(options.mediation ?? null); return get(options); };
`;

const shot = (page, name) => h.shot(page, `passkey-${name}`);
const button = (page, name) => page.getByRole('button', { name, exact: true });

async function signedInAs(page, username) {
  await screen(page, 'signed-in');
  assert.equal(await page.locator('#screen-heading').textContent(), `Signed in as ${username}`);
}

/** The names shown in the passkey list, once it has loaded. */
async function listed(page) {
  await page.locator('#passkeys li:not(:has-text("Loading"))').first().waitFor();
  return page.locator('#passkeys .passkey-name').allTextContents();
}

test('hosted page: add a passkey, list it, sign in with the button and by autofill, delete it', async () => {
  const user = await passkeyPool(h.emulator.endpoint, { name: 'page-passkeys' });
  h.setConfig({
    userPoolId: user.poolId,
    clientId: user.clientId,
    authFlow: 'USER_PASSWORD_AUTH',
    passkeys: true,
  });
  const url = `${h.server.url.replace('127.0.0.1', 'localhost')}/`;
  const { tab: page, cdp, authenticatorId, close } = await authenticatorPage(h.browser, url, {
    initScript: RECORD_MEDIATION,
    ready: () => document.body.dataset.ready === 'true',
  });
  const problems = watch(page);
  try {
    await screen(page, 'sign-in');
    assert.equal(await page.getByLabel('Username', { exact: true }).getAttribute('autocomplete'), 'username webauthn');
    // Without a name there is nothing to ask Cognito for.
    await button(page, 'Sign in with a passkey').click();
    await page.locator('#error').filter({ hasText: 'Enter your username first' }).waitFor();
    assert.equal(await page.getByLabel('Username', { exact: true }).getAttribute('aria-invalid'), 'true');
    await shot(page, 'sign-in-no-name');

    await page.getByLabel('Username', { exact: true }).fill(user.username);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await button(page, 'Sign in').click();
    await signedInAs(page, user.username);
    assert.deepEqual(await listed(page), []);
    assert.equal(await page.locator('#passkeys').textContent(), 'No passkeys yet.');
    await shot(page, 'signed-in-none');

    await button(page, 'Add a passkey').click();
    await page.locator('#status').filter({ hasText: 'Passkey added' }).waitFor();
    const names = await listed(page);
    assert.equal(names.length, 1, JSON.stringify(names));
    // Cognito's FriendlyCredentialName, else the page's "Passkey 1".
    const [name] = names;
    const { credentials: held } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(held.length, 1);
    const credentialId = Buffer.from(held[0].credentialId, 'base64').toString('base64url');
    assert.equal(await page.locator('#passkeys button').getAttribute('data-credential-id'), credentialId);
    await screen(page, 'signed-in');
    await shot(page, 'signed-in-added');

    // The button: the name typed, the browser's passkey, exactly two requests.
    await page.evaluate(() => localStorage.removeItem('cognito-wasm-page.username'));
    await button(page, 'Sign out').click();
    await screen(page, 'sign-in');
    await clearCalls(h.emulator.url);
    await page.getByLabel('Username', { exact: true }).fill(user.username);
    await button(page, 'Sign in with a passkey').click();
    await signedInAs(page, user.username);
    assert.deepEqual(await callCounts(h.emulator.url), {
      InitiateAuth: 1,
      'InitiateAuth:USER_AUTH': 1,
      RespondToAuthChallenge: 1,
      'RespondToAuthChallenge:WEB_AUTHN': 1,
      ListWebAuthnCredentials: 1,
    });
    assert.deepEqual(await page.evaluate(() => window.mediations), [null]);

    // Autofill: the name is remembered now; the sign-in screen asks for the passkey with mediation
    // 'conditional' (Chromium's virtual authenticator answers such a request itself, without a UI).
    // The click returns while the signed-in screen is still up: wait for the autofill request that the
    // sign-in screen makes, or the old screen would pass for the new one.
    await button(page, 'Sign out').click();
    await page.waitForFunction(() => window.mediations.length === 2);
    await signedInAs(page, user.username);
    assert.deepEqual(await page.evaluate(() => window.mediations), [null, 'conditional']);

    // Deleted: gone from the list, and no longer offered, by autofill or by the button.
    await page.getByRole('button', { name: `Delete ${name}` }).click();
    await page.locator('#status').filter({ hasText: `${name} is deleted.` }).waitFor();
    assert.deepEqual(await listed(page), []);
    await screen(page, 'signed-in');
    await shot(page, 'signed-in-deleted');
    await button(page, 'Sign out').click();
    await screen(page, 'sign-in');
    await page.waitForFunction(() => window.mediations.length === 2 && document.getElementById('status').textContent === 'You are signed out.');
    assert.equal(await page.getByLabel('Username', { exact: true }).inputValue(), user.username);
    await button(page, 'Sign in with a passkey').click();
    await page.locator('#error').filter({ hasText: 'This account has no passkey' }).waitFor();
    await screen(page, 'sign-in');
    await shot(page, 'sign-in-no-passkey');
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
  } finally {
    await close();
  }
});
