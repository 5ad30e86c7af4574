// Browser / bundler entry: fetches and instantiates the .wasm next to this file, once, on import.
// Needs a Content-Security-Policy that allows `'wasm-unsafe-eval'` in script-src.
import init from './cognito_wasm.js';

await init({ module_or_path: new URL('./cognito_wasm_bg.wasm', import.meta.url) });

export { CognitoClient } from './client.js';
export { CognitoError } from './errors.js';
