// pkg-template/signer-host.js (the source pkg/ ships bundled) on its own: the sign-in core is loaded on first use and once, its account
// module on the first account operation only; the worker protocol is tagged ({type: 'open'|'account'|'call'|
// 'close'} out, 'ready'|'unavailable'|'account'|'reply' back); where the worker cannot load the module or
// stops, the core is loaded here instead. Each test imports a fresh copy of the module (its
// state is the page's), with a fake worker and a fake sign-in module, told to it through wasm-provider.js
// as the entry would (each test tells its own).
import assert from 'node:assert/strict';
import { test } from 'node:test';

let copies = 0;
const fresh = () => import(`../../pkg-template/signer-host.js?copy=${(copies += 1)}`);
const { provideWasm } = await import('../../pkg-template/wasm-provider.js');

/** A sign-in module's `Core` stand-in: answers `call(op, args)` and `account(op, args)` with both, and counts the cores made. */
function fakeModule() {
  const made = [];
  class Core {
    constructor(config) {
      this.config = config;
      made.push(this);
    }
    call(op, args) {
      if (op === 'dropSignIn') this.dropped = true;
      if (op === 'prepareSignIn') return `local prepareSignIn ${this.config}`;
      return `local ${op} ${JSON.parse(args).join(' ')}`;
    }
    account(op, args) {
      return `local account ${op} ${JSON.parse(args).join(' ')}`;
    }
  }
  return { Core, made };
}

/** A Worker stand-in: records what the page posts; the test answers through `reply`/`answer`. */
class FakeWorker {
  posted = [];
  terminated = false;
  postMessage(message) { this.posted.push(message); }
  terminate() { this.terminated = true; }
  answer(data) { this.onmessage({ data }); }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test('in-process: nothing loads before the first call, then once for every client', async () => {
  const host = await fresh();
  const { Core, made } = fakeModule();
  let loads = 0;
  provideWasm({ load: async () => { loads += 1; return Core; } });
  const a = new host.Signer('{"a":1}');
  const b = new host.Signer('{"b":2}');
  a.dropSignIn();
  await tick();
  assert.equal(loads, 0, 'constructing clients and dropping a sign-in load nothing');
  assert.deepEqual(
    await Promise.all([a.call('prepareSignIn'), b.call('signIn', 'x', 'y'), a.call('signIn', 'z')]),
    ['local prepareSignIn {"a":1}', 'local signIn x y', 'local signIn z'],
  );
  assert.equal(loads, 1);
  assert.equal(made.length, 2, 'one core per client');
  a.dropSignIn();
  await tick();
  assert.equal(made[0].dropped, true);
});

test('the worker: tagged messages, calls wait for ready, each reply resolves its call', async () => {
  const host = await fresh();
  const worker = new FakeWorker();
  let started = 0;
  provideWasm({ startWorker: () => { started += 1; return worker; }, load: () => assert.fail('loaded on the page') });
  const signer = new host.Signer('{"c":3}');
  assert.equal(started, 0);
  const first = signer.call('signIn', 'args', '', 'device');
  const second = signer.call('prepareSignIn');
  await tick();
  assert.equal(started, 1);
  assert.deepEqual(worker.posted, [], 'nothing is sent before the worker is ready');
  worker.answer({ type: 'ready' });
  await tick();
  assert.deepEqual(worker.posted, [
    { type: 'open', client: 1, config: '{"c":3}' },
    { type: 'call', id: 1, client: 1, account: false, op: 'signIn', args: '["args","","device"]' },
    { type: 'call', id: 2, client: 1, account: false, op: 'prepareSignIn', args: '[]' },
  ]);
  worker.answer({ type: 'reply', id: 2, result: 'prepared' });
  worker.answer({ type: 'reply', id: 1, result: 'signing in' });
  assert.deepEqual(await Promise.all([first, second]), ['signing in', 'prepared']);
  signer.dropSignIn();
  assert.deepEqual(worker.posted.at(-1), { type: 'call', id: 3, client: 1, account: false, op: 'dropSignIn', args: '[]' });
});

test('a worker that cannot load the module: it is stopped and the core is loaded on the page', async () => {
  const host = await fresh();
  const worker = new FakeWorker();
  const { Core } = fakeModule();
  provideWasm({ startWorker: () => worker, load: async () => Core });
  const call = new host.Signer('{}').call('prepareSignIn');
  await tick();
  worker.answer({ type: 'unavailable' });
  assert.equal(await call, 'local prepareSignIn {}');
  assert.equal(worker.terminated, true);
});

test('no Worker here (the constructor throws): the page loads the core', async () => {
  const host = await fresh();
  const { Core } = fakeModule();
  provideWasm({ startWorker: () => { throw new ReferenceError('Worker is not defined'); }, load: async () => Core });
  assert.equal(await new host.Signer('{}').call('prepareSignIn'), 'local prepareSignIn {}');
});

test('a worker that stops: its calls end with AbortError, later ones run on the page, without a new worker', async () => {
  const host = await fresh();
  const worker = new FakeWorker();
  const { Core } = fakeModule();
  let started = 0;
  provideWasm({ startWorker: () => { started += 1; return worker; }, load: async () => Core });
  const signer = new host.Signer('{}');
  const pending = signer.call('signIn', 'a');
  await tick();
  worker.answer({ type: 'ready' });
  await tick();
  let prevented = false;
  worker.onerror({ preventDefault: () => { prevented = true; } });
  await assert.rejects(pending, { name: 'AbortError' });
  assert.equal(prevented, true);
  assert.equal(worker.terminated, true);
  assert.equal(await signer.call('signIn', 'b'), 'local signIn b');
  assert.equal(started, 1);
});

test('a load that fails is tried again by the next call', async () => {
  const host = await fresh();
  const { Core } = fakeModule();
  let loads = 0;
  provideWasm({
    load: async () => {
      loads += 1;
      if (loads === 1) throw new TypeError('fetch failed');
      return Core;
    },
  });
  const signer = new host.Signer('{}');
  await assert.rejects(signer.call('prepareSignIn'), /fetch failed/);
  assert.equal(await signer.call('prepareSignIn'), 'local prepareSignIn {}');
  assert.equal(loads, 2);
});

/**
 * The page's modules provided in-process, each load recorded in `loaded` ('signIn', 'account'); the first
 * `failedAccountLoads` loads of the account module fail as a fetch does.
 */
function recordedLoads(failedAccountLoads = 0) {
  const { Core } = fakeModule();
  const loaded = [];
  provideWasm({
    load: async () => {
      loaded.push('signIn');
      return Core;
    },
    loadAccount: async () => {
      loaded.push('account');
      if (loaded.filter((name) => name === 'account').length <= failedAccountLoads) throw new TypeError('fetch failed');
    },
  });
  return loaded;
}

test('in-process: the account module is loaded by the first account operation only, once, after the sign-in module', async () => {
  const host = await fresh();
  const loaded = recordedLoads();
  const signer = new host.Signer('{}');
  assert.equal(await signer.call('prepareSignIn'), 'local prepareSignIn {}');
  assert.deepEqual(loaded, ['signIn'], 'a sign-in loads no account module');
  assert.equal(await signer.account('request', 'signUp', '{}', ''), 'local account request signUp {} ');
  assert.equal(await signer.account('result', 'signUp', '{}', '{}', 'u'), 'local account result signUp {} {} u');
  assert.deepEqual(loaded, ['signIn', 'account']);
});

test('in-process: an account operation that starts the core loads the account module with it, and a failed load is tried again', async () => {
  const host = await fresh();
  const loaded = recordedLoads(1);
  const signer = new host.Signer('{}');
  await assert.rejects(signer.account('request', 'signUp', '{}', ''), { name: 'NetworkError', retryable: true, message: /fetch failed/ });
  assert.deepEqual(loaded, ['account', 'signIn'], 'the account module is asked for before the sign-in module is loaded');
  assert.equal(await signer.account('request', 'signUp', '{}', ''), 'local account request signUp {} ');
  assert.equal(loaded.filter((name) => name === 'account').length, 2);
});

test('the worker: an account operation has the worker load the account module, alongside the sign-in module, once', async () => {
  const host = await fresh();
  const worker = new FakeWorker();
  provideWasm({ startWorker: () => worker, load: () => assert.fail('loaded on the page') });
  const signer = new host.Signer('{"c":3}');
  const first = signer.account('request', 'signUp', '{}', '');
  await tick();
  assert.deepEqual(worker.posted, [{ type: 'account' }], 'asked for before the worker is ready');
  worker.answer({ type: 'ready' });
  await tick();
  assert.deepEqual(worker.posted, [{ type: 'account' }], 'the call waits for the account module');
  worker.answer({ type: 'account' });
  await tick();
  const second = signer.account('result', 'signUp', '{}', '{}', 'u');
  await tick();
  assert.deepEqual(worker.posted, [
    { type: 'account' },
    { type: 'open', client: 1, config: '{"c":3}' },
    { type: 'call', id: 1, client: 1, account: true, op: 'request', args: '["signUp","{}",""]' },
    { type: 'call', id: 2, client: 1, account: true, op: 'result', args: '["signUp","{}","{}","u"]' },
  ]);
  worker.answer({ type: 'reply', id: 1, result: 'request' });
  worker.answer({ type: 'reply', id: 2, result: 'result' });
  assert.deepEqual(await Promise.all([first, second]), ['request', 'result']);
});

test('the worker: a sign-in does not load the account module; one that failed to load is tried again by the next account operation', async () => {
  const host = await fresh();
  const worker = new FakeWorker();
  provideWasm({ startWorker: () => worker, load: () => assert.fail('loaded on the page') });
  const signer = new host.Signer('{}');
  const signIn = signer.call('prepareSignIn');
  await tick();
  worker.answer({ type: 'ready' });
  await tick();
  worker.answer({ type: 'reply', id: 1, result: 'prepared' });
  assert.equal(await signIn, 'prepared');
  assert.deepEqual(worker.posted.map((m) => m.type), ['open', 'call']);
  const failing = signer.account('request', 'signUp', '{}', '');
  await tick();
  assert.deepEqual(worker.posted.at(-1), { type: 'account' });
  worker.answer({ type: 'account', error: 'fetching cognito_wasm_account_bg.wasm failed: HTTP 503' });
  await assert.rejects(failing, { name: 'NetworkError', retryable: true, message: /HTTP 503/ });
  const again = signer.account('request', 'signUp', '{}', '');
  await tick();
  assert.deepEqual(worker.posted.at(-1), { type: 'account' }, 'asked for again');
  worker.answer({ type: 'account' });
  await tick();
  assert.deepEqual(worker.posted.at(-1), { type: 'call', id: 2, client: 1, account: true, op: 'request', args: '["signUp","{}",""]' });
  worker.answer({ type: 'reply', id: 2, result: 'request' });
  assert.equal(await again, 'request');
  assert.equal(worker.posted.filter((m) => m.type === 'account').length, 2);
});

test('Node (pkg/node.js): the refresh, sign-in and account modules are read from disk by the first call that needs them, once', async () => {
  const { execFileSync } = await import('node:child_process');
  const script = `
    import fs from 'node:fs';
    import { syncBuiltinESMExports } from 'node:module';
    const read = fs.readFileSync;
    const wasm = [];
    fs.readFileSync = (path, ...rest) => {
      if (String(path).endsWith('.wasm')) wasm.push(String(path).split('/').pop());
      return read(path, ...rest);
    };
    syncBuiltinESMExports();
    const { CognitoClient } = await import(${JSON.stringify(new URL('../../pkg/node.js', import.meta.url).href)});
    const client = new CognitoClient({ userPoolId: 'us-east-1_Test', clientId: 'client', storage: 'memory' });
    const seen = {};
    seen.imported = [...wasm];
    await client.getSession().catch((e) => { seen.getSession = e.name; });
    seen.afterGetSession = [...wasm];
    await client.prepareSignIn();
    await client.prepareSignIn();
    seen.afterSignIn = [...wasm];
    // Refused by the emulator-less endpoint or not: the account module is read first, once.
    for (let i = 0; i < 2; i += 1) await client.resetPassword({ username: '' }).catch((e) => { seen.resetPassword = e.name; });
    seen.afterAccount = [...wasm];
    console.log(JSON.stringify(seen));`;
  const seen = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
  assert.deepEqual(seen, {
    imported: ['cognito_wasm_session_bg.wasm'],
    getSession: 'UserUnAuthenticatedException',
    afterGetSession: ['cognito_wasm_session_bg.wasm'],
    afterSignIn: ['cognito_wasm_session_bg.wasm', 'cognito_wasm_refresh_bg.wasm', 'cognito_wasm_sign_in_bg.wasm'],
    resetPassword: 'InvalidParameterException',
    afterAccount: [
      'cognito_wasm_session_bg.wasm',
      'cognito_wasm_refresh_bg.wasm',
      'cognito_wasm_sign_in_bg.wasm',
      'cognito_wasm_account_bg.wasm',
    ],
  });
});
