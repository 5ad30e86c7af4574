// The packed npm package, used the way a user would: `npm pack` pkg/, install the tarball into a fresh
// project, `import ... from 'cognito-wasm'` by name in Node, sign in against the emulator.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';

import { cognito, createPoolAndUser, ROOT, startEmulator } from './helpers.mjs';
import { installPackedPackage } from './packed.mjs';

let emulator;
let pool;
let app; // the scratch project the tarball is installed in
let pkg;
let dispose;

before(async () => {
  ({ pkg, app, dispose } = await installPackedPackage());
  emulator = await startEmulator();
  pool = await createPoolAndUser(emulator.endpoint, { name: 'package' });
});

after(async () => {
  await emulator?.stop();
  dispose?.();
});

const client = () =>
  new pkg.CognitoClient({
    userPoolId: pool.poolId,
    clientId: pool.clientId,
    endpoint: emulator.endpoint,
    storage: 'memory',
  });

test('the installed package exports CognitoClient and CognitoError, and nothing of the loader', () => {
  assert.deepEqual(Object.keys(pkg).sort(), ['CognitoClient', 'CognitoError']);
  assert.equal(typeof pkg.CognitoClient, 'function');
  assert.equal(typeof pkg.CognitoError, 'function');
  assert.ok(new pkg.CognitoError('X', 'm', false) instanceof Error);
});

test('the installed package ships bundled, minified JavaScript, each file with a source map that carries its readable sources', () => {
  const installed = join(app, 'node_modules', 'cognito-wasm');
  const scripts = readdirSync(installed).filter((f) => f.endsWith('.js'));
  assert.ok(scripts.length > 10, scripts.join(', '));
  const mapped = new Set();
  for (const name of scripts) {
    const shipped = readFileSync(join(installed, name), 'utf8');
    assert.ok(shipped.endsWith(`//# sourceMappingURL=${name}.map\n`), `${name} names its map`);
    const map = JSON.parse(readFileSync(join(installed, `${name}.map`), 'utf8'));
    let sourceLength = 0;
    map.sources.forEach((source, i) => {
      mapped.add(source);
      const template = join(ROOT, 'pkg-template', source);
      // pkg-template's own files; the rest is wasm-bindgen's glue, shipped the same way.
      if (existsSync(template)) assert.equal(map.sourcesContent[i], readFileSync(template, 'utf8'), `${name}.map holds pkg-template/${source}`);
      else assert.equal(source, 'cognito_wasm.js', `${name}.map: ${source} is neither pkg-template's nor the glue`);
      sourceLength += map.sourcesContent[i].length;
    });
    // An entry whose code all lives in shared chunks is their re-export, nothing else.
    if (map.sources.length === 0) assert.match(shipped, /^(import[^;]*;)*export\{[^}]*\}(from"[^"]*")?;\n\/\/# sourceMappingURL/, `${name} re-exports chunks`);
    else assert.ok(shipped.length < sourceLength, `${name} is smaller than its sources`);
  }
  // Every module of pkg-template is in the package (bundled somewhere), none lost.
  const modules = readdirSync(join(ROOT, 'pkg-template')).filter((f) => f.endsWith('.js'));
  assert.deepEqual(modules.filter((m) => !mapped.has(m)), []);
  // With the maps, a stack trace names the source's lines (a minified file has one line of code).
  const stack = execFileSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', `
    import { CognitoClient } from 'cognito-wasm';
    try { new CognitoClient({ userPoolId: 'nonsense', clientId: 'c' }); } catch (error) { console.log(error.stack); }`], { cwd: app, encoding: 'utf8' });
  assert.match(stack, /at new CognitoClient /, 'the class keeps its name');
  const frames = [...stack.matchAll(/node_modules\/cognito-wasm\/([\w-]+\.js):(\d+)/g)];
  assert.ok(frames.length > 0, stack);
  for (const [, name, line] of frames) {
    const source = readFileSync(join(ROOT, 'pkg-template', name), 'utf8').split('\n');
    assert.ok(Number(line) > 2 && Number(line) <= source.length, `${name}:${line} is a line of pkg-template/${name}\n${stack}`);
  }
});

test('the TypeScript declarations type-check a consumer (strict, node16 resolution)', () => {
  writeFileSync(
    join(app, 'consumer.ts'),
    `import { CognitoClient, CognitoError, type AuthEventName, type MfaType, type Session, type SignInOutput, type SignUpOutput } from 'cognito-wasm';
import * as everything from 'cognito-wasm';

const client = new CognitoClient({ userPoolId: 'us-east-1_AbCdEfGhI', clientId: 'abc', storage: 'memory' });
export async function run(): Promise<string> {
  const out: SignInOutput = await client.signIn({ username: 'u', password: 'p', authFlowType: 'USER_SRP_AUTH' });
  if (!out.isSignedIn) {
    // nextStep is a discriminated union: each step narrows to what it carries.
    const step = out.nextStep;
    switch (step.signInStep) {
      case 'UNHANDLED_CHALLENGE':
        return step.challengeName;
      case 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP':
        return step.totpSetupDetails.setupUri;
      case 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION': {
        const types: MfaType[] = step.allowedMFATypes;
        const next = await client.confirmSignIn({ challengeResponse: types[0] });
        return next.nextStep.signInStep;
      }
      case 'CONFIRM_SIGN_IN_WITH_SMS_CODE':
        return step.codeDeliveryDetails.destination ?? '';
      default:
        return step.signInStep;
    }
  }
  const s: Session = await client.getSession();
  const when: number = s.expiresAt;
  const name: unknown = s.idTokenClaims['cognito:username'];
  await client.refreshSession();
  await client.signOut();
  return s.idToken + when + String(name);
}
export async function register(): Promise<boolean> {
  const out: SignUpOutput = await client.signUp({ username: 'u', password: 'p', options: { userAttributes: { email: 'u@example.com' } } });
  if (out.nextStep.signUpStep === 'CONFIRM_SIGN_UP') await client.confirmSignUp({ username: 'u', confirmationCode: '123456' });
  const attributes: Record<string, string> = await client.fetchUserAttributes();
  await client.updateMFAPreference({ totp: 'PREFERRED', sms: 'DISABLED' });
  return out.isSignUpComplete && 'email' in attributes;
}
export function describe(err: unknown): string {
  return err instanceof CognitoError ? err.name + err.message + String(err.retryable satisfies boolean) : '';
}
// @ts-expect-error: storage is a closed set
new CognitoClient({ userPoolId: 'x', clientId: 'y', storage: 'disk' });
const stop: () => void = client.on('tokenRefreshed', (e) => {
  const name: AuthEventName = e.event;
  console.log(name, e.username ?? '', e.error?.name ?? '');
});
stop();
// @ts-expect-error: not an event the client fires
client.on('tokenExpired', () => {});
export async function redirect(): Promise<string> {
  const viaDomain = new CognitoClient({
    userPoolId: 'x',
    clientId: 'y',
    oauth: { domain: 'app.auth.eu-west-1.amazoncognito.com', redirectSignIn: ['https://app.example/cb'], scopes: ['openid'] },
  });
  viaDomain.on('signInWithRedirectFailure', (e) => console.log(e.customState ?? '', e.error?.name ?? ''));
  const back = await viaDomain.handleRedirect();
  if (!back) await viaDomain.signInWithRedirect({ provider: 'Google', customState: '/cart' });
  await viaDomain.signOut({ redirect: true });
  return back?.customState ?? '';
}
// @ts-expect-error: the implicit grant would put the tokens in a URL
new CognitoClient({ userPoolId: 'x', clientId: 'y', oauth: { domain: 'd', redirectSignIn: 'r', responseType: 'token' } });
// @ts-expect-error: not an MFA preference value
client.updateMFAPreference({ totp: 'ON' });
// @ts-expect-error: clientId is required
new CognitoClient({ userPoolId: 'x' });
// @ts-expect-error: wasm-bindgen's loader is not part of the API
void everything.initSync;
// @ts-expect-error: nor are the raw exports, typed any
export type Raw = import('cognito-wasm').InitOutput;
`,
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2022',
        module: 'node16',
        moduleResolution: 'node16',
        lib: ['es2022', 'dom'],
        skipLibCheck: false,
      },
      files: ['consumer.ts'],
    }),
  );
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], {
      cwd: app,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    assert.fail(`tsc failed:\n${err.stdout}${err.stderr}`);
  }
});

test('cognito-wasm/passkeys: imported by name, its conversions round-trip, its types check', async () => {
  writeFileSync(join(app, 'load-passkeys.mjs'), "export * from 'cognito-wasm/passkeys';\n");
  const passkeys = await import(pathToFileURL(join(app, 'load-passkeys.mjs')).href);
  const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255]);
  const text = passkeys.toBase64Url(bytes);
  assert.equal(text, Buffer.from(bytes).toString('base64url'));
  assert.deepEqual(new Uint8Array(passkeys.fromBase64Url(text)), bytes);
  const options = passkeys.requestOptionsFromJSON({ challenge: text, rpId: 'localhost', allowCredentials: [{ type: 'public-key', id: 'AAE' }] });
  assert.deepEqual(new Uint8Array(options.allowCredentials[0].id), new Uint8Array([0, 1]));
  const refused = passkeys.passkeyError(new DOMException('cancelled', 'NotAllowedError'));
  assert.ok(refused instanceof pkg.CognitoError, 'a CognitoError of the same package');
  assert.equal(refused.name, passkeys.PasskeyErrors.CANCELLED);
  writeFileSync(
    join(app, 'passkeys-consumer.ts'),
    `import { createPasskey, getPasskey, PasskeyErrors, type CreationOptionsJSON } from 'cognito-wasm/passkeys';
export async function add(options: CreationOptionsJSON): Promise<string> {
  const credential = await createPasskey(options);
  const assertion = await getPasskey({ challenge: 'AA' }, { mediation: 'conditional' });
  const cancelled: 'PasskeyCancelled' = PasskeyErrors.CANCELLED;
  return credential.response.attestationObject + assertion.response.signature + cancelled;
}
`,
  );
  writeFileSync(
    join(app, 'tsconfig.passkeys.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'node16', moduleResolution: 'node16', lib: ['es2022', 'dom'] },
      files: ['passkeys-consumer.ts'],
    }),
  );
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.passkeys.json'], {
      cwd: app,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    assert.fail(`tsc failed:\n${err.stdout}${err.stderr}`);
  }
});

test('index.d.ts declares exactly the methods the runtime CognitoClient has', () => {
  const runtime = Object.getOwnPropertyNames(pkg.CognitoClient.prototype).filter((n) => n !== 'constructor');
  const index = readFileSync(join(ROOT, 'pkg', 'index.d.ts'), 'utf8');
  const body = index.slice(index.indexOf('export declare class CognitoClient'));
  const declared = [...body.slice(0, body.indexOf('\n}')).matchAll(/^ {4}(\w+)\(/gm)].map((m) => m[1]);
  assert.ok(runtime.length > 20, `only ${runtime.length} methods on CognitoClient.prototype`);
  assert.deepEqual(declared.filter((n) => n !== 'constructor').sort(), runtime.sort());
});

test('sign in (SRP), getSession, refreshSession, signOut', async () => {
  const c = client();
  const out = await c.signIn({ username: pool.username, password: pool.password });
  assert.deepEqual(out, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });

  const s = await c.getSession();
  assert.equal(s.username, pool.username);
  for (const k of ['idToken', 'accessToken', 'refreshToken']) assert.equal(typeof s[k], 'string', k);
  assert.equal(s.idToken.split('.').length, 3);
  assert.ok(s.expiresAt > Date.now(), 'expiresAt is in the future (epoch ms)');
  assert.equal(typeof s.clockDrift, 'number');
  assert.equal(s.idTokenClaims['cognito:username'], pool.username);
  assert.equal(s.idTokenClaims.aud, pool.clientId);

  await new Promise((r) => setTimeout(r, 1100)); // a new iat, so the new access token differs
  const r = await c.refreshSession();
  assert.notEqual(r.accessToken, s.accessToken);
  assert.equal(r.refreshToken, s.refreshToken, 'the refresh token is kept when none comes back');

  await c.signOut();
  await assert.rejects(c.getSession(), (err) => {
    assert.ok(err instanceof Error);
    assert.ok(err instanceof pkg.CognitoError);
    assert.equal(err.name, 'UserUnAuthenticatedException');
    return true;
  });
});

test('USER_PASSWORD_AUTH sign-in', async () => {
  const c = client();
  const out = await c.signIn({ username: pool.username, password: pool.password, authFlowType: 'USER_PASSWORD_AUTH' });
  assert.equal(out.isSignedIn, true);
  assert.equal((await c.getSession()).username, pool.username);
});

test('wrong password throws a CognitoError named NotAuthorizedException', async () => {
  await assert.rejects(client().signIn({ username: pool.username, password: `${pool.password}x` }), (err) => {
    assert.ok(err instanceof Error);
    assert.ok(err instanceof pkg.CognitoError);
    assert.equal(err.name, 'NotAuthorizedException');
    assert.equal(err.message, 'Incorrect username or password.');
    assert.equal(err.retryable, false);
    return true;
  });
});

test('getSession before any sign-in throws UserUnAuthenticatedException', async () => {
  await assert.rejects(client().getSession(), { name: 'UserUnAuthenticatedException' });
});

test('an unreachable endpoint throws NetworkError', async () => {
  const c = new pkg.CognitoClient({
    userPoolId: pool.poolId,
    clientId: pool.clientId,
    endpoint: 'http://127.0.0.1:9/', // discard port: connection refused
  });
  await assert.rejects(c.signIn({ username: pool.username, password: pool.password }), (err) => {
    assert.ok(err instanceof pkg.CognitoError);
    assert.equal(err.name, 'NetworkError');
    assert.equal(err.retryable, true);
    return true;
  });
});

/** A server on 127.0.0.1 answering every request with `answer(req, res)`; records the requests' bodies. */
async function localServer(answer) {
  const requests = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      requests.push({ url: req.url, body });
      answer(req, res);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  return { url, requests, stop: () => new Promise((resolve) => server.close(resolve)) };
}

/** A client of the test pool at `endpoint` that sends each request once. */
const singleAttemptClient = (endpoint) =>
  new pkg.CognitoClient({ userPoolId: pool.poolId, clientId: pool.clientId, endpoint, storage: 'memory', retry: { maxAttempts: 1 } });

test('the endpoint must be https:, except on localhost, 127.0.0.1 and [::1]', () => {
  for (const endpoint of ['http://cognito.example.com/', 'http://127.0.0.1@evil.example/', 'http://localhost.evil.example/']) {
    assert.throws(() => new pkg.CognitoClient({ userPoolId: pool.poolId, clientId: pool.clientId, endpoint }), {
      name: 'InvalidParameterException',
    }, endpoint);
  }
  for (const endpoint of ['https://cognito.example.com/', 'http://127.0.0.1:9229/', 'http://localhost:9229/', 'http://[::1]:9229/']) {
    new pkg.CognitoClient({ userPoolId: pool.poolId, clientId: pool.clientId, endpoint, storage: 'memory' });
  }
});

test('a redirect from the endpoint is not followed: the password proof and refresh token go nowhere else', async () => {
  const elsewhere = await localServer((req, res) => res.writeHead(200).end('{}'));
  const redirecting = await localServer((req, res) => res.writeHead(307, { Location: elsewhere.url }).end());
  try {
    const c = singleAttemptClient(redirecting.url);
    await assert.rejects(c.signIn({ username: pool.username, password: pool.password }), { name: 'NetworkError' });
    assert.equal(redirecting.requests.length, 1);
    assert.deepEqual(elsewhere.requests, [], 'nothing reached the redirect target');
  } finally {
    await elsewhere.stop();
    await redirecting.stop();
  }
});

test('a reply over 1 MiB is refused unread, with or without Content-Length', async () => {
  const huge = JSON.stringify({ __type: 'NotAuthorizedException', message: 'x'.repeat(2 << 20) });
  for (const declared of [true, false]) {
    const server = await localServer((req, res) => {
      res.writeHead(400, declared ? { 'Content-Length': Buffer.byteLength(huge) } : {});
      res.end(huge);
    });
    try {
      const c = singleAttemptClient(server.url);
      await assert.rejects(c.signIn({ username: pool.username, password: pool.password }), (err) => {
        assert.equal(err.name, 'InvalidResponseException', `Content-Length: ${declared}: ${err.name}`);
        assert.equal(err.retryable, false);
        return true;
      });
    } finally {
      await server.stop();
    }
  }
});

test('an SRP sign-in is exactly two requests: InitiateAuth, then RespondToAuthChallenge', async () => {
  const targets = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (url, init) => {
    const headers = new Headers(init?.headers);
    assert.equal(headers.get('content-type'), 'application/x-amz-json-1.1');
    targets.push(headers.get('x-amz-target'));
    return realFetch(url, init);
  };
  try {
    const out = await client().signIn({ username: pool.username, password: pool.password });
    assert.equal(out.isSignedIn, true);
  } finally {
    globalThis.fetch = realFetch;
  }
  assert.deepEqual(targets, [
    'AWSCognitoIdentityProviderService.InitiateAuth',
    'AWSCognitoIdentityProviderService.RespondToAuthChallenge',
  ]);
});

test('concurrent refreshes in one client share a single request', async () => {
  const c = client();
  await c.signIn({ username: pool.username, password: pool.password });
  let refreshes = 0;
  const realFetch = globalThis.fetch;
  globalThis.fetch = (url, init) => {
    if (init?.body?.includes('REFRESH_TOKEN')) refreshes += 1;
    return realFetch(url, init);
  };
  try {
    const sessions = await Promise.all([c.refreshSession(), c.refreshSession(), c.refreshSession()]);
    assert.equal(refreshes, 1);
    assert.equal(new Set(sessions.map((s) => s.accessToken)).size, 1, 'everyone gets the same new tokens');
    await c.refreshSession();
    assert.equal(refreshes, 2, 'a later refresh sends its own request');
  } finally {
    globalThis.fetch = realFetch;
  }
});

test('throttling, server faults and network errors are retried with back-off; authentication errors are not', async () => {
  const c = new pkg.CognitoClient({
    userPoolId: pool.poolId,
    clientId: pool.clientId,
    endpoint: emulator.endpoint,
    storage: 'memory',
    retry: { maxAttempts: 3, baseDelayMs: 5 },
  });
  let calls = 0;
  let failures = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    calls += 1;
    const failure = failures.shift();
    if (failure === 'network') throw new TypeError('fetch failed');
    if (failure) {
      const status = failure === 'InternalErrorException' ? 500 : 400;
      return new Response(JSON.stringify({ __type: failure, message: 'injected' }), { status });
    }
    return realFetch(url, init);
  };
  try {
    failures = ['TooManyRequestsException', 'network'];
    const out = await c.signIn({ username: pool.username, password: pool.password });
    assert.equal(out.isSignedIn, true);
    assert.equal(calls, 4, 'two failed InitiateAuth attempts, then InitiateAuth and RespondToAuthChallenge');

    calls = 0;
    failures = ['InternalErrorException', 'InternalErrorException', 'InternalErrorException'];
    await assert.rejects(c.refreshSession(), (err) => err.name === 'InternalErrorException' && err.retryable === true);
    assert.equal(calls, 3, 'gives up after maxAttempts');
    assert.equal((await c.getSession()).username, pool.username, 'a transient failure keeps the session');

    calls = 0;
    await assert.rejects(c.signIn({ username: pool.username, password: `${pool.password}x` }), {
      name: 'NotAuthorizedException',
    });
    assert.equal(calls, 2, 'a wrong password is not retried');
  } finally {
    globalThis.fetch = realFetch;
  }
});

test('events: signedIn, tokenRefreshed, signedOut; unsubscribing stops them; a throwing handler is ignored', async () => {
  const c = client();
  const seen = [];
  const stopSignedIn = c.on('signedIn', (e) => seen.push(e));
  c.on('tokenRefreshed', (e) => seen.push(e));
  c.on('signedOut', (e) => seen.push(e));
  c.on('signedIn', () => {
    throw new Error('a bug in the app');
  });
  await c.signIn({ username: pool.username, password: pool.password });
  await c.refreshSession();
  stopSignedIn();
  await c.signOut();
  await c.signIn({ username: pool.username, password: pool.password });
  assert.deepEqual(
    seen.map((e) => [e.event, e.username]),
    [
      ['signedIn', pool.username],
      ['tokenRefreshed', pool.username],
      ['signedOut', pool.username],
    ],
  );
  assert.throws(() => c.on('somethingElse', () => {}), { name: 'InvalidParameterException' });
});

test('a refused refresh token fires tokenRefreshFailed and sessionExpired and ends the session', async () => {
  const c = client();
  const seen = [];
  for (const name of ['tokenRefreshFailed', 'sessionExpired', 'tokenRefreshed']) c.on(name, (e) => seen.push(e));
  await c.signIn({ username: pool.username, password: pool.password });
  const { refreshToken } = await c.getSession();
  await cognito(emulator.endpoint, 'RevokeToken', { Token: refreshToken, ClientId: pool.clientId });
  await assert.rejects(c.refreshSession(), { name: 'NotAuthorizedException' });
  assert.deepEqual(
    seen.map((e) => [e.event, e.error?.name]),
    [
      ['tokenRefreshFailed', 'NotAuthorizedException'],
      ['sessionExpired', 'NotAuthorizedException'],
    ],
  );
  await assert.rejects(c.getSession(), { name: 'UserUnAuthenticatedException' });
});

test('getSession refreshes tokens that expire within the refresh margin, and only then', async () => {
  let refreshes = 0;
  const realFetch = globalThis.fetch;
  globalThis.fetch = (url, init) => {
    if (init?.body?.includes('REFRESH_TOKEN')) refreshes += 1;
    return realFetch(url, init);
  };
  try {
    // The emulator's tokens live an hour. Fresh ones are not refreshed...
    const relaxed = client(); // default margin: 60 s
    await relaxed.signIn({ username: pool.username, password: pool.password });
    await relaxed.getSession();
    assert.equal(refreshes, 0, 'fresh tokens are not refreshed');
    // ...but 50 s before they expire (the device clock moved on 3550 s) they are, once.
    const realNow = Date.now;
    Date.now = () => realNow() + 3550_000;
    try {
      const before = await relaxed.getSession({ timeoutMs: 5000 });
      assert.equal(refreshes, 1);
      const after = await relaxed.getSession();
      assert.equal(refreshes, 1, 'the refreshed tokens are fresh again');
      assert.equal(after.accessToken, before.accessToken);
    } finally {
      Date.now = realNow;
    }
  } finally {
    globalThis.fetch = realFetch;
  }
});

test('prepareSignIn draws the SRP ephemeral ahead: signIn then sends its first request without new randomness', async () => {
  const c = client();
  const realRandom = globalThis.crypto.getRandomValues;
  const realFetch = globalThis.fetch;
  let draws = 0;
  const drawsAtRequest = [];
  globalThis.crypto.getRandomValues = function (array) {
    draws += 1;
    return realRandom.call(this, array);
  };
  globalThis.fetch = (url, init) => {
    drawsAtRequest.push(draws);
    return realFetch(url, init);
  };
  try {
    await c.prepareSignIn();
    const prepared = draws;
    assert.ok(prepared > 0, 'preparing draws the ephemeral');
    await c.signIn({ username: pool.username, password: pool.password });
    assert.equal(drawsAtRequest[0], prepared, 'the prepared ephemeral is used');
    // It serves one sign-in: the next one draws a fresh ephemeral before its first request.
    drawsAtRequest.length = 0;
    const beforeSecond = draws;
    await c.signIn({ username: pool.username, password: pool.password });
    assert.ok(drawsAtRequest[0] > beforeSecond, 'a fresh ephemeral is drawn');
  } finally {
    globalThis.crypto.getRandomValues = realRandom;
    globalThis.fetch = realFetch;
  }
});

test('optional members may be undefined or null, as apps often pass them', async () => {
  const c = client();
  await c.signIn({ username: pool.username, password: pool.password, authFlowType: undefined, clientMetadata: null });
  const updated = await c.updateUserAttributes({ userAttributes: { name: 'Optional' }, options: undefined });
  assert.equal(updated.name.isUpdated, true);
  await assert.rejects(
    c.signIn({ username: pool.username, password: undefined }),
    (error) => !/invalid type/.test(error.message),
    'an undefined password is a missing password, not a type error',
  );
});

test('arguments of the wrong shape are refused with InvalidParameterException naming the member', async () => {
  const c = client();
  const cases = [
    [() => c.signIn({ username: 5, password: 'x' }), 'username'],
    [() => c.signIn(null), 'username'],
    [() => c.signIn({ username: 'u', password: 'p', authFlowType: 'NOPE' }), 'authFlowType'],
    [() => c.signUp({ username: 'u', password: 'p', options: { userAttributes: { email: 7 } } }), 'options.userAttributes'],
    [() => c.confirmSignUp({ username: 'u' }), 'confirmationCode'],
    [() => c.getSession({ timeoutMs: 'soon' }), 'timeoutMs'],
  ];
  for (const [call, member] of cases) {
    await assert.rejects(
      call(),
      (error) => error instanceof pkg.CognitoError && error.name === 'InvalidParameterException' && error.message.includes(member),
      member,
    );
  }
  assert.throws(
    () => new pkg.CognitoClient({ userPoolId: pool.poolId, clientId: pool.clientId, timeoutMs: 'soon' }),
    (error) => error instanceof pkg.CognitoError && error.name === 'InvalidParameterException' && /timeoutMs/.test(error.message),
  );
  assert.throws(() => new pkg.CognitoClient({ userPoolId: 'nonsense', clientId: 'c' }), (error) => error.name === 'InvalidParameterException');
});

test('signInWithRedirect: refused without a page or oauth config; the authorize URL and a cancelled return', async () => {
  const c = client();
  assert.equal(await c.handleRedirect(), undefined, 'nothing pending: nothing to complete');
  await assert.rejects(c.signInWithRedirect(), (error) => error.name === 'InvalidParameterException' && /browser page/.test(error.message));
  await assert.rejects(c.signOut({ redirect: true }), (error) => error.name === 'InvalidParameterException' && /oauth/.test(error.message));
  // A page, as far as the client can tell.
  const assigned = [];
  globalThis.location = { origin: 'https://app.example', href: 'https://app.example/', assign: (url) => assigned.push(url) };
  try {
    const oauth = { domain: 'app.auth.us-east-1.amazoncognito.com', redirectSignIn: ['https://other.example/cb', 'https://app.example/cb'] };
    const implicit = new pkg.CognitoClient({ userPoolId: pool.poolId, clientId: pool.clientId, storage: 'memory', oauth: { ...oauth, responseType: 'token' } });
    await assert.rejects(implicit.signInWithRedirect(), (error) => error.name === 'InvalidParameterException' && /responseType/.test(error.message));
    const viaDomain = new pkg.CognitoClient({ userPoolId: pool.poolId, clientId: pool.clientId, storage: 'memory', oauth });
    await viaDomain.signInWithRedirect({ provider: 'Google', customState: 'x' });
    const url = new URL(assigned[0]);
    assert.equal(`${url.origin}${url.pathname}`, 'https://app.auth.us-east-1.amazoncognito.com/oauth2/authorize');
    assert.equal(url.searchParams.get('redirect_uri'), 'https://app.example/cb', "the one on the page's origin");
    assert.equal(url.searchParams.get('scope'), 'openid email');
    assert.equal(url.searchParams.get('identity_provider'), 'Google');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    const failures = [];
    viaDomain.on('signInWithRedirectFailure', (event) => failures.push(event));
    globalThis.location.href = `https://app.example/cb?error=access_denied&state=${url.searchParams.get('state')}`;
    await assert.rejects(viaDomain.handleRedirect(), (error) => error.name === 'UserCancelledException');
    assert.deepEqual(failures.map((e) => [e.customState, e.error.name]), [['x', 'UserCancelledException']]);
    assert.equal(await viaDomain.handleRedirect(), undefined, 'the pending sign-in is over');
  } finally {
    delete globalThis.location;
  }
});

test('a sign-in started while another is under way replaces it; the first ends with AbortError', async () => {
  const c = client();
  const [first, second] = await Promise.allSettled([
    c.signIn({ username: pool.username, password: pool.password }),
    c.signIn({ username: pool.username, password: pool.password }),
  ]);
  assert.equal(first.status, 'rejected');
  assert.equal(first.reason.name, 'AbortError');
  assert.equal(second.status, 'fulfilled');
  assert.equal(second.value.nextStep.signInStep, 'DONE');
  assert.equal((await c.getSession()).username, pool.username);
});

test('a client nobody holds is garbage-collected, also one whose storage it shares with other tabs', () => {
  // Custom storage is shared across tabs, so that client listens on a BroadcastChannel, whose handler must not
  // keep it alive. Run with --expose-gc in a child process.
  writeFileSync(
    join(app, 'collect.mjs'),
    `import { CognitoClient } from 'cognito-wasm';
const collected = [];
const registry = new FinalizationRegistry((kind) => collected.push(kind));
const items = new Map();
const storage = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: (k) => void items.delete(k) };
(() => {
  for (const kind of ['custom', 'memory']) {
    registry.register(new CognitoClient({ userPoolId: 'us-east-1_AbCdEf123', clientId: 'c', storage: kind === 'custom' ? storage : 'memory' }), kind);
  }
})();
for (let i = 0; i < 50 && collected.length < 2; i++) {
  await new Promise((resolve) => setTimeout(resolve, 20));
  globalThis.gc();
}
console.log(JSON.stringify(collected.sort()));
`,
  );
  const out = execFileSync(process.execPath, ['--expose-gc', 'collect.mjs'], { cwd: app, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), ['custom', 'memory']);
});
