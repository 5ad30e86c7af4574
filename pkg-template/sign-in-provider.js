// How this environment gets the sign-in core, told by the entry module (index.js, node.js) on import. Kept
// apart from signer-host.js, which uses it: the entry needs only this, and signer-host.js is loaded on first use.

/** The entry's answer (see provideSignInCore); undefined until the entry is imported. */
let provider;

/**
 * Called by the entry: `startWorker()` returns a Worker running signer.js (absent where there is none), and
 * `load()` resolves with the sign-in module's `SignInCore` class, loaded into this thread.
 */
export function provideSignInCore(how) {
  provider = how;
}

/** What the entry provided, or undefined when the package was not imported by its entry. */
export const signInProvider = () => provider;
