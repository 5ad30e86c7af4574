// pkg-template/store.js (the source pkg/ ships bundled) on its own: the storage kinds, namespaced keys, compare-and-set / compare-and-delete, the
// in-page session lock, unreadable sessions and devices (devices.js) dropped, and storage failures as
// StorageError.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { deviceKey, forgetDevice, loadDevice, saveDevice } from '../../pkg-template/devices.js';
import { Store } from '../../pkg-template/store.js';

const NS = 'cognito-wasm.pool.client';
/** A stand-in for the session core's readSession: `{ok}` for JSON naming a user, `{error}` otherwise. */
const core = {
  call(op, args) {
    assert.equal(op, 'readSession');
    const [stored] = JSON.parse(args);
    try {
      const { username } = JSON.parse(stored);
      return JSON.stringify({ ok: { stored, session: { username } } });
    } catch {
      return JSON.stringify({ error: { name: 'InvalidResponseException', message: 'unreadable', retryable: false } });
    }
  },
};
const session = (username, tokens = 't1') => ({ stored: JSON.stringify({ username, tokens }), session: { username } });

test('storage kinds: memory, an object with the three methods; Web Storage is refused where there is none', () => {
  assert.equal(new Store('memory', NS).shared, false);
  const object = { getItem() {}, setItem() {}, removeItem() {} };
  assert.equal(new Store(object, NS).shared, true);
  assert.equal(new Store(undefined, NS).shared, false, 'no localStorage in Node: memory');
  for (const bad of ['local', 'session', 'disk', { getItem() {} }, 42]) {
    assert.throws(() => new Store(bad, NS), { name: 'InvalidParameterException' }, String(bad));
  }
});

test('keys are namespaced; device keys follow the pool\'s case sensitivity', () => {
  const store = new Store('memory', NS);
  assert.equal(store.pointer, `${NS}.lastAuthUser`);
  assert.equal(store.sessionKey('Bob'), `${NS}.user.Bob.session`);
  assert.equal(deviceKey(store, 'Bob'), `${NS}.user.Bob.device`);
  assert.equal(deviceKey(new Store('memory', NS, false), 'Bob'), `${NS}.user.bob.device`);
});

test('save replaces another user\'s session; saveIf and removeIf act only on what they expect', async () => {
  const store = new Store('memory', NS);
  await store.save(session('alice'));
  await store.save(session('bob'));
  assert.equal(await store.get(store.sessionKey('alice')), null, "alice's session is gone");
  assert.deepEqual(await store.raw(), { username: 'bob', stored: session('bob').stored });

  assert.equal(await store.saveIf(session('bob', 'other').stored, session('bob', 't2')), false, 'not what is stored');
  assert.equal(await store.saveIf(session('bob').stored, session('bob', 't2')), true);
  assert.equal((await store.load(core)).stored, session('bob', 't2').stored);

  assert.equal(await store.removeIf((now) => now?.username === 'alice'), false);
  assert.equal(await store.removeIf((now) => now?.username === 'bob'), true);
  assert.equal(await store.raw(), null);
});

test('an unreadable session is removed and thrown; a pointer to nothing is removed', async () => {
  const store = new Store('memory', NS);
  await store.set(store.pointer, 'carol');
  await store.set(store.sessionKey('carol'), 'not json');
  await assert.rejects(store.load(core), { name: 'InvalidResponseException' });
  assert.equal(await store.raw(), null);

  await store.set(store.pointer, 'dave');
  assert.equal(await store.load(core), null);
  assert.equal(await store.get(store.pointer), null);

  await store.set(store.pointer, 'erin');
  await store.set(store.sessionKey('erin'), JSON.stringify({ username: 'frank' }));
  await assert.rejects(store.load(core), /belongs to another user/);
});

test('devices: kept per user, an unreadable one removed, a failing storage read as no device', async () => {
  const store = new Store('memory', NS);
  await saveDevice(store, 'bob', 'good');
  await saveDevice(store, 'carol', 'bad');
  const readable = async (device) => device === 'good';
  assert.equal(await loadDevice(store, readable, 'bob'), 'good');
  assert.equal(await loadDevice(store, readable, 'carol'), '');
  assert.equal(await store.get(deviceKey(store, 'carol')), null, 'removed');
  await forgetDevice(store, 'bob');
  assert.equal(await loadDevice(store, readable, 'bob'), '');
  const broken = new Store({ getItem: () => Promise.reject(new Error('disk')), setItem() {}, removeItem() {} }, NS);
  assert.equal(await loadDevice(broken, readable, 'bob'), '');
});

test('a storage that fails, or returns something other than text, is a StorageError', async () => {
  const fails = new Store({ getItem() { throw new Error('quota'); }, setItem() { throw new Error('quota'); }, removeItem() {} }, NS);
  await assert.rejects(fails.get('k'), { name: 'StorageError', message: /could not read storage: quota/ });
  await assert.rejects(fails.set('k', 'v'), { name: 'StorageError', message: /could not write storage: quota/ });
  const odd = new Store({ getItem: () => 42, setItem() {}, removeItem() {} }, NS);
  await assert.rejects(odd.get('k'), { name: 'StorageError', message: /other than a string/ });
});

test('the session lock runs the holders of one namespace one after another, also after a failure', async () => {
  const a = new Store('memory', NS);
  const b = new Store('memory', NS);
  const order = [];
  const hold = (store, name, ms, fail) =>
    store.exclusively(async () => {
      order.push(`${name}+`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      order.push(`${name}-`);
      if (fail) throw new Error(name);
    });
  const results = await Promise.allSettled([hold(a, 'a', 30, true), hold(b, 'b', 5), hold(a, 'c', 1)]);
  assert.deepEqual(order, ['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'fulfilled', 'fulfilled']);
});

test('a holder of the lock that wrote localStorage keeps the lock 50 ms, also when it then failed; one that did not write, or wrote elsewhere, does not', async () => {
  // Node has no localStorage: a stand-in, which makes Store's 'local' the kind whose writes reach other tabs late.
  const items = new Map();
  globalThis.localStorage = {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
  };
  // The package's timers never keep Node alive (timers.js): this one does, while the test waits on them.
  const alive = setInterval(() => {}, 1_000);
  try {
    /** How long the next holder waited after `work` ended (it is queued before `work` ends). */
    const waitAfter = async (store, work) => {
      let ended;
      const first = store.exclusively(async () => {
        try {
          await work();
        } finally {
          ended = performance.now();
        }
      });
      const next = store.exclusively(async () => performance.now() - ended);
      await first.catch(() => {});
      return next;
    };
    const local = new Store('local', NS);
    assert.ok((await waitAfter(local, () => local.set('k', 'v'))) >= 45, 'after a write');
    const failed = waitAfter(local, async () => {
      await local.set('k', 'w');
      throw new Error('refused');
    });
    assert.ok((await failed) >= 45, 'after a write, then a failure');
    assert.ok((await waitAfter(local, () => local.get('k'))) < 45, 'after a read only');
    const memory = new Store('memory', NS);
    assert.ok((await waitAfter(memory, () => memory.set('k', 'v'))) < 45, 'memory reaches no other tab');
  } finally {
    clearInterval(alive);
    delete globalThis.localStorage;
  }
});
