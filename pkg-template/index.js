// Browser / bundler entry: fetches and compiles the session module (`cognito_wasm_session_bg.wasm`) on import
// — all a page needs to restore a session, answer getSession() and sign out. The refresh module (a refresh's
// requests and replies) is loaded when tokens are first due, and the sign-in module (SRP, sign-in flows,
// account operations) on first use, by the sign-in worker (signer.js), or on the page where no worker starts
// (signer-host.js); both run on top of the session module's instance.
// Needs a Content-Security-Policy that allows `'wasm-unsafe-eval'` in script-src.
import { SignInCore, attachRefresh, attachSignIn, initSync } from './cognito_wasm.js';
import { compileWasm } from './load-wasm.js';
import { provideWasm } from './wasm-provider.js';

const session = await compileWasm(new URL('./cognito_wasm_session_bg.wasm', import.meta.url));
initSync({ module: session });

let refresh;
const loadRefresh = () =>
  (refresh ??= compileWasm(new URL('./cognito_wasm_refresh_bg.wasm', import.meta.url)).then(attachRefresh, (error) => {
    refresh = undefined; // tried again by the next call (offline, say)
    throw error;
  }));

provideWasm({
  loadRefresh,
  startWorker() {
    // Written out here, in this form, so that bundlers find the worker and emit it as a chunk of its own.
    const worker = new Worker(new URL('./signer.js', import.meta.url), { type: 'module', name: 'cognito-wasm sign-in' });
    // The worker's sign-in module runs on a session instance of its own, made from this compiled module rather
    // than a second fetch and compilation (an engine that cannot send it throws: the page loads the core).
    worker.postMessage({ type: 'load', session });
    return worker;
  },
  async load() {
    const [signIn] = await Promise.all([compileWasm(new URL('./cognito_wasm_sign_in_bg.wasm', import.meta.url)), loadRefresh()]);
    attachSignIn(signIn);
    return SignInCore;
  },
});

export { CognitoClient } from './client.js';
export { CognitoError } from './errors.js';
