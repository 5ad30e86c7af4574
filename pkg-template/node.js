// Node.js (>= 20) entry: reads the .wasm next to this file from disk and instantiates it synchronously.
import { readFileSync } from 'node:fs';
import * as wasm from './cognito_wasm.js';
import { CognitoError } from './errors.js';

wasm.initSync({ module: readFileSync(new URL('./cognito_wasm_bg.wasm', import.meta.url)) });
wasm.__setErrorClass(CognitoError);

// Only the client: the loader and the error-class hook are internal.
export { CognitoClient } from './cognito_wasm.js';
export { CognitoError };
