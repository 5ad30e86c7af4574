// Browser / bundler entry: fetches and compiles the session module (`cognito_wasm_session_bg.wasm`) on import
// — all a page needs to restore a session, answer getSession(), refresh and sign out. The sign-in module (SRP,
// sign-in flows, account operations), which runs on top of the session module's instance, is loaded on first
// use only, by the sign-in worker (signer.js), or on the page where no worker starts (signer-host.js).
// Needs a Content-Security-Policy that allows `'wasm-unsafe-eval'` in script-src.
import { SignInCore, attachSignIn, initSync } from './cognito_wasm.js';
import { compileWasm } from './load-wasm.js';
import { provideSignInCore } from './sign-in-provider.js';

const session = await compileWasm(new URL('./cognito_wasm_session_bg.wasm', import.meta.url));
initSync({ module: session });

provideSignInCore({
  startWorker() {
    // Written out here, in this form, so that bundlers find the worker and emit it as a chunk of its own.
    const worker = new Worker(new URL('./signer.js', import.meta.url), { type: 'module', name: 'cognito-wasm sign-in' });
    // The worker's sign-in module runs on a session instance of its own, made from this compiled module rather
    // than a second fetch and compilation (an engine that cannot send it throws: the page loads the core).
    worker.postMessage({ type: 'load', session });
    return worker;
  },
  async load() {
    attachSignIn(await compileWasm(new URL('./cognito_wasm_sign_in_bg.wasm', import.meta.url)));
    return SignInCore;
  },
});

export { CognitoClient } from './client.js';
export { CognitoError } from './errors.js';
