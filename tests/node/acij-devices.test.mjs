// Third-party check: amazon-cognito-identity-js 6.3.x remembers a device on the emulator — it confirms the
// NewDeviceMetadata with its own device verifier, then signs in with DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER,
// which the emulator verifies for real; a remembered device skips SMS MFA; list, remember and forget.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import acij from 'amazon-cognito-identity-js';

import { callback, cognito, lastCode, startEmulator } from './helpers.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = acij;
const PASSWORD = 'Device-Te5t-Passw0rd!';

let emulator;
let poolId;
let userPool;
const endpointCalls = [];

before(async () => {
  emulator = await startEmulator();
  const { endpoint } = emulator;
  const { UserPool } = await cognito(endpoint, 'CreateUserPool', {
    PoolName: 'acij-devices',
    MfaConfiguration: 'OPTIONAL',
    DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
  });
  poolId = UserPool.Id;
  const { UserPoolClient } = await cognito(endpoint, 'CreateUserPoolClient', {
    UserPoolId: poolId,
    ClientName: 'acij-devices',
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  });
  await cognito(endpoint, 'AdminCreateUser', {
    UserPoolId: poolId,
    Username: 'dora',
    MessageAction: 'SUPPRESS',
    UserAttributes: [{ Name: 'phone_number', Value: '+15555550777' }],
  });
  await cognito(endpoint, 'AdminSetUserPassword', { UserPoolId: poolId, Username: 'dora', Password: PASSWORD, Permanent: true });
  userPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: UserPoolClient.ClientId, endpoint });
  // Record the operations the library sends (and their challenge names).
  const originalRequest = userPool.client.request.bind(userPool.client);
  userPool.client.request = (operation, params, cb) => {
    endpointCalls.push(operation === 'RespondToAuthChallenge' ? `${operation}:${params.ChallengeName}` : operation);
    return originalRequest(operation, params, cb);
  };
});

after(async () => {
  await emulator?.stop();
});

/** A sign-in of "dora" with a new CognitoUser (device credentials come from the pool's storage). */
function signIn({ mfa } = {}) {
  const user = new CognitoUser({ Username: 'dora', Pool: userPool });
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (session, userConfirmationNecessary) => resolve({ user, session, userConfirmationNecessary }),
      onFailure: reject,
      mfaRequired: async () => {
        if (!mfa) return reject(new Error('unexpected SMS_MFA'));
        user.sendMFACode(await lastCode(emulator.url, poolId, 'dora', 'SMS_MFA'), callbacks);
      },
    };
    user.authenticateUser(new AuthenticationDetails({ Username: 'dora', Password: PASSWORD }), callbacks);
  });
}

test('ConfirmDevice on the first sign-in, device SRP on the next; remembered devices skip MFA', async () => {
  const first = await signIn();
  assert.equal(first.userConfirmationNecessary, true, 'DeviceOnlyRememberedOnUserPrompt asks the user');
  const deviceKey = first.session.getAccessToken().decodePayload().device_key;
  assert.match(deviceKey, /^us-east-1_[0-9a-f-]{36}$/);
  assert.ok(endpointCalls.includes('ConfirmDevice'));

  // The second sign-in authenticates the device: DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER.
  endpointCalls.length = 0;
  const second = await signIn();
  assert.deepEqual(endpointCalls, [
    'InitiateAuth',
    'RespondToAuthChallenge:PASSWORD_VERIFIER',
    'RespondToAuthChallenge:DEVICE_SRP_AUTH',
    'RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER',
  ]);
  assert.equal(second.session.getAccessToken().decodePayload().device_key, deviceKey);

  // SMS MFA for the user: the device is not remembered yet, so MFA comes first, then the device.
  await cognito(emulator.endpoint, 'AdminSetUserMFAPreference', {
    UserPoolId: poolId,
    Username: 'dora',
    SMSMfaSettings: { Enabled: true, PreferredMfa: true },
  });
  endpointCalls.length = 0;
  const third = await signIn({ mfa: true });
  assert.deepEqual(endpointCalls.filter((c) => c.startsWith('Respond')), [
    'RespondToAuthChallenge:PASSWORD_VERIFIER',
    'RespondToAuthChallenge:SMS_MFA',
    'RespondToAuthChallenge:DEVICE_SRP_AUTH',
    'RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER',
  ]);

  // Remembered: the device replaces MFA.
  await new Promise((resolve, reject) => third.user.setDeviceStatusRemembered({ onSuccess: resolve, onFailure: reject }));
  endpointCalls.length = 0;
  const fourth = await signIn();
  assert.ok(!endpointCalls.includes('RespondToAuthChallenge:SMS_MFA'), endpointCalls.join());
  assert.ok(endpointCalls.includes('RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER'));

  const listed = await new Promise((resolve, reject) =>
    fourth.user.listDevices(10, null, { onSuccess: resolve, onFailure: reject }),
  );
  assert.equal(listed.Devices.length, 1);
  assert.equal(listed.Devices[0].DeviceKey, deviceKey);
  const status = listed.Devices[0].DeviceAttributes.find((a) => a.Name === 'dev:device_remembered_status');
  assert.equal(status.Value, 'remembered');

  // Forgotten on the server: the library's next sign-in gets "Device does not exist.", retries without the
  // device (MFA again) and registers a new one.
  await cognito(emulator.endpoint, 'AdminForgetDevice', { UserPoolId: poolId, Username: 'dora', DeviceKey: deviceKey });
  endpointCalls.length = 0;
  const fifth = await signIn({ mfa: true });
  assert.ok(endpointCalls.includes('RespondToAuthChallenge:SMS_MFA'), endpointCalls.join());
  assert.ok(endpointCalls.includes('ConfirmDevice'), endpointCalls.join());
  assert.notEqual(fifth.session.getAccessToken().decodePayload().device_key, deviceKey);
  assert.ok(callback);
});
