// Node.js (>= 20) entry: reads the .wasm next to this file from disk and instantiates it synchronously.
import { readFileSync } from 'node:fs';
import { initSync } from './cognito_wasm.js';

initSync({ module: readFileSync(new URL('./cognito_wasm_bg.wasm', import.meta.url)) });

export { CognitoClient } from './client.js';
export { CognitoError } from './errors.js';
