// Minimal app for the size comparison: sign in, get the session, refresh it.
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';

const pool = new CognitoUserPool({ UserPoolId: 'us-east-1_AbCdEf123', ClientId: 'client' });
export function run(username, password) {
  const user = new CognitoUser({ Username: username, Pool: pool });
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onFailure: reject,
      onSuccess: () =>
        user.getSession((err, session) => {
          if (err) return reject(err);
          user.refreshSession(session.getRefreshToken(), (e, s) => (e ? reject(e) : resolve(s)));
        }),
    });
  });
}
