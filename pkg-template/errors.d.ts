/** Thrown by every failing call. `name` is Cognito's exception name (e.g. `'NotAuthorizedException'`),
 * `'NetworkError'` when the endpoint could not be reached. */
export declare class CognitoError extends Error {
  constructor(name: string, message: string, retryable: boolean);
  name: string;
  /** True when the same call may succeed if retried later (throttling, network, 5xx). */
  retryable: boolean;
}
