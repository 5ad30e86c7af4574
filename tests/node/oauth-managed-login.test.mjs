// Managed login in a real browser: the emulator serves the hosted page (www/) at /login for an OAuth 2.0
// authorization request; the person signs in there (SRP, then TOTP MFA), the page hands the session over,
// and the browser lands on the app's callback with a code that openid-client (which nobody here wrote)
// exchanges with PKCE. Cancelling lands there with error=access_denied; an unregistered redirect_uri gets
// the emulator's error page and never leaves it; after /logout the page asks for the password again.
// Federated sign-in goes through the emulator's dev-only test OpenID provider's page.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';

import * as oidc from 'openid-client';

import { fixture } from './fixture.mjs';
import { totpCode } from './helpers.mjs';
import { startOAuthEmulator } from './oauth-seed.mjs';
import { fillAndSubmit } from './page-harness.mjs';

const POOL_ID = 'us-east-1_OAuthLogin1';
const CLIENT_ID = 'oauthloginclient0000000001';
const PASSWORD = 'Managed-L0gin!';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

const fx = fixture(async (start) => {
  // The app: a real server (a browser does not let a test intercept the redirects that lead back to it).
  const app = await start.listen(createServer((_, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('the app')));
  const callback = `${app.url}/callback`;
  const emulator = await startOAuthEmulator(start, {
    poolId: POOL_ID,
    clientId: CLIENT_ID,
    name: 'managed-login',
    callbackURLs: [callback],
    logoutURLs: [`${app.url}/`],
    users: [{
      username: 'mia',
      password: PASSWORD,
      attributes: { email: 'mia@example.com', email_verified: 'true' },
      totpSecret: TOTP_SECRET,
      mfa: { softwareToken: true, preferred: 'SOFTWARE_TOKEN_MFA' },
    }],
  });
  const config = await oidc.discovery(
    new URL(`${emulator.url}/${POOL_ID}/.well-known/openid-configuration`),
    CLIENT_ID,
    undefined,
    oidc.None(),
    { execute: [oidc.allowInsecureRequests] },
  );
  return { app, callback, emulator, config, browser: await start.browser() };
});

async function authorizationRequest(extra = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(fx.config, {
    redirect_uri: fx.callback,
    scope: 'openid email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
    ...extra,
  });
  return { url, verifier, nonce, state };
}

test('managed login: SRP then TOTP on the hosted page, back at the callback with a code; /logout ends the session', async () => {
  const context = await fx.browser.newContext();
  const page = await context.newPage();
  const request = await authorizationRequest();
  await page.goto(request.url.href);
  assert.match(page.url(), /\/login\?/);
  await fillAndSubmit(page, { Username: 'mia', Password: PASSWORD }, 'Sign in');
  await page.getByLabel('Code', { exact: true }).waitFor({ timeout: 30_000 });
  await fillAndSubmit(page, { Code: await totpCode(TOTP_SECRET) }, 'Confirm');
  await page.waitForURL(`${fx.callback}?**`, { timeout: 30_000 });

  const tokens = await oidc.authorizationCodeGrant(fx.config, new URL(page.url()), {
    pkceCodeVerifier: request.verifier,
    expectedNonce: request.nonce,
    expectedState: request.state,
  });
  assert.equal(tokens.claims().email, 'mia@example.com');
  assert.equal(tokens.claims()['cognito:username'], 'mia');

  // The hosted page keeps its session, as Cognito's managed login does: a second request goes straight back.
  const again = await authorizationRequest();
  await page.goto(again.url.href);
  await page.waitForURL(`${fx.callback}?**`, { timeout: 30_000 });
  assert.ok(new URL(page.url()).searchParams.get('code'));

  // /logout clears it: the next request asks for the password.
  await page.goto(`${fx.emulator.url}/logout?client_id=${CLIENT_ID}&logout_uri=${encodeURIComponent(`${fx.app.url}/`)}`);
  assert.equal(page.url(), `${fx.app.url}/`);
  const third = await authorizationRequest();
  await page.goto(third.url.href);
  await page.getByLabel('Password', { exact: true }).waitFor({ timeout: 30_000 });
  await context.close();
});

test('managed login: Cancel sends access_denied with the state', async () => {
  const context = await fx.browser.newContext();
  const page = await context.newPage();
  const request = await authorizationRequest();
  await page.goto(request.url.href);
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await page.waitForURL(`${fx.callback}?**`, { timeout: 30_000 });
  const params = new URL(page.url()).searchParams;
  assert.equal(params.get('error'), 'access_denied');
  assert.equal(params.get('state'), request.state);
  await context.close();
});

test('managed login: a redirect_uri that is not on CallbackURLs stays on the error page', async () => {
  const context = await fx.browser.newContext();
  const page = await context.newPage();
  const request = await authorizationRequest();
  const tampered = new URL(request.url);
  tampered.searchParams.set('redirect_uri', `${fx.app.url}/elsewhere`);
  const response = await page.goto(tampered.href);
  assert.equal(response.status(), 400);
  assert.ok(page.url().startsWith(`${fx.emulator.url}/oauth2/authorize`));
  assert.match(await page.textContent('body'), /An error was encountered/);
  await context.close();
});

test('federated sign-in: the test OpenID provider page, back with mapped attributes and identities', async () => {
  const context = await fx.browser.newContext();
  const page = await context.newPage();
  const request = await authorizationRequest({ identity_provider: 'TestIdP' });
  await page.goto(request.url.href);
  assert.match(page.url(), /\/_emulator\/oidc\/authorize\?/);
  await page.getByLabel('sub', { exact: true }).fill('browser-user-1');
  await page.getByLabel('email', { exact: true }).fill('fed@example.com');
  await page.getByLabel('email_verified', { exact: true }).fill('true');
  await page.getByLabel('name', { exact: true }).fill('Fay Federated');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(`${fx.callback}?**`, { timeout: 30_000 });
  const tokens = await oidc.authorizationCodeGrant(fx.config, new URL(page.url()), {
    pkceCodeVerifier: request.verifier,
    expectedNonce: request.nonce,
    expectedState: request.state,
  });
  const claims = tokens.claims();
  assert.equal(claims['cognito:username'], 'TestIdP_browser-user-1');
  assert.equal(claims.email, 'fed@example.com');
  assert.equal(claims.email_verified, true);
  assert.equal(claims.identities[0].providerName, 'TestIdP');
  assert.equal(claims.identities[0].userId, 'browser-user-1');
  await context.close();
});
