// Passkeys (WebAuthn) in the browser, for Cognito's JSON: the options Cognito sends (base64url text) turned
// into what navigator.credentials wants (ArrayBuffers), the credential the browser returns turned into the
// RegistrationResponseJSON / AuthenticationResponseJSON Cognito takes, and the browser's DOMExceptions turned
// into errors an app can tell apart. The conversions are our own, not PublicKeyCredential.parse*FromJSON or
// credential.toJSON(), which older browsers lack.
import { CognitoError } from './errors.js';

/** Why a passkey ceremony failed in the browser, as `CognitoError#name`. */
export const PasskeyErrors = Object.freeze({
  /** The user dismissed the dialog, or it timed out (NotAllowedError). */
  CANCELLED: 'PasskeyCancelled',
  /** No WebAuthn in this browser (or not a secure context). */
  NOT_SUPPORTED: 'PasskeyNotSupported',
  /** The page's origin may not use the pool's relying party id (SecurityError). */
  RELYING_PARTY_MISMATCH: 'PasskeyRelyingPartyMismatch',
  /** This authenticator already holds a passkey of the user (InvalidStateError, from excludeCredentials). */
  ALREADY_REGISTERED: 'PasskeyAlreadyRegistered',
  /** Another failure of the browser or authenticator. */
  FAILED: 'PasskeyFailed',
});

/** base64url (with or without padding) → ArrayBuffer. */
export function fromBase64Url(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/** ArrayBuffer or view → base64url without padding. */
export function toBase64Url(buffer) {
  const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 1) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function descriptors(list) {
  return (list || []).map((d) => ({ ...d, id: fromBase64Url(d.id) }));
}

/** StartWebAuthnRegistration's CredentialCreationOptions → PublicKeyCredentialCreationOptions. */
export function creationOptionsFromJSON(json) {
  return {
    ...json,
    challenge: fromBase64Url(json.challenge),
    user: { ...json.user, id: fromBase64Url(json.user.id) },
    excludeCredentials: descriptors(json.excludeCredentials),
  };
}

/** The WEB_AUTHN challenge's CREDENTIAL_REQUEST_OPTIONS (parsed) → PublicKeyCredentialRequestOptions. */
export function requestOptionsFromJSON(json) {
  return { ...json, challenge: fromBase64Url(json.challenge), allowCredentials: descriptors(json.allowCredentials) };
}

function common(credential, response) {
  return {
    id: credential.id,
    rawId: toBase64Url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: credential.getClientExtensionResults?.() ?? {},
    response,
  };
}

/** A credential from navigator.credentials.create() → RegistrationResponseJSON. */
export function registrationToJSON(credential) {
  const r = credential.response;
  const publicKey = r.getPublicKey?.();
  return common(credential, {
    clientDataJSON: toBase64Url(r.clientDataJSON),
    attestationObject: toBase64Url(r.attestationObject),
    transports: r.getTransports?.() ?? [],
    ...(r.getAuthenticatorData ? { authenticatorData: toBase64Url(r.getAuthenticatorData()) } : {}),
    ...(publicKey ? { publicKey: toBase64Url(publicKey) } : {}),
    ...(r.getPublicKeyAlgorithm ? { publicKeyAlgorithm: r.getPublicKeyAlgorithm() } : {}),
  });
}

/** A credential from navigator.credentials.get() → AuthenticationResponseJSON. */
export function assertionToJSON(credential) {
  const r = credential.response;
  return common(credential, {
    clientDataJSON: toBase64Url(r.clientDataJSON),
    authenticatorData: toBase64Url(r.authenticatorData),
    signature: toBase64Url(r.signature),
    ...(r.userHandle ? { userHandle: toBase64Url(r.userHandle) } : {}),
  });
}

/** The browser's failure as a CognitoError whose name is one of PasskeyErrors. */
export function passkeyError(error) {
  const names = {
    NotAllowedError: PasskeyErrors.CANCELLED,
    AbortError: PasskeyErrors.CANCELLED,
    SecurityError: PasskeyErrors.RELYING_PARTY_MISMATCH,
    InvalidStateError: PasskeyErrors.ALREADY_REGISTERED,
    NotSupportedError: PasskeyErrors.NOT_SUPPORTED,
  };
  const converted = new CognitoError(names[error?.name] ?? PasskeyErrors.FAILED, error?.message || String(error), false);
  converted.cause = error;
  return converted;
}

function webAuthn() {
  if (typeof navigator === 'undefined' || !navigator.credentials || typeof PublicKeyCredential === 'undefined') {
    throw new CognitoError(PasskeyErrors.NOT_SUPPORTED, 'This browser has no WebAuthn (or the page is not a secure context).', false);
  }
  return navigator.credentials;
}

/** Registers a passkey with CredentialCreationOptions; resolves to the RegistrationResponseJSON. */
export async function createPasskey(options, { signal } = {}) {
  const credentials = webAuthn();
  let credential;
  try {
    credential = await credentials.create({ publicKey: creationOptionsFromJSON(options), signal });
  } catch (error) {
    throw passkeyError(error);
  }
  if (!credential) throw new CognitoError(PasskeyErrors.FAILED, 'The browser returned no credential.', false);
  return registrationToJSON(credential);
}

/**
 * Signs with a passkey for CREDENTIAL_REQUEST_OPTIONS (parsed); resolves to the AuthenticationResponseJSON.
 * `mediation: 'conditional'` offers the passkey in the autofill of an input with
 * `autocomplete="username webauthn"` instead of a dialog.
 */
export async function getPasskey(options, { mediation, signal } = {}) {
  const credentials = webAuthn();
  let credential;
  try {
    credential = await credentials.get({ publicKey: requestOptionsFromJSON(options), mediation, signal });
  } catch (error) {
    throw passkeyError(error);
  }
  if (!credential) throw new CognitoError(PasskeyErrors.FAILED, 'The browser returned no credential.', false);
  return assertionToJSON(credential);
}

/** Whether the browser can offer passkeys in autofill (conditional mediation). */
export async function isConditionalMediationAvailable() {
  return typeof PublicKeyCredential !== 'undefined' && (await PublicKeyCredential.isConditionalMediationAvailable?.()) === true;
}
