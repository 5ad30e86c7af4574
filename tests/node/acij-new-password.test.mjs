// Third-party check: amazon-cognito-identity-js 6.3.x answers NEW_PASSWORD_REQUIRED for a user created by
// AdminCreateUser with a temporary password (with an attribute sent along), and the MFA that follows it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import acij from 'amazon-cognito-identity-js';

import { callback, cognito, lastCode, startEmulator } from './helpers.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = acij;
const TEMPORARY = 'Temp-Passw0rd!';

let emulator;
let poolId;
let userPool;

before(async () => {
  emulator = await startEmulator();
  const { UserPool } = await cognito(emulator.endpoint, 'CreateUserPool', { PoolName: 'acij-newpw', MfaConfiguration: 'OPTIONAL' });
  poolId = UserPool.Id;
  const { UserPoolClient } = await cognito(emulator.endpoint, 'CreateUserPoolClient', {
    UserPoolId: poolId,
    ClientName: 'acij-newpw',
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  });
  userPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: UserPoolClient.ClientId, endpoint: emulator.endpoint });
});

after(async () => {
  await emulator?.stop();
});

async function createUser(username, extra = []) {
  await cognito(emulator.endpoint, 'AdminCreateUser', {
    UserPoolId: poolId,
    Username: username,
    TemporaryPassword: TEMPORARY,
    MessageAction: 'SUPPRESS',
    UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }, ...extra],
  });
}

function signIn(username, password, onNewPassword, onMfa) {
  const user = new CognitoUser({ Username: username, Pool: userPool });
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (session) => resolve({ user, session }),
      onFailure: reject,
      newPasswordRequired: (userAttributes, requiredAttributes) =>
        onNewPassword ? onNewPassword(user, userAttributes, requiredAttributes, callbacks) : reject(new Error('unexpected NEW_PASSWORD_REQUIRED')),
      mfaRequired: () => (onMfa ? onMfa(user, callbacks) : reject(new Error('unexpected SMS_MFA'))),
    };
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), callbacks);
  });
}

test('NEW_PASSWORD_REQUIRED → completeNewPasswordChallenge with an attribute → tokens', async () => {
  await createUser('nora');
  let shown;
  let weakRefused = false;
  const { user, session } = await signIn('nora', TEMPORARY, (u, userAttributes, requiredAttributes, callbacks) => {
    shown = { userAttributes, requiredAttributes };
    u.completeNewPasswordChallenge('weak', {}, {
      onSuccess: () => callbacks.onFailure(new Error('a weak password was accepted')),
      onFailure: (err) => {
        weakRefused = err.code === 'InvalidPasswordException';
        u.completeNewPasswordChallenge('Chosen-Passw0rd!', { given_name: 'Nora' }, callbacks);
      },
    });
  });
  assert.equal(shown.userAttributes.email, 'nora@example.com');
  assert.deepEqual(shown.requiredAttributes, []);
  assert.ok(weakRefused, 'a password breaking the policy gives InvalidPasswordException');
  assert.ok(session.isValid());
  const attributes = await callback((cb) => user.getUserAttributes(cb));
  assert.equal(attributes.find((a) => a.getName() === 'given_name')?.getValue(), 'Nora');
  await signIn('nora', 'Chosen-Passw0rd!');
  await assert.rejects(signIn('nora', TEMPORARY), (err) => err.code === 'NotAuthorizedException');
});

test('MFA follows the new password', async () => {
  await createUser('otto', [{ Name: 'phone_number', Value: '+15555550555' }]);
  await cognito(emulator.endpoint, 'AdminSetUserMFAPreference', {
    UserPoolId: poolId,
    Username: 'otto',
    SMSMfaSettings: { Enabled: true, PreferredMfa: true },
  });
  let mfaAsked = false;
  const { session } = await signIn(
    'otto',
    TEMPORARY,
    (u, _a, _r, callbacks) => u.completeNewPasswordChallenge('Otto-Passw0rd!', {}, callbacks),
    async (u, callbacks) => {
      mfaAsked = true;
      u.sendMFACode(await lastCode(emulator.url, poolId, 'otto', 'SMS_MFA'), callbacks);
    },
  );
  assert.ok(mfaAsked);
  assert.ok(session.isValid());
});
