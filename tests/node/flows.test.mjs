// Every flow of the packed package against the emulator, end to end: sign-up and its confirmation, password
// reset and change, attributes and their verification, TOTP and SMS MFA at sign-in, MFA setup during
// sign-in, global sign-out and account deletion. Codes come from the emulator's dev inbox; TOTP codes are
// computed here (RFC 6238).
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { cognito, inbox, lastCode, startEmulator } from './helpers.mjs';
import { installPackedPackage } from './packed.mjs';

let emulator;
let pkg;
let dispose;

before(async () => {
  ({ pkg, dispose } = await installPackedPackage());
  emulator = await startEmulator();
});

after(async () => {
  await emulator?.stop();
  dispose?.();
});

const password = () => `Fl0w-${randomBytes(4).toString('hex')}!`;

/** A pool (with the given settings) and an app client that allows SRP, password and refresh flows. */
async function pool(settings = {}) {
  const { UserPool } = await cognito(emulator.endpoint, 'CreateUserPool', {
    PoolName: 'flows',
    AutoVerifiedAttributes: ['email'],
    ...settings,
  });
  const { UserPoolClient } = await cognito(emulator.endpoint, 'CreateUserPoolClient', {
    UserPoolId: UserPool.Id,
    ClientName: 'flows',
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  });
  const client = new pkg.CognitoClient({
    userPoolId: UserPool.Id,
    clientId: UserPoolClient.ClientId,
    endpoint: emulator.endpoint,
    storage: 'memory',
    totpIssuer: 'Flows Test',
  });
  return { poolId: UserPool.Id, clientId: UserPoolClient.ClientId, client };
}

/** A confirmed user made by an administrator. */
async function adminUser(poolId, username, userPassword, attributes = {}) {
  await cognito(emulator.endpoint, 'AdminCreateUser', {
    UserPoolId: poolId,
    Username: username,
    MessageAction: 'SUPPRESS',
    UserAttributes: Object.entries({ email: `${username}@example.com`, email_verified: 'true', ...attributes }).map(
      ([Name, Value]) => ({ Name, Value }),
    ),
  });
  await cognito(emulator.endpoint, 'AdminSetUserPassword', {
    UserPoolId: poolId,
    Username: username,
    Password: userPassword,
    Permanent: true,
  });
}

const code = (poolId, username, purpose) => lastCode(emulator.url, poolId, username, purpose);

async function rejectsWith(promise, name) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof pkg.CognitoError, `not a CognitoError: ${err}`);
    assert.equal(err.name, name, err.message);
    return true;
  });
}

/** RFC 6238 TOTP (SHA-1, 30 s, 6 digits) for a base32 secret. */
function totp(secretBase32, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    assert.ok(v >= 0, `not base32: ${secretBase32}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

describe('sign-up', () => {
  test('sign up, sign-in before confirming, resend, wrong code, confirm, sign in', async () => {
    const { poolId, client } = await pool();
    const pw = password();
    const out = await client.signUp({ username: 'sam', password: pw, options: { userAttributes: { email: 'sam@example.com' } } });
    assert.equal(out.isSignUpComplete, false);
    assert.equal(out.nextStep.signUpStep, 'CONFIRM_SIGN_UP');
    assert.equal(out.nextStep.codeDeliveryDetails.deliveryMedium, 'EMAIL');
    assert.match(out.userId, /^[0-9a-f-]{36}$/);

    assert.deepEqual(await client.signIn({ username: 'sam', password: pw }), {
      isSignedIn: false,
      nextStep: { signInStep: 'CONFIRM_SIGN_UP' },
    });
    const resent = await client.resendSignUpCode({ username: 'sam' });
    assert.equal(resent.deliveryMedium, 'EMAIL');
    await rejectsWith(client.confirmSignUp({ username: 'sam', confirmationCode: '000000' }), 'CodeMismatchException');
    const confirmed = await client.confirmSignUp({ username: 'sam', confirmationCode: await code(poolId, 'sam', 'ResendConfirmationCode') });
    assert.deepEqual(confirmed, { isSignUpComplete: true, nextStep: { signUpStep: 'DONE' } });
    assert.equal((await client.signIn({ username: 'sam', password: pw })).isSignedIn, true);
    assert.equal((await client.fetchUserAttributes()).email_verified, 'true');
  });

  test('a password the pool refuses and a taken username', async () => {
    const { client } = await pool();
    await rejectsWith(client.signUp({ username: 'tim', password: 'short' }), 'InvalidPasswordException');
    const pw = password();
    await client.signUp({ username: 'tim', password: pw, options: { userAttributes: { email: 'tim@example.com' } } });
    await rejectsWith(client.signUp({ username: 'tim', password: pw }), 'UsernameExistsException');
  });
});

describe('passwords', () => {
  test('reset with a code, then the new password works and the old one does not', async () => {
    const { poolId, client } = await pool();
    const old = password();
    await adminUser(poolId, 'rita', old);
    const reset = await client.resetPassword({ username: 'rita' });
    assert.equal(reset.isPasswordReset, false);
    assert.equal(reset.nextStep.resetPasswordStep, 'CONFIRM_RESET_PASSWORD_WITH_CODE');
    assert.equal(reset.nextStep.codeDeliveryDetails.deliveryMedium, 'EMAIL');
    const fresh = password();
    await rejectsWith(
      client.confirmResetPassword({ username: 'rita', confirmationCode: '000000', newPassword: fresh }),
      'CodeMismatchException',
    );
    await client.confirmResetPassword({ username: 'rita', confirmationCode: await code(poolId, 'rita', 'ForgotPassword'), newPassword: fresh });
    await rejectsWith(client.signIn({ username: 'rita', password: old }), 'NotAuthorizedException');
    assert.equal((await client.signIn({ username: 'rita', password: fresh })).isSignedIn, true);
  });

  test('change the password of the signed-in user', async () => {
    const { poolId, client } = await pool();
    const old = password();
    await adminUser(poolId, 'carl', old);
    await client.signIn({ username: 'carl', password: old });
    await rejectsWith(client.updatePassword({ oldPassword: `${old}x`, newPassword: password() }), 'NotAuthorizedException');
    const fresh = password();
    await client.updatePassword({ oldPassword: old, newPassword: fresh });
    await client.signOut();
    await rejectsWith(client.signIn({ username: 'carl', password: old }), 'NotAuthorizedException');
    assert.equal((await client.signIn({ username: 'carl', password: fresh, authFlowType: 'USER_PASSWORD_AUTH' })).isSignedIn, true);
  });
});

describe('attributes', () => {
  test('fetch, update (with e-mail verification), verify, delete', async () => {
    const { poolId, client } = await pool();
    const pw = password();
    await adminUser(poolId, 'ava', pw, { given_name: 'Ava' });
    await client.signIn({ username: 'ava', password: pw });
    const attributes = await client.fetchUserAttributes();
    assert.equal(attributes.given_name, 'Ava');
    assert.equal(attributes.email, 'ava@example.com');
    assert.match(attributes.sub, /^[0-9a-f-]{36}$/);

    const updated = await client.updateUserAttributes({ userAttributes: { email: 'ava@new.example.com', family_name: 'Lind' } });
    assert.deepEqual(updated.family_name, { isUpdated: true, nextStep: { updateAttributeStep: 'DONE' } });
    assert.equal(updated.email.isUpdated, false);
    assert.equal(updated.email.nextStep.updateAttributeStep, 'CONFIRM_ATTRIBUTE_WITH_CODE');
    assert.equal(updated.email.nextStep.codeDeliveryDetails.attributeName, 'email');
    const messages = await inbox(emulator.url, poolId, 'ava');
    const verification = messages.filter((m) => m.destination === 'ava@new.example.com').pop();
    assert.ok(verification, JSON.stringify(messages));
    await rejectsWith(client.confirmUserAttribute({ userAttributeKey: 'email', confirmationCode: '000000' }), 'CodeMismatchException');
    await client.confirmUserAttribute({ userAttributeKey: 'email', confirmationCode: verification.code });
    const after = await client.fetchUserAttributes();
    assert.equal(after.email, 'ava@new.example.com');
    assert.equal(after.email_verified, 'true');
    assert.equal(after.family_name, 'Lind');

    const sent = await client.sendUserAttributeVerificationCode({ userAttributeKey: 'email' });
    assert.equal(sent.attributeName, 'email');
    await client.deleteUserAttributes({ userAttributeKeys: ['family_name'] });
    assert.equal((await client.fetchUserAttributes()).family_name, undefined);
  });

  test('global sign-out ends every session; deleteUser removes the account', async () => {
    const { poolId, clientId, client } = await pool();
    const pw = password();
    await adminUser(poolId, 'gus', pw);
    await client.signIn({ username: 'gus', password: pw });
    const other = new pkg.CognitoClient({ userPoolId: poolId, clientId, endpoint: emulator.endpoint, storage: 'memory' });
    await other.signIn({ username: 'gus', password: pw });
    await client.globalSignOut();
    await rejectsWith(client.getSession(), 'UserUnAuthenticatedException');
    // The other device's refresh token was revoked too.
    await rejectsWith(other.refreshSession(), 'NotAuthorizedException');
    await rejectsWith(other.getSession(), 'UserUnAuthenticatedException');

    await client.signIn({ username: 'gus', password: pw });
    await client.deleteUser();
    await rejectsWith(client.getSession(), 'UserUnAuthenticatedException');
    await assert.rejects(client.signIn({ username: 'gus', password: pw }), (err) =>
      ['NotAuthorizedException', 'UserNotFoundException'].includes(err.name),
    );
  });
});

describe('MFA', () => {
  /** Signs in and sets up TOTP for the signed-in user; returns the shared secret. */
  async function setUpTotp(client) {
    const setup = await client.setUpTOTP();
    assert.match(setup.sharedSecret, /^[A-Z2-7]{32,}=*$/, 'a base32 secret of at least 160 bits');
    assert.ok(setup.setupUri.startsWith('otpauth://totp/Flows%20Test:'), setup.setupUri);
    assert.ok(setup.setupUri.includes(`secret=${setup.sharedSecret}`));
    await rejectsWith(client.verifyTOTPSetup({ code: '000000' }), 'EnableSoftwareTokenMFAException');
    await client.verifyTOTPSetup({ code: totp(setup.sharedSecret), options: { friendlyDeviceName: 'phone' } });
    return setup.sharedSecret;
  }

  test('TOTP: set up, prefer, then sign-in asks for a code (a wrong one can be retried)', async () => {
    const { poolId, client } = await pool({ MfaConfiguration: 'OPTIONAL' });
    const pw = password();
    await adminUser(poolId, 'tara', pw);
    await client.signIn({ username: 'tara', password: pw });
    const secret = await setUpTotp(client);
    await client.updateMFAPreference({ totp: 'PREFERRED' });
    assert.deepEqual(await client.fetchMFAPreference(), { enabled: ['TOTP'], preferred: 'TOTP' });
    await client.signOut();

    const step = await client.signIn({ username: 'tara', password: pw });
    assert.deepEqual(step, { isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' } });
    await rejectsWith(client.confirmSignIn({ challengeResponse: '000000' }), 'CodeMismatchException');
    const done = await client.confirmSignIn({ challengeResponse: totp(secret) });
    assert.deepEqual(done, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    assert.equal((await client.getSession()).username, 'tara');
  });

  test('SMS: the code goes to the inbox, masked destination in the step', async () => {
    const { poolId, client } = await pool({ MfaConfiguration: 'OPTIONAL' });
    const pw = password();
    await adminUser(poolId, 'sid', pw, { phone_number: '+15555550123', phone_number_verified: 'true' });
    await cognito(emulator.endpoint, 'AdminSetUserMFAPreference', {
      UserPoolId: poolId,
      Username: 'sid',
      SMSMfaSettings: { Enabled: true, PreferredMfa: true },
    });
    const step = await client.signIn({ username: 'sid', password: pw });
    assert.equal(step.isSignedIn, false);
    assert.equal(step.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_SMS_CODE');
    assert.equal(step.nextStep.codeDeliveryDetails.deliveryMedium, 'SMS');
    assert.match(step.nextStep.codeDeliveryDetails.destination, /0123$/);
    assert.ok(!step.nextStep.codeDeliveryDetails.destination.includes('555555'), 'masked');
    const done = await client.confirmSignIn({ challengeResponse: await code(poolId, 'sid', 'SMS_MFA') });
    assert.equal(done.isSignedIn, true);
  });

  test('two factors enabled and none preferred: the user picks one', async () => {
    const { poolId, client } = await pool({ MfaConfiguration: 'OPTIONAL' });
    const pw = password();
    await adminUser(poolId, 'pia', pw, { phone_number: '+15555550199', phone_number_verified: 'true' });
    await client.signIn({ username: 'pia', password: pw });
    const secret = await setUpTotp(client);
    await client.updateMFAPreference({ totp: 'ENABLED', sms: 'ENABLED' });
    await client.signOut();

    const step = await client.signIn({ username: 'pia', password: pw });
    assert.equal(step.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION');
    assert.deepEqual([...step.nextStep.allowedMFATypes].sort(), ['SMS', 'TOTP']);
    const totpStep = await client.confirmSignIn({ challengeResponse: 'TOTP' });
    assert.equal(totpStep.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
    assert.equal((await client.confirmSignIn({ challengeResponse: totp(secret) })).isSignedIn, true);
  });

  test('MFA required by the pool: TOTP is set up during sign-in', async () => {
    const { poolId, client } = await pool({ MfaConfiguration: 'ON' });
    const pw = password();
    await adminUser(poolId, 'mo', pw);
    const step = await client.signIn({ username: 'mo', password: pw });
    assert.equal(step.isSignedIn, false);
    let secret;
    if (step.nextStep.signInStep === 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION') {
      assert.ok(step.nextStep.allowedMFATypes.includes('TOTP'));
      const setup = await client.confirmSignIn({ challengeResponse: 'TOTP' });
      secret = setup.nextStep.totpSetupDetails.sharedSecret;
    } else {
      assert.equal(step.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
      secret = step.nextStep.totpSetupDetails.sharedSecret;
      assert.ok(step.nextStep.totpSetupDetails.setupUri.includes(`secret=${secret}`));
    }
    await rejectsWith(client.confirmSignIn({ challengeResponse: '000000' }), 'EnableSoftwareTokenMFAException');
    const done = await client.confirmSignIn({ challengeResponse: totp(secret), options: { friendlyDeviceName: 'phone' } });
    assert.deepEqual(done, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });

    await client.signOut();
    const again = await client.signIn({ username: 'mo', password: pw });
    assert.equal(again.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE');
    // The next 30-second step's code, so the one used above is not replayed within its window.
    assert.equal((await client.confirmSignIn({ challengeResponse: totp(secret, Date.now() + 30_000) })).isSignedIn, true);
  });
});

describe('remembered devices', () => {
  /** Records the X-Amz-Target (and ChallengeName) of every request while `fn` runs. */
  async function recordRequests(fn) {
    const seen = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (url, init) => {
      const target = new Headers(init?.headers).get('x-amz-target')?.split('.').pop();
      const challenge = init?.body ? JSON.parse(init.body).ChallengeName : undefined;
      seen.push(challenge ? `${target}:${challenge}` : target);
      return realFetch(url, init);
    };
    try {
      await fn();
    } finally {
      globalThis.fetch = realFetch;
    }
    return seen;
  }

  const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url'));

  test('tracked, confirmed, remembered; the next sign-in proves the device with device SRP', async () => {
    const { poolId, client } = await pool({
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
    });
    const pw = password();
    await adminUser(poolId, 'dora', pw);
    const first = await recordRequests(() => client.signIn({ username: 'dora', password: pw }));
    assert.deepEqual(first, [
      'InitiateAuth',
      'RespondToAuthChallenge:PASSWORD_VERIFIER',
      'ConfirmDevice',
    ]);
    await client.rememberDevice();
    const devices = await client.listDevices();
    assert.equal(devices.length, 1);
    const [device] = devices;
    assert.match(device.id, /^us-east-1_[0-9a-f-]+$/);
    assert.ok(device.name, 'registered under a name');
    assert.equal((await client.getDevice()).id, device.id);

    await client.signOut();
    const second = await recordRequests(() => client.signIn({ username: 'dora', password: pw }));
    assert.deepEqual(second, [
      'InitiateAuth',
      'RespondToAuthChallenge:PASSWORD_VERIFIER',
      'RespondToAuthChallenge:DEVICE_SRP_AUTH',
      'RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER',
    ]);
    const session = await client.getSession();
    assert.equal(claims(session.accessToken).device_key, device.id);
    // Refreshes carry the device key too.
    assert.equal(claims((await client.refreshSession()).accessToken).device_key, device.id);

    await client.forgetDevice();
    assert.deepEqual(await client.listDevices(), []);
  });

  test('in a case-sensitive pool "Bob" and "bob" keep their own device secrets', async () => {
    const { poolId, clientId } = await pool({
      UsernameConfiguration: { CaseSensitive: true },
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false },
    });
    const map = new Map();
    const storage = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
    const client = new pkg.CognitoClient({ userPoolId: poolId, clientId, endpoint: emulator.endpoint, storage });
    const pw = { Bob: password(), bob: password() };
    for (const name of ['Bob', 'bob']) await adminUser(poolId, name, pw[name]);
    const deviceEntry = (name) => map.get(`cognito-wasm.${poolId}.${clientId}.user.${name}.device`);

    await client.signIn({ username: 'Bob', password: pw.Bob });
    await client.signOut();
    const bobsDevice = deviceEntry('Bob');
    assert.ok(bobsDevice, 'Bob\'s device is kept under his name');
    await client.signIn({ username: 'bob', password: pw.bob });
    await client.signOut();
    assert.ok(deviceEntry('bob'), 'bob\'s device under his');
    assert.equal(deviceEntry('Bob'), bobsDevice, 'bob\'s sign-in left Bob\'s device alone');
    assert.notEqual(JSON.parse(deviceEntry('bob')).deviceKey, JSON.parse(bobsDevice).deviceKey);

    const again = await recordRequests(() => client.signIn({ username: 'Bob', password: pw.Bob }));
    assert.ok(again.includes('RespondToAuthChallenge:DEVICE_SRP_AUTH'), `Bob proves his remembered device: ${again}`);

    assert.throws(() => new pkg.CognitoClient({ userPoolId: poolId, clientId, caseSensitiveUsernames: 'no' }), {
      name: 'InvalidParameterException',
    });
  });

  test('a device Cognito no longer knows is dropped and the sign-in goes on without it', async () => {
    const { poolId, client } = await pool({
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false },
    });
    const pw = password();
    await adminUser(poolId, 'dan', pw);
    await client.signIn({ username: 'dan', password: pw });
    const deviceKey = claims((await client.getSession()).accessToken).device_key
      ?? (await client.listDevices())[0].id;
    await cognito(emulator.endpoint, 'AdminForgetDevice', { UserPoolId: poolId, Username: 'dan', DeviceKey: deviceKey });
    await client.signOut();
    const out = await client.signIn({ username: 'dan', password: pw });
    assert.equal(out.isSignedIn, true);
    const devices = await client.listDevices();
    assert.equal(devices.length, 1, 'tracked again as a new device');
    assert.notEqual(devices[0].id, deviceKey);
  });
});

describe('refresh-token rotation', () => {
  test('GetTokensFromRefreshToken stores the rotated refresh token; the old one is refused', async () => {
    const { UserPool } = await cognito(emulator.endpoint, 'CreateUserPool', { PoolName: 'rotation' });
    const { UserPoolClient } = await cognito(emulator.endpoint, 'CreateUserPoolClient', {
      UserPoolId: UserPool.Id,
      ClientName: 'rotating',
      GenerateSecret: true,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 },
    });
    const pw = password();
    await adminUser(UserPool.Id, 'rory', pw);
    const client = new pkg.CognitoClient({
      userPoolId: UserPool.Id,
      clientId: UserPoolClient.ClientId,
      clientSecret: UserPoolClient.ClientSecret,
      endpoint: emulator.endpoint,
      storage: 'memory',
      refreshMethod: 'GetTokensFromRefreshToken',
    });
    await client.signIn({ username: 'rory', password: pw });
    const before = await client.getSession();
    const after = await client.refreshSession();
    assert.notEqual(after.refreshToken, before.refreshToken, 'rotated');
    assert.equal((await client.getSession()).refreshToken, after.refreshToken, 'the new one is kept');
    await assert.rejects(
      cognito(emulator.endpoint, 'GetTokensFromRefreshToken', {
        RefreshToken: before.refreshToken,
        ClientId: UserPoolClient.ClientId,
        ClientSecret: UserPoolClient.ClientSecret,
      }),
      (err) => ['RefreshTokenReuseException', 'NotAuthorizedException'].includes(err.type),
    );
    // And the rotated one keeps working.
    assert.notEqual((await client.refreshSession()).refreshToken, after.refreshToken);
  });
});

describe('custom and choice-based sign-in', () => {
  async function flexiblePool() {
    const { UserPool } = await cognito(emulator.endpoint, 'CreateUserPool', { PoolName: 'flexible', AutoVerifiedAttributes: ['email'] });
    const { UserPoolClient } = await cognito(emulator.endpoint, 'CreateUserPoolClient', {
      UserPoolId: UserPool.Id,
      ClientName: 'flexible',
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
    const res = await fetch(`${emulator.url}/_emulator/custom-challenge?userPoolId=${UserPool.Id}`, {
      method: 'PUT',
      body: JSON.stringify([
        { question: 'What is 6 x 7?', answer: '42' },
        { question: 'Capital of France?', answer: 'Paris' },
      ]),
    });
    assert.equal(res.status, 204);
    const client = new pkg.CognitoClient({ userPoolId: UserPool.Id, clientId: UserPoolClient.ClientId, endpoint: emulator.endpoint, storage: 'memory' });
    return { poolId: UserPool.Id, client };
  }

  test('CUSTOM_AUTH without SRP: rounds of questions, a wrong answer is asked again', async () => {
    const { poolId, client } = await flexiblePool();
    await adminUser(poolId, 'cora', password());
    const first = await client.signIn({ username: 'cora', authFlowType: 'CUSTOM_WITHOUT_SRP' });
    assert.equal(first.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
    assert.equal(first.nextStep.additionalInfo.question, 'What is 6 x 7?');
    const again = await client.confirmSignIn({ challengeResponse: '41' });
    assert.equal(again.nextStep.additionalInfo.question, 'What is 6 x 7?');
    const second = await client.confirmSignIn({ challengeResponse: '42' });
    assert.equal(second.nextStep.additionalInfo.question, 'Capital of France?');
    assert.equal((await client.confirmSignIn({ challengeResponse: 'Paris' })).isSignedIn, true);
  });

  test('CUSTOM_AUTH with SRP: the password first, then the questions', async () => {
    const { poolId, client } = await flexiblePool();
    const pw = password();
    await adminUser(poolId, 'cody', pw);
    await rejectsWith(client.signIn({ username: 'cody', password: `${pw}x`, authFlowType: 'CUSTOM_WITH_SRP' }), 'NotAuthorizedException');
    const first = await client.signIn({ username: 'cody', password: pw, authFlowType: 'CUSTOM_WITH_SRP' });
    assert.equal(first.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
    await client.confirmSignIn({ challengeResponse: '42' });
    assert.equal((await client.confirmSignIn({ challengeResponse: 'Paris' })).isSignedIn, true);
  });

  test('USER_AUTH: choose a first factor, or name one up front', async () => {
    const { poolId, client } = await flexiblePool();
    const pw = password();
    await adminUser(poolId, 'uma', pw);
    const offer = await client.signIn({ username: 'uma', authFlowType: 'USER_AUTH' });
    assert.equal(offer.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION');
    assert.ok(offer.nextStep.availableChallenges.includes('EMAIL_OTP'), JSON.stringify(offer));
    assert.ok(offer.nextStep.availableChallenges.includes('PASSWORD_SRP'));
    // E-mail one-time code.
    const emailStep = await client.confirmSignIn({ challengeResponse: 'EMAIL_OTP' });
    assert.equal(emailStep.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
    assert.equal((await client.confirmSignIn({ challengeResponse: await code(poolId, 'uma', 'EMAIL_OTP') })).isSignedIn, true);
    await client.signOut();
    // PASSWORD_SRP chosen without a password: it is asked for, then proven with SRP.
    await client.signIn({ username: 'uma', authFlowType: 'USER_AUTH' });
    const askPassword = await client.confirmSignIn({ challengeResponse: 'PASSWORD_SRP' });
    assert.equal(askPassword.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_PASSWORD');
    assert.equal((await client.confirmSignIn({ challengeResponse: pw })).isSignedIn, true);
    await client.signOut();
    // Named up front.
    const direct = await client.signIn({ username: 'uma', password: pw, authFlowType: 'USER_AUTH', preferredChallenge: 'PASSWORD' });
    assert.equal(direct.isSignedIn, true);
  });
});

describe('e-mail MFA, SMS first factor, secret clients', () => {
  test('MFA ON with e-mail offered: choose e-mail, give the address, confirm; later sign-ins ask for an e-mailed code', async () => {
    const { poolId, client } = await pool();
    await cognito(emulator.endpoint, 'SetUserPoolMfaConfig', {
      UserPoolId: poolId,
      MfaConfiguration: 'ON',
      EmailMfaConfiguration: {},
      SoftwareTokenMfaConfiguration: { Enabled: true },
    });
    const pw = password();
    await adminUser(poolId, 'eve', pw);
    const choose = await client.signIn({ username: 'eve', password: pw });
    assert.equal(choose.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION');
    assert.deepEqual([...choose.nextStep.allowedMFATypes].sort(), ['EMAIL', 'TOTP']);
    const setup = await client.confirmSignIn({ challengeResponse: 'EMAIL' });
    assert.deepEqual(setup, { isSignedIn: false, nextStep: { signInStep: 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP' } });
    const confirm = await client.confirmSignIn({ challengeResponse: 'eve@mail.example.com' });
    assert.equal(confirm.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
    assert.equal(confirm.nextStep.codeDeliveryDetails.deliveryMedium, 'EMAIL');
    assert.equal((await client.confirmSignIn({ challengeResponse: await code(poolId, 'eve', 'EMAIL_OTP') })).isSignedIn, true);
    assert.equal((await client.fetchMFAPreference()).enabled.includes('EMAIL'), true);
    await client.signOut();

    const again = await client.signIn({ username: 'eve', password: pw });
    assert.equal(again.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
    await rejectsWith(client.confirmSignIn({ challengeResponse: '00000000' }), 'CodeMismatchException');
    assert.equal((await client.confirmSignIn({ challengeResponse: await code(poolId, 'eve', 'EMAIL_OTP') })).isSignedIn, true);
  });

  test('USER_AUTH with an SMS one-time code as the first factor', async () => {
    const { UserPool } = await cognito(emulator.endpoint, 'CreateUserPool', { PoolName: 'sms-otp' });
    const { UserPoolClient } = await cognito(emulator.endpoint, 'CreateUserPoolClient', {
      UserPoolId: UserPool.Id,
      ClientName: 'sms-otp',
      ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
    await adminUser(UserPool.Id, 'sol', password(), { phone_number: '+15555550142', phone_number_verified: 'true' });
    const client = new pkg.CognitoClient({ userPoolId: UserPool.Id, clientId: UserPoolClient.ClientId, endpoint: emulator.endpoint, storage: 'memory' });
    const step = await client.signIn({ username: 'sol', authFlowType: 'USER_AUTH', preferredChallenge: 'SMS_OTP' });
    assert.equal(step.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_SMS_CODE');
    const messages = await inbox(emulator.url, UserPool.Id, 'sol');
    const sms = messages.filter((m) => m.medium === 'SMS').pop();
    assert.ok(sms, JSON.stringify(messages));
    assert.equal((await client.confirmSignIn({ challengeResponse: sms.code })).isSignedIn, true);
  });

  test('a client with a secret: sign-up, confirmation and password reset send SECRET_HASH', async () => {
    const { UserPool } = await cognito(emulator.endpoint, 'CreateUserPool', { PoolName: 'secret', AutoVerifiedAttributes: ['email'] });
    const { UserPoolClient } = await cognito(emulator.endpoint, 'CreateUserPoolClient', {
      UserPoolId: UserPool.Id,
      ClientName: 'secret',
      GenerateSecret: true,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
    const config = { userPoolId: UserPool.Id, clientId: UserPoolClient.ClientId, endpoint: emulator.endpoint, storage: 'memory' };
    const withSecret = new pkg.CognitoClient({ ...config, clientSecret: UserPoolClient.ClientSecret });
    const withoutSecret = new pkg.CognitoClient(config);
    const pw = password();
    await rejectsWith(withoutSecret.signUp({ username: 'sue', password: pw, options: { userAttributes: { email: 'sue@example.com' } } }), 'NotAuthorizedException');
    await withSecret.signUp({ username: 'sue', password: pw, options: { userAttributes: { email: 'sue@example.com' } } });
    await withSecret.confirmSignUp({ username: 'sue', confirmationCode: await code(UserPool.Id, 'sue', 'SignUp') });
    await withSecret.resetPassword({ username: 'sue' });
    const fresh = password();
    await withSecret.confirmResetPassword({ username: 'sue', confirmationCode: await code(UserPool.Id, 'sue', 'ForgotPassword'), newPassword: fresh });
    assert.equal((await withSecret.signIn({ username: 'sue', password: fresh })).isSignedIn, true);
    assert.ok((await withSecret.refreshSession()).accessToken);
  });
});
