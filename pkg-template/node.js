// Node.js (>= 20) entry: instantiates the session module from the .wasm next to this file, synchronously; the
// refresh module, the sign-in module and the account module are read and instantiated on top of it,
// in-process, when the first refresh, sign-in or account operation needs them.
import { readFileSync } from 'node:fs';
import { SignInCore, attachAccount, attachRefresh, attachSignIn, initSync } from './cognito_wasm.js';
import { once, provideWasm } from './wasm-provider.js';

const read = (url) => new WebAssembly.Module(readFileSync(url));

initSync({ module: readFileSync(new URL('./cognito_wasm_session_bg.wasm', import.meta.url)) });

// Each file is read once, again after a failure.
const loadRefresh = once(async () => attachRefresh(read(new URL('./cognito_wasm_refresh_bg.wasm', import.meta.url))));
const loadSignIn = once(async () => {
  await loadRefresh();
  attachSignIn(read(new URL('./cognito_wasm_sign_in_bg.wasm', import.meta.url)));
  return SignInCore;
});
const loadAccount = once(async () => {
  await loadSignIn();
  attachAccount(read(new URL('./cognito_wasm_account_bg.wasm', import.meta.url)));
});

provideWasm({ loadRefresh, load: loadSignIn, loadAccount });

export { CognitoClient } from './client.js';
export { CognitoError } from './errors.js';
