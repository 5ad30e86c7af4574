// pkg-template/refresh.js (the source pkg/ ships bundled) on its own, with a stand-in session core and transport over a memory store: concurrent
// callers share one refresh, an aborted caller leaves it running for the others, a refused refresh token ends
// the session, a failure that may pass keeps it, and the proactive timer refreshes when due and can be
// cancelled.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CognitoError } from '../../pkg-template/errors.js';
import { Refresher } from '../../pkg-template/refresh.js';
import { Store } from '../../pkg-template/store.js';
import { Call } from '../../pkg-template/timers.js';
import { provideWasm } from '../../pkg-template/wasm-provider.js';

const ok = (value) => JSON.stringify({ ok: value });
/** A stored session is JSON `{username, generation, due}`. */
const stored = (generation, due = false) => JSON.stringify({ username: 'bob', generation, due });
const view = (text) => ({ stored: text, session: { username: JSON.parse(text).username } });
/** The session core's decisions, read from the stand-in's stored JSON; outcomes, as the core's are. */
const decisions = {
  readSession: (text) => ok(view(text)),
  needsRefresh: (text) => ok(JSON.parse(text).due),
  refreshDueInMs: () => ok(30),
};
/** Its refresh decisions (`Core.refresh`, whose code is the refresh module's). */
const refreshDecisions = {
  stillNeeded(requested, before, current) {
    core.locksTaken += 1; // asked once per holder of the session lock
    return ok(requested ? before === current : JSON.parse(current).due);
  },
  refreshRequest: (text) => ok({ target: 'Refresh', body: text }),
  refreshed: (text) => ok(view(stored(JSON.parse(text).generation + 1))),
  supersedes: (current, earlier) => ok(current !== earlier),
};
/**
 * The stand-in core: `call(op, args)` and `refresh(op, args)` as the session core's, answered by `decisions`
 * and `refreshDecisions`; `refresh` only once the refresh module is attached (`loadRefresh`, as the entry
 * tells refresh.js).
 */
const core = {
  call: (op, args) => decisions[op](...JSON.parse(args)),
  refresh(op, args) {
    assert.ok(core.refreshLoads > 0, `refresh(${op}) before the refresh module was loaded`);
    return refreshDecisions[op](...JSON.parse(args));
  },
  locksTaken: 0,
  refreshLoads: 0,
};
provideWasm({ loadRefresh: async () => void (core.refreshLoads += 1) });

/** A refresher over a memory store holding generation 1; `reply(request)` is what the transport does. */
async function setUp({ due = false, autoRefresh = false, reply = async () => '{}' } = {}) {
  const store = new Store('memory', 'ns');
  await store.save(view(stored(1, due)));
  const sent = [];
  const events = [];
  const transport = { send: async (call, request) => { sent.push(request); return reply(request); } };
  const refresher = new Refresher({
    core,
    store,
    transport,
    timeoutMs: 1_000,
    autoRefresh,
    loadSession: (underLock) => store.load(core, underLock),
    announce: (event, username, error) => events.push(error ? `${event}:${error.name}` : event),
  });
  return { store, sent, events, refresher };
}

const generation = async (store) => JSON.parse((await store.raw())?.stored ?? 'null')?.generation;

test('valid(): tokens not due are returned as stored; due ones are refreshed once for all concurrent callers', async () => {
  const fresh = await setUp();
  assert.equal((await fresh.refresher.valid(new Call(undefined, 1))).stored, stored(1));
  assert.equal(fresh.sent.length, 0);
  assert.equal(core.refreshLoads, 0, 'tokens not due load no refresh module');

  const due = await setUp({ due: true });
  core.locksTaken = 0;
  const sessions = await Promise.all(Array.from({ length: 5 }, () => due.refresher.valid(new Call(undefined, 1))));
  assert.deepEqual(new Set(sessions.map((s) => s.stored)), new Set([stored(2)]));
  assert.equal(due.sent.length, 1, 'one refresh for five callers');
  assert.equal(core.locksTaken, 1, 'the others waited for it rather than taking the lock after it');
  assert.equal(core.refreshLoads, 1, 'the refresh module was loaded, once');
  assert.deepEqual(due.events, ['tokenRefreshed']);
  assert.equal(await generation(due.store), 2);
});

test('an aborted caller gives up at once; the shared refresh goes on and is stored', async () => {
  let release;
  const { refresher, store, events } = await setUp({ reply: () => new Promise((resolve) => { release = () => resolve('{}'); }) });
  const controller = new AbortController();
  const before = await refresher.stored();
  const aborted = refresher.refresh(new Call({ signal: controller.signal }, 1), before, true);
  const waiting = refresher.refresh(new Call(undefined, 1), before, true);
  await new Promise((resolve) => setTimeout(resolve, 10));
  controller.abort();
  await assert.rejects(aborted, { name: 'AbortError' });
  release();
  assert.equal((await waiting).stored, stored(2));
  await refresher.settled();
  assert.deepEqual(events, ['tokenRefreshed']);
  assert.equal(await generation(store), 2);
});

test('a refused refresh token ends the session; a failure that may pass keeps it', async () => {
  const refused = await setUp({ due: true, reply: async () => { throw new CognitoError('NotAuthorizedException', 'Refresh Token has been revoked'); } });
  await assert.rejects(refused.refresher.valid(new Call(undefined, 1)), { name: 'NotAuthorizedException' });
  assert.deepEqual(refused.events, ['tokenRefreshFailed:NotAuthorizedException', 'sessionExpired:NotAuthorizedException']);
  assert.equal(await refused.store.raw(), null);

  const offline = await setUp({ due: true, reply: async () => { throw new CognitoError('NetworkError', 'offline', true); } });
  await assert.rejects(offline.refresher.valid(new Call(undefined, 1)), { name: 'NetworkError' });
  assert.deepEqual(offline.events, ['tokenRefreshFailed:NetworkError']);
  assert.equal(await generation(offline.store), 1, 'kept');
});

test('a sign-out while the refresh was out wins: nothing is stored back', async () => {
  let release;
  const { refresher, store } = await setUp({ due: true, reply: () => new Promise((resolve) => { release = () => resolve('{}'); }) });
  const refreshing = refresher.valid(new Call(undefined, 1));
  await new Promise((resolve) => setTimeout(resolve, 10));
  await store.removeIf(() => true, true);
  release();
  await assert.rejects(refreshing, { name: 'UserUnAuthenticatedException' });
  assert.equal(await store.raw(), null);
});

test('the proactive timer refreshes when due (restored sessions too), and cancel() stops it', async () => {
  const armed = await setUp({ autoRefresh: true });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.ok(armed.sent.length >= 1, 'the restored session was refreshed by its timer');
  assert.ok(armed.events.includes('tokenRefreshed'));
  armed.refresher.cancel();
  const count = armed.sent.length;
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(armed.sent.length, count, 'no refresh after cancel()');

  const off = await setUp({ autoRefresh: false });
  off.refresher.schedule(await off.refresher.stored());
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(off.sent.length, 0, 'autoRefresh: false arms nothing');
});
