// How this environment loads the wasm modules the package fetches on first use, told by the entry module
// (index.js, node.js) on import: the refresh module (a refresh's requests and replies, `Core.refresh`), the
// sign-in core (the sign-in module, on top of the refresh module) and its account module (the account
// operations, `SignInCore.account`, on top of the sign-in module). Kept apart from their users (refresh.js,
// signer-host.js): the entry needs only this.
import { fail } from './outcome.js';

/** The entry's answer (see provideWasm); undefined until the entry is imported. */
let provider;

/**
 * Called by the entry: `loadRefresh()` attaches the refresh module to this thread's instance (once, however
 * often it is called); `startWorker()` returns a Worker running signer.js (absent where there is none);
 * `load()` resolves with the sign-in module's `SignInCore` class, loaded into this thread, and
 * `loadAccount()` attaches the account module on top of it (loading it first if need be), once each.
 */
export function provideWasm(how) {
  provider = how;
}

/**
 * `load()` (a promise) made once, and again by the next call after a failure (offline, say): the entries'
 * loaders, and the worker's of the account module.
 */
export function once(load) {
  let loading;
  return () =>
    (loading ??= load().catch((error) => {
      loading = undefined;
      throw error;
    }));
}

/** What the entry provided; an InternalError when the package was not imported by its entry. */
export function wasmProvider() {
  if (!provider) throw fail('InternalError', 'cognito-wasm: import the package by its entry (index.js or node.js)');
  return provider;
}
