// The session lifecycle in headless Chromium (Debian's, driven by playwright-core) against a live emulator:
// tabs of one browser context sharing localStorage, refreshes counted at the emulator, clock skew, injected
// faults, reloads, corrupted storage, custom storage, aborts and a Web Worker.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fixture, startHarnessInChromium } from './fixture.mjs';
import { cognito, createPoolAndUser, openHarnessPage } from './helpers.mjs';

const REFRESH = 'InitiateAuth:REFRESH_TOKEN_AUTH';

const fx = fixture(startHarnessInChromium);

// --- the emulator's dev endpoints -------------------------------------------------------------------------

async function dev(method, path, body) {
  const res = await fetch(`${fx.emulator.url}${path}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}
const resetCalls = () => dev('DELETE', '/_emulator/calls');
const callCount = async (name) => (await dev('GET', '/_emulator/calls'))[name]?.total ?? 0;
const injectFault = (rule) => dev('POST', '/_emulator/faults', rule);
const clearFaults = () => dev('DELETE', '/_emulator/faults');
const tokenLifetime = (clientId, seconds) =>
  dev('PUT', `/_emulator/token-validity?clientId=${clientId}`, { accessToken: seconds, idToken: seconds });

// --- pages -------------------------------------------------------------------------------------------------

/** A harness page in `context` whose uncaught errors are collected in `page.problems`. */
const openTab = (context, options) => openHarnessPage(context, fx.site.url, options);

async function makeClient(page, user, options = {}) {
  await page.evaluate(
    (config) => window.makeClient(config),
    { userPoolId: user.poolId, clientId: user.clientId, endpoint: fx.emulator.endpoint, storage: 'local', ...options },
  );
}

const attempt = (page, body) => page.evaluate(`window.attempt(async () => { ${body} })`);
const events = (page) => page.evaluate(() => window.events.map((e) => e.event));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function eventually(what, check, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function signedInUser(name, { lifetime } = {}) {
  const user = await createPoolAndUser(fx.emulator.endpoint, { name, username: `${name}-user` });
  if (lifetime) await tokenLifetime(user.clientId, lifetime);
  return user;
}

/** Turns on refresh-token rotation (no grace period) for `user`'s app client. */
const enableRotation = (user) =>
  cognito(fx.emulator.endpoint, 'UpdateUserPoolClient', {
    UserPoolId: user.poolId,
    ClientId: user.clientId,
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 },
  });

// --- tests -------------------------------------------------------------------------------------------------

for (const tabs of [2, 5]) {
  test(`${tabs} tabs × 20 concurrent getSession at expiry: one refresh in all, same tokens; sign-out reaches every tab`, async () => {
    const user = await signedInUser(`tabs${tabs}`, { lifetime: 8 });
    const context = await fx.browser.newContext();
    try {
      const pages = [];
      for (let i = 0; i < tabs; i += 1) pages.push(await openTab(context));
      for (const page of pages) await makeClient(page, user, { autoRefresh: false, refreshMarginSeconds: 3 });
      const signIn = await attempt(pages[0], `return client.signIn({ username: '${user.username}', password: '${user.password}' });`);
      assert.equal(signIn.ok, true, JSON.stringify(signIn));
      const first = await attempt(pages[tabs - 1], 'return (await client.getSession()).accessToken;');
      assert.equal(first.ok, true, `the other tabs see the session: ${JSON.stringify(first)}; events ${JSON.stringify(await events(pages[tabs - 1]))}`);

      // 8 s tokens, 3 s margin: at 5.5 s every getSession wants a refresh.
      await sleep(5_500);
      await resetCalls();
      const burst = await Promise.all(pages.map((page) => attempt(page, `
        const sessions = await Promise.all(Array.from({ length: 20 }, () => client.getSession()));
        return sessions.map((s) => s.accessToken);`)));
      const refreshes = await callCount(REFRESH);
      console.log(`# ${tabs} tabs × 20 getSession at expiry: ${refreshes} refresh request(s) at the emulator`);
      for (const result of burst) assert.equal(result.ok, true, JSON.stringify(result));
      const tokens = new Set(burst.flatMap((r) => r.value));
      assert.equal(refreshes, 1, 'exactly one refresh for all tabs');
      assert.equal(tokens.size, 1, 'every call in every tab got the same tokens');
      assert.notEqual([...tokens][0], first.value, 'and they are the refreshed ones');
      for (const page of pages.slice(1)) {
        await eventually('tokenRefreshed in every tab', async () => (await events(page)).includes('tokenRefreshed'));
      }

      await attempt(pages[1], 'return client.signOut();');
      for (const page of pages) {
        await eventually('signedOut in every tab', async () => (await events(page)).includes('signedOut'));
        const after = await attempt(page, 'return client.getSession();');
        assert.equal(after.name, 'UserUnAuthenticatedException');
        assert.deepEqual(page.problems, []);
      }
    } finally {
      await context.close();
    }
  });
}

test('a tab told of another tab\'s sign-in or sign-out reads it at once: 8 rounds, each read in the event handler', async () => {
  // Chromium updates another tab's copy of localStorage a moment after a write: without the writer waiting
  // for that before it tells the other tabs, about one read in three here saw the old value.
  const user = await signedInUser('told');
  const context = await fx.browser.newContext();
  try {
    const [writer, told] = [await openTab(context), await openTab(context)];
    for (const page of [writer, told]) await makeClient(page, user, { autoRefresh: false });
    await told.evaluate(() => {
      window.readsWhenTold = [];
      for (const event of ['signedIn', 'signedOut']) {
        window.client.on(event, () => {
          window.client.getSession().then(
            (session) => window.readsWhenTold.push(`${event}: ${session.username}`),
            (error) => window.readsWhenTold.push(`${event}: ${error.name}`),
          );
        });
      }
    });
    const rounds = 8;
    for (let i = 0; i < rounds; i += 1) {
      const signedIn = await attempt(writer, `return client.signIn({ username: '${user.username}', password: '${user.password}' });`);
      assert.equal(signedIn.ok, true, JSON.stringify(signedIn));
      await eventually('the told tab\'s read after signedIn', async () => (await told.evaluate(() => window.readsWhenTold.length)) === 2 * i + 1);
      assert.equal((await attempt(writer, 'return client.signOut();')).ok, true);
      await eventually('the told tab\'s read after signedOut', async () => (await told.evaluate(() => window.readsWhenTold.length)) === 2 * i + 2);
    }
    const expected = Array.from({ length: rounds }, () => [`signedIn: ${user.username}`, 'signedOut: UserUnAuthenticatedException']).flat();
    assert.deepEqual(await told.evaluate(() => window.readsWhenTold), expected);
    for (const page of [writer, told]) assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

test('3 tabs with refresh-token rotation: one GetTokensFromRefreshToken, no tab presents a retired token', async () => {
  const user = await signedInUser('rotation', { lifetime: 8 });
  await enableRotation(user);
  // UpdateUserPoolClient resets what it is not sent, lifetimes included.
  await tokenLifetime(user.clientId, 8);
  const context = await fx.browser.newContext();
  try {
    const pages = [];
    for (let i = 0; i < 3; i += 1) pages.push(await openTab(context));
    for (const page of pages) {
      await makeClient(page, user, { autoRefresh: false, refreshMarginSeconds: 3, refreshMethod: 'GetTokensFromRefreshToken' });
    }
    assert.equal((await attempt(pages[0], `return client.signIn({ username: '${user.username}', password: '${user.password}' });`)).ok, true);
    const { value: first } = await attempt(pages[0], 'return client.getSession();');
    await sleep(5_500);
    await resetCalls();
    const burst = await Promise.all(pages.map((page) => attempt(page, `
      const sessions = await Promise.all(Array.from({ length: 20 }, () => client.getSession()));
      return sessions.map((s) => s.refreshToken);`)));
    for (const result of burst) assert.equal(result.ok, true, JSON.stringify(result));
    const rotations = await callCount('GetTokensFromRefreshToken');
    console.log(`# 3 tabs with rotation × 20 getSession at expiry: ${rotations} GetTokensFromRefreshToken request(s)`);
    assert.equal(rotations, 1);
    const refreshTokens = new Set(burst.flatMap((r) => r.value));
    assert.equal(refreshTokens.size, 1);
    assert.notEqual([...refreshTokens][0], first.refreshToken, 'every tab holds the new refresh token');
    // The retired token is refused by the emulator (grace period 0), so no tab may still use it.
    await assert.rejects(
      cognito(fx.emulator.endpoint, 'GetTokensFromRefreshToken', { RefreshToken: first.refreshToken, ClientId: user.clientId }),
      (err) => err.type === 'RefreshTokenReuseException' || err.type === 'NotAuthorizedException',
    );
  } finally {
    await context.close();
  }
});

test('a sign-out in one tab while another tab\'s rotating refresh is out: the newest refresh token is revoked, nothing comes back', async () => {
  const user = await signedInUser('sign-out-race');
  await enableRotation(user);
  // Each tab records the Cognito calls it makes, with the replies.
  const record = `{
    window.cognitoCalls = [];
    const real = window.fetch;
    window.fetch = async (url, init) => {
      const response = await real(url, init);
      const target = new Headers(init?.headers).get('X-Amz-Target');
      if (target) window.cognitoCalls.push({ target: target.split('.').pop(), body: JSON.parse(init.body), reply: await response.clone().text() });
      return response;
    };
  }`;
  const context = await fx.browser.newContext();
  try {
    const [signingOut, refreshing] = [await openTab(context, { initScript: record }), await openTab(context, { initScript: record })];
    for (const page of [signingOut, refreshing]) {
      await makeClient(page, user, { autoRefresh: false, refreshMethod: 'GetTokensFromRefreshToken' });
    }
    assert.equal((await attempt(signingOut, `return client.signIn({ username: '${user.username}', password: '${user.password}' });`)).ok, true);
    await injectFault({ operation: 'GetTokensFromRefreshToken', count: 1, delayMs: 1500 });
    const refreshed = attempt(refreshing, 'return client.refreshSession();');
    await eventually('the refresh request at the emulator', async () => (await dev('GET', '/_emulator/faults')).length === 0);
    const signedOut = await attempt(signingOut, 'return client.signOut();');
    assert.equal(signedOut.ok, true, JSON.stringify(signedOut));
    await refreshed;

    const calls = async (page, target) => (await page.evaluate(() => window.cognitoCalls)).filter((c) => c.target === target);
    const [rotation] = await calls(refreshing, 'GetTokensFromRefreshToken');
    // The sign-out waited for the refresh under way instead of revoking the token it was presenting.
    const rotated = JSON.parse(rotation.reply).AuthenticationResult?.RefreshToken;
    assert.ok(rotated, `the refresh under way completed: ${rotation.reply}`);
    const revoked = (await calls(signingOut, 'RevokeToken')).map((c) => c.body.Token);
    assert.deepEqual(revoked, [rotated], 'the sign-out revoked the token the other tab\'s refresh brought');
    for (const page of [signingOut, refreshing]) {
      assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), [], 'nothing of the session is left');
      assert.equal((await attempt(page, 'return client.getSession();')).name, 'UserUnAuthenticatedException');
      assert.deepEqual(page.problems, []);
    }
    await assert.rejects(
      cognito(fx.emulator.endpoint, 'GetTokensFromRefreshToken', { RefreshToken: rotated, ClientId: user.clientId }),
      (err) => err.type === 'NotAuthorizedException' || err.type === 'RefreshTokenReuseException',
    );
  } finally {
    await clearFaults();
    await context.close();
  }
});

test('proactive refresh: one per origin before expiry, paused while hidden, caught up when shown', async () => {
  const user = await signedInUser('proactive', { lifetime: 8 });
  const context = await fx.browser.newContext();
  try {
    const pages = [await openTab(context), await openTab(context)];
    for (const page of pages) await makeClient(page, user, { refreshMarginSeconds: 3 });
    await resetCalls();
    assert.equal((await attempt(pages[0], `return client.signIn({ username: '${user.username}', password: '${user.password}' });`)).ok, true);
    // Due at 5 s (jitter up to 0.5 s earlier): by 6.5 s one tab has refreshed, for both.
    await sleep(6_500);
    assert.equal(await callCount(REFRESH), 1, 'one proactive refresh for two tabs');
    const tokens = await Promise.all(pages.map((p) => attempt(p, 'return (await client.getSession()).accessToken;')));
    assert.equal(tokens[0].value, tokens[1].value);

    // Hide both pages: the next refresh comes due and waits...
    const setVisibility = (page, state) => page.evaluate((state) => {
      Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }, state);
    for (const page of pages) await setVisibility(page, 'hidden');
    await sleep(6_000);
    assert.equal(await callCount(REFRESH), 1, 'no refresh while hidden');
    // ...until one is shown.
    await setVisibility(pages[1], 'visible');
    await eventually('the refresh after showing the page', async () => (await callCount(REFRESH)) === 2);
    const shown = await attempt(pages[1], 'return (await client.getSession()).accessToken;');
    assert.notEqual(shown.value, tokens[0].value);
    for (const page of pages) assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

for (const [label, hours] of [['ahead', 3], ['behind', -3]]) {
  test(`device clock 3 hours ${label}: sign-in and refresh still work`, async () => {
    const user = await signedInUser(`clock-${label}`);
    const context = await fx.browser.newContext();
    try {
      const shift = hours * 3600 * 1000;
      const page = await openTab(context, {
        initScript: `{ const real = Date.now; Date.now = () => real() + ${shift}; }`,
      });
      assert.equal(await page.evaluate(() => Math.round((Date.now() - performance.timeOrigin - performance.now()) / 3600000)), hours);
      await makeClient(page, user, { storage: 'memory' });
      const signIn = await attempt(page, `return client.signIn({ username: '${user.username}', password: '${user.password}' });`);
      assert.equal(signIn.ok, true, JSON.stringify(signIn));
      await resetCalls();
      const session = await attempt(page, 'return client.getSession();');
      assert.equal(session.ok, true);
      assert.equal(await callCount(REFRESH), 0, 'fresh tokens are not taken for expired ones');
      assert.ok(Math.abs(session.value.clockDrift - hours * 3600) < 5, `clockDrift ${session.value.clockDrift}`);
      const refreshed = await attempt(page, 'return client.refreshSession();');
      assert.equal(refreshed.ok, true, JSON.stringify(refreshed));
      assert.equal(await callCount(REFRESH), 1);
    } finally {
      await context.close();
    }
  });
}

test('faults during refresh: 503s, throttling and dropped connections are retried; a revoked token signs out', async () => {
  const user = await signedInUser('faults');
  const context = await fx.browser.newContext();
  try {
    const page = await openTab(context);
    await makeClient(page, user, { retry: { maxAttempts: 3, baseDelayMs: 50 } });
    assert.equal((await attempt(page, `return client.signIn({ username: '${user.username}', password: '${user.password}' });`)).ok, true);
    const cases = [
      [{ status: 503, type: 'ServiceUnavailable', message: 'down' }, 2, 3],
      [{ status: 400, type: 'TooManyRequestsException', message: 'slow down' }, 2, 3],
      [{ status: 400, type: 'LimitExceededException', message: 'limit' }, 1, 2],
      [{ dropConnection: true }, 2, 3],
    ];
    for (const [fault, count, expectedCalls] of cases) {
      await clearFaults();
      await resetCalls();
      await injectFault({ operation: REFRESH, count, ...fault });
      const result = await attempt(page, 'return client.refreshSession();');
      assert.equal(result.ok, true, `${JSON.stringify(fault)} → ${JSON.stringify(result)}`);
      assert.equal(await callCount(REFRESH), expectedCalls, JSON.stringify(fault));
    }

    // A fault that outlasts the retries: three calls, no more; the session is kept.
    await clearFaults();
    await resetCalls();
    await injectFault({ operation: REFRESH, count: 10, status: 500, type: 'InternalErrorException', message: 'boom' });
    const failed = await attempt(page, 'return client.refreshSession();');
    assert.equal(failed.name, 'InternalErrorException');
    await sleep(500);
    assert.equal(await callCount(REFRESH), 3, 'no retry storm');
    assert.equal((await attempt(page, 'return client.getSession();')).ok, true, 'session kept on transient failures');
    assert.deepEqual((await events(page)).filter((e) => e === 'sessionExpired'), []);
    await clearFaults();

    // Revoked refresh token: one call, signed out, tokenRefreshFailed + sessionExpired.
    const { value: stored } = await attempt(page, 'return client.getSession();');
    await cognito(fx.emulator.endpoint, 'RevokeToken', { Token: stored.refreshToken, ClientId: user.clientId });
    await resetCalls();
    const revoked = await attempt(page, 'return client.refreshSession();');
    assert.equal(revoked.name, 'NotAuthorizedException');
    assert.equal(revoked.isCognitoError, true);
    assert.equal(await callCount(REFRESH), 1, 'authentication errors are not retried');
    const seen = await events(page);
    assert.ok(seen.includes('tokenRefreshFailed') && seen.includes('sessionExpired'), seen.join());
    assert.equal((await attempt(page, 'return client.getSession();')).name, 'UserUnAuthenticatedException');
    assert.deepEqual(page.problems, []);
  } finally {
    await clearFaults();
    await context.close();
  }
});

test('aborts and timeouts: an AbortSignal ends a call at once; a hung request times out and is retried', async () => {
  const user = await signedInUser('abort');
  const context = await fx.browser.newContext();
  try {
    const page = await openTab(context);
    await makeClient(page, user, { storage: 'memory', retry: { maxAttempts: 2, baseDelayMs: 10 } });
    assert.equal((await attempt(page, `return client.signIn({ username: '${user.username}', password: '${user.password}' });`)).ok, true);
    await injectFault({ operation: 'GetUser', count: 5, delayMs: 3000 });
    await resetCalls();
    const aborted = await attempt(page, `
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      const started = performance.now();
      try { await client.fetchUserAttributes({ signal: controller.signal }); }
      catch (error) { error.message += ' after ' + Math.round(performance.now() - started) + ' ms'; throw error; }`);
    assert.equal(aborted.name, 'AbortError', JSON.stringify(aborted));
    assert.ok(Number(aborted.message.match(/after (\d+) ms/)[1]) < 1500, aborted.message);
    assert.equal(await callCount('GetUser'), 1, 'an aborted call is not retried');

    await resetCalls();
    const timedOut = await attempt(page, 'return client.fetchUserAttributes({ timeoutMs: 300 });');
    assert.equal(timedOut.name, 'TimeoutError', JSON.stringify(timedOut));
    assert.equal(await callCount('GetUser'), 2, 'a timeout is retried (maxAttempts 2)');
    await clearFaults();
    const fine = await attempt(page, 'return client.fetchUserAttributes({ timeoutMs: 5000 });');
    assert.equal(fine.ok, true);
    assert.deepEqual(page.problems, []);
  } finally {
    await clearFaults();
    await context.close();
  }
});

test('reload restores the session; corrupted storage signs out cleanly; custom async storage works', async () => {
  const user = await signedInUser('reload');
  const context = await fx.browser.newContext();
  try {
    const page = await openTab(context);
    await makeClient(page, user);
    assert.equal((await attempt(page, `return client.signIn({ username: '${user.username}', password: '${user.password}' });`)).ok, true);
    const keys = await page.evaluate(() => Object.keys(localStorage).sort());
    assert.deepEqual(keys, [
      `cognito-wasm.${user.poolId}.${user.clientId}.lastAuthUser`,
      `cognito-wasm.${user.poolId}.${user.clientId}.user.${user.username}.session`,
    ]);

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    await makeClient(page, user);
    const restored = await attempt(page, 'return client.getSession();');
    assert.equal(restored.ok, true);
    assert.equal(restored.value.username, user.username);

    await page.evaluate((key) => localStorage.setItem(key, '{"version":1,"username":'), keys[1]);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    await makeClient(page, user);
    const gone = await attempt(page, 'return client.getSession();');
    assert.equal(gone.name, 'UserUnAuthenticatedException');
    // Told by the client's first read (its refresh timer's), once its removal has settled (see store.js): a
    // moment after getSession, which found storage already empty.
    const signedOut = await eventually('the signedOut event', () =>
      page.evaluate(() => window.events.find((e) => e.event === 'signedOut')));
    assert.equal(signedOut.error?.name, 'StoredSessionUnreadable');
    assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), [], 'the unreadable session is removed');
    assert.deepEqual(page.problems, []);

    // An app's own async storage (here: a Map behind promises).
    const custom = await attempt(page, `
      const map = new Map();
      const delay = () => new Promise((r) => setTimeout(r, 5));
      const storage = {
        async getItem(k) { await delay(); return map.has(k) ? map.get(k) : null; },
        async setItem(k, v) { await delay(); map.set(k, v); },
        async removeItem(k) { await delay(); map.delete(k); },
      };
      const config = { userPoolId: '${user.poolId}', clientId: '${user.clientId}', endpoint: '${fx.emulator.endpoint}', storage };
      const first = new lib.CognitoClient(config);
      await first.signIn({ username: '${user.username}', password: '${user.password}' });
      const second = new lib.CognitoClient(config);
      const session = await second.getSession();
      return { username: session.username, keys: [...map.keys()].length };`);
    assert.equal(custom.ok, true, JSON.stringify(custom));
    assert.deepEqual(custom.value, { username: user.username, keys: 2 });
    const refused = await attempt(page, `new lib.CognitoClient({ userPoolId: '${user.poolId}', clientId: 'c', storage: { getItem() {} } });`);
    assert.equal(refused.name, 'InvalidParameterException');
  } finally {
    await context.close();
  }
});

test('the package signs in from a Web Worker (memory storage, no document)', async () => {
  const user = await signedInUser('worker');
  const context = await fx.browser.newContext();
  try {
    const page = await openTab(context);
    const result = await page.evaluate(
      (data) => new Promise((resolve) => {
        const worker = new Worker('/worker.js', { type: 'module' });
        worker.onerror = (e) => resolve({ ok: false, message: e.message });
        worker.onmessage = ({ data: reply }) => {
          if (reply.ready) worker.postMessage(data);
          else resolve(reply);
        };
      }),
      {
        config: { userPoolId: user.poolId, clientId: user.clientId, endpoint: fx.emulator.endpoint },
        credentials: { username: user.username, password: user.password },
      },
    );
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.output.isSignedIn, true);
    assert.equal(result.username, user.username);
    assert.deepEqual(result.events, ['signedIn']);
    assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});

test('the SRP maths run in a Web Worker where one can start, and on the page where none can', async () => {
  const user = await signedInUser('signer');
  // Counts the page's random draws (the SRP ephemeral is the only randomness a sign-in needs) and the
  // workers it starts.
  const watch = `
    window.draws = 0;
    const draw = crypto.getRandomValues.bind(crypto);
    crypto.getRandomValues = (array) => { window.draws += 1; return draw(array); };
    window.workersStarted = [];
    if (window.Worker) {
      const Real = window.Worker;
      window.Worker = class extends Real {
        constructor(url, options) { super(url, options); window.workersStarted.push(options?.name); }
      };
    }`;
  for (const workers of [true, false]) {
    const context = await fx.browser.newContext();
    try {
      const page = await openTab(context, { initScript: workers ? watch : `${watch}; window.Worker = undefined;` });
      await makeClient(page, user, { storage: 'memory' });
      // The worker is ready tens of milliseconds after the first client started it; sign-ins begun before
      // that run on the page.
      await sleep(1000);
      const out = await attempt(page, `
        await window.client.prepareSignIn();
        const output = await window.client.signIn({ username: '${user.username}', password: '${user.password}' });
        return { output, draws: window.draws, workers: window.workersStarted };`);
      assert.equal(out.ok, true, JSON.stringify(out));
      assert.equal(out.value.output.isSignedIn, true);
      if (workers) {
        assert.deepEqual(out.value.workers, ['cognito-wasm sign-in']);
        assert.equal(out.value.draws, 0, 'the ephemeral was drawn in the worker');
      } else {
        assert.deepEqual(out.value.workers, []);
        assert.ok(out.value.draws > 0, 'the ephemeral was drawn on the page');
      }
      assert.deepEqual(page.problems, []);
    } finally {
      await context.close();
    }
  }
});

test('storage "session": a tab opened from the page starts with a copy of the session (the documented limit); noopener does not', async () => {
  const user = await signedInUser('session-copy');
  await enableRotation(user);
  const options = { storage: 'session', autoRefresh: false, refreshMethod: 'GetTokensFromRefreshToken' };
  const context = await fx.browser.newContext();
  try {
    const original = await openTab(context);
    await makeClient(original, user, options);
    assert.equal((await attempt(original, `return client.signIn({ username: '${user.username}', password: '${user.password}' });`)).ok, true);
    const opened = async (features) => {
      const [page] = await Promise.all([
        context.waitForEvent('page'),
        original.evaluate(([url, features]) => void window.open(url, '_blank', features), [fx.site.url, features]),
      ]);
      page.problems = [];
      page.on('pageerror', (err) => page.problems.push(`pageerror: ${err.message}`));
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 20_000 });
      await makeClient(page, user, options);
      return page;
    };

    const isolated = await opened('noopener');
    assert.equal((await attempt(isolated, 'return client.getSession();')).name, 'UserUnAuthenticatedException', 'noopener: a tab of its own');

    const copy = await opened('');
    const { value: copied } = await attempt(copy, 'return client.getSession();');
    const { value: mine } = await attempt(original, 'return client.getSession();');
    assert.equal(copied.refreshToken, mine.refreshToken, 'the opened tab holds a copy of the same session');
    // The two copies refresh without knowing of each other: with rotation, the first retires the token the
    // other still holds, and that one is signed out.
    assert.equal((await attempt(copy, 'return client.refreshSession();')).ok, true);
    const refused = await attempt(original, 'return client.refreshSession();');
    assert.ok(['RefreshTokenReuseException', 'NotAuthorizedException'].includes(refused.name), JSON.stringify(refused));
    assert.equal((await attempt(original, 'return client.getSession();')).name, 'UserUnAuthenticatedException');
    for (const page of [original, copy, isolated]) assert.deepEqual(page.problems, []);
  } finally {
    await context.close();
  }
});
