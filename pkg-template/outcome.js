// What crosses between the JavaScript and a wasm core, and the errors the package throws: a core's outcome
// (`{ok}` or `{error}`) unwrapped, an app's argument encoded as JSON.
import { CognitoError } from './errors.js';

export const fail = (name, message, retryable = false) => new CognitoError(name, message, retryable);
export const invalid = (message) => fail('InvalidParameterException', message);
export const unauthenticated = (message) => fail('UserUnAuthenticatedException', message);
export const aborted = () => fail('AbortError', 'the call was aborted');
export const messageOf = (cause) => (cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : '');

/** The value of a core outcome (`{ok}`), or its error thrown. */
export function unwrap(text) {
  const outcome = JSON.parse(text);
  if (outcome.error) throw fail(outcome.error.name, outcome.error.message, outcome.error.retryable);
  return outcome.ok;
}

/**
 * Operation `op` of a wasm core (src/wasm/call.rs) with `args`: its value, or its error thrown. Every call
 * into a core goes through here, as `core.call(op, args as a JSON array)`, but the refresh operations
 * (token-refresh.js's refreshOp, the same through `core.refresh`).
 */
export const invoke = (core, op, ...args) => unwrap(core.call(op, JSON.stringify(args)));

/** An app's argument as JSON for the core (which checks its shape). */
export function encode(value, what) {
  try {
    return JSON.stringify(value ?? null);
  } catch (cause) {
    throw invalid(`${what}: ${messageOf(cause)}`);
  }
}
