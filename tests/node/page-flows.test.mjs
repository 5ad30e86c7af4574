// Every screen of the hosted sign-in page walked through against the emulator, in headless Chromium under
// the strict CSP: sign-up (+ wrong code, resend, confirm), password reset, MFA set-up choice, TOTP set-up
// with its QR code, TOTP, MFA choice, SMS and e-mail codes, e-mail set-up, new password with a required
// attribute, USER_AUTH first factor, custom challenge, the remembered-device prompt, sign out everywhere.
// Codes come from the emulator's dev inbox; TOTP codes are computed here. Each screen is photographed into
// target/screenshots/page-*.png.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fixture } from './fixture.mjs';
import { cognito, inbox, totpCode } from './helpers.mjs';
import {
  codeFor,
  expectError,
  fillAndSubmit,
  makePool,
  makeUser,
  newPassword,
  screen,
  startPageHarness,
} from './page-harness.mjs';

const h = fixture(startPageHarness);

/** Opens the page for `config` (the demo pool's when none) and runs `fn({ page, context })`, then checks the console. */
async function withPage(config, fn, options = {}) {
  h.setConfig(config ?? {});
  const { page, context, problems } = await h.openPage(options);
  try {
    await fn({ page, context });
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
  } catch (err) {
    // Say what the page showed: the screen, its error and status.
    const shown = await page.evaluate(() => ({
      screen: document.querySelector('form')?.dataset.screen,
      error: document.getElementById('error')?.textContent,
      status: document.getElementById('status')?.textContent,
    })).catch(() => ({}));
    err.message += `\npage showed: ${JSON.stringify(shown)}; console: ${JSON.stringify(problems)}`;
    throw err;
  } finally {
    await context.close();
  }
}

const signedInAs = async (page, username) => {
  await screen(page, 'signed-in');
  assert.equal(await page.locator('#screen-heading').textContent(), `Signed in as ${username}`);
};

const signOut = async (page) => {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await screen(page, 'sign-in');
};

test('sign up: a wrong code is explained, a new code is sent, the right one confirms and signs in', async () => {
  const { poolId, config } = await makePool(h.emulator.endpoint);
  const password = newPassword();
  await withPage(config, async ({ page }) => {
    await page.getByRole('button', { name: 'Create an account' }).click();
    await screen(page, 'sign-up');
    await h.shot(page, 'sign-up');
    await fillAndSubmit(page, { Username: 'sam', 'E-mail address': 'sam@example.com', Password: password }, 'Create account');
    await screen(page, 'confirm-sign-up');
    assert.match(await page.locator('.intro').textContent(), /s\*\*\*@e\*\*\*/, 'the masked address the code went to');
    await h.shot(page, 'confirm-sign-up');

    await fillAndSubmit(page, { Code: '000000' }, 'Confirm account');
    await expectError(page, 'That code is not right.');
    await h.shot(page, 'code-mismatch');

    const messages = () => inbox(h.emulator.url, poolId, 'sam');
    const before = (await messages()).length;
    await page.getByRole('button', { name: 'Send a new code' }).click();
    await page.getByRole('status').filter({ hasText: 'A new code is on its way' }).waitFor({ timeout: 20_000 });
    const after = await messages();
    assert.equal(after.length, before + 1, 'the code was sent again');
    assert.equal(after.at(-1).purpose, 'ResendConfirmationCode');
    await fillAndSubmit(page, { Code: after.at(-1).code }, 'Confirm account');
    await signedInAs(page, 'sam');
    assert.equal(await page.locator('td[data-claim="email"]').textContent(), 'sam@example.com');
  });
});

test('forgot password: a code, a new password, signed in with it', async () => {
  const { poolId, config } = await makePool(h.emulator.endpoint);
  await makeUser(h.emulator.endpoint, poolId, 'fay', newPassword());
  const fresh = newPassword();
  await withPage(config, async ({ page }) => {
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    await screen(page, 'forgot-password');
    await h.shot(page, 'forgot-password');
    await fillAndSubmit(page, { Username: 'fay' }, 'Send a code');
    await screen(page, 'confirm-reset');
    assert.match(await page.locator('.intro').textContent(), /f\*\*\*@e\*\*\*/);
    await h.shot(page, 'confirm-reset');
    const code = await codeFor(h.emulator, poolId, 'fay', 'ForgotPassword');
    await fillAndSubmit(page, { Code: code, 'New password': fresh }, 'Change password');
    await signedInAs(page, 'fay');
  });
});

test('MFA required: set up the authenticator app from its QR code; later TOTP codes; choose between SMS and TOTP', async () => {
  const { poolId, config } = await makePool(h.emulator.endpoint, { MfaConfiguration: 'ON' });
  const password = newPassword();
  await makeUser(h.emulator.endpoint, poolId, 'tom', password);
  await withPage(config, async ({ page }) => {
    await fillAndSubmit(page, { Username: 'tom', Password: password }, 'Sign in');
    // Without a phone number, TOTP is the only factor to set up: straight to it (or a choice of one).
    await page.locator('form[data-screen="totp-setup"], form[data-screen="mfa-setup-selection"]').waitFor({ timeout: 20_000 });
    if (await page.locator('form[data-screen="mfa-setup-selection"]').count()) {
      await page.getByLabel('Authenticator app').check();
      await page.getByRole('button', { name: 'Continue' }).click();
    }
    await screen(page, 'totp-setup');
    const qr = page.getByRole('img', { name: /QR code/ });
    const viewBox = await qr.getAttribute('viewBox');
    const size = Number(viewBox.split(' ')[2]);
    // A QR code is 4·version + 17 modules wide, plus the 2-module border on each side.
    assert.equal((size - 4 - 17) % 4, 0, `viewBox ${viewBox}`);
    assert.ok((await qr.locator('path').getAttribute('d')).length > 1000, 'modules are drawn');
    const secret = (await page.locator('#totp-secret').textContent()).replace(/\s/g, '');
    assert.match(secret, /^[A-Z2-7]{16,}$/);
    await h.shot(page, 'totp-setup');
    await fillAndSubmit(page, { Code: '000000' }, 'Confirm');
    await expectError(page, 'That code is not right.');
    await fillAndSubmit(page, { Code: await totpCode(secret) }, 'Confirm');
    await signedInAs(page, 'tom');
    await signOut(page);

    // The next sign-in asks for a code from the app (the next 30-second window's, so none is replayed).
    await fillAndSubmit(page, { Username: 'tom', Password: password }, 'Sign in');
    await screen(page, 'totp-code');
    await h.shot(page, 'totp-code');
    await fillAndSubmit(page, { Code: await totpCode(secret, Math.floor(Date.now() / 1000) + 30) }, 'Confirm');
    await signedInAs(page, 'tom');
    await signOut(page);

    // Two factors enabled, none preferred: the person picks; SMS shows where the code went.
    await cognito(h.emulator.endpoint, 'AdminUpdateUserAttributes', {
      UserPoolId: poolId,
      Username: 'tom',
      UserAttributes: [{ Name: 'phone_number', Value: '+15555550123' }, { Name: 'phone_number_verified', Value: 'true' }],
    });
    await cognito(h.emulator.endpoint, 'AdminSetUserMFAPreference', {
      UserPoolId: poolId,
      Username: 'tom',
      SMSMfaSettings: { Enabled: true, PreferredMfa: false },
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false },
    });
    await fillAndSubmit(page, { Username: 'tom', Password: password }, 'Sign in');
    await screen(page, 'mfa-selection');
    assert.deepEqual(await page.locator('.choice label').allTextContents(), ['Text message (SMS)', 'Authenticator app']);
    await h.shot(page, 'mfa-selection');
    await page.getByLabel('Text message (SMS)').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await screen(page, 'sms-code');
    assert.match(await page.locator('.intro').textContent(), /^Enter the code we sent to \+\*+0123\.$/);
    await h.shot(page, 'sms-code');
    await fillAndSubmit(page, { Code: await codeFor(h.emulator, poolId, 'tom', 'SMS_MFA') }, 'Confirm');
    await signedInAs(page, 'tom');
  });
});

test('MFA required, e-mail or app offered: choose e-mail, give the address, confirm the e-mailed code', async () => {
  const { poolId, config } = await makePool(h.emulator.endpoint);
  await cognito(h.emulator.endpoint, 'SetUserPoolMfaConfig', {
    UserPoolId: poolId,
    MfaConfiguration: 'ON',
    EmailMfaConfiguration: {},
    SoftwareTokenMfaConfiguration: { Enabled: true },
  });
  const password = newPassword();
  await makeUser(h.emulator.endpoint, poolId, 'eve', password);
  await withPage(config, async ({ page }) => {
    await fillAndSubmit(page, { Username: 'eve', Password: password }, 'Sign in');
    await screen(page, 'mfa-setup-selection');
    assert.deepEqual((await page.locator('.choice label').allTextContents()).sort(), ['Authenticator app', 'E-mail']);
    await h.shot(page, 'mfa-setup-selection');
    await page.getByLabel('E-mail', { exact: true }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await screen(page, 'email-setup');
    await h.shot(page, 'email-setup');
    await fillAndSubmit(page, { 'E-mail address': 'eve@mail.example.com' }, 'Send a code');
    await screen(page, 'email-code');
    assert.match(await page.locator('.intro').textContent(), /e\*\*\*@m\*\*\*/);
    await h.shot(page, 'email-code');
    await fillAndSubmit(page, { Code: await codeFor(h.emulator, poolId, 'eve', 'EMAIL_OTP') }, 'Confirm');
    await signedInAs(page, 'eve');
  });
});

test('new password with an attribute the pool requires: the field is asked for and the value lands in the token', async () => {
  const { poolId, config } = await makePool(h.emulator.endpoint);
  await cognito(h.emulator.endpoint, 'AdminCreateUser', {
    UserPoolId: poolId,
    Username: 'nell',
    TemporaryPassword: 'Temp-Passw0rd!',
    MessageAction: 'SUPPRESS',
  });
  await withPage(config, async ({ page }) => {
    // The emulator never lists required attributes; add one to its challenge as a pool with a required
    // `name` would. The answer goes to the emulator unchanged, which stores the attribute.
    await page.route(`${h.emulator.endpoint}**`, async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      if (body.ChallengeName === 'NEW_PASSWORD_REQUIRED') body.ChallengeParameters.requiredAttributes = '["userAttributes.name"]';
      await route.fulfill({ response, json: body });
    });
    await fillAndSubmit(page, { Username: 'nell', Password: 'Temp-Passw0rd!' }, 'Sign in');
    await screen(page, 'new-password');
    assert.equal(await page.getByLabel('Full name').getAttribute('autocomplete'), 'name');
    await h.shot(page, 'new-password-attributes');
    await fillAndSubmit(page, { 'New password': newPassword(), 'Full name': 'Nell Newcomer' }, 'Continue');
    await signedInAs(page, 'nell');
    assert.equal(await page.locator('td[data-claim="name"]').textContent(), 'Nell Newcomer');
  });
});

test('USER_AUTH: the first factor is chosen; e-mailed code, then password', async () => {
  const { poolId, config } = await makePool(h.emulator.endpoint, {}, ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  const password = newPassword();
  await makeUser(h.emulator.endpoint, poolId, 'uma', password);
  await withPage({ ...config, authFlow: 'USER_AUTH' }, async ({ page }) => {
    assert.equal(await page.getByLabel('Password', { exact: true }).count(), 0, 'no password asked up front');
    await fillAndSubmit(page, { Username: 'uma' }, 'Sign in');
    await screen(page, 'first-factor');
    const offered = await page.locator('.choice label').allTextContents();
    assert.ok(offered.includes('Password') && offered.includes('A code sent by e-mail'), offered.join(', '));
    assert.equal(offered.filter((o) => o === 'Password').length, 1, 'PASSWORD and PASSWORD_SRP are one choice');
    await h.shot(page, 'first-factor');
    await page.getByLabel('A code sent by e-mail').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await screen(page, 'email-code');
    await fillAndSubmit(page, { Code: await codeFor(h.emulator, poolId, 'uma', 'EMAIL_OTP') }, 'Confirm');
    await signedInAs(page, 'uma');
    await signOut(page);

    await fillAndSubmit(page, { Username: 'uma' }, 'Sign in');
    await screen(page, 'first-factor');
    await page.getByLabel('Password').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await screen(page, 'password');
    await h.shot(page, 'password');
    await fillAndSubmit(page, { Password: password }, 'Sign in');
    await signedInAs(page, 'uma');
  });
});

test('custom challenge: each question is shown and answered; a wrong answer is said to be wrong', async () => {
  const { poolId, config } = await makePool(h.emulator.endpoint, {}, ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  const res = await fetch(`${h.emulator.url}/_emulator/custom-challenge?userPoolId=${poolId}`, {
    method: 'PUT',
    body: JSON.stringify([
      { question: 'What is 6 x 7?', answer: '42' },
      { question: 'Capital of France?', answer: 'Paris' },
    ]),
  });
  assert.equal(res.status, 204);
  await makeUser(h.emulator.endpoint, poolId, 'cora', newPassword());
  await withPage({ ...config, authFlow: 'CUSTOM_WITHOUT_SRP' }, async ({ page }) => {
    await fillAndSubmit(page, { Username: 'cora' }, 'Sign in');
    await screen(page, 'custom-challenge');
    assert.equal(await page.locator('.intro').textContent(), 'What is 6 x 7?');
    await h.shot(page, 'custom-challenge');
    await fillAndSubmit(page, { 'Your answer': '41' }, 'Continue');
    await expectError(page, 'That answer was not accepted. Try again.');
    assert.equal(await page.locator('.intro').textContent(), 'What is 6 x 7?', 'asked again');
    await fillAndSubmit(page, { 'Your answer': '42' }, 'Continue');
    await page.locator('.intro').filter({ hasText: 'Capital of France?' }).waitFor({ timeout: 20_000 });
    await fillAndSubmit(page, { 'Your answer': 'Paris' }, 'Continue');
    await signedInAs(page, 'cora');
  });
});

test('remembered device: asked after the SMS code; once remembered, the next sign-in skips the code', async () => {
  const { poolId, config } = await makePool(h.emulator.endpoint, {
    MfaConfiguration: 'OPTIONAL',
    DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
  });
  const password = newPassword();
  await makeUser(h.emulator.endpoint, poolId, 'dora', password, { phone_number: '+15555550188', phone_number_verified: 'true' });
  await cognito(h.emulator.endpoint, 'AdminSetUserMFAPreference', {
    UserPoolId: poolId,
    Username: 'dora',
    SMSMfaSettings: { Enabled: true, PreferredMfa: true },
  });
  await withPage(config, async ({ page }) => {
    await fillAndSubmit(page, { Username: 'dora', Password: password }, 'Sign in');
    await screen(page, 'sms-code');
    await fillAndSubmit(page, { Code: await codeFor(h.emulator, poolId, 'dora', 'SMS_MFA') }, 'Confirm');
    await screen(page, 'remember-device');
    await h.shot(page, 'remember-device');
    await page.getByRole('button', { name: 'Remember this device' }).click();
    await signedInAs(page, 'dora');
    assert.equal(await page.getByRole('status').textContent(), 'This device is remembered.');
    await signOut(page);

    const smsBefore = (await fetch(`${h.emulator.url}/_emulator/inbox?userPoolId=${poolId}&username=dora`).then((r) => r.json())).length;
    await fillAndSubmit(page, { Username: 'dora', Password: password }, 'Sign in');
    await signedInAs(page, 'dora');
    const smsAfter = (await fetch(`${h.emulator.url}/_emulator/inbox?userPoolId=${poolId}&username=dora`).then((r) => r.json())).length;
    assert.equal(smsAfter, smsBefore, 'no code was sent for the remembered device');
  });
});

test('"Not now" leaves the device unremembered; sign out everywhere ends the session in another browser too', async () => {
  const { poolId, config } = await makePool(h.emulator.endpoint, {
    DeviceConfiguration: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: true },
  });
  const password = newPassword();
  await makeUser(h.emulator.endpoint, poolId, 'gus', password);
  h.setConfig(config);
  const other = await h.openPage();
  try {
    await fillAndSubmit(other.page, { Username: 'gus', Password: password }, 'Sign in');
    await screen(other.page, 'remember-device');
    await other.page.getByRole('button', { name: 'Not now' }).click();
    await signedInAs(other.page, 'gus');

    await withPage(config, async ({ page }) => {
      await fillAndSubmit(page, { Username: 'gus', Password: password }, 'Sign in');
      await screen(page, 'remember-device');
      await page.getByRole('button', { name: 'Not now' }).click();
      await signedInAs(page, 'gus');
      await page.getByRole('button', { name: 'Sign out everywhere' }).click();
      await screen(page, 'sign-in');
      assert.equal(await page.getByRole('status').textContent(), 'You are signed out on every device.');
      await h.shot(page, 'signed-out-everywhere');
    });

    // The other browser's refresh token was revoked with the rest.
    await other.page.getByRole('button', { name: 'Refresh' }).click();
    await expectError(other.page, 'Your session has ended. Please sign in again.');
    assert.equal(await other.page.locator('form').getAttribute('data-screen'), 'sign-in', 'back to signing in');
    await h.shot(other.page, 'session-ended');
  } finally {
    await other.context.close();
  }
  assert.deepEqual(other.problems, []);
});

test('signing in before confirming: the confirm screen, a new code, then signed in without retyping the password', async () => {
  const { poolId, config } = await makePool(h.emulator.endpoint);
  const password = newPassword();
  await withPage(config, async ({ page }) => {
    await page.getByRole('button', { name: 'Create an account' }).click();
    await fillAndSubmit(page, { Username: 'una', 'E-mail address': 'una@example.com', Password: password }, 'Create account');
    await screen(page, 'confirm-sign-up');
    await page.getByRole('button', { name: 'Back to sign in' }).click();
    await fillAndSubmit(page, { Username: 'una', Password: password }, 'Sign in');
    await screen(page, 'confirm-sign-up');
    assert.match(await page.locator('.intro').textContent(), /not confirmed yet/);
    await h.shot(page, 'user-not-confirmed');
    await page.getByRole('button', { name: 'Send a new code' }).click();
    await page.getByRole('status').filter({ hasText: 'A new code is on its way' }).waitFor({ timeout: 20_000 });
    const [latest] = (await inbox(h.emulator.url, poolId, 'una')).slice(-1);
    await fillAndSubmit(page, { Code: latest.code }, 'Confirm account');
    await signedInAs(page, 'una');
  });
});

test('a password reset required by the administrator: a code is sent at sign-in and the new password signs in', async () => {
  const { poolId, config } = await makePool(h.emulator.endpoint);
  const password = newPassword();
  await makeUser(h.emulator.endpoint, poolId, 'rex', password);
  await cognito(h.emulator.endpoint, 'AdminResetUserPassword', { UserPoolId: poolId, Username: 'rex' });
  await withPage(config, async ({ page }) => {
    await fillAndSubmit(page, { Username: 'rex', Password: password }, 'Sign in');
    await screen(page, 'confirm-reset');
    assert.match(await page.locator('.intro').textContent(), /^You need to choose a new password\. Enter the code we sent to r\*\*\*@e\*\*\*\.$/);
    const code = await codeFor(h.emulator, poolId, 'rex', 'ForgotPassword');
    await fillAndSubmit(page, { Code: code, 'New password': newPassword() }, 'Change password');
    await signedInAs(page, 'rex');
  });
});

test('while waiting: the form is busy, its buttons disabled, the spinner shown and the wait announced', async () => {
  await withPage(null, async ({ page }) => {
    // Hold Cognito's first answer until the busy state has been checked.
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route(`${h.emulator.endpoint}**`, async (route) => {
      await held;
      await route.continue();
    }, { times: 1 });
    await fillAndSubmit(page, { Username: 'demo', Password: 'Demo-Passw0rd!' }, 'Sign in');
    await page.locator('#spinner').waitFor({ state: 'visible', timeout: 5_000 });
    assert.equal(await page.locator('form').getAttribute('aria-busy'), 'true');
    assert.equal(await page.getByRole('button', { name: 'Sign in' }).isDisabled(), true);
    assert.equal(await page.getByRole('status').textContent(), 'Signing in…');
    assert.equal(await page.locator('#status').getAttribute('aria-live'), 'polite');
    await h.shot(page, 'busy');
    release();
    await signedInAs(page, 'demo');
    assert.equal(await page.locator('#spinner').isVisible(), false);
  });
});

test('an error named like a built-in property (constructor, __proto__, toString) is still shown as an error', async () => {
  const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': 'POST' };
  for (const type of ['constructor', '__proto__', 'toString']) {
    await withPage(null, async ({ page }) => {
      // Cognito's answer to the sign-in, with that name as its __type.
      await page.route(`${h.emulator.endpoint}**`, (route) =>
        route.request().method() === 'OPTIONS'
          ? route.fulfill({ status: 204, headers: cors })
          : route.fulfill({ status: 400, headers: cors, contentType: 'application/x-amz-json-1.1', body: JSON.stringify({ __type: type, message: 'Injected' }) }));
      await fillAndSubmit(page, { Username: 'demo', Password: 'Demo-Passw0rd!' }, 'Sign in');
      const shown = await expectError(page, 'UnknownError');
      assert.doesNotMatch(shown, /function|native code|\[object/, type);
    });
  }
});
