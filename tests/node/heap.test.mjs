// The wasm modules' allocator over a page's life: the same calls made again and again must come to need no
// more memory, whatever sizes they allocate. A page keeps one instance for as long as it is open, so an
// allocator that kept freed blocks from serving later requests would grow the page's memory without bound.
// (The allocator is the crate's choice in src/lib.rs; this holds any choice to that.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { GLUE } from './helpers.mjs';

const glue = await import(pathToFileURL(join(GLUE, 'cognito_wasm.js')).href);
const compiled = (file) => new WebAssembly.Module(readFileSync(new URL(`../../pkg/${file}`, import.meta.url)));
const { memory } = glue.initSync({ module: compiled('cognito_wasm_session_bg.wasm') });
glue.attachRefresh(compiled('cognito_wasm_refresh_bg.wasm'));
glue.attachSignIn(compiled('cognito_wasm_sign_in_bg.wasm'));

const CONFIG = JSON.stringify({ userPoolId: 'us-east-1_Test', clientId: 'client', endpoint: 'http://127.0.0.1:1' });
const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims) => `${b64url({ alg: 'RS256', kid: 'k' })}.${b64url(claims)}.c2ln`;

/** A stored session whose texts grow and shrink with `i`, so that the calls allocate blocks of many sizes. */
function storedSession(i) {
  const now = 1_700_000_000 + i;
  const username = `user-${i}-${'x'.repeat((i * 37) % 900)}`;
  const claims = { sub: `sub-${i}`, iat: now, exp: now + 3600, 'cognito:username': username };
  return JSON.stringify({
    version: 1,
    username,
    idToken: jwt({ ...claims, token_use: 'id', email: `${'e'.repeat((i * 13) % 300)}@example.com` }),
    accessToken: jwt({ ...claims, token_use: 'access', username }),
    refreshToken: `refresh-${'r'.repeat((i * 71) % 2000)}`,
    clockDrift: 0,
  });
}

function outcome(text, what) {
  const parsed = JSON.parse(text);
  assert.ok('ok' in parsed, `${what}: ${text.slice(0, 200)}`);
  return parsed.ok;
}

/** One round of a page's calls: session decisions, a refresh request and reply, and now and then a sign-in. */
function round(core, signIn, i) {
  const stored = storedSession(i);
  const now = 1_700_000_000 + i;
  assert.equal(outcome(core.call('needsRefresh', JSON.stringify([stored, now])), 'needsRefresh'), false);
  assert.ok(outcome(core.call('refreshDueInMs', JSON.stringify([stored, now * 1000])), 'refreshDueInMs') > 0);
  const request = outcome(core.refresh('refreshRequest', JSON.stringify([stored])), 'refreshRequest');
  assert.equal(request.target, 'AWSCognitoIdentityProviderService.InitiateAuth');
  const renewed = JSON.parse(storedSession(i + 1));
  const reply = JSON.stringify({ AuthenticationResult: { IdToken: renewed.idToken, AccessToken: renewed.accessToken, ExpiresIn: 3600 } });
  outcome(core.refresh('refreshed', JSON.stringify([stored, reply, now])), 'refreshed');
  if (i % 8 === 0) {
    const input = JSON.stringify({ username: `user-${i}`, password: 'p'.repeat(8 + (i % 64)) });
    assert.ok(outcome(signIn.call('signIn', JSON.stringify([input, '', ''])), 'signIn').send);
  }
}

test('the same calls made again and again come to need no more memory', () => {
  const core = new glue.Core(CONFIG);
  const signIn = new glue.SignInCore(CONFIG);
  try {
    for (let i = 0; i < 400; i += 1) round(core, signIn, i);
    const settled = memory.buffer.byteLength;
    // ~6 MB of text allocated and freed in this loop, in blocks of many sizes.
    for (let i = 400; i < 4400; i += 1) round(core, signIn, i % 400);
    const grown = memory.buffer.byteLength - settled;
    assert.ok(grown <= 65_536, `memory grew by ${grown} bytes over 4,000 rounds of calls it had made before (from ${settled})`);
  } finally {
    signIn.free();
    core.free();
  }
});
