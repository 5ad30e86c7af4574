// The one error class the package throws, so `err instanceof CognitoError` and `err instanceof Error` hold.
export class CognitoError extends Error {
  constructor(name, message, retryable) {
    super(message);
    this.name = name;
    this.retryable = retryable;
  }
}
