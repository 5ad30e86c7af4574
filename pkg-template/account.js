// The account operations with the sign-in core's account module (it makes each request and reads its reply):
// those of someone not signed in (sign-up, password reset), those of the signed-in user with a valid access
// token, the device operations, and adding a passkey (the browser's ceremony on this page). Loaded by the
// client on the first account call (see on-first-use.js), as is the account module (signer-host.js).
import { currentDeviceKey, forgetDevice as forgetStoredDevice } from './devices.js';
import { onFirstUse } from './on-first-use.js';
import { encode, unwrap } from './outcome.js';
import { Call } from './timers.js';

/** The WebAuthn ceremonies, loaded by the first associateWebAuthnCredential only. */
const passkeys = onFirstUse(() => import('./passkeys.js'));

/** An operation of someone not signed in (sign-up, password reset). `parts`: the client's, see client.js. */
export async function anonymous(parts, op, input, options) {
  const call = new Call(options, parts.timeoutMs);
  return account(parts, call, op, input, null);
}

/** An operation of the signed-in user, with a valid access token. */
export async function signedIn(parts, op, input, options) {
  const call = new Call(options, parts.timeoutMs);
  return account(parts, call, op, input, await parts.refresher.valid(call));
}

/** An operation that ends the session (globalSignOut, deleteUser): it is forgotten here once Cognito agreed. */
export async function ending(parts, op, options) {
  const call = new Call(options, parts.timeoutMs);
  const session = await parts.refresher.valid(call);
  await account(parts, call, op, null, session);
  await endSession(parts, session);
}

/** A device operation; the device is this browser's unless the input names one. */
export async function device(parts, op, input, options) {
  const call = new Call(options, parts.timeoutMs);
  const session = await parts.refresher.valid(call);
  const current = await currentDeviceKey(parts, session);
  const args = { device: input?.device, currentDeviceKey: current };
  const result = await account(parts, call, op, args, session);
  return { session, current, result };
}

/** CognitoClient#forgetDevice: this browser's device forgotten by Cognito is forgotten here too. */
export async function forgetDevice(parts, input, options) {
  const { session, current } = await device(parts, 'forgetDevice', input, options);
  if (current != null && (input?.device?.id ?? current) === current) {
    await forgetStoredDevice(parts.store, session.session.username);
  }
}

/**
 * CognitoClient#associateWebAuthnCredential: StartWebAuthnRegistration, the browser creates the passkey
 * (navigator.credentials.create, on this page), CompleteWebAuthnRegistration.
 */
export async function associateWebAuthnCredential(parts, options) {
  const call = new Call(options, parts.timeoutMs);
  const session = await parts.refresher.valid(call);
  const creationOptions = await account(parts, call, 'startWebAuthnRegistration', null, session);
  const { createPasskey } = await call.wait(passkeys());
  const credential = await call.wait(createPasskey(creationOptions, { signal: call.signal }));
  await account(parts, call, 'completeWebAuthnRegistration', { credential }, session);
}

/** Forgets `session`'s user locally (not another user's session) and tells the listeners (here and in the other tabs). */
async function endSession(parts, session) {
  const username = session.session.username;
  // A storage that fails to remove cannot be helped here; the sign-out is announced all the same.
  await parts.store.removeIf((now) => now?.username === username).catch(() => {});
  parts.refresher.cancel();
  parts.announce('signedOut', username);
}

async function account(parts, call, op, input, session) {
  const args = encode(input, `${op} input`);
  const token = session?.session.accessToken ?? '';
  const request = unwrap(await parts.signer.account('request', op, args, token));
  const reply = await parts.transport.send(call, request);
  return unwrap(await parts.signer.account('result', op, args, reply, session?.session.username ?? ''));
}
