// Ending the session on this device: signOut (the local session forgotten, here and in the other tabs, its
// refresh token revoked, and with `redirect` the user-pool domain's session too), and the end of the session
// after globalSignOut or deleteUser. Loaded by the client on first use (see on-first-use.js).
import { onFirstUse } from './on-first-use.js';
import { unwrap } from './outcome.js';
import { Call } from './timers.js';

/** The domain's sign-out URL is made there, with the rest of signInWithRedirect's URL work. */
const redirects = onFirstUse(() => import('./redirect.js'));

/**
 * CognitoClient#signOut: the local sign-out always happens; a failed revocation (e.g. offline) is not
 * reported. `parts`: the client's, see client.js.
 */
export async function signOut(parts, options) {
  const call = new Call(options, parts.timeoutMs);
  // With `redirect`, the domain's session ends too: the URL is made first, so a configuration without
  // redirectSignOut fails before anything is signed out.
  const logout = options?.redirect === true ? await (await redirects()).signOutUrl(parts) : undefined;
  // A refresh of this tab under way would otherwise store its tokens after the sign-out.
  await parts.refresher.settled();
  // Read and cleared as one step, so the token revoked is the newest (a refresh elsewhere may have
  // rotated it) and no refresh can write the session back in between.
  const session = await parts.store
    .exclusively(async () => {
      const newest = await parts.loadSession(true);
      if (newest) await parts.store.removeIf(() => true, true);
      return newest;
    })
    .catch(() => null); // A storage that fails cannot be helped here; the sign-out is announced all the same.
  parts.refresher.cancel();
  parts.announce('signedOut', session?.session.username);
  if (session) {
    const request = unwrap(parts.core.revokeRequest(session.stored));
    if (request) await parts.transport.send(call, request).catch(() => {});
  }
  if (logout) globalThis.location.assign(logout);
}

/** Forgets `session`'s user locally (not another user's session) and tells the listeners (here and in the other tabs). */
export async function endSession(parts, session) {
  const username = session.session.username;
  // A storage that fails to remove cannot be helped here; the sign-out is announced all the same.
  await parts.store.removeIf((now) => now?.username === username).catch(() => {});
  parts.refresher.cancel();
  parts.announce('signedOut', username);
}
