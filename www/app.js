// The hosted sign-in page: sign in (answering every step the package returns: codes, MFA choice and set-up,
// new password, first factor, custom challenge), sign up, reset a password, remember the device, then hand
// the session back (handoff.js) or show who is signed in.
// No framework, no build step, no inline script or style (the server sends a strict CSP).
import { applyBranding, loadConfig } from './config.js';
import { acceptParents, hasParent, isPopup, postSignedIn, postSignedOut, redirectTarget, shortAddress } from './handoff.js';
import { cancelAuthorization, completeAuthorization, managedLogin } from './managed-login.js';
import { CognitoClient } from './pkg/index.js';
import { qrSvg } from './qr.js';
import { announce, paragraph, render, run, showError } from './ui.js';

let config;
let client;
let redirect;
// What was typed at sign-in or sign-up, in memory only, so that confirming an account or a new password
// can go on to sign in without asking again. Cleared once signed in.
let pending = { username: '', password: '' };

const MFA_LABELS = { SMS: 'Text message (SMS)', TOTP: 'Authenticator app', EMAIL: 'E-mail' };
const FIRST_FACTOR_LABELS = {
  PASSWORD_SRP: 'Password',
  PASSWORD: 'Password',
  EMAIL_OTP: 'A code sent by e-mail',
  SMS_OTP: 'A code sent by text message',
  WEB_AUTHN: 'Passkey',
};
const ATTRIBUTE_FIELDS = {
  email: { label: 'E-mail address', type: 'email', autocomplete: 'email' },
  phone_number: { label: 'Phone number', type: 'tel', autocomplete: 'tel', hint: 'With the country code, e.g. +15555550123' },
  name: { label: 'Full name', autocomplete: 'name' },
  given_name: { label: 'First name', autocomplete: 'given-name' },
  family_name: { label: 'Last name', autocomplete: 'family-name' },
  nickname: { label: 'Nickname', autocomplete: 'nickname' },
  birthdate: { label: 'Date of birth', type: 'date', autocomplete: 'bday' },
};
const TIME_CLAIMS = new Set(['exp', 'iat', 'auth_time', 'nbf']);

const usernameField = (value = pending.username) => ({ name: 'username', label: 'Username', autocomplete: 'username', value });
const codeField = { name: 'code', label: 'Code', autocomplete: 'one-time-code', inputmode: 'numeric' };
const startOver = { label: 'Start over', onClick: () => signInScreen() };
const backToSignIn = { label: 'Back to sign in', onClick: () => signInScreen() };

// --- signing in -------------------------------------------------------------------------------------------

async function signIn(username, password) {
  stopAutofill();
  pending = { username, password };
  lastQuestion = null;
  const usesPassword = !['USER_AUTH', 'CUSTOM_WITHOUT_SRP'].includes(config.authFlow);
  const input = { username, authFlowType: config.authFlow };
  if (usesPassword) input.password = password;
  await next(await client.signIn(input));
}

async function answer(challengeResponse, options) {
  await next(await client.confirmSignIn(options ? { challengeResponse, options } : { challengeResponse }));
}

async function next(result) {
  if (result.isSignedIn) await afterSignIn();
  else await stepScreen(result.nextStep);
}

function signInScreen(message) {
  const usesPassword = !['USER_AUTH', 'CUSTOM_WITHOUT_SRP'].includes(config.authFlow);
  const passkeys = passkeysHere();
  const fields = [passkeys ? { ...usernameField(pending.username || rememberedUsername()), autocomplete: 'username webauthn' } : usernameField()];
  if (usesPassword) fields.push({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' });
  const actions = [];
  if (passkeys) actions.push({ label: 'Sign in with a passkey', primary: true, busyText: 'Waiting for your passkey…', onClick: () => passkeySignIn() });
  actions.push({ label: 'Forgot your password?', onClick: () => forgotScreen() });
  if (config.signUp) actions.push({ label: 'Create an account', onClick: () => signUpScreen() });
  if (managedLogin) actions.push({ label: 'Cancel', onClick: () => cancelAuthorization() });
  render({
    id: 'sign-in',
    heading: 'Sign in',
    fields,
    submit: 'Sign in',
    busyText: 'Signing in…',
    actions,
    onSubmit: ({ username, password }) => signIn(username.trim(), password ?? ''),
  });
  announce(message ?? '');
  if (passkeys) offerPasskeyAutofill();
  // SRP's costly first step runs while the user types, so the submit sends its request at once.
  if (['USER_SRP_AUTH', 'CUSTOM_WITH_SRP'].includes(config.authFlow ?? 'USER_SRP_AUTH')) {
    client.prepareSignIn().catch(() => {});
  }
}

// --- passkeys ---------------------------------------------------------------------------------------------

const REMEMBERED = 'cognito-wasm-page.username';
/** The passkey autofill under way on the sign-in screen, stopped when the user signs in another way. */
let autofill = null;

/** Passkeys are on in the config and this browser has WebAuthn (a secure context: https or localhost). */
const passkeysHere = () => config.passkeys && typeof PublicKeyCredential !== 'undefined';

/** The last name signed in with here: Cognito needs the user name before it can ask for a passkey. */
function rememberedUsername() {
  try {
    return localStorage.getItem(REMEMBERED) ?? '';
  } catch {
    return '';
  }
}

function rememberUsername(username) {
  try {
    if (config.passkeys && username) localStorage.setItem(REMEMBERED, username);
  } catch {
    // Storage refused (private mode): autofill is only a convenience.
  }
}

function stopAutofill() {
  autofill?.abort();
  autofill = null;
}

/** "Sign in with a passkey": USER_AUTH preferring WEB_AUTHN for the name typed; the browser asks for the passkey. */
async function passkeySignIn() {
  const username = document.getElementById('field-username').value.trim();
  if (!username) throw { name: 'PasskeyUsernameMissing', text: 'Enter your username first, then choose “Sign in with a passkey”.' };
  stopAutofill();
  pending = { username, password: '' };
  const result = await client.signIn({ username, authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' });
  if (withoutPasskey(result)) throw { name: 'PasskeyNone', text: 'This account has no passkey. Sign in another way.' };
  await next(result);
}

/** Cognito offered the other first factors instead: the user has no passkey (or deleted it). */
const withoutPasskey = (result) =>
  result.nextStep.signInStep === 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION' && !result.nextStep.availableChallenges.includes('WEB_AUTHN');

/**
 * Passkey autofill: for a remembered name, a WEB_AUTHN sign-in waits with mediation 'conditional', so the browser
 * offers the passkey in the username field's suggestions. Typing a password and signing in stops it.
 */
async function offerPasskeyAutofill() {
  stopAutofill();
  const username = rememberedUsername();
  const available = await PublicKeyCredential.isConditionalMediationAvailable?.().catch(() => false);
  if (!username || !available) return;
  const controller = new AbortController();
  autofill = controller;
  let result;
  try {
    result = await client.signIn({ username, authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' },
      { mediation: 'conditional', signal: controller.signal });
  } catch {
    // Aborted, or no passkey picked: the form is still there for the other ways in.
    return;
  } finally {
    if (autofill === controller) autofill = null;
  }
  // No passkey to offer: the form stays as it is.
  if (controller.signal.aborted || withoutPasskey(result)) return;
  pending = { username, password: '' };
  await next(result).catch((err) => showError(err));
}

function createdOn(createdAt) {
  return new Date(createdAt).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** The signed-in user's passkeys, each with a Delete button, into `list`. */
async function showPasskeys(list, form) {
  const { credentials } = await client.listWebAuthnCredentials();
  const items = credentials.map((credential, i) => {
    const item = document.createElement('li');
    item.className = 'passkey';
    const name = credential.friendlyCredentialName || `Passkey ${i + 1}`;
    const label = document.createElement('span');
    label.className = 'passkey-name';
    label.textContent = name;
    const detail = document.createElement('span');
    detail.className = 'passkey-detail';
    const kind = credential.authenticatorAttachment === 'cross-platform' ? ' · on a security key or phone' : '';
    detail.textContent = `Added ${createdOn(credential.createdAt)}${kind}`;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'link';
    remove.textContent = 'Delete';
    remove.setAttribute('aria-label', `Delete ${name}`);
    remove.dataset.credentialId = credential.credentialId;
    remove.addEventListener('click', () => run(form, 'Deleting the passkey…', async () => {
      await client.deleteWebAuthnCredential({ credentialId: credential.credentialId });
      await showPasskeys(list, form);
      announce(`${name} is deleted.`);
    }));
    item.append(label, detail, remove);
    return item;
  });
  if (!items.length) items.push(Object.assign(document.createElement('li'), { textContent: 'No passkeys yet.', className: 'passkey-none' }));
  list.replaceChildren(...items);
}

/** The passkeys section of the signed-in screen: the list and "Add a passkey". */
function passkeysSection() {
  const section = document.createElement('section');
  section.className = 'passkeys';
  section.setAttribute('aria-labelledby', 'passkeys-heading');
  const heading = document.createElement('h2');
  heading.id = 'passkeys-heading';
  heading.textContent = 'Passkeys';
  const list = document.createElement('ul');
  list.id = 'passkeys';
  list.append(Object.assign(document.createElement('li'), { textContent: 'Loading…', className: 'passkey-none' }));
  const add = document.createElement('button');
  add.type = 'button';
  add.className = 'secondary';
  add.textContent = 'Add a passkey';
  section.append(heading, list, add);
  // The form exists once render() has run; the handlers look it up then.
  const form = () => section.closest('form');
  add.addEventListener('click', () => run(form(), 'Waiting for your new passkey…', async () => {
    await client.associateWebAuthnCredential();
    await showPasskeys(list, form());
    announce('Passkey added. You can sign in with it next time.');
  }));
  queueMicrotask(() => showPasskeys(list, form()).catch((err) => showError(err)));
  return section;
}

function codeScreen(id, heading, intro) {
  render({ id, heading, intro, fields: [codeField], submit: 'Confirm', busyText: 'Checking the code…', actions: [startOver],
    onSubmit: ({ code }) => answer(code.trim()) });
}

function choiceScreen(id, heading, intro, choices) {
  render({ id, heading, intro, choice: { name: 'choice', legend: heading, choices }, submit: 'Continue', actions: [startOver],
    onSubmit: ({ choice }) => answer(choice) });
}

function sentTo(details, fallback) {
  return details?.destination ? `Enter the code we sent to ${details.destination}.` : fallback;
}

async function stepScreen(step) {
  switch (step.signInStep) {
    case 'CONFIRM_SIGN_IN_WITH_SMS_CODE':
      return codeScreen('sms-code', 'Check your phone', sentTo(step.codeDeliveryDetails, 'Enter the code we sent you by text message.'));
    case 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE':
      return codeScreen('email-code', 'Check your e-mail', sentTo(step.codeDeliveryDetails, 'Enter the code we sent you by e-mail.'));
    case 'CONFIRM_SIGN_IN_WITH_TOTP_CODE':
      return codeScreen('totp-code', 'Enter your authenticator code', 'Open your authenticator app and enter the 6-digit code it shows.');
    case 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION':
      return choiceScreen('mfa-selection', 'How do you want to get your code?', 'This account has more than one second step.',
        step.allowedMFATypes.map((t) => ({ value: t, label: MFA_LABELS[t] ?? t })));
    case 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION':
      return choiceScreen('mfa-setup-selection', 'Set up a second step', 'This account needs a second step at sign-in. Choose one to set up.',
        step.allowedMFATypes.map((t) => ({ value: t, label: MFA_LABELS[t] ?? t })));
    case 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP':
      return totpSetupScreen(step.totpSetupDetails);
    case 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP':
      return render({ id: 'email-setup', heading: 'Where should codes go?', intro: 'We will send a code to this address each time you sign in.',
        fields: [{ name: 'email', label: 'E-mail address', type: 'email', autocomplete: 'email' }], submit: 'Send a code',
        busyText: 'Sending a code…', actions: [startOver], onSubmit: ({ email }) => answer(email.trim()) });
    case 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED':
      return newPasswordScreen(step.missingAttributes ?? []);
    case 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE':
      return customChallengeScreen(step.additionalInfo ?? {});
    case 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION':
      return choiceScreen('first-factor', 'How do you want to sign in?', `Signing in as ${pending.username}.`, firstFactors(step.availableChallenges));
    case 'CONFIRM_SIGN_IN_WITH_PASSWORD':
      return render({ id: 'password', heading: 'Enter your password', intro: `Signing in as ${pending.username}.`,
        fields: [{ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password' }], account: pending.username, submit: 'Sign in',
        busyText: 'Signing in…', actions: [startOver], onSubmit: ({ password }) => answer(password) });
    case 'CONFIRM_SIGN_UP':
      return confirmSignUpScreen(pending.username, undefined,
        'Your account is not confirmed yet. Enter the code we sent when you signed up, or ask for a new one.');
    case 'RESET_PASSWORD': {
      const reset = await client.resetPassword({ username: pending.username });
      return confirmResetScreen(pending.username, reset.nextStep.codeDeliveryDetails, 'You need to choose a new password. ');
    }
    default:
      throw { text: `This sign-in needs a step this page does not support (${step.challengeName ?? step.signInStep}).` };
  }
}

/** One choice per factor; PASSWORD and PASSWORD_SRP read the same to a person, so only SRP is offered then. */
function firstFactors(available) {
  const offered = available.filter((f) => !(f === 'PASSWORD' && available.includes('PASSWORD_SRP')));
  return offered.map((f) => ({ value: f, label: FIRST_FACTOR_LABELS[f] ?? f, disabled: f === 'WEB_AUTHN' && !passkeysHere() }));
}

// The question last asked: the same one straight back means the answer was not accepted.
let lastQuestion = null;

function customChallengeScreen(info) {
  const question = info.question ?? Object.entries(info).map(([k, v]) => `${k}: ${v}`).join('\n');
  const askedAgain = question === lastQuestion;
  lastQuestion = question;
  render({ id: 'custom-challenge', heading: 'Answer the challenge', intro: question,
    fields: [{ name: 'answer', label: 'Your answer' }], submit: 'Continue', busyText: 'Checking…', actions: [startOver],
    onSubmit: ({ answer: response }) => answer(response.trim()) });
  if (askedAgain) showError({ text: 'That answer was not accepted. Try again.' }, 'answer');
}

function totpSetupScreen({ sharedSecret, setupUri }) {
  const figure = document.createElement('figure');
  figure.className = 'totp';
  figure.append(qrSvg(setupUri, 'QR code to add this account to an authenticator app'));
  const caption = document.createElement('figcaption');
  const secret = document.createElement('code');
  secret.id = 'totp-secret';
  secret.textContent = sharedSecret.replace(/(.{4})(?=.)/g, '$1 ');
  caption.append('Or type this key into the app: ', secret);
  figure.append(caption);
  render({ id: 'totp-setup', heading: 'Set up your authenticator app',
    intro: 'Scan the QR code with an authenticator app, then enter the 6-digit code it shows.',
    content: [figure], fields: [codeField], submit: 'Confirm', busyText: 'Checking the code…', actions: [startOver],
    onSubmit: ({ code }) => answer(code.trim()) });
}

function newPasswordScreen(missingAttributes) {
  const names = missingAttributes.map((a) => a.replace(/^userAttributes\./, ''));
  const fields = [{ name: 'newPassword', label: 'New password', type: 'password', autocomplete: 'new-password' }];
  for (const name of names) fields.push({ name: `attr:${name}`, ...(ATTRIBUTE_FIELDS[name] ?? { label: name }) });
  render({ id: 'new-password', heading: 'Choose a new password', intro: 'Your administrator asks you to replace the temporary password.',
    fields, account: pending.username, submit: 'Continue', busyText: 'Saving…', actions: [startOver],
    onSubmit: (values) => {
      const userAttributes = Object.fromEntries(names.map((n) => [n, values[`attr:${n}`].trim()]));
      pending.password = values.newPassword;
      return answer(values.newPassword, names.length ? { userAttributes } : undefined);
    } });
}

// --- after the sign-in ------------------------------------------------------------------------------------

async function afterSignIn() {
  // A tracked device that the pool remembers only when the person says so: ask.
  let device;
  try {
    device = await client.getDevice();
  } catch {
    device = undefined; // devices are not tracked in this pool
  }
  if (device?.attributes['dev:device_remembered_status'] === 'not_remembered') {
    render({ id: 'remember-device', heading: 'Remember this device?',
      intro: 'If you do, you will not be asked for a code when you sign in on this device again. Do not choose this on a shared computer.',
      submit: 'Remember this device', busyText: 'Saving…',
      actions: [{ label: 'Not now', onClick: () => finish() }],
      onSubmit: async () => {
        await client.rememberDevice();
        await finish('This device is remembered.');
      } });
    return;
  }
  await finish();
}

async function finish(message) {
  const session = await client.getSession();
  rememberUsername(pending.username);
  pending = { username: '', password: '' };
  if (managedLogin) {
    announce('Signed in. Taking you back…');
    completeAuthorization(session);
    return;
  }
  if (hasParent()) {
    postSignedIn(session);
    if (isPopup) window.close();
  }
  if (redirect?.url) {
    announce('Signed in. Taking you back…');
    location.assign(redirect.url);
    return;
  }
  signedInScreen(session, message);
}

function formatClaim(name, value) {
  if (TIME_CLAIMS.has(name) && typeof value === 'number') return `${value} (${new Date(value * 1000).toISOString()})`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function claimsTable(claims) {
  const wrap = document.createElement('div');
  wrap.className = 'table-wrap';
  const table = document.createElement('table');
  table.id = 'claims';
  const caption = document.createElement('caption');
  caption.textContent = 'ID token claims';
  const head = document.createElement('thead');
  head.innerHTML = '<tr><th scope="col">Claim</th><th scope="col">Value</th></tr>';
  const body = document.createElement('tbody');
  for (const name of Object.keys(claims).sort()) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = name;
    const td = document.createElement('td');
    td.textContent = formatClaim(name, claims[name]);
    td.dataset.claim = name;
    tr.append(th, td);
    body.append(tr);
  }
  table.append(caption, head, body);
  wrap.append(table);
  return wrap;
}

function signedInScreen(session, message) {
  const expires = new Date(session.expiresAt);
  const validity = paragraph('Tokens valid until ');
  const time = document.createElement('time');
  time.id = 'expires';
  time.dateTime = expires.toISOString();
  time.textContent = expires.toLocaleString();
  validity.append(time);
  const content = [validity];
  if (passkeysHere()) content.push(passkeysSection());
  content.push(claimsTable(session.idTokenClaims));
  render({ id: 'signed-in', heading: `Signed in as ${session.username}`, content,
    submit: 'Sign out', busyText: 'Signing out…',
    actions: [
      { label: 'Sign out everywhere', busyText: 'Signing out on every device…', onClick: () => signOut(() => client.globalSignOut(), 'You are signed out on every device.') },
      { label: 'Refresh', busyText: 'Refreshing…', onClick: async () => {
        try {
          signedInScreen(await client.refreshSession(), `Session refreshed at ${new Date().toLocaleTimeString()}.`);
        } catch (err) {
          // A refused refresh token ends the session (the package drops it): back to signing in, with why.
          if (!(await client.getSession().then(() => true, () => false))) signInScreen();
          throw err;
        }
      } },
    ],
    onSubmit: () => signOut(() => client.signOut(), 'You are signed out.') });
  announce(message ?? 'You are signed in.');
}

async function signOut(how, message) {
  await how();
  postSignedOut();
  signInScreen(message);
}

// --- accounts ---------------------------------------------------------------------------------------------

function signUpScreen() {
  render({ id: 'sign-up', heading: 'Create an account',
    fields: [
      usernameField(''),
      { name: 'email', label: 'E-mail address', type: 'email', autocomplete: 'email' },
      { name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password' },
    ],
    submit: 'Create account', busyText: 'Creating your account…', actions: [backToSignIn],
    onSubmit: async ({ username, email, password }) => {
      const name = username.trim();
      const result = await client.signUp({ username: name, password, options: { userAttributes: { email: email.trim() } } });
      pending = { username: name, password };
      if (result.isSignUpComplete) await signIn(name, password);
      else confirmSignUpScreen(name, result.nextStep.codeDeliveryDetails);
    } });
}

function confirmSignUpScreen(username, delivery, intro) {
  render({ id: 'confirm-sign-up', heading: 'Confirm your account',
    intro: intro ?? sentTo(delivery, 'Enter the code we sent you.'),
    fields: [codeField], submit: 'Confirm account', busyText: 'Confirming…',
    actions: [
      { label: 'Send a new code', busyText: 'Sending a new code…', onClick: async () => {
        const sent = await client.resendSignUpCode({ username });
        announce(`A new code is on its way${sent?.destination ? ` to ${sent.destination}` : ''}.`);
      } },
      backToSignIn,
    ],
    onSubmit: async ({ code }) => {
      await client.confirmSignUp({ username, confirmationCode: code.trim() });
      if (pending.username === username && pending.password) await signIn(username, pending.password);
      else signInScreen('Your account is confirmed. You can sign in now.');
    } });
}

function forgotScreen() {
  render({ id: 'forgot-password', heading: 'Reset your password', intro: 'We will send you a code to choose a new password.',
    fields: [usernameField()], submit: 'Send a code', busyText: 'Sending a code…', actions: [backToSignIn],
    onSubmit: async ({ username }) => {
      const name = username.trim();
      const reset = await client.resetPassword({ username: name });
      confirmResetScreen(name, reset.nextStep.codeDeliveryDetails, '');
    } });
}

function confirmResetScreen(username, delivery, lead) {
  render({ id: 'confirm-reset', heading: 'Choose a new password', intro: lead + sentTo(delivery, 'Enter the code we sent you.'),
    fields: [codeField, { name: 'newPassword', label: 'New password', type: 'password', autocomplete: 'new-password' }],
    account: username, submit: 'Change password', busyText: 'Changing your password…',
    actions: [
      { label: 'Send a new code', busyText: 'Sending a new code…', onClick: async () => {
        const again = await client.resetPassword({ username });
        const to = again.nextStep.codeDeliveryDetails?.destination;
        announce(`A new code is on its way${to ? ` to ${to}` : ''}.`);
      } },
      backToSignIn,
    ],
    onSubmit: async ({ code, newPassword }) => {
      await client.confirmResetPassword({ username, confirmationCode: code.trim(), newPassword });
      announce('Your password is changed.');
      await signIn(username, newPassword);
    } });
}

// --- start ------------------------------------------------------------------------------------------------

function showRefusedRedirect(uri) {
  const notice = document.getElementById('notice');
  notice.textContent = `This sign-in link asks to send you on to an address this page may not return to (${shortAddress(uri)}). `
    + 'You can still sign in here, but you will not be sent there.';
  notice.hidden = false;
}

async function main() {
  config = await loadConfig();
  applyBranding(config.branding);
  client = new CognitoClient({ userPoolId: config.userPoolId, clientId: config.clientId, endpoint: config.endpoint, storage: config.storage });
  // Under managed login, redirect_uri is the OAuth request's, which the emulator checks and answers.
  redirect = managedLogin ? null : redirectTarget(config.allowedRedirectUris);
  if (redirect?.refused !== undefined) showRefusedRedirect(redirect.refused);
  // A parent that says hello after the sign-in gets the session at once (and a popup's job is then done).
  acceptParents(config.allowedParentOrigins, () => client.getSession().then((session) => {
    postSignedIn(session);
    if (isPopup) window.close();
  }, () => {}));
  let session;
  try {
    session = await client.getSession();
  } catch (err) {
    if (err?.name !== 'UserUnAuthenticatedException') showError(err);
  }
  if (session) await finish();
  else signInScreen();
}

main()
  .catch((err) => showError(err))
  .finally(() => {
    document.body.dataset.ready = 'true';
  });
