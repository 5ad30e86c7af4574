// Third-party check: amazon-cognito-identity-js (6.3.x, which nobody here wrote) signs in to the emulator
// with SRP, is refused with a wrong password, refreshes; jose verifies the tokens against the JWKS.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import acij from 'amazon-cognito-identity-js';
import { createRemoteJWKSet, jwtVerify } from 'jose';

import { createPoolAndUser, issuerFor, startEmulator } from './helpers.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = acij;

let emulator;
let pool;
let userPool;
let jwks;

before(async () => {
  emulator = await startEmulator();
  pool = await createPoolAndUser(emulator.endpoint, { name: 'acij' });
  userPool = new CognitoUserPool({ UserPoolId: pool.poolId, ClientId: pool.clientId, endpoint: emulator.endpoint });
  jwks = createRemoteJWKSet(new URL(`${emulator.url}/${pool.poolId}/.well-known/jwks.json`));
});

after(async () => {
  await emulator?.stop();
});

function signIn(username, password, flow) {
  const user = new CognitoUser({ Username: username, Pool: userPool });
  if (flow) user.setAuthenticationFlowType(flow);
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: (session) => resolve({ user, session }),
      onFailure: reject,
      newPasswordRequired: () => reject(new Error('unexpected NEW_PASSWORD_REQUIRED')),
      mfaRequired: () => reject(new Error('unexpected SMS_MFA')),
      totpRequired: () => reject(new Error('unexpected SOFTWARE_TOKEN_MFA')),
      customChallenge: () => reject(new Error('unexpected CUSTOM_CHALLENGE')),
    });
  });
}

async function verifyTokens(session) {
  const id = await jwtVerify(session.getIdToken().getJwtToken(), jwks, {
    issuer: issuerFor(pool.poolId),
    audience: pool.clientId,
    algorithms: ['RS256'],
  });
  assert.equal(id.payload.token_use, 'id');
  assert.equal(id.payload['cognito:username'], pool.username);
  assert.equal(id.payload.email, `${pool.username}@example.com`);

  const access = await jwtVerify(session.getAccessToken().getJwtToken(), jwks, {
    issuer: issuerFor(pool.poolId),
    algorithms: ['RS256'],
  });
  assert.equal(access.payload.token_use, 'access');
  assert.equal(access.payload.client_id, pool.clientId);
  assert.equal(access.payload.username, pool.username);
  assert.equal(access.payload.aud, undefined, 'Cognito access tokens carry client_id, not aud');
  assert.equal(access.payload.sub, id.payload.sub);
  return { id: id.payload, access: access.payload };
}

test('SRP sign-in (USER_SRP_AUTH, the default flow) succeeds and the tokens verify against the JWKS', async () => {
  const { session } = await signIn(pool.username, pool.password);
  assert.ok(session.isValid());
  assert.ok(session.getRefreshToken().getToken());
  await verifyTokens(session);
});

test('wrong password is refused with NotAuthorizedException', async () => {
  await assert.rejects(signIn(pool.username, `${pool.password}x`), (err) => {
    assert.equal(err.code, 'NotAuthorizedException');
    assert.equal(err.message, 'Incorrect username or password.');
    return true;
  });
});

test('USER_PASSWORD_AUTH sign-in succeeds', async () => {
  const { session } = await signIn(pool.username, pool.password, 'USER_PASSWORD_AUTH');
  await verifyTokens(session);
});

test('refreshSession returns new tokens that verify', async () => {
  const { user, session } = await signIn(pool.username, pool.password);
  const before = await verifyTokens(session);
  // A refresh within the same second could legitimately produce the same iat; wait so jti/iat differ.
  await new Promise((r) => setTimeout(r, 1100));
  const refreshed = await new Promise((resolve, reject) =>
    user.refreshSession(session.getRefreshToken(), (err, s) => (err ? reject(err) : resolve(s))),
  );
  assert.notEqual(refreshed.getAccessToken().getJwtToken(), session.getAccessToken().getJwtToken());
  // No new refresh token comes back; the library keeps the old one.
  assert.equal(refreshed.getRefreshToken().getToken(), session.getRefreshToken().getToken());
  const after = await verifyTokens(refreshed);
  assert.equal(after.id.sub, before.id.sub);
  assert.ok(after.access.iat > before.access.iat);
});

test('getUserAttributes (GetUser with the access token) returns the user', async () => {
  const { user } = await signIn(pool.username, pool.password);
  const attrs = await new Promise((resolve, reject) =>
    user.getUserAttributes((err, a) => (err ? reject(err) : resolve(a))),
  );
  const email = attrs.find((a) => a.getName() === 'email');
  assert.equal(email?.getValue(), `${pool.username}@example.com`);
});
