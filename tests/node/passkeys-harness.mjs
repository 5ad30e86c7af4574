// What the passkey tests share: a pool allowing passkeys for a relying party with a signed-in user, and a
// browser context whose page has Chromium's virtual authenticator (the DevTools Protocol's WebAuthn domain,
// through playwright-core's CDP session). Pages must be browsed as http://localhost:PORT: WebAuthn takes
// `localhost` as a relying party id, never an IP address.
import { cognito, createPoolAndUser } from './helpers.mjs';

/** A pool allowing passkeys for `rpId`, a USER_AUTH client, a confirmed user and an access token of theirs. */
export async function passkeyPool(endpoint, { rpId = 'localhost', userVerification = 'preferred', name = 'passkeys' } = {}) {
  const user = await createPoolAndUser(endpoint, { name });
  await cognito(endpoint, 'UpdateUserPool', {
    UserPoolId: user.poolId,
    Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'WEB_AUTHN'] } },
  });
  await cognito(endpoint, 'SetUserPoolMfaConfig', {
    UserPoolId: user.poolId,
    MfaConfiguration: 'OFF',
    WebAuthnConfiguration: { RelyingPartyId: rpId, UserVerification: userVerification },
  });
  const { UserPoolClient } = await cognito(endpoint, 'UpdateUserPoolClient', {
    UserPoolId: user.poolId,
    ClientId: user.clientId,
    ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  });
  const { AuthenticationResult } = await cognito(endpoint, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: UserPoolClient.ClientId,
    AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
  });
  return { ...user, accessToken: AuthenticationResult.AccessToken };
}

export const AUTHENTICATOR = Object.freeze({
  protocol: 'ctap2',
  transport: 'internal',
  hasResidentKey: true,
  hasUserVerification: true,
  isUserVerified: true,
  automaticPresenceSimulation: true,
});

/**
 * A new context of `browser` with a page at `url` (waited for with `ready`, a page function) and a virtual
 * platform authenticator (AUTHENTICATOR with `authenticator` over it). `addAuthenticator` adds another one.
 */
export async function authenticatorPage(browser, url, { authenticator = {}, ready, initScript } = {}) {
  const context = await browser.newContext();
  const tab = await context.newPage();
  if (initScript) await tab.addInitScript(initScript);
  const cdp = await context.newCDPSession(tab);
  await cdp.send('WebAuthn.enable');
  const addAuthenticator = async (options = {}) =>
    (await cdp.send('WebAuthn.addVirtualAuthenticator', { options: { ...AUTHENTICATOR, ...authenticator, ...options } }))
      .authenticatorId;
  const authenticatorId = await addAuthenticator();
  await tab.goto(url);
  if (ready) await tab.waitForFunction(ready);
  return { tab, cdp, authenticatorId, addAuthenticator, close: () => context.close() };
}

/** The emulator's request counts since they were last cleared, `{operation: total}`. */
export async function callCounts(emulatorUrl) {
  const counted = await (await fetch(`${emulatorUrl}/_emulator/calls`)).json();
  return Object.fromEntries(Object.entries(counted).map(([op, c]) => [op, c.total]));
}

export const clearCalls = (emulatorUrl) => fetch(`${emulatorUrl}/_emulator/calls`, { method: 'DELETE' });
