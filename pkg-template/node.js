// Node.js (>= 20) entry: instantiates the session module from the .wasm next to this file, synchronously; the
// sign-in module is read and instantiated on top of it, in-process, when the first sign-in or account
// operation needs it.
import { readFileSync } from 'node:fs';
import { SignInCore, attachSignIn, initSync } from './cognito_wasm.js';
import { provideSignInCore } from './sign-in-provider.js';

initSync({ module: readFileSync(new URL('./cognito_wasm_session_bg.wasm', import.meta.url)) });

provideSignInCore({
  async load() {
    attachSignIn(new WebAssembly.Module(readFileSync(new URL('./cognito_wasm_sign_in_bg.wasm', import.meta.url))));
    return SignInCore;
  },
});

export { CognitoClient } from './client.js';
export { CognitoError } from './errors.js';
