// Browser / bundler entry: fetches and compiles the session module (`cognito_wasm_session_bg.wasm`) on import
// — all a page needs to restore a session, answer getSession() and sign out. The refresh module (a refresh's
// requests and replies) is loaded when tokens are first due, the sign-in module (SRP, sign-in flows) on first
// use and the account module (account operations) on the first account operation, by the sign-in worker
// (signer.js), or on the page where no worker starts (signer-host.js); all run on top of the session
// module's instance.
// Needs a Content-Security-Policy that allows `'wasm-unsafe-eval'` in script-src.
import { SignInCore, attachAccount, attachRefresh, attachSignIn, initSync } from './cognito_wasm.js';
import { compileWasm } from './load-wasm.js';
import { once, provideWasm } from './wasm-provider.js';

const session = await compileWasm(new URL('./cognito_wasm_session_bg.wasm', import.meta.url));
initSync({ module: session });

const loadRefresh = once(() => compileWasm(new URL('./cognito_wasm_refresh_bg.wasm', import.meta.url)).then(attachRefresh));
// Each later module fetched in parallel with the ones it runs on.
const loadSignIn = once(() =>
  Promise.all([compileWasm(new URL('./cognito_wasm_sign_in_bg.wasm', import.meta.url)), loadRefresh()]).then(([module]) => {
    attachSignIn(module);
    return SignInCore;
  }),
);
const loadAccount = once(() =>
  Promise.all([compileWasm(new URL('./cognito_wasm_account_bg.wasm', import.meta.url)), loadSignIn()]).then(([module]) =>
    attachAccount(module),
  ),
);

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
  load: loadSignIn,
  loadAccount,
});

export { CognitoClient } from './client.js';
export { CognitoError } from './errors.js';
