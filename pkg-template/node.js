// Node.js (>= 20) entry: instantiates the session module from the .wasm next to this file, synchronously; the
// refresh module and the sign-in module are read and instantiated on top of it, in-process, when the first
// refresh, sign-in or account operation needs them.
import { readFileSync } from 'node:fs';
import { SignInCore, attachRefresh, attachSignIn, initSync } from './cognito_wasm.js';
import { provideWasm } from './wasm-provider.js';

const read = (url) => new WebAssembly.Module(readFileSync(url));

initSync({ module: readFileSync(new URL('./cognito_wasm_session_bg.wasm', import.meta.url)) });

// attachRefresh does nothing once the module is attached; the file is read once.
let refreshRead = false;
const loadRefresh = async () => {
  if (refreshRead) return;
  attachRefresh(read(new URL('./cognito_wasm_refresh_bg.wasm', import.meta.url)));
  refreshRead = true;
};

provideWasm({
  loadRefresh,
  async load() {
    await loadRefresh();
    attachSignIn(read(new URL('./cognito_wasm_sign_in_bg.wasm', import.meta.url)));
    return SignInCore;
  },
});

export { CognitoClient } from './client.js';
export { CognitoError } from './errors.js';
