// The other tabs (and workers) of the origin sharing a session: what they announce, and what this tab tells them.

/** The events a client fires, here and in the other tabs. */
export const EVENTS = ['signedIn', 'signedOut', 'tokenRefreshed', 'tokenRefreshFailed', 'sessionExpired'];
/** The events a client fires in its own tab only: how the signInWithRedirect this page came back from ended. */
export const TAB_EVENTS = ['signInWithRedirect', 'signInWithRedirectFailure'];

/** Closes a collected client's channel to the other tabs, which would otherwise stay open for the page's life. */
export const closeChannel = new FinalizationRegistry((channel) => channel.close());

/**
 * The other tabs (and workers) of this origin sharing the session: a BroadcastChannel telling the others of
 * sign-ins, refreshes and sign-outs (the session lock, Store.exclusively, keeps their writes apart). Where
 * it does not exist (old browsers) the tab works alone.
 */
export class Tabs {
  constructor(namespace, onMessage) {
    this.channel = undefined;
    if (namespace && typeof BroadcastChannel === 'function') {
      this.channel = new BroadcastChannel(namespace);
      // Whatever else shares the channel name, only well-formed messages are acted on.
      this.channel.onmessage = ({ data }) => {
        if (
          data && EVENTS.includes(data.event) &&
          ['username', 'errorName', 'errorMessage'].every((k) => data[k] === undefined || typeof data[k] === 'string')
        ) {
          onMessage(data);
        }
      };
      // A channel must not keep Node alive.
      this.channel.unref?.();
    }
  }

  announce(message) {
    this.channel?.postMessage(message);
  }
}
