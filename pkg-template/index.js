// Browser / bundler entry: fetches and compiles the session core (`cognito_wasm_session_bg.wasm`) on import —
// all a page needs to restore a session, answer getSession(), refresh and sign out. The sign-in core (SRP,
// sign-in flows, account operations) is loaded on first use only, by the sign-in worker (signer.js), or on the
// page where no worker starts (signer-host.js).
// Needs a Content-Security-Policy that allows `'wasm-unsafe-eval'` in script-src.
import { initSync } from './cognito_wasm_session.js';
import { compileWasm } from './load-wasm.js';
import { provideSignInCore } from './sign-in-provider.js';

initSync({ module: await compileWasm(new URL('./cognito_wasm_session_bg.wasm', import.meta.url)) });

provideSignInCore({
  // Written out here, in this form, so that bundlers find the worker and emit it as a chunk of its own.
  startWorker: () => new Worker(new URL('./signer.js', import.meta.url), { type: 'module', name: 'cognito-wasm sign-in' }),
  async load() {
    const [core, module] = await Promise.all([
      import('./cognito_wasm_sign_in.js'),
      compileWasm(new URL('./cognito_wasm_sign_in_bg.wasm', import.meta.url)),
    ]);
    core.initSync({ module });
    return core.SignInCore;
  },
});

export { CognitoClient } from './client.js';
export { CognitoError } from './errors.js';
