// signInWithRedirect in a real browser: a Vite-built SPA (tests/node/oauth-spa/, the package from pkg/) on one
// origin, the emulator's user-pool domain on another (another port). The SPA goes to managed login (the
// hosted page: SRP, then TOTP MFA) or to the emulator's test OpenID provider, comes back to its callback and
// completes the sign-in by itself: the code is exchanged cross-origin at /oauth2/token with the PKCE verifier,
// the ID token's nonce checked, the session stored, refreshed (InitiateAuth REFRESH_TOKEN_AUTH) and ended
// through /logout. Refused: a cancelled sign-in, a tampered state, a replayed code, a code bound to another
// verifier, and a redirect_uri that is not on CallbackURLs (the emulator's error page, no redirect).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { test } from 'node:test';

import { fixture } from './fixture.mjs';
import { ROOT, totpCode } from './helpers.mjs';
import { startOAuthEmulator } from './oauth-seed.mjs';
import { fillAndSubmit } from './page-harness.mjs';

const SPA = join(ROOT, 'tests', 'node', 'oauth-spa');
const DIST = join(ROOT, 'target', 'oauth-spa');
const POOL_ID = 'us-east-1_OAuthSpa01';
const CLIENT_ID = 'oauthspaclient00000000001';
const PASSWORD = 'Redirect-Sp4!';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** The SPA's server: the built files, /config.json, and index.html for every other path (its routes). */
function serveSpa(config) {
  return createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/config.json') return res.writeHead(200, { 'Content-Type': TYPES['.json'] }).end(JSON.stringify(config()));
    const file = path.startsWith('/assets/') && !path.includes('..') ? join(DIST, path) : join(DIST, 'index.html');
    try {
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
}

const fx = fixture(async (start) => {
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', DIST], {
    cwd: SPA,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, COGNITO_WASM_PKG: join(ROOT, 'pkg', 'index.js') },
  });
  // The SPA's config is asked for by the tests' pages only, once `fx` holds all that starts here.
  const app = await start.listen(serveSpa(() => ({
    userPoolId: POOL_ID,
    clientId: CLIENT_ID,
    endpoint: fx.emulator.endpoint,
    oauth: {
      domain: fx.emulator.url,
      redirectSignIn: [`${fx.app.url}/callback`],
      redirectSignOut: [`${fx.app.url}/signed-out`],
      scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
      responseType: 'code',
    },
  })));
  const emulator = await startOAuthEmulator(start, {
    poolId: POOL_ID,
    clientId: CLIENT_ID,
    name: 'redirect-spa',
    callbackURLs: [`${app.url}/callback`],
    logoutURLs: [`${app.url}/signed-out`],
    scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
    users: [
      {
        username: 'mia',
        password: PASSWORD,
        attributes: { email: 'mia@example.com', email_verified: 'true' },
        totpSecret: TOTP_SECRET,
        mfa: { softwareToken: true, preferred: 'SOFTWARE_TOKEN_MFA' },
      },
      { username: 'noah', password: PASSWORD, attributes: { email: 'noah@example.com', email_verified: 'true' } },
    ],
  });
  assert.notEqual(new URL(emulator.url).origin, app.url, 'the domain is another origin than the SPA');
  return { app, emulator, browser: await start.browser() };
});

/** A context whose every request URL is recorded (tokens must never be in one), closed when test `t` ends. */
async function newContext(t) {
  const context = await fx.browser.newContext();
  t.after(() => context.close());
  const urls = [];
  context.on('request', (request) => urls.push(request.url()));
  const page = await context.newPage();
  return { context, page, urls };
}

/** Opens the SPA at `path` and waits until it settled (the redirect, if any, completed or failed). */
async function openSpa(page, path = '/') {
  await page.goto(`${fx.app.url}${path}`);
  return spaSettled(page);
}

async function spaSettled(page) {
  await page.waitForSelector('#status[data-ready="true"]', { timeout: 30_000 });
  return page.evaluate(() => window.app.redirect);
}

/** Calls signInWithRedirect in the SPA (which leaves the page). */
async function signInWithRedirect(page, input) {
  await page.evaluate((input) => {
    window.app.client.signInWithRedirect(input);
  }, input);
}

const events = (page) => page.evaluate(() => window.app.events);
const session = (page) => page.evaluate(() => window.app.client.getSession().catch((e) => ({ error: e.name })));

/** Signs in on the hosted page as `username` (no MFA). */
async function managedLogin(page, username) {
  await page.waitForURL(/\/login\?/, { timeout: 30_000 });
  await fillAndSubmit(page, { Username: username, Password: PASSWORD }, 'Sign in');
}

function noTokenInAnyUrl(urls) {
  const leaked = urls.filter((url) => /eyJ[\w-]+\.eyJ/.test(url) || /[?&#](access_token|id_token)=/.test(url));
  assert.deepEqual(leaked, [], 'no token in any URL');
}

test('signInWithRedirect: managed login (SRP, TOTP), back signed in; reload, refresh, sign-out through /logout', async (t) => {
  const { page, urls } = await newContext(t);
  const tokenRequests = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/oauth2/token')) tokenRequests.push(request);
  });
  assert.deepEqual(await openSpa(page), { result: null }, 'nothing to complete on a plain load');
  await signInWithRedirect(page, { customState: 'back to /cart' });
  await page.waitForURL(/\/login\?/, { timeout: 30_000 });
  assert.ok(page.url().startsWith(`${fx.emulator.url}/login?`));
  await fillAndSubmit(page, { Username: 'mia', Password: PASSWORD }, 'Sign in');
  await page.getByLabel('Code', { exact: true }).waitFor({ timeout: 30_000 });
  await fillAndSubmit(page, { Code: await totpCode(TOTP_SECRET) }, 'Confirm');
  await page.waitForURL(`${fx.app.url}/callback?**`, { timeout: 30_000 });

  assert.deepEqual(await spaSettled(page), { result: { isSignedIn: true, customState: 'back to /cart' } });
  assert.equal(page.url(), `${fx.app.url}/callback`, 'code and state are out of the address bar');
  const signedIn = await session(page);
  assert.equal(signedIn.username, 'mia');
  assert.equal(signedIn.idTokenClaims.email, 'mia@example.com');
  assert.equal(signedIn.idTokenClaims.aud, CLIENT_ID);
  assert.ok(signedIn.idTokenClaims.nonce, 'the ID token carries the nonce');
  assert.ok(signedIn.refreshToken);
  const fired = await events(page);
  assert.deepEqual(fired.map((e) => e.event), ['signedIn', 'signInWithRedirect']);
  assert.equal(fired[1].customState, 'back to /cart');
  assert.equal(fired[1].username, 'mia');

  // The exchange: one cross-origin POST of a form, as a public client with the PKCE verifier.
  assert.equal(tokenRequests.length, 1);
  const [exchange] = tokenRequests;
  assert.equal(exchange.method(), 'POST');
  assert.equal(exchange.url(), `${fx.emulator.url}/oauth2/token`);
  const form = new URLSearchParams(exchange.postData());
  assert.equal(form.get('grant_type'), 'authorization_code');
  assert.equal(form.get('client_id'), CLIENT_ID);
  assert.equal(form.get('redirect_uri'), `${fx.app.url}/callback`);
  assert.match(form.get('code_verifier'), /^[\w-]{43,128}$/);
  const exchanged = await exchange.response();
  assert.equal(exchanged.status(), 200);
  assert.equal(exchanged.headers()['access-control-allow-origin'], fx.app.url, 'the token endpoint answers the SPA by CORS');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'the pending redirect is gone');

  // A reload keeps the session and completes nothing again; with nothing pending, a returning user's page
  // fetches no sign-in core.
  const before = urls.length;
  assert.deepEqual(await openSpa(page, '/callback'), { result: null });
  assert.equal((await session(page)).accessToken, signedIn.accessToken);
  assert.equal(tokenRequests.length, 1);
  const signInCore = urls.slice(before).filter((url) => /\/assets\/(signer-|cognito_wasm_sign_in)/.test(url));
  assert.deepEqual(signInCore, []);
  assert.ok(urls.slice(before).some((url) => /\/assets\/cognito_wasm_session_bg-.*\.wasm$/.test(url)), 'the session core is');

  // Refreshed like any session: InitiateAuth REFRESH_TOKEN_AUTH, which Cognito accepts for these tokens.
  const refreshed = await page.evaluate(() => window.app.client.refreshSession());
  assert.equal(refreshed.username, 'mia');
  assert.notEqual(refreshed.accessToken, signedIn.accessToken);
  assert.equal(refreshed.refreshToken, signedIn.refreshToken);
  assert.deepEqual((await events(page)).map((e) => e.event), ['tokenRefreshed']);

  // Sign-out through the domain's /logout, back at redirectSignOut; the domain forgot the person too.
  await page.evaluate(() => {
    window.app.client.signOut({ redirect: true });
  });
  await page.waitForURL(`${fx.app.url}/signed-out`, { timeout: 30_000 });
  assert.ok(urls.some((url) => url.startsWith(`${fx.emulator.url}/logout?client_id=${CLIENT_ID}&logout_uri=`)));
  await spaSettled(page);
  assert.deepEqual(await session(page), { error: 'UserUnAuthenticatedException' });
  await signInWithRedirect(page, {});
  await page.getByLabel('Password', { exact: true }).waitFor({ timeout: 30_000 });
  noTokenInAnyUrl(urls);
});

test('signInWithRedirect({ provider }): the test OpenID provider, mapped attributes and identities', async (t) => {
  const { page, urls } = await newContext(t);
  await openSpa(page);
  await signInWithRedirect(page, { provider: 'TestIdP', customState: 'fed' });
  await page.waitForURL(/\/_emulator\/oidc\/authorize\?/, { timeout: 30_000 });
  await page.getByLabel('sub', { exact: true }).fill('spa-user-1');
  await page.getByLabel('email', { exact: true }).fill('fay@example.com');
  await page.getByLabel('email_verified', { exact: true }).fill('true');
  await page.getByLabel('name', { exact: true }).fill('Fay Federated');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(`${fx.app.url}/callback?**`, { timeout: 30_000 });
  assert.deepEqual(await spaSettled(page), { result: { isSignedIn: true, customState: 'fed' } });
  const claims = (await session(page)).idTokenClaims;
  assert.equal(claims['cognito:username'], 'TestIdP_spa-user-1');
  assert.equal(claims.email, 'fay@example.com');
  assert.equal(claims.name, 'Fay Federated');
  assert.equal(claims.identities[0].providerName, 'TestIdP');
  assert.equal(claims.identities[0].userId, 'spa-user-1');
  noTokenInAnyUrl(urls);
});

test('a cancelled sign-in: UserCancelledException, the failure event with customState', async (t) => {
  const { page } = await newContext(t);
  await openSpa(page);
  await signInWithRedirect(page, { customState: 'cancelled' });
  await page.waitForURL(/\/login\?/, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await page.waitForURL(`${fx.app.url}/callback?**`, { timeout: 30_000 });
  const outcome = await spaSettled(page);
  assert.equal(outcome.error?.name, 'UserCancelledException');
  assert.equal(page.url(), `${fx.app.url}/callback`);
  const [failure] = await events(page);
  assert.equal(failure.event, 'signInWithRedirectFailure');
  assert.equal(failure.customState, 'cancelled');
  assert.equal(failure.error.name, 'UserCancelledException');
  assert.deepEqual(await session(page), { error: 'UserUnAuthenticatedException' });
});

test('refused: a tampered state, a replayed code, a code bound to another verifier', async (t) => {
  const { context, page } = await newContext(t);
  // The pending redirect as the SPA keeps it, copied aside so that the replay can put it back.
  await context.addInitScript(() => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (key.endsWith('.oauth.pending')) localStorage.setItem('test.pending', JSON.stringify([key, value]));
      return setItem.call(this, key, value);
    };
  });
  /** Rewrites the next authorize request's query with `edit`, as someone between the SPA and the domain could. */
  const authorize = (url) => url.href.startsWith(`${fx.emulator.url}/oauth2/authorize?`);
  const tamperAuthorize = (edit) =>
    page.route(
      authorize,
      (route) => {
        const url = new URL(route.request().url());
        edit(url.searchParams);
        // (continue({ url }) does not change a navigation's URL in Chromium: send the browser there instead.)
        return route.fulfill({ status: 302, headers: { Location: url.href } });
      },
      { times: 1 },
    );
  // A good sign-in first: the domain keeps its session, so later requests come straight back with a code.
  await openSpa(page);
  await signInWithRedirect(page, {});
  await managedLogin(page, 'noah');
  await page.waitForURL(`${fx.app.url}/callback?**`, { timeout: 30_000 });
  const callbackUrl = page.url();
  assert.deepEqual(await spaSettled(page), { result: { isSignedIn: true } });
  const firstPending = await page.evaluate(() => JSON.parse(localStorage.getItem('test.pending')));
  await page.evaluate(() => window.app.client.signOut());

  await t.test('a tampered state', async () => {
    await tamperAuthorize((query) => query.set('state', 'forged-by-someone-else'));
    await signInWithRedirect(page, { customState: 'tampered' });
    await page.waitForURL(`${fx.app.url}/callback?**`, { timeout: 30_000 });
    assert.equal((await spaSettled(page)).error?.name, 'OAuthStateMismatchException');
    const [failure] = await events(page);
    assert.equal(failure.event, 'signInWithRedirectFailure');
    assert.equal(failure.customState, 'tampered');
    assert.deepEqual(await session(page), { error: 'UserUnAuthenticatedException' });
  });

  await t.test('a replayed code', async () => {
    // The first sign-in's pending redirect and its callback again: state and verifier right, code used.
    await page.evaluate(([key, value]) => sessionStorage.setItem(key, value), firstPending);
    const replay = new URL(callbackUrl);
    assert.equal((await openSpa(page, replay.pathname + replay.search)).error?.name, 'InvalidGrantException');
    assert.deepEqual(await session(page), { error: 'UserUnAuthenticatedException' });
  });

  await t.test('a code bound to another verifier', async () => {
    // S256 of RFC 7636's example verifier: the code is bound to it, the SPA sends its own.
    await tamperAuthorize((query) => query.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'));
    await signInWithRedirect(page, { customState: 'verifier' });
    await page.waitForURL(`${fx.app.url}/callback?**`, { timeout: 30_000 });
    assert.equal((await spaSettled(page)).error?.name, 'InvalidGrantException');
    assert.deepEqual(await session(page), { error: 'UserUnAuthenticatedException' });
  });
});

test('a redirectSignIn not on CallbackURLs: the emulator shows its error and never redirects', async (t) => {
  const { page } = await newContext(t);
  await openSpa(page);
  const response = page.waitForResponse((r) => r.url().startsWith(`${fx.emulator.url}/oauth2/authorize`));
  await page.evaluate((elsewhere) => {
    const { CognitoClient, config } = window.app;
    const other = new CognitoClient({ ...config, oauth: { ...config.oauth, redirectSignIn: elsewhere } });
    other.signInWithRedirect();
  }, `${fx.app.url}/elsewhere`);
  assert.equal((await response).status(), 400);
  await page.waitForURL(`${fx.emulator.url}/oauth2/authorize?**`, { waitUntil: 'load' });
  assert.match(await page.textContent('body'), /An error was encountered/);
  // Nothing leaves the error page: no redirect to the unregistered URI, even later.
  await page.waitForTimeout(500);
  assert.ok(page.url().startsWith(`${fx.emulator.url}/oauth2/authorize`));
});
