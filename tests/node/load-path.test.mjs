// The load path in headless Chromium: a returning user's page (a session stored by an earlier sign-in) restores
// it, answers getSession() — with and without a refresh due — and signs out with the session core alone; the
// sign-in core (signer.js and cognito_wasm_sign_in*) is fetched by the first sign-in, once. What was fetched
// is read from the browser's network log, workers' requests included.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { createPoolAndUser, openHarnessPage, serveHarness, startEmulator } from './helpers.mjs';
import { launchBrowser } from './page-harness.mjs';

const SIGN_IN_CORE = /\/pkg\/(signer(-backends)?\.js|cognito_wasm_sign_in(_bg\.wasm|\.js))$/;

let emulator;
let site;
let browser;
let user;
/** A user of a client whose tokens last 6 s: a refresh is due 3 s after the sign-in. */
let shortLived;

before(async () => {
  emulator = await startEmulator();
  site = await serveHarness();
  browser = await launchBrowser();
  user = await createPoolAndUser(emulator.endpoint, { name: 'loadpath', username: 'loadpath-user' });
  shortLived = await createPoolAndUser(emulator.endpoint, { name: 'loadpath-due', username: 'loadpath-due-user' });
  const validity = await fetch(`${emulator.url}/_emulator/token-validity?clientId=${shortLived.clientId}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ accessToken: 6, idToken: 6 }),
  });
  assert.ok(validity.ok, `token-validity: ${validity.status}`);
});

after(async () => {
  await browser?.close();
  await site?.stop();
  await emulator?.stop();
});

/** Every URL the context's pages and workers request from now on, as paths (`/pkg/index.js`). */
function networkLog(context) {
  const paths = [];
  context.on('request', (request) => paths.push(new URL(request.url()).pathname));
  return paths;
}

const openTab = (context) => openHarnessPage(context, site.url);

const attempt = (page, body) => page.evaluate(`window.attempt(async () => { ${body} })`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function makeClient(page, who = user) {
  const config = { userPoolId: who.poolId, clientId: who.clientId, endpoint: emulator.endpoint, storage: 'local' };
  return page.evaluate((c) => window.makeClient(c), config);
}

/** A context whose localStorage holds `who`'s session from a sign-in in an earlier tab, since closed. */
async function returningUser(who) {
  const context = await browser.newContext();
  const first = await openTab(context);
  await makeClient(first, who);
  const signedIn = await attempt(first, `return client.signIn({ username: '${who.username}', password: '${who.password}' });`);
  assert.equal(signedIn.ok, true, JSON.stringify(signedIn));
  await first.close();
  return context;
}

for (const due of [false, true]) {
  test(`a returning user's page ${due ? 'refreshes the due tokens' : 'answers getSession()'} and signs out without fetching the sign-in core`, async () => {
    const who = due ? shortLived : user;
    const context = await returningUser(who);
    try {
      // 6 s tokens and the refresh margin capped at half their life: due 3 s after the sign-in, counted from
      // the emulator's whole-second iat and Date header, so up to a second later on the device's clock.
      // 4.5 s is past that and still short of the tokens' expiry (an expired session refreshes too).
      if (due) await sleep(4_500);
      const fetched = networkLog(context);
      const page = await openTab(context);
      // The stored tokens before the client exists: a client made with due tokens may refresh them at once,
      // before getSession() is called.
      await page.evaluate(() => {
        window.storedBefore = JSON.parse(localStorage.getItem(Object.keys(localStorage).find((k) => k.endsWith('.session'))));
      });
      await makeClient(page, who);
      const session = await attempt(page, `
        const session = await client.getSession();
        return { username: session.username, refreshed: session.accessToken !== window.storedBefore.accessToken, events: window.events.map((e) => e.event) };`);
      assert.equal(session.ok, true, JSON.stringify(session));
      assert.equal(session.value.username, who.username);
      assert.equal(session.value.refreshed, due);
      if (due) assert.deepEqual(session.value.events, ['tokenRefreshed']);
      else assert.deepEqual(session.value.events, []);
      const signedOut = await attempt(page, 'await client.signOut(); return window.events.map((e) => e.event);');
      assert.equal(signedOut.ok, true, JSON.stringify(signedOut));
      assert.ok(fetched.includes('/pkg/cognito_wasm_session_bg.wasm'), fetched.join(', '));
      assert.deepEqual(fetched.filter((p) => SIGN_IN_CORE.test(p)), [], 'the sign-in core is not fetched');
      assert.deepEqual(page.problems, []);
    } finally {
      await context.close();
    }
  });
}

test('the first sign-in fetches the sign-in core, once; later sign-ins and account calls reuse it', async () => {
  const context = await browser.newContext();
  try {
    const fetched = networkLog(context);
    const page = await openTab(context);
    await makeClient(page);
    assert.deepEqual(fetched.filter((p) => SIGN_IN_CORE.test(p)), [], 'nothing before the first sign-in');
    const out = await attempt(page, `
      await client.prepareSignIn();
      await client.signIn({ username: '${user.username}', password: '${user.password}' });
      await client.fetchUserAttributes();
      await client.signOut();
      return client.signIn({ username: '${user.username}', password: '${user.password}' });`);
    assert.equal(out.ok, true, JSON.stringify(out));
    assert.equal(out.value.isSignedIn, true);
    assert.deepEqual(
      fetched.filter((p) => SIGN_IN_CORE.test(p)).sort(),
      ['/pkg/cognito_wasm_sign_in.js', '/pkg/cognito_wasm_sign_in_bg.wasm', '/pkg/signer-backends.js', '/pkg/signer.js'],
    );
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});
