// The seed of the browser OAuth tests (oauth-managed-login, oauth-spa): one pool with a domain, the
// emulator's dev-only test OpenID provider as `TestIdP` (e-mail and name mapped), and one public app client
// allowed the code grant on `callbackURLs` / `logoutURLs`; and the emulator started with it as their domain.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from './helpers.mjs';

/**
 * Through a fixture's `start` (fixture.mjs): the emulator seeded with `oauthSeed(options)`, serving the hosted
 * page (www/) as managed login at /login.
 */
export async function startOAuthEmulator(start, options) {
  const seed = join(await start.dir('oauth-seed-'), 'seed.json');
  writeFileSync(seed, JSON.stringify(oauthSeed(options)));
  return start.emulator({ seed, extraArgs: ['--login-page', join(ROOT, 'www')] });
}

export function oauthSeed({ poolId, clientId, name, callbackURLs, logoutURLs, scopes = ['openid', 'email', 'profile'], users }) {
  return {
    pools: [{
      id: poolId,
      name,
      mfaConfiguration: 'OPTIONAL',
      domain: name,
      identityProviders: [{
        ProviderName: 'TestIdP',
        ProviderType: 'OIDC',
        ProviderDetails: {
          client_id: 'relying-party',
          authorize_scopes: 'openid email profile',
          oidc_issuer: 'http://localhost/_emulator/oidc',
          attributes_request_method: 'GET',
        },
        AttributeMapping: { email: 'email', email_verified: 'email_verified', name: 'name' },
      }],
      clients: [{
        id: clientId,
        name: 'spa',
        explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        allowedOAuthFlowsUserPoolClient: true,
        allowedOAuthFlows: ['code'],
        allowedOAuthScopes: scopes,
        callbackURLs,
        logoutURLs,
        supportedIdentityProviders: ['COGNITO', 'TestIdP'],
      }],
      users,
    }],
  };
}
