// Browser / bundler entry: fetches and compiles the .wasm next to this file, once, on import, and shares
// the compiled module with the sign-in worker (client.js).
// Needs a Content-Security-Policy that allows `'wasm-unsafe-eval'` in script-src.
import { initSync } from './cognito_wasm.js';
import { shareModule } from './client.js';

const url = new URL('./cognito_wasm_bg.wasm', import.meta.url);
const response = await fetch(url);
if (!response.ok) throw new Error(`cognito-wasm: fetching ${url} failed: HTTP ${response.status}`);
// Streaming compilation needs the application/wasm type; a server that sends another still works.
const module =
  typeof WebAssembly.compileStreaming === 'function' && response.headers.get('Content-Type') === 'application/wasm'
    ? await WebAssembly.compileStreaming(response)
    : await WebAssembly.compile(await response.arrayBuffer());
initSync({ module });
shareModule(module);

export { CognitoClient } from './client.js';
export { CognitoError } from './errors.js';
