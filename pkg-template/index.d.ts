// wasm-bindgen declares `[Symbol.dispose]()` on exported classes; make that type available to consumers
// whose `lib` setting predates it (TypeScript >= 5.2).
/// <reference lib="esnext.disposable" />
export * from './cognito_wasm.js';
export { CognitoError } from './errors.js';
