// Signing in with the sign-in core: signIn and confirmSignIn, each step's requests sent until the sign-in
// finishes or needs the app, the session and the device stored at the end, and a WEB_AUTHN challenge answered
// on this page with one of the user's passkeys. Loaded by the client on the first sign-in (see on-first-use.js).
import { forgetDevice, saveDevice, storedDevice } from './devices.js';
import { onFirstUse } from './on-first-use.js';
import { encode, invalid, messageOf, unwrap } from './outcome.js';
import { Call, deviceNow } from './timers.js';

/** The sign-in core's step asking the page for a passkey assertion; the app never sees it (see drive). */
const PASSKEY_STEP = 'CONFIRM_SIGN_IN_WITH_PASSKEY';
/** How the passkey of a WEB_AUTHN sign-in may be asked for (navigator.credentials.get's `mediation`). */
const MEDIATIONS = ['conditional', 'optional', 'required', 'silent'];

/** The WebAuthn ceremonies, loaded by the first WEB_AUTHN challenge only. */
const passkeys = onFirstUse(() => import('./passkeys.js'));

/** What an error says, for the core (here, not in outcome.js: a sign-in is what tells the core of one). */
const errorJson = (error) =>
  JSON.stringify({ name: String(error?.name ?? 'Error'), message: messageOf(error), retryable: error?.retryable === true });

/** The name a new device is registered under: the user agent, as amazon-cognito-identity-js does. */
const deviceName = () => globalThis.navigator?.userAgent || 'cognito-wasm';

/** CognitoClient#signIn. `parts`: the client's, see client.js. */
export async function signIn(parts, input, options) {
  const call = signInCall(parts, options);
  const args = encode(input, 'signIn input');
  const username = typeof input?.username === 'string' ? input.username : '';
  const device = username ? await storedDevice(parts, username) : '';
  return drive(parts, call, unwrap(await parts.signer.call('signIn', args, device, deviceName())));
}

/** CognitoClient#confirmSignIn. */
export async function confirmSignIn(parts, input, options) {
  const call = signInCall(parts, options);
  const args = encode(input, 'confirmSignIn input');
  return drive(parts, call, unwrap(await parts.signer.call('confirmSignIn', args)));
}

/** A sign-in's call options, checked; `mediation` is how a passkey may be asked for. */
function signInCall(parts, options) {
  const call = new Call(options, parts.timeoutMs);
  const mediation = options?.mediation;
  if (mediation !== undefined && !MEDIATIONS.includes(mediation)) {
    throw invalid(`call options: mediation must be one of ${MEDIATIONS.join(', ')}`);
  }
  call.mediation = mediation;
  return call;
}

/** Sends the sign-in's requests until it finishes or needs the app. */
async function drive(parts, call, progress) {
  for (;;) {
    if (progress.send) {
      let reply;
      try {
        reply = await parts.transport.send(call, progress.send);
      } catch (error) {
        progress = unwrap(await parts.signer.call('signInFailed', progress.flow, errorJson(error)));
        continue;
      }
      const offset = parts.transport.clockOffset ?? 0;
      progress = unwrap(await parts.signer.call('signInReplied', progress.flow, reply, deviceNow(), offset));
      continue;
    }
    if (progress.signedIn) {
      const { session, typedUsername, device, deviceForgotten } = progress.signedIn;
      await parts.store.exclusively(() => parts.store.save(session));
      // Under the typed and the internal username, so the next sign-in finds it whichever is typed.
      for (const name of new Set([typedUsername, session.session.username])) {
        if (deviceForgotten) await forgetDevice(parts.store, name);
        if (device) await saveDevice(parts.store, name, device);
      }
      parts.announce('signedIn', session.session.username);
      parts.refresher.schedule(session);
    }
    if (progress.output?.nextStep?.signInStep === PASSKEY_STEP) {
      progress = await passkeyAnswer(parts, call, progress.output.nextStep.credentialRequestOptions);
      continue;
    }
    return progress.output;
  }
}

/**
 * The WEB_AUTHN challenge answered: the sign-in core cannot reach navigator.credentials (it may run in a
 * worker), so the page signs with a passkey for the core's options and the core sends the assertion. A
 * ceremony that fails (cancelled, no passkey) ends the sign-in: Cognito's challenge is single-use anyway.
 */
async function passkeyAnswer(parts, call, requestOptions) {
  let assertion;
  try {
    const { getPasskey } = await call.wait(passkeys());
    assertion = await call.wait(getPasskey(requestOptions, { mediation: call.mediation, signal: call.signal }));
  } catch (error) {
    parts.signer.dropSignIn();
    throw error;
  }
  const args = encode({ challengeResponse: JSON.stringify(assertion) }, 'passkey assertion');
  return unwrap(await parts.signer.call('confirmSignIn', args));
}
