// The page of tests/node/engines.test.mjs, run in Firefox and WebKit. Before it loads the package it starts
// watching what the package does in this engine, so the test can tell which path ran:
// - the workers the package starts, whether each answered (a module worker that cannot start errors out
//   instead), and their errors;
// - the page's random draws: the SRP ephemeral is the only randomness a sign-in needs, so a sign-in that
//   drew nothing on the page ran in the sign-in worker;
// - the Web Locks the page asked for (a refresh runs under one where navigator.locks exists);
// - uncaught errors and rejections.
// `?without=Worker,locks` takes those away first, as an engine without them would be, to see the package's
// fallbacks run in this engine.
// `window.step(name, argJson)` runs one step of the test and resolves to JSON text: { ok, value } or
// { ok: false, name, message, isCognitoError }; it never rejects.
const without = new URLSearchParams(location.search).get('without')?.split(',') ?? [];
if (without.includes('Worker')) window.Worker = undefined;
if (without.includes('locks')) Object.defineProperty(navigator, 'locks', { value: undefined });

const seen = { workers: [], workerAnswered: false, workerErrors: [], pageDraws: 0, locks: [], pageErrors: [] };
addEventListener('error', (event) => seen.pageErrors.push(String(event.message)));
addEventListener('unhandledrejection', (event) => seen.pageErrors.push(String(event.reason?.stack ?? event.reason)));

const draw = crypto.getRandomValues.bind(crypto);
crypto.getRandomValues = (array) => {
  seen.pageDraws += 1;
  return draw(array);
};

if (navigator.locks) {
  const request = navigator.locks.request.bind(navigator.locks);
  navigator.locks.request = (name, ...rest) => {
    seen.locks.push(name);
    return request(name, ...rest);
  };
}

let workerAnswered;
const firstWorkerAnswer = new Promise((resolve) => { workerAnswered = resolve; });
if (typeof Worker === 'function') {
  const Real = Worker;
  window.Worker = class extends Real {
    constructor(url, options) {
      super(url, options);
      seen.workers.push(options?.name ?? String(url));
      this.addEventListener('message', () => {
        seen.workerAnswered = true;
        workerAnswered();
      }, { once: true });
      this.addEventListener('error', (event) => {
        seen.workerErrors.push(String(event.message ?? 'error'));
        workerAnswered();
      });
    }
  };
}

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)): valid only where wasm SIMD is.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
const features = {
  userAgent: navigator.userAgent,
  webLocks: typeof navigator.locks?.request === 'function',
  broadcastChannel: typeof BroadcastChannel === 'function',
  worker: typeof Worker === 'function',
  wasmSimd: WebAssembly.validate(SIMD_PROBE),
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let lib;
let loadError;
try {
  lib = await import('/pkg/index.js');
} catch (error) {
  loadError = `${error.name}: ${error.message}`;
}

let client;
const steps = {
  features: async () => ({ ...features, loadError }),
  /** What the page saw so far; `pageDraws` counts from the latest signIn step. */
  seen: async () => seen,

  /**
   * A client with `config`, then one sign-in, once its sign-in worker answered (or after 5 s). The sign-in
   * waits a task more: the answer's other listener, the package's, runs after this one's promise callbacks.
   */
  signIn: async ({ config, username, password }) => {
    client = new lib.CognitoClient(config);
    if (seen.workers.length > 0) await Promise.race([firstWorkerAnswer.then(() => sleep(0)), sleep(5000)]);
    seen.pageDraws = 0;
    return client.signIn({ username, password });
  },
  getSession: () => client.getSession(),
  refreshSession: () => client.refreshSession(),
  signOut: async () => {
    await client.signOut();
    return null;
  },
  signInAgain: ({ username, password }) => client.signIn({ username, password }),
};

window.step = async (name, argJson) => {
  try {
    return JSON.stringify({ ok: true, value: await steps[name](JSON.parse(argJson)) });
  } catch (error) {
    return JSON.stringify({
      ok: false,
      name: error?.name,
      message: error?.message ?? String(error),
      isCognitoError: Boolean(lib) && error instanceof lib.CognitoError,
    });
  }
};
window.markReady();
