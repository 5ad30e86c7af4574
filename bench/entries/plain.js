// Minimal app for the size comparison: sign in and refresh (the plain implementation keeps the tokens
// itself; it has no session object or storage).
import { refresh, signIn } from '../plain-srp.js';

const config = { endpoint: 'https://cognito-idp.us-east-1.amazonaws.com/', userPoolId: 'us-east-1_AbCdEf123', clientId: 'client' };
export async function run(username, password) {
  const tokens = await signIn({ ...config, username, password });
  return refresh({ ...config, refreshToken: tokens.RefreshToken });
}
