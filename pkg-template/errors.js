// The one error class the package throws, so `err instanceof CognitoError` and `err instanceof Error` hold.
export class CognitoError extends Error {
  // The package is shipped minified (scripts/bundle-pkg.mjs), which renames the class: the name apps see
  // (`CognitoError.name`, stack traces) is kept here rather than by keeping every function's name (1.5 kB).
  static name = 'CognitoError';

  constructor(name, message, retryable) {
    super(message);
    this.name = name;
    this.retryable = retryable;
  }
}
