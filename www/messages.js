// Readable messages for Cognito's errors. The page shows one of these, with Cognito's own words underneath
// for whoever has to debug it.

// Null-prototype tables: an error's name comes from the wire and must never find a built-in property
// (`constructor`, `__proto__`, `toString`).
const BY_NAME = {
  __proto__: null,
  UserNotFoundException: 'The username or password is wrong.',
  UserNotConfirmedException: 'This account is not confirmed yet. Enter the code that was sent to you.',
  PasswordResetRequiredException: 'You need to choose a new password before you can sign in.',
  CodeMismatchException: 'That code is not right. Check it and try again.',
  EnableSoftwareTokenMFAException: 'That code is not right. Check the time on your device and try again.',
  ExpiredCodeException: 'That code has expired. Ask for a new one.',
  InvalidPasswordException: 'That password does not meet the rules.',
  UsernameExistsException: 'That username is taken. Choose another, or sign in.',
  AliasExistsException: 'An account already uses that e-mail address or phone number.',
  LimitExceededException: 'Too many attempts. Wait a few minutes and try again.',
  TooManyRequestsException: 'Too many attempts. Wait a few minutes and try again.',
  TooManyFailedAttemptsException: 'Too many wrong attempts. Wait a few minutes and try again.',
  CodeDeliveryFailureException: 'The code could not be sent. Try again later.',
  NetworkError: 'The sign-in service cannot be reached. Check your connection and try again.',
  UserUnAuthenticatedException: 'You are signed out.',
  // Passkeys: the browser's refusals (cognito-wasm/passkeys) and Cognito's WebAuthn exceptions.
  PasskeyCancelled: 'The passkey was not used. Try again, or sign in another way.',
  PasskeyNotSupported: 'This browser cannot use passkeys here.',
  PasskeyRelyingPartyMismatch: 'Passkeys for this account cannot be used on this page.',
  PasskeyAlreadyRegistered: 'This device already has a passkey for your account.',
  PasskeyFailed: 'The passkey did not work. Try again, or sign in another way.',
  WebAuthnNotEnabledException: 'Passkeys are not turned on for this account.',
  WebAuthnConfigurationMissingException: 'Passkeys are not set up for this service.',
  WebAuthnChallengeNotFoundException: 'That took too long. Please try again.',
  WebAuthnRelyingPartyMismatchException: 'Passkeys for this account cannot be used on this page.',
  WebAuthnOriginNotAllowedException: 'Passkeys for this account cannot be used on this page.',
  WebAuthnClientMismatchException: 'Passkeys for this account cannot be used on this page.',
  WebAuthnCredentialNotSupportedException: 'This passkey is not supported. Try another device.',
};

// Which form fields an error is about, first match shown.
const FIELDS_BY_NAME = {
  __proto__: null,
  CodeMismatchException: ['code'],
  ExpiredCodeException: ['code'],
  EnableSoftwareTokenMFAException: ['code'],
  InvalidPasswordException: ['newPassword', 'password'],
  NotAuthorizedException: ['password', 'answer'],
  UsernameExistsException: ['username'],
  PasskeyUsernameMissing: ['username'],
};

/** The names of the form fields `err` may be about, most likely first. */
export const fieldsFor = (err) => FIELDS_BY_NAME[String(err?.name)] ?? [];

/** NotAuthorizedException covers several situations; Cognito's message tells them apart. */
function notAuthorized(message) {
  if (/disabled/i.test(message)) return 'This account is disabled. Contact your administrator.';
  if (/attempts exceeded/i.test(message)) return 'Too many wrong passwords. Wait a while and try again.';
  if (/session is expired|invalid session/i.test(message)) return 'This sign-in took too long. Please start again.';
  if (/temporary password has expired/i.test(message)) return 'Your temporary password has expired. Ask for a new one.';
  if (/refresh token|access token|revoked/i.test(message)) return 'Your session has ended. Please sign in again.';
  return 'The username or password is wrong.';
}

/** { text, detail }: what to tell the person, and Cognito's name and message. */
export function describeError(err) {
  const name = String(err?.name || 'Error');
  const message = String(err?.message || err);
  let text = name === 'NotAuthorizedException' ? notAuthorized(message) : BY_NAME[name];
  if (name === 'InvalidPasswordException') {
    // Cognito's message lists the rule that failed, after a colon.
    const rule = message.split(':').slice(1).join(':').trim();
    if (rule) text = `${text} ${rule.endsWith('.') ? rule : `${rule}.`}`;
  }
  return { text: text || message, detail: `${name}: ${message}` };
}
