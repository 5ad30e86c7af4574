// Third-party check: amazon-cognito-identity-js 6.3.x answers the emulator's MFA challenges — SMS_MFA with
// the code from the dev inbox, TOTP registration (AssociateSoftwareToken / VerifySoftwareToken) with and
// without a session, SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE and MFA_SETUP.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import acij from 'amazon-cognito-identity-js';

import { callback, cognito, lastCode, startEmulator, totpCode } from './helpers.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = acij;
const PASSWORD = 'Mfa-Te5t-Passw0rd!';

let emulator;

before(async () => {
  emulator = await startEmulator();
});

after(async () => {
  await emulator?.stop();
});

test('the TOTP helper matches RFC 6238', async () => {
  // Appendix B, SHA-1, T = 59 s: 94287082 → the 6-digit code is 287082.
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // base32 of "12345678901234567890"
  assert.equal(await totpCode(secret, 59), '287082');
});

async function setup(mfa, { phone = true } = {}) {
  const { endpoint } = emulator;
  const { UserPool } = await cognito(endpoint, 'CreateUserPool', { PoolName: `acij-mfa-${mfa}`, MfaConfiguration: mfa });
  const { UserPoolClient } = await cognito(endpoint, 'CreateUserPoolClient', {
    UserPoolId: UserPool.Id,
    ClientName: 'acij-mfa',
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  });
  const attributes = [{ Name: 'email', Value: 'mia@example.com' }];
  if (phone) attributes.push({ Name: 'phone_number', Value: '+15555550123' });
  await cognito(endpoint, 'AdminCreateUser', {
    UserPoolId: UserPool.Id,
    Username: 'mia',
    MessageAction: 'SUPPRESS',
    UserAttributes: attributes,
  });
  await cognito(endpoint, 'AdminSetUserPassword', { UserPoolId: UserPool.Id, Username: 'mia', Password: PASSWORD, Permanent: true });
  const userPool = new CognitoUserPool({ UserPoolId: UserPool.Id, ClientId: UserPoolClient.ClientId, endpoint });
  return { poolId: UserPool.Id, userPool };
}

/** authenticateUser, answering whatever challenge comes with `handlers[challenge](user, params, resolve, reject)`. */
function signIn(userPool, handlers = {}) {
  const user = new CognitoUser({ Username: 'mia', Pool: userPool });
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (session) => resolve({ user, session }),
      onFailure: reject,
    };
    for (const name of ['mfaRequired', 'totpRequired', 'selectMFAType', 'mfaSetup']) {
      callbacks[name] = (challengeName, params) => {
        if (!handlers[name]) return reject(new Error(`unexpected ${name} (${challengeName})`));
        return handlers[name](user, challengeName, params, callbacks);
      };
    }
    user.authenticateUser(new AuthenticationDetails({ Username: 'mia', Password: PASSWORD }), callbacks);
  });
}

test('SMS_MFA: mfaRequired → sendMFACode with the inbox code', async () => {
  const { poolId, userPool } = await setup('OPTIONAL');
  await cognito(emulator.endpoint, 'AdminSetUserMFAPreference', {
    UserPoolId: poolId,
    Username: 'mia',
    SMSMfaSettings: { Enabled: true, PreferredMfa: true },
  });
  let seen;
  let rejectedWrongCode = false;
  const { session } = await signIn(userPool, {
    mfaRequired: async (user, challengeName, params, callbacks) => {
      seen = { challengeName, params };
      const code = await lastCode(emulator.url, poolId, 'mia', 'SMS_MFA');
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      user.sendMFACode(wrong, {
        onSuccess: () => callbacks.onFailure(new Error('a wrong code was accepted')),
        onFailure: (err) => {
          rejectedWrongCode = err.code === 'CodeMismatchException';
          user.sendMFACode(code, callbacks);
        },
      });
    },
  });
  assert.equal(seen.challengeName, 'SMS_MFA');
  assert.deepEqual(seen.params, { CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: '+*******0123' });
  assert.ok(rejectedWrongCode, 'a wrong code gives CodeMismatchException');
  assert.ok(session.isValid());
});

test('TOTP: associate + verify with the access token, then SOFTWARE_TOKEN_MFA; SELECT_MFA_TYPE', async () => {
  const { userPool } = await setup('OPTIONAL');
  const { user } = await signIn(userPool);
  const secret = await new Promise((resolve, reject) =>
    user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }),
  );
  assert.match(secret, /^[A-Z2-7]{32}$/);
  const code = await totpCode(secret);
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  await assert.rejects(
    new Promise((resolve, reject) => user.verifySoftwareToken(wrong, 'node', { onSuccess: resolve, onFailure: reject })),
    (err) => err.code === 'EnableSoftwareTokenMFAException',
  );
  const verified = await new Promise((resolve, reject) =>
    user.verifySoftwareToken(code, 'node', { onSuccess: resolve, onFailure: reject }),
  );
  assert.equal(verified.Status, 'SUCCESS');
  await callback((cb) => user.setUserMfaPreference(null, { Enabled: true, PreferredMfa: true }, cb));

  const { session } = await signIn(userPool, {
    totpRequired: async (u, challengeName, params, callbacks) => {
      assert.equal(challengeName, 'SOFTWARE_TOKEN_MFA');
      u.sendMFACode(await totpCode(secret), callbacks, 'SOFTWARE_TOKEN_MFA');
    },
  });
  assert.ok(session.isValid());

  // SMS too, nothing preferred: the user chooses.
  const signedIn = (await signIn(userPool, {
    totpRequired: async (u, _c, _p, callbacks) => u.sendMFACode(await totpCode(secret), callbacks, 'SOFTWARE_TOKEN_MFA'),
  })).user;
  await callback((cb) => signedIn.setUserMfaPreference({ Enabled: true, PreferredMfa: false }, { Enabled: true, PreferredMfa: false }, cb));
  let choices;
  await signIn(userPool, {
    selectMFAType: (u, _challengeName, params, callbacks) => {
      choices = JSON.parse(params.MFAS_CAN_CHOOSE);
      u.sendMFASelectionAnswer('SOFTWARE_TOKEN_MFA', callbacks);
    },
    totpRequired: async (u, _c, _p, callbacks) => u.sendMFACode(await totpCode(secret), callbacks, 'SOFTWARE_TOKEN_MFA'),
  });
  assert.deepEqual(choices, ['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
});

test('MFA_SETUP when MFA is required: associate + verify with the session, then tokens', async () => {
  const { userPool } = await setup('ON', { phone: false });
  let canSetup;
  const { session } = await signIn(userPool, {
    mfaSetup: (user, challengeName, params, callbacks) => {
      assert.equal(challengeName, 'MFA_SETUP');
      canSetup = JSON.parse(params.MFAS_CAN_SETUP);
      user.associateSoftwareToken({
        onFailure: callbacks.onFailure,
        associateSecretCode: async (secret) => {
          user.verifySoftwareToken(await totpCode(secret), 'node', callbacks);
        },
      });
    },
  });
  assert.ok(canSetup.includes('SOFTWARE_TOKEN_MFA'), JSON.stringify(canSetup));
  assert.ok(session.isValid());
});
