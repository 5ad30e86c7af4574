// Browser / bundler entry: fetches and instantiates the .wasm next to this file, once, on import.
// Needs a Content-Security-Policy that allows `'wasm-unsafe-eval'` in script-src.
import init, * as wasm from './cognito_wasm.js';
import { CognitoError } from './errors.js';

await init({ module_or_path: new URL('./cognito_wasm_bg.wasm', import.meta.url) });
wasm.__setErrorClass(CognitoError);

// Only the client: the loader and the error-class hook are internal.
export { CognitoClient } from './cognito_wasm.js';
export { CognitoError };
