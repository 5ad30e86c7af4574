// Passkeys in headless Chromium with its virtual authenticator (the DevTools Protocol's WebAuthn domain,
// through playwright-core's CDP session), against the emulator: a real browser's clientDataJSON and a real
// authenticator's CBOR, through the package's pkg-template/passkeys.js (JSON ⇄ ArrayBuffer, typed errors).
// The page is on http://localhost:PORT, the pools' relying party is `localhost`.
import assert from 'node:assert/strict';
import { createReadStream, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { test } from 'node:test';

import { fixture } from './fixture.mjs';
import { ROOT, cognito } from './helpers.mjs';
import { authenticatorPage, callCounts, clearCalls, passkeyPool } from './passkeys-harness.mjs';

const PAGE = `<!doctype html><meta charset="utf-8"><title>passkeys</title>
<input id="name" autocomplete="username webauthn">
<script type="module">
  // The package must not need the JSON helpers newer browsers have: take them away.
  delete PublicKeyCredential.parseCreationOptionsFromJSON;
  delete PublicKeyCredential.parseRequestOptionsFromJSON;
  delete PublicKeyCredential.prototype.toJSON;
  import * as passkeys from '/pkg/passkeys.js';
  window.passkeys = passkeys;
  window.cognito = async (endpoint, op, body) => {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSCognitoIdentityProviderService.' + op },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) return { error: json.__type, message: json.message };
    return json;
  };
  window.ready = true;
</script>`;

/** Serves PAGE at / and pkg-template/ at /pkg/. */
function pageServer() {
  const dir = join(ROOT, 'pkg-template');
  return createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
      return;
    }
    const file = join(dir, normalize(path.replace(/^\/pkg\//, '')));
    if (!path.startsWith('/pkg/') || !file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': extname(file) === '.js' ? 'text/javascript' : 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
}

const fx = fixture(async (start) => ({
  emulator: await start.emulator(),
  site: await start.listen(pageServer()),
  browser: await start.browser(),
}));

const pool = (options) => passkeyPool(fx.emulator.endpoint, options);

/** A page on http://localhost with a virtual platform authenticator. */
const page = (authenticator = {}) =>
  authenticatorPage(fx.browser, `${fx.site.url.replace('127.0.0.1', 'localhost')}/`, { authenticator, ready: () => window.ready === true });

/** StartWebAuthnRegistration → navigator.credentials.create() → CompleteWebAuthnRegistration, in the page. */
function register(tab, endpoint, accessToken, { optionsEdit } = {}) {
  return tab.evaluate(
    async ({ endpoint, accessToken, optionsEdit }) => {
      const start = await window.cognito(endpoint, 'StartWebAuthnRegistration', { AccessToken: accessToken });
      if (start.error) return start;
      const options = start.CredentialCreationOptions;
      if (optionsEdit) Object.assign(options.authenticatorSelection, optionsEdit);
      let credential;
      try {
        credential = await window.passkeys.createPasskey(options);
      } catch (error) {
        return { browserError: error.name, cause: error.cause?.name };
      }
      const done = await window.cognito(endpoint, 'CompleteWebAuthnRegistration', {
        AccessToken: accessToken,
        Credential: credential,
      });
      return { ...done, credential };
    },
    { endpoint, accessToken, optionsEdit },
  );
}

/** USER_AUTH preferring WEB_AUTHN → navigator.credentials.get() → RespondToAuthChallenge, in the page. */
function signIn(tab, endpoint, { clientId, username }) {
  return tab.evaluate(
    async ({ endpoint, clientId, username }) => {
      const challenge = await window.cognito(endpoint, 'InitiateAuth', {
        AuthFlow: 'USER_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: username, PREFERRED_CHALLENGE: 'WEB_AUTHN' },
      });
      if (challenge.ChallengeName !== 'WEB_AUTHN') return { notOffered: challenge.ChallengeName ?? challenge.error };
      const options = JSON.parse(challenge.ChallengeParameters.CREDENTIAL_REQUEST_OPTIONS);
      let credential;
      try {
        credential = await window.passkeys.getPasskey(options);
      } catch (error) {
        return { browserError: error.name };
      }
      return window.cognito(endpoint, 'RespondToAuthChallenge', {
        ClientId: clientId,
        ChallengeName: 'WEB_AUTHN',
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: username, CREDENTIAL: JSON.stringify(credential) },
      });
    },
    { endpoint, clientId, username },
  );
}

test('register with the virtual authenticator, list, sign in with exact request counts, delete', async () => {
  const user = await pool();
  const { tab, cdp, authenticatorId, close } = await page();
  try {
    const registered = await register(tab, fx.emulator.endpoint, user.accessToken);
    assert.deepEqual(Object.keys(registered).filter((k) => k !== 'credential'), [], JSON.stringify(registered));
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0].rpId, 'localhost');
    assert.equal(credentials[0].isResidentCredential, true);
    const listed = await cognito(fx.emulator.endpoint, 'ListWebAuthnCredentials', { AccessToken: user.accessToken });
    assert.equal(listed.Credentials.length, 1);
    assert.equal(listed.Credentials[0].CredentialId, registered.credential.id);
    assert.equal(listed.Credentials[0].RelyingPartyId, 'localhost');
    assert.equal(listed.Credentials[0].AuthenticatorAttachment, 'platform');
    assert.deepEqual(listed.Credentials[0].AuthenticatorTransports, ['internal']);
    // The browser's credential id is the authenticator's (CDP gives it in standard base64).
    assert.equal(Buffer.from(credentials[0].credentialId, 'base64').toString('base64url'), registered.credential.id);

    await clearCalls(fx.emulator.url);
    const signedIn = await signIn(tab, fx.emulator.endpoint, user);
    assert.ok(signedIn.AuthenticationResult?.IdToken, JSON.stringify(signedIn));
    assert.deepEqual(
      await callCounts(fx.emulator.url),
      { InitiateAuth: 1, 'InitiateAuth:USER_AUTH': 1, RespondToAuthChallenge: 1, 'RespondToAuthChallenge:WEB_AUTHN': 1 },
    );

    await cognito(fx.emulator.endpoint, 'DeleteWebAuthnCredential', {
      AccessToken: user.accessToken,
      CredentialId: registered.credential.id,
    });
    const refused = await signIn(tab, fx.emulator.endpoint, user);
    assert.equal(refused.notOffered, 'SELECT_CHALLENGE', 'a user without passkeys is offered the other factors');
  } finally {
    await close();
  }
});

test('a signature counter that goes back is refused (a cloned credential)', async () => {
  const user = await pool();
  const { tab, cdp, authenticatorId, close } = await page();
  try {
    await register(tab, fx.emulator.endpoint, user.accessToken);
    assert.ok((await signIn(tab, fx.emulator.endpoint, user)).AuthenticationResult);
    const [original] = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    assert.ok(original.signCount >= 1, `Chromium's virtual authenticator counts signatures: ${original.signCount}`);
    // A copy of the key whose counter is behind: the next assertion carries a counter already seen.
    await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: original.credentialId });
    await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: { ...original, signCount: 0 } });
    const refused = await signIn(tab, fx.emulator.endpoint, user);
    assert.equal(refused.error, 'NotAuthorizedException', JSON.stringify(refused));
    assert.match(refused.message, /counter/);
  } finally {
    await close();
  }
});

test('a pool whose relying party is not the page\'s: the browser refuses, a typed error', async () => {
  const user = await pool({ rpId: 'example.com' });
  const { tab, close } = await page();
  try {
    const refused = await register(tab, fx.emulator.endpoint, user.accessToken);
    assert.deepEqual(refused, { browserError: 'PasskeyRelyingPartyMismatch', cause: 'SecurityError' });
  } finally {
    await close();
  }
});

test('a pool requiring user verification, an authenticator without it', async () => {
  const user = await pool({ userVerification: 'required' });
  const { tab, close } = await page({ hasUserVerification: false, isUserVerified: false });
  try {
    // The browser itself will not use an authenticator that cannot verify the user when UV is required.
    const refusedByBrowser = await register(tab, fx.emulator.endpoint, user.accessToken);
    assert.equal(refusedByBrowser.browserError, 'PasskeyCancelled', JSON.stringify(refusedByBrowser));
    // A page that lowers the requirement gets a credential without UV, which the emulator refuses.
    const refused = await register(tab, fx.emulator.endpoint, user.accessToken, {
      optionsEdit: { userVerification: 'discouraged' },
    });
    assert.equal(refused.error, 'WebAuthnCredentialNotSupportedException', JSON.stringify(refused));
  } finally {
    await close();
  }
});

test('autofill: conditional mediation once the user name is known; no WebAuthn challenge without one', async () => {
  const user = await pool();
  const { tab, close } = await page();
  try {
    await register(tab, fx.emulator.endpoint, user.accessToken);
    // Cognito's USER_AUTH needs USERNAME: there is no challenge to sign before a name is known.
    await assert.rejects(
      cognito(fx.emulator.endpoint, 'InitiateAuth', {
        AuthFlow: 'USER_AUTH',
        ClientId: user.clientId,
        AuthParameters: { PREFERRED_CHALLENGE: 'WEB_AUTHN' },
      }),
      (error) => error.type === 'InvalidParameterException' && /USERNAME/.test(error.message),
    );
    // With the name (say, remembered from the last sign-in), the passkey is offered in the field's autofill.
    const pending = tab.evaluate(
      async ({ endpoint, clientId, username }) => {
        if (!(await window.passkeys.isConditionalMediationAvailable())) return { unavailable: true };
        const challenge = await window.cognito(endpoint, 'InitiateAuth', {
          AuthFlow: 'USER_AUTH',
          ClientId: clientId,
          AuthParameters: { USERNAME: username, PREFERRED_CHALLENGE: 'WEB_AUTHN' },
        });
        const options = JSON.parse(challenge.ChallengeParameters.CREDENTIAL_REQUEST_OPTIONS);
        const credential = await window.passkeys.getPasskey(options, { mediation: 'conditional' });
        return window.cognito(endpoint, 'RespondToAuthChallenge', {
          ClientId: clientId,
          ChallengeName: 'WEB_AUTHN',
          Session: challenge.Session,
          ChallengeResponses: { USERNAME: username, CREDENTIAL: JSON.stringify(credential) },
        });
      },
      { endpoint: fx.emulator.endpoint, clientId: user.clientId, username: user.username },
    );
    await tab.focus('#name');
    await tab.keyboard.press('ArrowDown');
    await tab.keyboard.press('Enter');
    const signedIn = await pending;
    assert.ok(signedIn.AuthenticationResult?.IdToken, JSON.stringify(signedIn));
  } finally {
    await close();
  }
});
