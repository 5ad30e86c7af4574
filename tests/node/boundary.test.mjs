// The one boundary convention between the package's JavaScript and both wasm cores (src/wasm/mod.rs,
// src/wasm/call.rs): each core class (the session module's `Core`, the sign-in module's `SignInCore`) has a
// constructor and one method, `call(op, args)`, that runs the operation named `op` with `args` (the JSON text
// of an array) and returns the JSON text of `{"ok": value}` or `{"error": {name, message, retryable}}`, and
// `Core` the same for its refresh operations, `refresh(op, args)`, whose code the refresh module carries, and
// `SignInCore` for its account operations, `account(op, args)`, whose code the account module carries; the
// constructor never throws (an unusable configuration is the error of every later call), and nothing panics on
// arguments the JS side could pass. Every operation of the four tables in src/wasm/call.rs is called with good
// and with hostile arguments, garbage argument texts and unknown names; an export added beside `call`,
// `refresh` and `account`, or an operation this file does not call, fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { GLUE } from './helpers.mjs';

// The glue as wasm-bindgen wrote it (pkg/ ships it bundled), with pkg/'s four modules: the session module,
// then the refresh module, the sign-in module and the account module attached to its instance.
const glue = await import(pathToFileURL(join(GLUE, 'cognito_wasm.js')).href);
const compiled = (file) => new WebAssembly.Module(readFileSync(new URL(`../../pkg/${file}`, import.meta.url)));
const sessionModule = compiled('cognito_wasm_session_bg.wasm');
const refreshModule = compiled('cognito_wasm_refresh_bg.wasm');
const signInModule = compiled('cognito_wasm_sign_in_bg.wasm');
const accountModule = compiled('cognito_wasm_account_bg.wasm');
/** What `f` did before the later modules were attached: its value or its error. */
const outcomeOf = (f) => {
  try {
    return f();
  } catch (error) {
    return error;
  }
};
// Refused before the session module, as the others.
const accountBeforeInit = outcomeOf(() => glue.attachAccount(accountModule));
glue.initSync({ module: sessionModule });
const before = {
  accountBeforeInit,
  refresh: outcomeOf(() => new glue.Core('{}').refresh('refreshRequest', '[]')),
  signInCore: outcomeOf(() => new glue.SignInCore('{}')),
  signInFirst: outcomeOf(() => glue.attachSignIn(signInModule)),
  accountFirst: outcomeOf(() => glue.attachAccount(accountModule)),
};
glue.attachRefresh(refreshModule);
before.accountBeforeSignIn = outcomeOf(() => glue.attachAccount(accountModule));
glue.attachSignIn(signInModule);
before.account = outcomeOf(() => {
  const core = new glue.SignInCore('{}');
  try {
    return core.account('request', '[]');
  } finally {
    core.free();
  }
});
glue.attachAccount(accountModule);

test('the session module alone has no refresh, sign-in or account code; the later modules take the rest from its instance', () => {
  assert.match(String(before.accountBeforeInit), /before initSync/, 'no module is attached before the session module');
  assert.ok(before.refresh instanceof TypeError, `a refresh ran without the refresh module: ${before.refresh}`);
  assert.ok(before.signInCore instanceof TypeError, `a SignInCore was made without the sign-in module: ${before.signInCore}`);
  assert.match(String(before.signInFirst), /before the refresh module/, 'the sign-in module needs the refresh module first');
  for (const refused of [before.accountFirst, before.accountBeforeSignIn]) {
    assert.match(String(refused), /before the sign-in module/, 'the account module needs the sign-in module first');
  }
  assert.ok(before.account instanceof TypeError, `an account operation ran without the account module: ${before.account}`);
  const sessionExports = new Map(WebAssembly.Module.exports(sessionModule).map(({ name, kind }) => [name, kind]));
  assert.deepEqual([...sessionExports.keys()].filter((name) => /signincore|core_refresh/.test(name)), []);
  const exportsOf = (module) => WebAssembly.Module.exports(module).map(({ name }) => name).sort();
  assert.deepEqual(exportsOf(refreshModule), ['core_refresh']);
  assert.deepEqual(exportsOf(signInModule), ['__wbg_signincore_free', 'signincore_call', 'signincore_new']);
  assert.deepEqual(exportsOf(accountModule), ['signincore_account']);
  const glueModules = new Set(WebAssembly.Module.imports(sessionModule).map((i) => i.module));
  for (const module of [refreshModule, signInModule, accountModule]) {
    const imports = WebAssembly.Module.imports(module);
    const shared = imports.filter((i) => i.module === '__split');
    // The earlier modules' functions are called through the function table (scripts/wasm-split), so what
    // they share is the session module's memory, table and globals.
    for (const kind of ['memory', 'table']) assert.ok(shared.some((i) => i.kind === kind), `no ${kind} is shared`);
    for (const { name, kind } of shared) assert.equal(sessionExports.get(name), kind, `__split.${name} (${kind})`);
    // Its other imports are the glue's, which the session module imports from the same place.
    for (const { module: from, name } of imports) assert.ok(from === '__split' || glueModules.has(from), `${from}.${name}`);
  }
  // A second attach is harmless, and all work (the operations' tests are below).
  glue.attachRefresh(refreshModule);
  glue.attachSignIn(signInModule);
  glue.attachAccount(accountModule);
  const core = new glue.SignInCore('{}');
  assert.equal(JSON.parse(core.call('settings', '[]')).error?.name, 'InvalidParameterException');
  assert.equal(JSON.parse(core.account('request', '[]')).error?.name, 'InvalidParameterException');
  core.free();
  const session = new glue.Core(GOOD);
  assert.equal(JSON.parse(session.refresh('refreshRequest', '["{}"]')).error?.name, 'InvalidResponseException');
  session.free();
});

test('the glue exports the two classes, the three attaches and initSync, and the classes a constructor, call(op, args), Core refresh(op, args) and SignInCore account(op, args) alone', () => {
  const text = readFileSync(join(GLUE, 'cognito_wasm.d.ts'), 'utf8');
  const head = text.slice(0, text.indexOf('export type InitInput'));
  const classes = [...head.matchAll(/^export class (\w+) \{\n([^]*?)^\}/gm)];
  assert.deepEqual(classes.map(([, name]) => name).sort(), ['Core', 'SignInCore']);
  for (const [, name, body] of classes) {
    const declared = [...body.matchAll(/^\s*(\w+)\(([^)]*)\)(?:: ([^;]+))?;/gm)].map(
      ([, fn, params, returns]) => `${fn}(${params})${returns ? `: ${returns}` : ''}`,
    );
    const methods = ['call(op: string, args: string): string', 'constructor(config: string)', 'free(): void'];
    methods.push(`${name === 'Core' ? 'refresh' : 'account'}(op: string, args: string): string`);
    assert.deepEqual(declared.sort(), methods.sort(), name);
  }
  for (const attach of ['attachRefresh', 'attachSignIn', 'attachAccount']) {
    assert.match(text, new RegExp(`^export function ${attach}\\(module: WebAssembly\\.Module\\): void;$`, 'm'));
  }
  assert.deepEqual(Object.keys(glue).filter((k) => k !== 'default').sort(), [
    'Core',
    'SignInCore',
    'attachAccount',
    'attachRefresh',
    'attachSignIn',
    'initSync',
  ]);
});

const GOOD = JSON.stringify({ userPoolId: 'us-east-1_Test', clientId: 'client', endpoint: 'http://127.0.0.1:1' });
const BAD = JSON.stringify({ userPoolId: 'no-underscore' });
const ORIGIN = 'http://127.0.0.1:1';
const ERROR = JSON.stringify({ name: 'NetworkError', message: 'down', retryable: true });

/** Plausible arguments of each operation: the hostile calls change one of them at a time. */
const OPERATIONS = {
  'session core': {
    settings: [],
    retryDelay: [1, true, 500_000],
    replyError: [400, '{"__type":"NotAuthorizedException","message":"no"}', null],
    clockOffset: [1_700_000_000_000, 1_700_000_005_000],
    readSession: ['{}'],
    needsRefresh: ['{}', 1_700_000_000],
    refreshDueInMs: ['{}', 1_700_000_000_000],
    revokeRequest: ['{}'],
  },
  'refresh core': {
    supersedes: ['{}', '{}'],
    stillNeeded: [true, '{}', '{}', 1_700_000_000],
    refreshRequest: ['{}'],
    refreshed: ['{}', '{}', 1_700_000_000],
  },
  'sign-in core': {
    settings: [],
    prepareSignIn: [],
    signIn: ['{"username":"u","password":"p","authFlowType":"USER_PASSWORD_AUTH"}', '', 'device'],
    confirmSignIn: ['{"challengeResponse":"123456"}'],
    signInReplied: [1, '{}', 1_700_000_000, 0],
    signInFailed: [1, ERROR],
    dropSignIn: [],
    deviceReadable: ['{}'],
    oauthBegin: ['{}', ORIGIN],
    oauthCallback: [`${ORIGIN}/?code=c&state=s`, '{}'],
    oauthCustomState: ['{}'],
    oauthFinish: ['{}', 200, '{}', 1_700_000_000, 0],
    oauthSignOutUrl: [ORIGIN],
  },
  'account core': {
    request: ['signUp', '{"username":"u","password":"p"}', 'token'],
    result: ['fetchUserAttributes', '{}', '{"UserAttributes":[]}', 'u'],
  },
};

/** Values the JS side could put in an argument's place, of every JSON type (undefined and NaN become null). */
const HOSTILE = [
  undefined, null, '', 'not json', '{}', '[]', '{"version":1}', '"\u0000"', '{"a":'.repeat(200), 'x'.repeat(70_000),
  0, -1, 0.5, -0, 1e300, -1e300, Number.NaN, 4294967296, 65536, 599, true, false, {}, [], [[[{}]]], { a: [1] },
];
/** Texts in place of the arguments' array. */
const GARBAGE_ARGS = [
  '', 'not json', '{}', 'null', '"x"', '[', '[1,', '{"a":'.repeat(200), '['.repeat(10_000) + ']'.repeat(10_000),
  'x'.repeat(70_000), '[1]x', '\u0000',
];
const UNKNOWN_OPS = ['', 'nope', 'Settings', 'settings ', '__proto__', 'constructor', 'call', 'free', '\u0000', 'x'.repeat(10_000)];

/** The operations of the table `Class::run_fn` in src/wasm/call.rs (`ops! { … Class::run_fn: Op { … } }`). */
function tableOps(name) {
  const source = readFileSync(new URL('../../src/wasm/call.rs', import.meta.url), 'utf8');
  const start = source.search(new RegExp(`\\n\\s*${name}: \\w+ \\{\\n`));
  assert.ok(start > 0, `no table ${name} in src/wasm/call.rs`);
  const table = source.slice(start, source.indexOf('\n    }\n', start));
  return [...table.matchAll(/"(\w+)" => \w+\(/g)].map(([, name]) => name);
}

function assertOutcome(text, what) {
  assert.equal(typeof text, 'string', `${what} returned ${typeof text}, not an outcome's text`);
  const outcome = JSON.parse(text);
  const keys = Object.keys(outcome);
  assert.ok(keys.length === 1 && (keys[0] === 'ok' || keys[0] === 'error'), `${what}: ${text.slice(0, 200)}`);
  if (keys[0] === 'error') {
    assert.deepEqual(Object.keys(outcome.error).sort(), ['message', 'name', 'retryable'], what);
    assert.equal(typeof outcome.error.name, 'string', what);
    assert.ok(outcome.error.name, what);
    assert.equal(typeof outcome.error.message, 'string', what);
    assert.equal(typeof outcome.error.retryable, 'boolean', what);
  }
  return outcome;
}

/** Each argument missing from the end, each replaced by each hostile value, and one too many. */
function* hostileArgs(good) {
  for (let n = 0; n < good.length; n += 1) yield good.slice(0, n);
  for (let at = 0; at < good.length; at += 1) {
    for (const value of HOSTILE) yield good.map((arg, i) => (i === at ? value : arg));
  }
  yield [...good, 'one too many'];
  yield HOSTILE.slice(0, 6);
}

for (const [name, className, method, table] of [
  ['session core', 'Core', 'call', 'Core::run'],
  ['refresh core', 'Core', 'refresh', 'Core::run_refresh'],
  ['sign-in core', 'SignInCore', 'call', 'SignInCore::run'],
  ['account core', 'SignInCore', 'account', 'SignInCore::run_account'],
]) {
  const operations = OPERATIONS[name];
  const Core = glue[className];
  /** `method` on a fresh core (a hostile call must not leave one that later calls trip over). */
  const callFresh = (Class, config, op, args) => {
    const instance = new Class(config);
    try {
      return instance[method](op, args);
    } finally {
      instance.free();
    }
  };

  test(`${name}: this file calls every operation of the table in src/wasm/call.rs, and the module has each`, () => {
    assert.deepEqual(Object.keys(operations).sort(), tableOps(table).sort());
    for (const op of Object.keys(operations)) {
      const outcome = assertOutcome(callFresh(Core, GOOD, op, '[]'), op);
      assert.doesNotMatch(outcome.error?.message ?? '', /no operation is called/, op);
    }
  });

  test(`${name}: the constructor never throws; an unusable configuration is every operation's error`, () => {
    assert.equal(assertOutcome(callFresh(Core, BAD, 'settings', '[]'), 'settings').error?.name, 'InvalidParameterException');
    // The others answer too (those that read no configuration, readSession say, as with a good one).
    for (const [op, good] of Object.entries(operations)) assertOutcome(callFresh(Core, BAD, op, JSON.stringify(good)), op);
    for (const text of [...GARBAGE_ARGS, ...HOSTILE.filter((v) => typeof v === 'string')]) new Core(text).free();
  });

  test(`${name}: every operation answers an outcome, whatever it is handed`, () => {
    for (const [op, good] of Object.entries(operations)) {
      for (const args of hostileArgs(good)) {
        const what = `${op}(${args.map((a) => String(a).slice(0, 12)).join(', ')})`;
        assertOutcome(callFresh(Core, GOOD, op, JSON.stringify(args)), what);
      }
      for (const text of GARBAGE_ARGS) {
        const outcome = assertOutcome(callFresh(Core, GOOD, op, text), `${op} with arguments ${text.slice(0, 12)}`);
        assert.equal(outcome.error?.name, 'InvalidParameterException', `${op} took ${text.slice(0, 12)} for arguments`);
      }
    }
  });

  test(`${name}: an unknown operation is a typed error, never a throw or a trap`, () => {
    const instance = new Core(GOOD);
    try {
      for (const op of UNKNOWN_OPS) {
        const outcome = assertOutcome(instance[method](op, '[]'), `${method}(${op.slice(0, 12)})`);
        assert.equal(outcome.error?.name, 'InvalidParameterException', op.slice(0, 12));
      }
      // The core still answers afterwards.
      assert.equal(assertOutcome(instance.call('settings', '[]'), 'settings').ok.endpoint, 'http://127.0.0.1:1');
    } finally {
      instance.free();
    }
  });
}

test('the session core holds what it read: a refresh decision names the session by its stored text', () => {
  const core = new glue.Core(GOOD);
  const call = (op, ...args) => assertOutcome(core.call(op, JSON.stringify(args)), op);
  try {
    const unreadable = call('needsRefresh', '{"version":1}', 0);
    assert.equal(unreadable.error?.name, 'InvalidResponseException', 'an unreadable session is an error, not a default');
    assert.equal(call('retryDelay', 1, true, 0).ok > 0, true);
    assert.equal(call('retryDelay', 9, true, 0).ok, null, 'gives up');
    assert.equal(call('retryDelay', 1, false, 0).ok, null, 'a failure that will not pass is not retried');
    assert.equal(call('replyError', 200, '{}').ok, null);
    assert.equal(call('replyError', 400, '{"__type":"NotAuthorizedException","message":"no"}').error?.name, 'NotAuthorizedException');
    assert.equal(call('clockOffset', 1_700_000_000_000, 1_700_000_120_400).ok, 120);
  } finally {
    core.free();
  }
});
