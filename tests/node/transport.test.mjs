// pkg-template/transport.js (and the exchange.js it imports; pkg/ ships them bundled) on its own, against a local HTTP server standing in for
// Cognito: the request's shape, retries of what may pass (the session core decides the waits), Cognito's
// errors, the size limit, timeouts, aborts, redirects refused, and the server's clock from the Date header.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { GLUE, ROOT } from './helpers.mjs';
import { Call } from '../../pkg-template/timers.js';
import { MAX_REPLY_BYTES } from '../../pkg-template/exchange.js';
import { Transport } from '../../pkg-template/transport.js';

// The glue as wasm-bindgen wrote it (pkg/ ships it bundled), with pkg/'s session module.
const { Core, initSync } = await import(pathToFileURL(join(GLUE, 'cognito_wasm.js')).href);
initSync({ module: readFileSync(join(ROOT, 'pkg', 'cognito_wasm_session_bg.wasm')) });

let server;
let url;
/** What the server does with the next requests, one function per request, and what it saw. */
let replies = [];
let seen = [];

before(async () => {
  server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      seen.push({ target: req.headers['x-amz-target'], type: req.headers['content-type'], body: Buffer.concat(chunks).toString() });
      (replies.shift() ?? ((r) => r.writeHead(500).end('{}')))(res);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${server.address().port}`;
});

after(() => new Promise((resolve) => server.close(resolve)));

function transport(retry = { maxAttempts: 3, baseDelayMs: 1 }) {
  const core = new Core(JSON.stringify({ userPoolId: 'us-east-1_Test', clientId: 'client', endpoint: url, retry }));
  return new Transport(core, url);
}
const json = (status, body, headers = {}) => (res) =>
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', ...headers }).end(JSON.stringify(body));
const request = { target: 'AWSCognitoIdentityProviderService.GetUser', body: '{"AccessToken":"t"}' };
const send = (t, options) => t.send(new Call(options, 2_000), request);

test('sends the target and body as AWS JSON 1.1; a 2xx reply is its text; Date sets the clock offset', async () => {
  seen = [];
  const serverTime = new Date(Date.now() + 120_000).toUTCString();
  replies = [json(200, { Username: 'bob' }, { Date: serverTime })];
  const t = transport();
  assert.equal(t.clockOffset, undefined);
  assert.equal(await send(t), '{"Username":"bob"}');
  assert.deepEqual(seen, [{ target: request.target, type: 'application/x-amz-json-1.1', body: request.body }]);
  assert.ok(Math.abs(t.clockOffset - 120) <= 2, String(t.clockOffset));
});

test('a 5xx or throttling is retried; a Cognito error that will not pass is thrown at once', async () => {
  seen = [];
  replies = [json(503, {}), json(400, { __type: 'TooManyRequestsException', message: 'slow down' }), json(200, {})];
  assert.equal(await send(transport()), '{}');
  assert.equal(seen.length, 3);

  seen = [];
  replies = [json(400, { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' })];
  await assert.rejects(send(transport()), { name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  assert.equal(seen.length, 1);

  replies = [json(503, {}), json(503, {}), json(503, {})];
  await assert.rejects(send(transport()), (e) => e.retryable === true, 'gives up after maxAttempts');
});

test('a reply over the size limit is refused, by its Content-Length or while reading', async () => {
  replies = [(res) => res.writeHead(200, { 'Content-Length': String(MAX_REPLY_BYTES + 1) }).end('x'.repeat(MAX_REPLY_BYTES + 1))];
  await assert.rejects(send(transport({ maxAttempts: 1 })), { name: 'InvalidResponseException' });
  replies = [(res) => {
    res.writeHead(200);
    res.end('x'.repeat(MAX_REPLY_BYTES + 10));
  }];
  await assert.rejects(send(transport({ maxAttempts: 1 })), { name: 'InvalidResponseException' });
});

test('no reply within the timeout is a retryable TimeoutError; an abort is an AbortError at once', async () => {
  const hang = () => {}; // never answers
  replies = [hang];
  await assert.rejects(send(transport({ maxAttempts: 1 }), { timeoutMs: 100 }), { name: 'TimeoutError', retryable: true });
  replies = [hang];
  const controller = new AbortController();
  const sending = send(transport(), { signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  await assert.rejects(sending, { name: 'AbortError' });
});

test('a redirect is not followed (it would carry the request elsewhere): NetworkError', async () => {
  replies = [(res) => res.writeHead(307, { Location: `${url}/elsewhere` }).end()];
  await assert.rejects(send(transport({ maxAttempts: 1 })), { name: 'NetworkError' });
});
