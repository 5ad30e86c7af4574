// The hosted page's readable message for each Cognito error it may meet (www/messages.js, a plain module
// Node can import). The browser tests see several of these on screen; this covers the ones the emulator
// cannot be made to give on demand (expired codes, limits, disabled users).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { ROOT } from './helpers.mjs';

const { describeError, fieldsFor } = await import(pathToFileURL(join(ROOT, 'www', 'messages.js')).href);
const error = (name, message) => Object.assign(new Error(message), { name });

test('each Cognito error a person may cause reads as plain words, with Cognito\'s own words kept as detail', () => {
  const cases = [
    ['NotAuthorizedException', 'Incorrect username or password.', 'The username or password is wrong.'],
    ['UserNotFoundException', 'User does not exist.', 'The username or password is wrong.'],
    ['NotAuthorizedException', 'User is disabled.', 'This account is disabled. Contact your administrator.'],
    ['NotAuthorizedException', 'Password attempts exceeded', 'Too many wrong passwords. Wait a while and try again.'],
    ['NotAuthorizedException', 'Invalid session for the user, session is expired.', 'This sign-in took too long. Please start again.'],
    ['NotAuthorizedException', 'Refresh Token has been revoked', 'Your session has ended. Please sign in again.'],
    ['UserNotConfirmedException', 'User is not confirmed.', 'This account is not confirmed yet. Enter the code that was sent to you.'],
    ['CodeMismatchException', 'Invalid verification code provided, please try again.', 'That code is not right. Check it and try again.'],
    ['ExpiredCodeException', 'Invalid code provided, please request a code again.', 'That code has expired. Ask for a new one.'],
    ['LimitExceededException', 'Attempt limit exceeded, please try after some time.', 'Too many attempts. Wait a few minutes and try again.'],
    ['TooManyFailedAttemptsException', 'Too many failed attempts.', 'Too many wrong attempts. Wait a few minutes and try again.'],
    ['UsernameExistsException', 'User already exists', 'That username is taken. Choose another, or sign in.'],
    ['NetworkError', 'Failed to fetch', 'The sign-in service cannot be reached. Check your connection and try again.'],
    [
      'InvalidPasswordException',
      'Password did not conform with policy: Password must have symbol characters',
      'That password does not meet the rules. Password must have symbol characters.',
    ],
  ];
  for (const [name, message, text] of cases) {
    assert.deepEqual(describeError(error(name, message)), { text, detail: `${name}: ${message}` }, name);
  }
});

test('an error it has no words for shows Cognito\'s message', () => {
  const err = error('InvalidParameterException', 'Cannot reset password for the user as there is no registered/verified email or phone_number');
  assert.equal(describeError(err).text, err.message);
});

test('a name that is a built-in property (constructor, __proto__, toString) finds no words and no fields', () => {
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
    const err = error(name, 'what the server said');
    assert.deepEqual(describeError(err), { text: 'what the server said', detail: `${name}: what the server said` }, name);
    assert.deepEqual(fieldsFor(err), [], name);
  }
  assert.deepEqual(fieldsFor(error('CodeMismatchException', '')), ['code']);
});
