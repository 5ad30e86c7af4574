// Minimal app for the size comparison: sign in, get the session, refresh it.
import { CognitoClient } from '../../target/bench/pkg/index.js';

const client = new CognitoClient({ userPoolId: 'us-east-1_AbCdEf123', clientId: 'client' });
export async function run(username, password) {
  await client.signIn({ username, password });
  await client.getSession();
  return client.refreshSession();
}
