// pkg-template/timers.js (the source pkg/ ships bundled) on its own: call options are checked, an AbortSignal cuts a wait or a sleep short (and leaves
// no listener behind), a call without one waits.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { Call, deviceNow, timer } from '../../pkg-template/timers.js';

test('call options: an object with an AbortSignal and a whole timeout, else InvalidParameterException', () => {
  const call = new Call({ timeoutMs: 5 }, 30_000);
  assert.equal(call.timeoutMs, 5);
  assert.equal(new Call(undefined, 30_000).timeoutMs, 30_000);
  for (const bad of ['fast', { signal: {} }, { timeoutMs: 1.5 }, { timeoutMs: -1 }]) {
    assert.throws(() => new Call(bad, 1), { name: 'InvalidParameterException' }, JSON.stringify(bad));
  }
});

test('an abort ends a wait and a sleep at once with AbortError, and removes its listener', async () => {
  const controller = new AbortController();
  const call = new Call({ signal: controller.signal }, 1);
  let listeners = 0;
  const add = controller.signal.addEventListener.bind(controller.signal);
  const remove = controller.signal.removeEventListener.bind(controller.signal);
  controller.signal.addEventListener = (...args) => { listeners += 1; add(...args); };
  controller.signal.removeEventListener = (...args) => { listeners -= 1; remove(...args); };

  assert.equal(await call.wait(Promise.resolve('done')), 'done');
  assert.equal(listeners, 0, 'a finished wait leaves no listener');
  const started = Date.now();
  const sleeping = call.sleep(10_000);
  setTimeout(() => controller.abort(), 20);
  await assert.rejects(sleeping, { name: 'AbortError' });
  assert.ok(Date.now() - started < 5_000);
  assert.equal(listeners, 0);
  assert.throws(() => call.throwIfAborted(), { name: 'AbortError' });
  await assert.rejects(call.wait(new Promise(() => {})), { name: 'AbortError' });
});

test('sleep without a signal resolves after the time; timer clamps what setTimeout cannot take', async (t) => {
  // The package's timers never keep Node alive: this one does, for the test.
  const keepAlive = setTimeout(() => {}, 10_000);
  t.after(() => clearTimeout(keepAlive));
  const started = Date.now();
  await new Call(undefined, 1).sleep(30);
  assert.ok(Date.now() - started >= 25);
  const never = timer(() => assert.fail('fired'), 2 ** 40);
  clearTimeout(never);
  const fired = await new Promise((resolve) => timer(() => resolve(true), -5));
  assert.equal(fired, true);
  assert.ok(Math.abs(deviceNow() - Date.now() / 1000) < 2);
});

test('a pending timer does not keep Node alive', () => {
  const started = Date.now();
  const out = execFileSync(process.execPath, [
    '--input-type=module',
    '-e',
    `import { timer } from ${JSON.stringify(new URL('../../pkg-template/timers.js', import.meta.url).href)};
     timer(() => console.log('fired'), 60_000);`,
  ], { encoding: 'utf8' });
  assert.equal(out, '');
  assert.ok(Date.now() - started < 30_000);
});
