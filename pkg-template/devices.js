// This browser's remembered devices, for sign-ins and device operations: the secrets kept in the store per
// user (read back only when the sign-in core can read them), and the key of the device Cognito tracks for the
// session. Loaded with sign-in.js or account.js, never by a page that only restores its session.
import { unwrap } from './outcome.js';

/** Devices are kept per user, by the name as the pool compares it: "Bob" and "bob" are two users where case counts. */
export function deviceKey(store, username) {
  return `${store.namespace}.user.${store.caseSensitive ? username : username.toLowerCase()}.device`;
}

/**
 * The device secrets kept for `username` (JSON text), or ''; those `readable` (async, the sign-in core's
 * check) refuses are removed.
 */
export async function loadDevice(store, readable, username) {
  const key = deviceKey(store, username);
  try {
    const device = await store.get(key);
    if (device == null) return '';
    if (await readable(device)) return device;
    await store.remove(key);
  } catch {
    // A device that cannot be read is no device: the sign-in goes on without it.
  }
  return '';
}

export const saveDevice = (store, username, device) => store.set(deviceKey(store, username), device);

export const forgetDevice = (store, username) => store.remove(deviceKey(store, username));

/** The device secrets of `username` this client's sign-in core can read, or ''. `parts`: the client's. */
export function storedDevice(parts, username) {
  return loadDevice(parts.store, async (device) => unwrap(await parts.signer.call('deviceReadable', device)), username);
}

/** The key of this browser's device for the signed-in user, if Cognito tracks it. */
export async function currentDeviceKey(parts, session) {
  if (session.deviceKey) return session.deviceKey;
  const device = await storedDevice(parts, session.session.username);
  return device ? JSON.parse(device).deviceKey : undefined;
}
