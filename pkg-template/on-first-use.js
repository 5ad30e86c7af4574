// The package's modules loaded on first use (sign-in.js, account.js, redirect.js, passkeys.js, signer-host.js,
// token-refresh.js, exchange.js): a page that never signs in, changes the account, refreshes or sends a
// request never fetches their code, so a returning user's page loads no more than it needs to answer
// getSession().
import { fail, messageOf } from './outcome.js';

/** A module of the package that could not load (`cause`): a NetworkError, which may pass. */
export const moduleFailed = (cause) => fail('NetworkError', `cognito-wasm: a module of the package could not load: ${messageOf(cause)}`, true);

/**
 * A function that imports a module once, when first called: `load` is `() => import('./x.js')`, written out by
 * the caller so that bundlers find the import and emit the module as a chunk of its own. A module that could
 * not load (offline, say) fails the call as a NetworkError, which may pass: the next call tries again.
 */
export function onFirstUse(load) {
  let loading;
  return () =>
    (loading ??= load().catch((cause) => {
      loading = undefined;
      throw moduleFailed(cause);
    }));
}
