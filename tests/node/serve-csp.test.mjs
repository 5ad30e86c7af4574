// scripts/serve.py builds the page's Content-Security-Policy from config.json: only well-formed values may
// reach it. A value that would add a directive (browsers obey the first of two), widen frame-ancestors with a
// wildcard, or is not a pool id gets the whole config refused: a 500 and a policy that allows nothing.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { fixture } from './fixture.mjs';

const GOOD = { userPoolId: 'us-east-1_AbC123', clientId: 'client', endpoint: 'http://127.0.0.1:9229/' };

const fx = fixture(async (start) => {
  const configFile = join(await start.dir('serve-csp-'), 'config.json');
  writeFileSync(configFile, JSON.stringify(GOOD));
  return { configFile, server: await start.servePy(['--config', configFile]) };
});

/** The page's status and CSP as a map of directive → [its sources], each directive seen exactly once. */
async function policyFor(config) {
  writeFileSync(fx.configFile, JSON.stringify(config));
  const response = await fetch(`${fx.server.url}/`);
  await response.arrayBuffer();
  const header = response.headers.get('content-security-policy');
  const directives = new Map();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    assert.ok(!directives.has(name), `${name} appears more than once in ${header}`);
    directives.set(name, sources);
  }
  return { status: response.status, directives, header };
}

test('a good config: each directive exactly once, the endpoint origin in connect-src, the parents in frame-ancestors', async () => {
  const parents = ['https://app.example.com', 'http://localhost:3000/', 'http://[::1]:8080'];
  const { status, directives } = await policyFor({ ...GOOD, allowedParentOrigins: parents });
  assert.equal(status, 200);
  assert.deepEqual([...directives.keys()], [
    'default-src', 'script-src', 'connect-src', 'style-src', 'img-src', 'object-src', 'base-uri', 'form-action', 'frame-ancestors',
  ]);
  assert.deepEqual(directives.get('connect-src'), ["'self'", 'http://127.0.0.1:9229']);
  assert.deepEqual(directives.get('frame-ancestors'), ['https://app.example.com', 'http://localhost:3000', 'http://[::1]:8080']);
  const { directives: regional } = await policyFor({ ...GOOD, endpoint: undefined });
  assert.deepEqual(regional.get('connect-src'), ["'self'", 'https://cognito-idp.us-east-1.amazonaws.com']);
});

test('values that would inject or widen a directive get the config refused', async () => {
  const refused = [
    { endpoint: 'https://x.example; frame-ancestors *' },
    { endpoint: "https://x.example 'unsafe-inline'" },
    { endpoint: 'https://user@x.example/' },
    { endpoint: undefined, userPoolId: "us-east-1; script-src 'unsafe-inline' _AbC" },
    { userPoolId: 'not a pool id' },
    { allowedParentOrigins: ['*'] },
    { allowedParentOrigins: ['https://*.example.com'] },
    { allowedParentOrigins: ['https:'] },
    { allowedParentOrigins: ['https://app.example.com/path'] },
    { allowedParentOrigins: ['javascript:alert(1)'] },
    { allowedParentOrigins: ["https://app.example.com 'unsafe-inline'"] },
    { allowedParentOrigins: ['https://app.example.com;script-src *'] },
  ];
  for (const change of refused) {
    const { status, directives, header } = await policyFor({ ...GOOD, ...change });
    assert.equal(status, 500, `${JSON.stringify(change)} → ${header}`);
    assert.deepEqual(directives.get('default-src'), ["'none'"], JSON.stringify(change));
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"], JSON.stringify(change));
  }
});
