// Third-party check: amazon-cognito-identity-js 6.3.x signs up, confirms with the code from the emulator's
// dev inbox, resets a forgotten password, changes it, verifies a changed e-mail address and signs out
// everywhere — against the emulator.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import acij from 'amazon-cognito-identity-js';

import { callback, cognito, inbox, lastCode, startEmulator } from './helpers.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool } = acij;

let emulator;
let poolId;
let userPool;

before(async () => {
  emulator = await startEmulator();
  const { UserPool } = await cognito(emulator.endpoint, 'CreateUserPool', {
    PoolName: 'acij-account',
    AutoVerifiedAttributes: ['email'],
  });
  poolId = UserPool.Id;
  const { UserPoolClient } = await cognito(emulator.endpoint, 'CreateUserPoolClient', {
    UserPoolId: poolId,
    ClientName: 'acij-account-client',
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  });
  userPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: UserPoolClient.ClientId, endpoint: emulator.endpoint });
});

after(async () => {
  await emulator?.stop();
});

function signIn(username, password) {
  const user = new CognitoUser({ Username: username, Pool: userPool });
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: (session) => resolve({ user, session }),
      onFailure: reject,
    });
  });
}

const attr = (Name, Value) => new CognitoUserAttribute({ Name, Value });
/** A six-digit code that is not `code`. */
const wrongCode = (code) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

test('signUp → confirmRegistration with the inbox code → sign-in', async () => {
  const password = 'Sign-Up-Passw0rd!';
  const result = await callback((cb) =>
    userPool.signUp('zoe', password, [attr('email', 'zoe@example.com')], [attr('promo', 'x')], cb, { k: 'v' }),
  );
  assert.equal(result.userConfirmed, false);
  assert.match(result.userSub, /^[0-9a-f-]{36}$/);
  assert.deepEqual(result.codeDeliveryDetails, {
    AttributeName: 'email',
    DeliveryMedium: 'EMAIL',
    Destination: 'z***@e***',
  });
  await assert.rejects(signIn('zoe', password), (err) => err.code === 'UserNotConfirmedException');

  const user = new CognitoUser({ Username: 'zoe', Pool: userPool });
  const wrong = wrongCode(await lastCode(emulator.url, poolId, 'zoe', 'SignUp'));
  await assert.rejects(
    callback((cb) => user.confirmRegistration(wrong, true, cb)),
    (err) => err.code === 'CodeMismatchException',
  );
  const resent = await callback((cb) => user.resendConfirmationCode(cb));
  assert.equal(resent.CodeDeliveryDetails.DeliveryMedium, 'EMAIL');
  const code = await lastCode(emulator.url, poolId, 'zoe', 'ResendConfirmationCode');
  assert.equal(await callback((cb) => user.confirmRegistration(code, true, cb)), 'SUCCESS');
  const { session } = await signIn('zoe', password);
  assert.equal(session.getIdToken().decodePayload().email_verified, true);
  await assert.rejects(
    callback((cb) => userPool.signUp('zoe', password, [], null, cb)),
    (err) => err.code === 'UsernameExistsException',
  );
  await assert.rejects(
    callback((cb) => userPool.signUp('weak', 'short', [], null, cb)),
    (err) => err.code === 'InvalidPasswordException',
  );
});

test('forgotPassword → confirmPassword with the inbox code', async () => {
  const password = 'Forgot-Passw0rd!';
  await callback((cb) => userPool.signUp('yan', password, [attr('email', 'yan@example.com')], null, cb));
  const user = new CognitoUser({ Username: 'yan', Pool: userPool });
  const code = await lastCode(emulator.url, poolId, 'yan', 'SignUp');
  await callback((cb) => user.confirmRegistration(code, true, cb));

  const details = await new Promise((resolve, reject) =>
    user.forgotPassword({ onSuccess: resolve, onFailure: reject, inputVerificationCode: resolve }),
  );
  assert.equal(details.CodeDeliveryDetails.Destination, 'y***@e***');
  const resetCode = await lastCode(emulator.url, poolId, 'yan', 'ForgotPassword');
  await assert.rejects(
    new Promise((resolve, reject) => user.confirmPassword(wrongCode(resetCode), 'New-Passw0rd!', { onSuccess: resolve, onFailure: reject })),
  );
  const outcome = await new Promise((resolve, reject) =>
    user.confirmPassword(resetCode, 'New-Passw0rd!', { onSuccess: resolve, onFailure: reject }),
  );
  assert.equal(outcome, 'SUCCESS');
  await assert.rejects(signIn('yan', password), (err) => err.code === 'NotAuthorizedException');
  await signIn('yan', 'New-Passw0rd!');
});

test('changePassword, updateAttributes + verifyAttribute, deleteAttributes, globalSignOut', async () => {
  const password = 'Change-Passw0rd!';
  await callback((cb) => userPool.signUp('xia', password, [attr('email', 'xia@example.com'), attr('nickname', 'x')], null, cb));
  const signUpCode = await lastCode(emulator.url, poolId, 'xia', 'SignUp');
  await callback((cb) => new CognitoUser({ Username: 'xia', Pool: userPool }).confirmRegistration(signUpCode, true, cb));
  const { user } = await signIn('xia', password);

  await assert.rejects(
    callback((cb) => user.changePassword('Wrong-Passw0rd!', 'Changed-Passw0rd!', cb)),
    (err) => err.code === 'NotAuthorizedException',
  );
  assert.equal(await callback((cb) => user.changePassword(password, 'Changed-Passw0rd!', cb)), 'SUCCESS');

  await callback((cb) => user.updateAttributes([attr('email', 'xia@example.org')], cb));
  let attributes = await callback((cb) => user.getUserAttributes(cb));
  const value = (name) => attributes.find((a) => a.getName() === name)?.getValue();
  assert.equal(value('email'), 'xia@example.org');
  assert.equal(value('email_verified'), 'false');
  const messages = await inbox(emulator.url, poolId, 'xia');
  const last = messages[messages.length - 1];
  assert.equal(last.purpose, 'UpdateUserAttributes');
  assert.equal(last.destination, 'xia@example.org');
  await assert.rejects(
    new Promise((resolve, reject) => user.verifyAttribute('email', wrongCode(last.code), { onSuccess: resolve, onFailure: reject })),
    (err) => err.code === 'CodeMismatchException',
  );
  await new Promise((resolve, reject) => user.verifyAttribute('email', last.code, { onSuccess: resolve, onFailure: reject }));
  attributes = await callback((cb) => user.getUserAttributes(cb));
  assert.equal(value('email_verified'), 'true');

  await callback((cb) => user.deleteAttributes(['nickname'], cb));
  attributes = await callback((cb) => user.getUserAttributes(cb));
  assert.equal(value('nickname'), undefined);

  const { user: other, session: otherSession } = await signIn('xia', 'Changed-Passw0rd!');
  await new Promise((resolve, reject) => user.globalSignOut({ onSuccess: resolve, onFailure: reject }));
  await assert.rejects(
    cognito(emulator.endpoint, 'GetUser', { AccessToken: otherSession.getAccessToken().getJwtToken() }),
    (err) => err.type === 'NotAuthorizedException',
  );
  assert.ok(other);
});
