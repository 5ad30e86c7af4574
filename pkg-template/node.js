// Node.js (>= 20) entry: instantiates the session core from the .wasm next to this file, synchronously; the
// sign-in core is read and instantiated in-process when the first sign-in or account operation needs it.
import { readFileSync } from 'node:fs';
import { initSync } from './cognito_wasm_session.js';
import { provideSignInCore } from './sign-in-provider.js';

initSync({ module: readFileSync(new URL('./cognito_wasm_session_bg.wasm', import.meta.url)) });

provideSignInCore({
  async load() {
    const core = await import('./cognito_wasm_sign_in.js');
    core.initSync({ module: readFileSync(new URL('./cognito_wasm_sign_in_bg.wasm', import.meta.url)) });
    return core.SignInCore;
  },
});

export { CognitoClient } from './client.js';
export { CognitoError } from './errors.js';
