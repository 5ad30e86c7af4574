// The one boundary convention between the package's JavaScript and both wasm cores (src/wasm/mod.rs): every
// export that answers returns the JSON text of `{"ok": value}` or `{"error": {name, message, retryable}}`,
// the constructor never throws (an unusable configuration is the error of every later export), and nothing
// panics on arguments the JS side could pass. Each export is called with good and with hostile arguments; an
// export added with another convention (a bare bool, a number, a throw) fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as sessionCore from '../../pkg/cognito_wasm_session.js';
import * as signInCore from '../../pkg/cognito_wasm_sign_in.js';

for (const [core, file] of [
  [sessionCore, 'cognito_wasm_session_bg.wasm'],
  [signInCore, 'cognito_wasm_sign_in_bg.wasm'],
]) {
  core.initSync({ module: readFileSync(new URL(`../../pkg/${file}`, import.meta.url)) });
}

/** Exports that answer nothing: forgetting state cannot fail. */
const VOID = new Set(['dropSignIn']);
const GOOD = JSON.stringify({ userPoolId: 'us-east-1_Test', clientId: 'client', endpoint: 'http://127.0.0.1:1' });
const BAD = JSON.stringify({ userPoolId: 'no-underscore' });
/** Values of each declared parameter type the JS side could hand an export, hostile ones included. */
const HOSTILE = {
  string: ['', 'not json', '{}', '[]', 'null', '{"version":1}', '"\u0000"', '{"a":'.repeat(200), 'x'.repeat(70_000)],
  number: [0, -1, 1e300, -1e300, Number.NaN, Number.POSITIVE_INFINITY, 4294967295, 599],
  boolean: [true, false],
  'string | null': [null, '', 'x'],
};

/**
 * The exports wasm-bindgen declares in `file` (.d.ts): `{name, params: [type], returns}` for the Core's methods
 * and the free functions.
 */
function declared(file) {
  const text = readFileSync(new URL(`../../pkg/${file}`, import.meta.url), 'utf8');
  const head = text.slice(0, text.indexOf('export type InitInput'));
  const exports = [];
  for (const [, fn, name, params, returns] of head.matchAll(/^\s*(export function )?(\w+)\(([^)]*)\): ([^;]+);/gm)) {
    if (['free', 'constructor'].includes(name)) continue;
    const types = params ? params.split(', ').map((p) => p.replace(/^\w+\??: /, '')) : [];
    exports.push({ name, free: Boolean(fn), params: types, returns });
  }
  return exports;
}

function assertOutcome(text, what) {
  assert.equal(typeof text, 'string', `${what} returned ${typeof text}, not an outcome's text`);
  const outcome = JSON.parse(text);
  const keys = Object.keys(outcome);
  assert.ok(keys.length === 1 && (keys[0] === 'ok' || keys[0] === 'error'), `${what}: ${text.slice(0, 200)}`);
  if (keys[0] === 'error') {
    assert.deepEqual(Object.keys(outcome.error).sort(), ['message', 'name', 'retryable'], what);
    assert.equal(typeof outcome.error.name, 'string', what);
    assert.equal(typeof outcome.error.retryable, 'boolean', what);
  }
  return outcome;
}

/** Every combination would be too many: each position takes each of its values once, the others their first. */
function* hostileCalls(params) {
  const values = params.map((type) => {
    assert.ok(HOSTILE[type], `a parameter of type ${type}: add its hostile values`);
    return HOSTILE[type];
  });
  for (let at = 0; at < params.length; at += 1) {
    for (const value of values[at]) yield values.map((vs, i) => (i === at ? value : vs[0]));
  }
  yield values.map((vs) => vs.at(-1));
}

for (const [name, core, file] of [
  ['session core', sessionCore, 'cognito_wasm_session.d.ts'],
  ['sign-in core', signInCore, 'cognito_wasm_sign_in.d.ts'],
]) {
  const exports = declared(file);
  const methods = exports.filter((e) => !e.free);

  test(`${name}: every export is declared to answer an outcome's text`, () => {
    assert.ok(methods.length >= (name === 'session core' ? 10 : 12), methods.map((m) => m.name).join(', '));
    for (const e of exports) assert.equal(e.returns, VOID.has(e.name) ? 'void' : 'string', e.name);
  });

  test(`${name}: the constructor never throws; an unusable configuration is every export's error`, () => {
    const bad = new core.Core(BAD);
    try {
      assert.equal(assertOutcome(bad.settings(), 'settings').error?.name, 'InvalidParameterException');
      for (const method of methods.filter((m) => !VOID.has(m.name))) {
        const args = method.params.map((type) => (type === 'string' ? '{}' : HOSTILE[type][0]));
        assertOutcome(bad[method.name](...args), method.name);
      }
    } finally {
      bad.free();
    }
    for (const text of HOSTILE.string) new core.Core(text).free();
  });

  test(`${name}: every export answers an outcome, whatever it is handed`, () => {
    for (const e of exports) {
      for (const args of hostileCalls(e.params)) {
        const what = `${e.name}(${args.map((a) => String(a).slice(0, 12)).join(', ')})`;
        if (e.free) {
          assertOutcome(core[e.name](...args), what);
          continue;
        }
        // A fresh core each time: a hostile call must not leave one that later calls trip over.
        const instance = new core.Core(GOOD);
        try {
          const result = instance[e.name](...args);
          if (VOID.has(e.name)) assert.equal(result, undefined, what);
          else assertOutcome(result, what);
        } finally {
          instance.free();
        }
      }
    }
  });
}

test('the session core holds what it read: a refresh decision names the session by its stored text', () => {
  const core = new sessionCore.Core(GOOD);
  try {
    const unreadable = assertOutcome(core.needsRefresh('{"version":1}', 0), 'needsRefresh');
    assert.equal(unreadable.error?.name, 'InvalidResponseException', 'an unreadable session is an error, not a default');
    assert.equal(assertOutcome(core.retryDelay(1, 'NetworkError', true, 0), 'retryDelay').ok > 0, true);
    assert.equal(assertOutcome(core.retryDelay(9, 'NetworkError', true, 0), 'retryDelay').ok, null, 'gives up');
    assert.equal(assertOutcome(core.replyError(200, '{}', undefined), 'replyError').ok, null);
    const refused = assertOutcome(core.replyError(400, '{"__type":"NotAuthorizedException","message":"no"}', undefined), 'replyError');
    assert.equal(refused.error?.name, 'NotAuthorizedException');
  } finally {
    core.free();
  }
});
