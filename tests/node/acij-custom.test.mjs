// Third-party check: amazon-cognito-identity-js 6.3.x runs CUSTOM_AUTH against the emulator's dev-only
// question/answer rounds (no Lambda), both without a password (initiateAuth) and with SRP first
// (authenticateUser with the CUSTOM_AUTH flow type, which sends CHALLENGE_NAME: SRP_A).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import acij from 'amazon-cognito-identity-js';

import { cognito, createPoolAndUser, startEmulator } from './helpers.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = acij;

let emulator;
let pool;
let userPool;

before(async () => {
  emulator = await startEmulator();
  pool = await createPoolAndUser(emulator.endpoint, { username: 'cass', name: 'acij-custom' });
  const { UserPoolClient } = await cognito(emulator.endpoint, 'CreateUserPoolClient', {
    UserPoolId: pool.poolId,
    ClientName: 'custom',
    ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  });
  const res = await fetch(`${emulator.url}/_emulator/custom-challenge?userPoolId=${pool.poolId}`, {
    method: 'PUT',
    body: JSON.stringify([
      { question: 'first pet?', answer: 'rex' },
      { question: 'home town?', answer: 'oslo' },
    ]),
  });
  assert.equal(res.status, 204);
  userPool = new CognitoUserPool({ UserPoolId: pool.poolId, ClientId: UserPoolClient.ClientId, endpoint: emulator.endpoint });
});

after(async () => {
  await emulator?.stop();
});

const ANSWERS = { 'first pet?': 'rex', 'home town?': 'oslo' };

function run(start, wrongFirst = false) {
  const user = new CognitoUser({ Username: 'cass', Pool: userPool });
  user.setAuthenticationFlowType('CUSTOM_AUTH');
  const questions = [];
  let wrongSent = !wrongFirst;
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (session) => resolve({ session, questions }),
      onFailure: reject,
      customChallenge: (params) => {
        questions.push(params.question);
        const answer = wrongSent ? ANSWERS[params.question] : 'wrong';
        wrongSent = true;
        user.sendCustomChallengeAnswer(answer, callbacks);
      },
    };
    start(user, callbacks);
  });
}

test('CUSTOM_AUTH without a password: initiateAuth, two rounds, a wrong answer asked again', async () => {
  const { session, questions } = await run(
    (user, callbacks) => user.initiateAuth(new AuthenticationDetails({ Username: 'cass' }), callbacks),
    true,
  );
  assert.deepEqual(questions, ['first pet?', 'first pet?', 'home town?']);
  assert.ok(session.isValid());
});

test('CUSTOM_AUTH with SRP first (CHALLENGE_NAME: SRP_A), then the rounds', async () => {
  const { session, questions } = await run((user, callbacks) =>
    user.authenticateUser(new AuthenticationDetails({ Username: 'cass', Password: pool.password }), callbacks),
  );
  assert.deepEqual(questions, ['first pet?', 'home town?']);
  assert.equal(session.getAccessToken().decodePayload().username, 'cass');
  await assert.rejects(
    run((user, callbacks) =>
      user.authenticateUser(new AuthenticationDetails({ Username: 'cass', Password: `${pool.password}x` }), callbacks),
    ),
    (err) => err.code === 'NotAuthorizedException',
  );
});
