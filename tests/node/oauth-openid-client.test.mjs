// Third-party check of the emulator's OAuth 2.0 endpoints: openid-client (OpenID-certified, which nobody
// here wrote) discovers the pool, runs the authorization code grant with PKCE, reads userInfo, refreshes
// and revokes; jose verifies the ID token (signature, iss, aud, exp) and its nonce. The managed-login
// step is driven with plain HTTP: sign in with the user-pool API, then the hand-over POST /login.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';

import { cognito, createPoolAndUser, issuerFor, startEmulator } from './helpers.mjs';

const CALLBACK = 'http://localhost:3000/callback';

let emulator;
let pool;
let config;

before(async () => {
  emulator = await startEmulator();
  pool = await createPoolAndUser(emulator.endpoint, { name: 'oidc' });
  await cognito(emulator.endpoint, 'CreateUserPoolDomain', { UserPoolId: pool.poolId, Domain: 'oidc-test' });
  await cognito(emulator.endpoint, 'UpdateUserPoolClient', {
    UserPoolId: pool.poolId,
    ClientId: pool.clientId,
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: ['openid', 'email', 'profile'],
    CallbackURLs: [CALLBACK],
    SupportedIdentityProviders: ['COGNITO'],
  });
  // The discovery document's URL itself: its issuer is Cognito's, not the emulator's address.
  config = await oidc.discovery(
    new URL(`${emulator.url}/${pool.poolId}/.well-known/openid-configuration`),
    pool.clientId,
    undefined,
    oidc.None(),
    { execute: [oidc.allowInsecureRequests] },
  );
});

after(async () => {
  await emulator?.stop();
});

/** A new authorization request with PKCE: its URL and what the app keeps to finish it. */
async function authorizationRequest(scope, { withNonce = true } = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = withNonce ? oidc.randomNonce() : undefined;
  const state = oidc.randomState();
  const parameters = {
    redirect_uri: CALLBACK,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  };
  if (nonce) parameters.nonce = nonce;
  return { url: oidc.buildAuthorizationUrl(config, parameters), verifier, nonce, state };
}

/** What the managed-login page does: follow /oauth2/authorize, sign in, hand the sign-in over. */
async function signInThroughManagedLogin(authorizationUrl) {
  const started = await fetch(authorizationUrl, { redirect: 'manual' });
  assert.equal(started.status, 302);
  assert.match(started.headers.get('location'), /^\/login\?/);
  const cookie = started.headers.get('set-cookie').split(';')[0];
  const { AuthenticationResult } = await cognito(emulator.endpoint, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: pool.clientId,
    AuthParameters: { USERNAME: pool.username, PASSWORD: pool.password },
  });
  const handedOver = await fetch(`${emulator.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie, Origin: emulator.url },
    body: new URLSearchParams({ access_token: AuthenticationResult.AccessToken }),
  });
  assert.equal(handedOver.status, 303);
  return new URL(handedOver.headers.get('location'));
}

test('openid-client: discovery, code + PKCE, userInfo, refresh, revocation; jose verifies the ID token', async () => {
  const metadata = config.serverMetadata();
  assert.equal(metadata.issuer, issuerFor(pool.poolId));
  assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);

  const { url, verifier, nonce, state } = await authorizationRequest('openid email profile');
  const callbackUrl = await signInThroughManagedLogin(url);
  const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: verifier,
    expectedNonce: nonce,
    expectedState: state,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  assert.equal(claims.nonce, nonce);
  assert.equal(claims.email, `${pool.username}@example.com`);

  const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri));
  const { payload } = await jwtVerify(tokens.id_token, jwks, {
    issuer: issuerFor(pool.poolId),
    audience: pool.clientId,
    requiredClaims: ['exp', 'nonce'],
  });
  assert.equal(payload.nonce, nonce);
  assert.ok(payload.exp > Date.now() / 1000);

  const userInfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(userInfo.email, `${pool.username}@example.com`);
  assert.equal(userInfo.username, pool.username);

  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
  assert.ok(refreshed.access_token && refreshed.access_token !== tokens.access_token);
  await jwtVerify(refreshed.id_token, jwks, { issuer: issuerFor(pool.poolId), audience: pool.clientId });

  await oidc.tokenRevocation(config, tokens.refresh_token);
  await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token), (error) => {
    assert.equal(error.error, 'invalid_grant');
    return true;
  });
});

test('openid-client: a replayed code and a wrong verifier are refused with invalid_grant', async () => {
  const { url, verifier, state } = await authorizationRequest('openid', { withNonce: false });
  const callbackUrl = await signInThroughManagedLogin(url);
  const wrong = oidc.randomPKCECodeVerifier();
  await assert.rejects(
    oidc.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: wrong, expectedState: state }),
    (error) => error.error === 'invalid_grant',
  );
  // The failed attempt used the code up.
  await assert.rejects(
    oidc.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: verifier, expectedState: state }),
    (error) => error.error === 'invalid_grant',
  );
});
