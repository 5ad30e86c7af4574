// The built package (pkg/) in the two browser engines besides Chromium: Firefox ESR over WebDriver BiDi and
// WebKitGTK through WebKitWebDriver (tests/node/drivers.mjs). In each: SRP sign-in, the session, a refresh,
// sign-out, and a wrong password refused, against the emulator. The page (tests/node/harness/engines.js)
// reports which path the package took where an engine lacks something it uses (module workers, Web Locks),
// and each engine's entry below says which path that engine must take. wasm SIMD has no fallback: the
// module uses it (src/srp/montgomery.rs) and does not compile without it, so each engine must have it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createRemoteJWKSet, jwtVerify } from 'jose';

import { launchFirefox, launchWebKit } from './drivers.mjs';
import { fixture } from './fixture.mjs';
import { cognito, createPoolAndUser, issuerFor } from './helpers.mjs';

/**
 * Per engine, what the package finds there and so which path it must take: where the SRP maths run, 'worker'
 * (the sign-in worker, a module worker that is handed the compiled module) or 'page' (the fallback where no
 * worker starts), and whether refreshes take the cross-tab Web Lock. Each engine also runs the scenario with
 * Worker and navigator.locks taken away, to see the fallbacks (page, no lock) work there too.
 */
const ENGINES = [
  { engine: 'Firefox ESR', launch: launchFirefox, expect: { webLocks: true, wasmSimd: true, signInRanIn: 'worker' } },
  { engine: 'WebKitGTK', launch: launchWebKit, expect: { webLocks: true, wasmSimd: true, signInRanIn: 'worker' } },
];
const FALLBACKS = { what: 'without Worker and Web Locks: the fallbacks', without: 'Worker,locks', expect: { webLocks: false, signInRanIn: 'page' } };

const SIGNER = 'cognito-wasm sign-in';

const fx = fixture(async (start) => ({ emulator: await start.emulator(), site: await start.harness() }));

/** The emulator's call counts by name ('InitiateAuth:USER_SRP_AUTH', ...) since the last reset. */
async function calls() {
  const res = await fetch(`${fx.emulator.url}/_emulator/calls`);
  if (!res.ok) throw new Error(`calls: ${res.status}`);
  const counts = await res.json();
  return (name) => counts[name]?.total ?? 0;
}

async function resetCalls() {
  const res = await fetch(`${fx.emulator.url}/_emulator/calls`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`reset calls: ${res.status}`);
}

/** Runs `name` in the page; fails the test with the step's error unless it succeeded. */
async function ok(browser, name, arg) {
  const answer = await browser.call(name, arg);
  assert.equal(answer.ok, true, `${browser.name}: step ${name} failed: ${JSON.stringify(answer)}`);
  return answer.value;
}

/**
 * In a page of `browser` (`without` some features): SRP sign-in, the session, a refresh, sign-out, a wrong
 * password; asserts `expect` of the path taken and reports it through `t.diagnostic`.
 */
async function scenario(t, browser, { without, expect }) {
  const user = await createPoolAndUser(fx.emulator.endpoint, { name: 'engines' });
  const config = { userPoolId: user.poolId, clientId: user.clientId, endpoint: fx.emulator.endpoint, storage: 'local' };
  const jwks = createRemoteJWKSet(new URL(`${fx.emulator.url}/${user.poolId}/.well-known/jwks.json`));
  const verify = (token) => jwtVerify(token, jwks, { issuer: issuerFor(user.poolId) });

  await browser.open(`${fx.site.url}/engines.html${without ? `?without=${without}` : ''}`);
  const features = await ok(browser, 'features');
  t.diagnostic(`features: ${JSON.stringify(features)}`);
  assert.equal(features.loadError, undefined, 'the package loads');
  assert.equal(features.webLocks, expect.webLocks, 'navigator.locks');
  if (expect.wasmSimd !== undefined) assert.equal(features.wasmSimd, expect.wasmSimd, 'wasm SIMD');

  // Sign-in with SRP: InitiateAuth(USER_SRP_AUTH), then the password verifier, which the emulator checks.
  await resetCalls();
  const output = await ok(browser, 'signIn', { config, username: user.username, password: user.password });
  assert.deepEqual(output, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  const signIn = await ok(browser, 'seen');
  const ranIn = signIn.workers.includes(SIGNER) && signIn.workerAnswered && signIn.pageDraws === 0 ? 'worker' : 'page';
  t.diagnostic(
    `sign-in ran in the ${ranIn} (workers started: ${JSON.stringify(signIn.workers)}, one answered: ` +
      `${signIn.workerAnswered}, worker errors: ${JSON.stringify(signIn.workerErrors)}, random draws on the page: ${signIn.pageDraws})`,
  );
  assert.equal(ranIn, expect.signInRanIn, 'where the SRP maths ran');
  let count = await calls();
  assert.equal(count('InitiateAuth:USER_SRP_AUTH'), 1);
  assert.equal(count('RespondToAuthChallenge:PASSWORD_VERIFIER'), 1);

  const session = await ok(browser, 'getSession');
  assert.equal(session.username, user.username);
  assert.equal(session.idTokenClaims['cognito:username'], user.username);
  assert.equal((await verify(session.accessToken)).payload.username, user.username);
  assert.equal((await verify(session.idToken)).payload.token_use, 'id');

  const refreshed = await ok(browser, 'refreshSession');
  const { locks } = await ok(browser, 'seen');
  t.diagnostic(`Web Locks taken: ${JSON.stringify(locks)}`);
  assert.deepEqual(locks.length > 0 && locks.every((name) => name.endsWith('.session')), expect.webLocks, 'the session (its refresh included) is written under a Web Lock');
  count = await calls();
  assert.equal(count('InitiateAuth:REFRESH_TOKEN_AUTH'), 1);
  assert.notEqual(refreshed.accessToken, session.accessToken, 'new tokens');
  assert.equal((await verify(refreshed.accessToken)).payload.username, user.username);
  assert.equal(refreshed.refreshToken, session.refreshToken, 'REFRESH_TOKEN_AUTH keeps the refresh token');

  await ok(browser, 'signOut');
  const signedOut = await browser.call('getSession');
  assert.equal(signedOut.name, 'UserUnAuthenticatedException', JSON.stringify(signedOut));
  // The sign-out revoked the refresh token at the emulator.
  assert.equal((await calls())('RevokeToken'), 1);
  await assert.rejects(
    cognito(fx.emulator.endpoint, 'InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: user.clientId,
      AuthParameters: { REFRESH_TOKEN: session.refreshToken },
    }),
    (err) => err.type === 'NotAuthorizedException',
  );

  const refused = await browser.call('signInAgain', { username: user.username, password: `${user.password}x` });
  assert.equal(refused.ok, false, JSON.stringify(refused));
  assert.equal(refused.name, 'NotAuthorizedException', JSON.stringify(refused));
  assert.equal(refused.isCognitoError, true);

  assert.deepEqual((await ok(browser, 'seen')).pageErrors, []);
}

for (const { engine, launch, expect } of ENGINES) {
  test(`${engine}: the package signs in with SRP, refreshes, signs out, and refuses a wrong password`, { timeout: 90_000 }, async (t) => {
    const browser = await launch();
    try {
      t.diagnostic(`browser: ${browser.version}`);
      await t.test('as the engine is', (t) => scenario(t, browser, { expect }));
      await t.test(FALLBACKS.what, (t) => scenario(t, browser, FALLBACKS));
    } finally {
      await browser.close();
    }
  });
}
