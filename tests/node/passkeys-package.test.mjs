// Passkeys through the package's API in headless Chromium, against the emulator: associateWebAuthnCredential,
// listWebAuthnCredentials, deleteWebAuthnCredential, and signIn with USER_AUTH's WEB_AUTHN (preferred, chosen
// at the first-factor selection, or offered in autofill), with Chromium's virtual authenticator doing the
// ceremonies. The sign-in core runs in the sign-in worker: the assertion is made on the page by client.js.
// The harness page (tests/node/harness/) is browsed as http://localhost:PORT, the pools' relying party.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fixture, startHarnessInChromium } from './fixture.mjs';
import { authenticatorPage, callCounts, clearCalls, passkeyPool } from './passkeys-harness.mjs';

const fx = fixture(startHarnessInChromium);

/** A harness page on localhost with a virtual authenticator and `window.client` for `user`'s pool. */
async function clientPage(user, options = {}) {
  const url = `${fx.site.url.replace('127.0.0.1', 'localhost')}/`;
  const opened = await authenticatorPage(fx.browser, url, { ...options, ready: () => document.body.dataset.ready === 'true' });
  await opened.tab.evaluate(
    (config) => window.makeClient(config),
    { userPoolId: user.poolId, clientId: user.clientId, endpoint: fx.emulator.endpoint, storage: 'memory' },
  );
  return opened;
}

/** Runs `client.<method>(...args)` in the page: `{ok, value}` (no value for void) or `{ok: false, name, message}`. */
const run = async (tab, method, ...args) =>
  JSON.parse(JSON.stringify(await tab.evaluate(({ method, args }) => window.attempt(() => window.client[method](...args)), { method, args })));

const passwordSignIn = (tab, user) =>
  run(tab, 'signIn', { username: user.username, password: user.password, authFlowType: 'USER_PASSWORD_AUTH' });

const passkeySignIn = (tab, user, options) =>
  run(tab, 'signIn', { username: user.username, authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' }, options);

/** The virtual authenticator's credential ids, base64url. */
async function heldCredentials(cdp, authenticatorId) {
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  return credentials.map((c) => Buffer.from(c.credentialId, 'base64').toString('base64url'));
}

test('associateWebAuthnCredential registers the authenticator\'s passkey; listWebAuthnCredentials pages through them', async () => {
  const user = await passkeyPool(fx.emulator.endpoint, { name: 'pk-register' });
  const { tab, cdp, authenticatorId, addAuthenticator, close } = await clientPage(user);
  try {
    assert.deepEqual(await passwordSignIn(tab, user), { ok: true, value: { isSignedIn: true, nextStep: { signInStep: 'DONE' } } });
    assert.deepEqual(await run(tab, 'listWebAuthnCredentials'), { ok: true, value: { credentials: [] } });
    await clearCalls(fx.emulator.url);
    assert.deepEqual(await run(tab, 'associateWebAuthnCredential'), { ok: true });
    assert.deepEqual(await callCounts(fx.emulator.url), { StartWebAuthnRegistration: 1, CompleteWebAuthnRegistration: 1 });
    const [first] = await heldCredentials(cdp, authenticatorId);
    const listed = await run(tab, 'listWebAuthnCredentials', {});
    assert.equal(listed.ok, true, JSON.stringify(listed));
    assert.equal(listed.value.nextToken, undefined);
    assert.equal(listed.value.credentials.length, 1);
    const [credential] = listed.value.credentials;
    assert.equal(credential.credentialId, first);
    assert.equal(credential.relyingPartyId, 'localhost');
    assert.equal(credential.authenticatorAttachment, 'platform');
    assert.deepEqual(credential.authenticatorTransports, ['internal']);
    assert.ok(Math.abs(credential.createdAt - Date.now()) < 60_000, `createdAt in epoch ms: ${credential.createdAt}`);
    assert.ok('friendlyCredentialName' in credential);

    // The same authenticator again: the browser refuses (excludeCredentials), a typed error.
    const again = await run(tab, 'associateWebAuthnCredential');
    assert.equal(again.name, 'PasskeyAlreadyRegistered', JSON.stringify(again));

    // A second authenticator (the first taken away, so the browser uses the new one): two passkeys, paged.
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    const second = await addAuthenticator();
    assert.deepEqual(await run(tab, 'associateWebAuthnCredential'), { ok: true });
    const [secondId] = await heldCredentials(cdp, second);
    const page1 = await run(tab, 'listWebAuthnCredentials', { pageSize: 1 });
    assert.equal(page1.value.credentials.length, 1, JSON.stringify(page1));
    assert.ok(page1.value.nextToken, 'a next page');
    const page2 = await run(tab, 'listWebAuthnCredentials', { pageSize: 1, nextToken: page1.value.nextToken });
    assert.equal(page2.value.credentials.length, 1, JSON.stringify(page2));
    assert.deepEqual(
      [page1.value.credentials[0].credentialId, page2.value.credentials[0].credentialId].sort(),
      [first, secondId].sort(),
    );
    const tooMany = await run(tab, 'listWebAuthnCredentials', { pageSize: 21 });
    assert.equal(tooMany.name, 'InvalidParameterException', JSON.stringify(tooMany));
  } finally {
    await close();
  }
});

test('signIn preferring WEB_AUTHN: one InitiateAuth, one RespondToAuthChallenge, signed in; after deleteWebAuthnCredential it is not offered', async () => {
  const user = await passkeyPool(fx.emulator.endpoint, { name: 'pk-sign-in' });
  const { tab, cdp, authenticatorId, close } = await clientPage(user);
  try {
    await passwordSignIn(tab, user);
    assert.deepEqual(await run(tab, 'associateWebAuthnCredential'), { ok: true });
    await run(tab, 'signOut');

    await clearCalls(fx.emulator.url);
    const signedIn = await passkeySignIn(tab, user);
    assert.deepEqual(signedIn, { ok: true, value: { isSignedIn: true, nextStep: { signInStep: 'DONE' } } });
    assert.deepEqual(await callCounts(fx.emulator.url), {
      InitiateAuth: 1,
      'InitiateAuth:USER_AUTH': 1,
      RespondToAuthChallenge: 1,
      'RespondToAuthChallenge:WEB_AUTHN': 1,
    });
    const session = await run(tab, 'getSession');
    assert.equal(session.value.username, user.username);
    assert.deepEqual(
      await tab.evaluate(() => window.events.map((e) => e.event)),
      ['signedIn', 'signedOut', 'signedIn'],
    );

    // Chosen at the first-factor selection instead.
    await run(tab, 'signOut');
    const offered = await run(tab, 'signIn', { username: user.username, authFlowType: 'USER_AUTH' });
    assert.equal(offered.value.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION', JSON.stringify(offered));
    assert.ok(offered.value.nextStep.availableChallenges.includes('WEB_AUTHN'));
    await clearCalls(fx.emulator.url);
    const chosen = await run(tab, 'confirmSignIn', { challengeResponse: 'WEB_AUTHN' });
    assert.deepEqual(chosen, { ok: true, value: { isSignedIn: true, nextStep: { signInStep: 'DONE' } } });
    assert.deepEqual(await callCounts(fx.emulator.url), { RespondToAuthChallenge: 2, 'RespondToAuthChallenge:SELECT_CHALLENGE': 1, 'RespondToAuthChallenge:WEB_AUTHN': 1 });

    // Deleted: no longer listed, and no longer offered (the authenticator still holds it).
    const [id] = await heldCredentials(cdp, authenticatorId);
    assert.deepEqual(await run(tab, 'deleteWebAuthnCredential', { credentialId: id }), { ok: true });
    assert.deepEqual((await run(tab, 'listWebAuthnCredentials')).value, { credentials: [] });
    const missing = await run(tab, 'deleteWebAuthnCredential', { credentialId: '' });
    assert.equal(missing.name, 'InvalidParameterException');
    await run(tab, 'signOut');
    const refused = await passkeySignIn(tab, user);
    assert.equal(refused.value?.isSignedIn, false, JSON.stringify(refused));
    assert.equal(refused.value.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION');
    assert.ok(!refused.value.nextStep.availableChallenges.includes('WEB_AUTHN'), JSON.stringify(refused));
  } finally {
    await close();
  }
});

test('a passkey ceremony the user does not complete: PasskeyCancelled, nothing answered, the next sign-in works', async () => {
  const user = await passkeyPool(fx.emulator.endpoint, { name: 'pk-cancel', userVerification: 'required' });
  const { tab, cdp, authenticatorId, close } = await clientPage(user);
  try {
    await passwordSignIn(tab, user);
    assert.deepEqual(await run(tab, 'associateWebAuthnCredential'), { ok: true });
    await run(tab, 'signOut');
    // The authenticator no longer verifies the user; the pool requires it: Chromium answers NotAllowedError.
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
    await clearCalls(fx.emulator.url);
    const cancelled = await passkeySignIn(tab, user);
    assert.equal(cancelled.name, 'PasskeyCancelled', JSON.stringify(cancelled));
    assert.equal(cancelled.isCognitoError, true);
    assert.deepEqual(await callCounts(fx.emulator.url), { InitiateAuth: 1, 'InitiateAuth:USER_AUTH': 1 });
    const nothingPending = await run(tab, 'confirmSignIn', { challengeResponse: 'x' });
    assert.equal(nothingPending.name, 'InvalidParameterException');
    assert.match(nothingPending.message, /no sign-in is waiting/, 'the cancelled sign-in is not left waiting');
    const notRegistered = await run(tab, 'associateWebAuthnCredential');
    assert.equal(notRegistered.name, 'UserUnAuthenticatedException', JSON.stringify(notRegistered));

    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
    assert.deepEqual((await passkeySignIn(tab, user)).value, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
    await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
    const refused = await run(tab, 'associateWebAuthnCredential');
    assert.equal(refused.name, 'PasskeyCancelled', JSON.stringify(refused));
  } finally {
    await close();
  }
});

test('a browser without WebAuthn: PasskeyNotSupported, for sign-in and registration', async () => {
  const user = await passkeyPool(fx.emulator.endpoint, { name: 'pk-unsupported' });
  const { tab, close } = await clientPage(user, { initScript: 'delete window.PublicKeyCredential;' });
  try {
    await passwordSignIn(tab, user);
    const refused = await run(tab, 'associateWebAuthnCredential');
    assert.equal(refused.name, 'PasskeyNotSupported', JSON.stringify(refused));
    await cognitoRegisterDirectly(tab, user);
    await run(tab, 'signOut');
    const notSupported = await passkeySignIn(tab, user);
    assert.equal(notSupported.name, 'PasskeyNotSupported', JSON.stringify(notSupported));
  } finally {
    await close();
  }
});

/** Registers a passkey for `user` in a page that has WebAuthn (the tested one has it taken away). */
async function cognitoRegisterDirectly(_tab, user) {
  const other = await clientPage(user);
  try {
    await passwordSignIn(other.tab, user);
    assert.deepEqual(await run(other.tab, 'associateWebAuthnCredential'), { ok: true });
  } finally {
    await other.close();
  }
}

/** Records the `mediation` of every navigator.credentials.get on the page in `window.mediations`. */
const RECORD_MEDIATION = `
  window.mediations = [];
  const get = navigator.credentials.get.bind(navigator.credentials);
  navigator.credentials.get = (options) => { window.mediations.push(options.mediation ?? null); return get(options); };
`;

test('autofill: signIn with mediation "conditional" asks for the passkey in the username field\'s autofill; aborting it ends the sign-in', async () => {
  const user = await passkeyPool(fx.emulator.endpoint, { name: 'pk-autofill' });
  const { tab, cdp, authenticatorId, close } = await clientPage(user, { initScript: RECORD_MEDIATION });
  try {
    await passwordSignIn(tab, user);
    assert.deepEqual(await run(tab, 'associateWebAuthnCredential'), { ok: true });
    await run(tab, 'signOut');
    await tab.evaluate(() => {
      const input = document.createElement('input');
      input.id = 'name';
      input.autocomplete = 'username webauthn';
      document.body.append(input);
    });
    assert.equal(await tab.evaluate(() => PublicKeyCredential.isConditionalMediationAvailable()), true);
    const invalid = await passkeySignIn(tab, user, { mediation: 'sometimes' });
    assert.equal(invalid.name, 'InvalidParameterException');
    await clearCalls(fx.emulator.url);
    // Chromium's virtual authenticator answers a conditional request itself (there is no autofill UI to
    // pick from headless); what is checked is that the package asked for it that way.
    await tab.focus('#name');
    const signedIn = await passkeySignIn(tab, user, { mediation: 'conditional' });
    assert.deepEqual(signedIn.value, { isSignedIn: true, nextStep: { signInStep: 'DONE' } }, JSON.stringify(signedIn));
    assert.deepEqual(await tab.evaluate(() => window.mediations), ['conditional']);
    assert.deepEqual(await callCounts(fx.emulator.url), {
      InitiateAuth: 1,
      'InitiateAuth:USER_AUTH': 1,
      RespondToAuthChallenge: 1,
      'RespondToAuthChallenge:WEB_AUTHN': 1,
    });

    // The user signs in another way instead: the app aborts the waiting sign-in, nothing is answered.
    await run(tab, 'signOut');
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
    await clearCalls(fx.emulator.url);
    const aborted = await tab.evaluate(
      ({ username }) => {
        const controller = new AbortController();
        const result = window.attempt(() =>
          window.client.signIn(
            { username, authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' },
            { mediation: 'conditional', signal: controller.signal },
          ),
        );
        setTimeout(() => controller.abort(), 500);
        return result;
      },
      { username: user.username },
    );
    assert.equal(aborted.name, 'AbortError', JSON.stringify(aborted));
    assert.deepEqual(await callCounts(fx.emulator.url), { InitiateAuth: 1, 'InitiateAuth:USER_AUTH': 1 });
  } finally {
    await close();
  }
});
