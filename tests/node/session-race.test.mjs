// Sign-out, refresh and sign-in racing each other over a slow async storage (every read and write takes a
// few ms, as IndexedDB or a native bridge may), in Node: the package's session lock keeps them apart where
// Web Locks do not exist. Cognito is the emulator; `fetch` is wrapped to start the racing call at the worst
// moment and to record what was sent.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { ROOT, cognito, createPoolAndUser, startEmulator } from './helpers.mjs';

const { CognitoClient } = await import(pathToFileURL(join(ROOT, 'pkg', 'node.js')).href);

let emulator;
const realFetch = globalThis.fetch;

before(async () => {
  emulator = await startEmulator();
});

after(async () => {
  globalThis.fetch = realFetch;
  await emulator?.stop();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** An app's storage over `map` where every call takes `ms`. */
const slowStorage = (map, ms = 10) => ({
  async getItem(key) {
    await sleep(ms);
    return map.get(key) ?? null;
  },
  async setItem(key, value) {
    await sleep(ms);
    map.set(key, value);
  },
  async removeItem(key) {
    await sleep(ms);
    map.delete(key);
  },
});

/** The session entries in `map` (remembered devices aside). */
const sessionKeys = (map) => [...map.keys()].filter((key) => !key.endsWith('.device'));

/**
 * Replaces fetch with one that records every Cognito call as { target, body, reply } and lets `hook(call,
 * forward)` answer it: `forward()` sends it on and resolves with the reply's text and status.
 */
function interceptFetch(hook) {
  const calls = [];
  globalThis.fetch = async (url, init) => {
    const target = new Headers(init?.headers).get('X-Amz-Target')?.split('.').pop();
    if (!target) return realFetch(url, init);
    const call = { target, body: JSON.parse(init.body) };
    calls.push(call);
    const forward = async () => {
      const response = await realFetch(url, init);
      call.reply = await response.text();
      return { status: response.status, headers: response.headers, text: call.reply };
    };
    const { status, headers, text } = await (hook(call, forward) ?? forward());
    return new Response(text, { status, headers });
  };
  return calls;
}

test('a sign-out while a refresh reply is coming in: storage ends empty and the newest (rotated) refresh token is revoked', async () => {
  const user = await createPoolAndUser(emulator.endpoint, { name: 'race-sign-out' });
  await cognito(emulator.endpoint, 'UpdateUserPoolClient', {
    UserPoolId: user.poolId,
    ClientId: user.clientId,
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 },
  });
  const map = new Map();
  const client = new CognitoClient({
    userPoolId: user.poolId,
    clientId: user.clientId,
    endpoint: emulator.endpoint,
    storage: slowStorage(map),
    autoRefresh: false,
    refreshMethod: 'GetTokensFromRefreshToken',
  });
  try {
    await client.signIn({ username: user.username, password: user.password });
    let signingOut;
    const calls = interceptFetch((call, forward) => {
      if (call.target !== 'GetTokensFromRefreshToken') return undefined;
      return forward().then((reply) => {
        // The reply is in; the client is about to store it.
        signingOut = client.signOut();
        return reply;
      });
    });
    await Promise.allSettled([client.refreshSession()]);
    await signingOut;
    globalThis.fetch = realFetch;

    assert.deepEqual(sessionKeys(map), [], 'nothing of the session is left in storage');
    await assert.rejects(client.getSession(), { name: 'UserUnAuthenticatedException' });
    const rotated = JSON.parse(calls.find((c) => c.target === 'GetTokensFromRefreshToken').reply).AuthenticationResult.RefreshToken;
    const revoked = calls.filter((c) => c.target === 'RevokeToken').map((c) => c.body.Token);
    assert.deepEqual(revoked, [rotated], 'RevokeToken carries the refresh token the refresh just brought');
    await assert.rejects(
      cognito(emulator.endpoint, 'GetTokensFromRefreshToken', { RefreshToken: rotated, ClientId: user.clientId }),
      (err) => err.type === 'NotAuthorizedException' || err.type === 'RefreshTokenReuseException',
    );
  } finally {
    globalThis.fetch = realFetch;
  }
});

test("bob's sign-in while alice's refresh is being refused (two clients, one storage): bob stays signed in", async () => {
  const alice = await createPoolAndUser(emulator.endpoint, { name: 'race-refused', username: 'alice' });
  const bobPassword = `${alice.password}b`;
  await cognito(emulator.endpoint, 'AdminCreateUser', { UserPoolId: alice.poolId, Username: 'bob', MessageAction: 'SUPPRESS' });
  await cognito(emulator.endpoint, 'AdminSetUserPassword', {
    UserPoolId: alice.poolId,
    Username: 'bob',
    Password: bobPassword,
    Permanent: true,
  });
  const map = new Map();
  const config = {
    userPoolId: alice.poolId,
    clientId: alice.clientId,
    endpoint: emulator.endpoint,
    storage: slowStorage(map),
    autoRefresh: false,
  };
  const aliceTab = new CognitoClient(config);
  const bobTab = new CognitoClient(config);
  try {
    await aliceTab.signIn({ username: 'alice', password: alice.password });
    const { refreshToken } = await aliceTab.getSession();
    await cognito(emulator.endpoint, 'RevokeToken', { Token: refreshToken, ClientId: alice.clientId });

    let bobSigningIn;
    interceptFetch((call, forward) => {
      if (call.body.AuthFlow !== 'REFRESH_TOKEN_AUTH') return undefined;
      // While alice's refresh is out, bob signs in; her refusal comes back once bob has his tokens.
      let bobHasTokens;
      const tokens = new Promise((resolve) => {
        bobHasTokens = resolve;
      });
      const inner = globalThis.fetch;
      globalThis.fetch = async (url, init) => {
        const response = await inner(url, init);
        if (new Headers(init?.headers).get('X-Amz-Target')?.endsWith('RespondToAuthChallenge')) bobHasTokens();
        return response;
      };
      bobSigningIn = bobTab.signIn({ username: 'bob', password: bobPassword });
      return tokens.then(() => sleep(200)).then(forward);
    });
    await assert.rejects(aliceTab.refreshSession(), { name: 'NotAuthorizedException' });
    assert.equal((await bobSigningIn).isSignedIn, true);
    globalThis.fetch = realFetch;

    assert.equal((await bobTab.getSession()).username, 'bob');
    assert.equal((await new CognitoClient(config).getSession()).username, 'bob', 'a new tab finds bob signed in');
    assert.equal((await aliceTab.getSession()).username, 'bob', 'alice\'s tab shares the storage: it sees bob too');
  } finally {
    globalThis.fetch = realFetch;
  }
});
