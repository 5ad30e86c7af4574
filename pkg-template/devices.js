// This browser's remembered devices, for sign-ins and device operations: the secrets kept for a user (the
// sign-in core checks they can be read back) and the key of the device Cognito tracks for the session.
// Loaded with sign-in.js or account.js, never by a page that only restores its session.

/** The device secrets kept for `username` (JSON text), or ''; those the sign-in core cannot read are removed. */
export function storedDevice(parts, username) {
  return parts.store.loadDevice((device) => parts.signer.call('deviceReadable', device), username);
}

/** The key of this browser's device for the signed-in user, if Cognito tracks it. */
export async function currentDeviceKey(parts, session) {
  if (session.deviceKey) return session.deviceKey;
  const device = await storedDevice(parts, session.session.username);
  return device ? JSON.parse(device).deviceKey : undefined;
}
