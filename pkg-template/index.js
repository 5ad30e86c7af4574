// Browser / bundler entry: fetches and compiles the session module (`cognito_wasm_session_bg.wasm`) on import
// — all a page needs to restore a session, answer getSession(), refresh and sign out. The sign-in module (SRP,
// sign-in flows, account operations), which runs on top of the session module's instance, is loaded on first
// use only, by the sign-in worker (signer.js), or on the page where no worker starts (signer-host.js).
// Needs a Content-Security-Policy that allows `'wasm-unsafe-eval'` in script-src.
import { SignInCore, attachSignIn, initSync } from './cognito_wasm.js';
import { compileWasm } from './load-wasm.js';
import { provideSignInCore } from './sign-in-provider.js';

initSync({ module: await compileWasm(new URL('./cognito_wasm_session_bg.wasm', import.meta.url)) });

provideSignInCore({
  // Written out here, in this form, so that bundlers find the worker and emit it as a chunk of its own.
  startWorker: () => new Worker(new URL('./signer.js', import.meta.url), { type: 'module', name: 'cognito-wasm sign-in' }),
  async load() {
    attachSignIn(await compileWasm(new URL('./cognito_wasm_sign_in_bg.wasm', import.meta.url)));
    return SignInCore;
  },
});

export { CognitoClient } from './client.js';
export { CognitoError } from './errors.js';
