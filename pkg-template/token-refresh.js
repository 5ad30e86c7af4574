// One refresh of the stored session, under the session lock (refresh.js takes it and imports this module when
// a refresh is first due): storage read again, the refresh sent unless another tab's made it needless, a
// refused refresh token ending the session, the new tokens stored compare-and-set, and the lock kept a moment
// so the next tab reads them.
import { unauthenticated, unwrap } from './outcome.js';
import { storageSettles } from './store.js';
import { Call, deviceNow } from './timers.js';

/**
 * Refresh operation `op` of the session core (`Core.refresh`, src/wasm/call.rs's RefreshOp), as `invoke` does
 * the others: its code is in the refresh module, attached before this module is used (refresh.js).
 */
const refreshOp = (core, op, ...args) => unwrap(core.refresh(op, JSON.stringify(args)));

/** How many times (STORAGE_SETTLE_MS apart) to look for the tokens another tab has just rotated in. */
const STORAGE_SETTLE_TRIES = 10;
/** Refusals of a refresh token: the session is over. */
const REFUSED = ['NotAuthorizedException', 'RefreshTokenReuseException', 'UserUnAuthenticatedException'];

/**
 * Refreshes `before` for `refresher` (refresh.js; `parts` are its constructor's). Holding the lock, reads
 * storage again: another tab may have refreshed (use its tokens, and with rotation never present the refresh
 * token it retired) or signed out.
 */
export async function refreshUnderLock(refresher, parts, before, requested) {
  const current = await refresher.stored(true);
  if (refreshOp(parts.core, 'stillNeeded', requested, before.stored, current.stored, deviceNow())) {
    await refreshNow(refresher, parts, new Call(undefined, parts.timeoutMs), current);
  }
}

/** Sends one refresh; a refresh token Cognito refuses ends the session, a transient failure keeps it. */
async function refreshNow(refresher, parts, call, current) {
  const username = current.session.username;
  const request = refreshOp(parts.core, 'refreshRequest', current.stored);
  let refreshed;
  try {
    const reply = await parts.transport.send(call, request);
    refreshed = refreshOp(parts.core, 'refreshed', current.stored, reply, deviceNow());
  } catch (error) {
    const refused = REFUSED.includes(error.name);
    if (refused) {
      // localStorage reaches other renderer processes a moment after a write: this tab may have read the
      // tokens another tab had just rotated out. Their successor is the answer.
      const newer = await successorOf(parts, current);
      if (newer) return newer;
    }
    parts.announce('tokenRefreshFailed', username, error);
    // Only the refused session ends: another user may have signed in meanwhile.
    if (refused && (await parts.store.removeIf((now) => now?.stored === current.stored, true))) {
      refresher.cancel();
      await parts.store.settled();
      parts.announce('sessionExpired', username, error);
    }
    throw error;
  }
  // Compare-and-set: a sign-out or another user's sign-in while the request was out wins.
  if (!(await parts.store.saveIf(current.stored, refreshed))) {
    throw unauthenticated('signed out while the refresh was under way');
  }
  // The other tabs are told once they can read the new tokens.
  await parts.store.settled();
  parts.announce('tokenRefreshed', username);
  refresher.schedule(refreshed);
  return refreshed;
}

/** The session another tab stored in place of `current`, waiting briefly for storage to show it. */
async function successorOf(parts, current) {
  if (!parts.store.shared) return null;
  for (let i = 0; i < STORAGE_SETTLE_TRIES; i += 1) {
    const stored = await parts.loadSession(true);
    if (!stored || stored.session.username !== current.session.username) return null;
    if (refreshOp(parts.core, 'supersedes', stored.stored, current.stored)) return stored;
    await storageSettles();
  }
  return null;
}
