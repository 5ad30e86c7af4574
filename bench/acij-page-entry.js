// What the bench page needs from amazon-cognito-identity-js (bundled by esbuild for the browser).
export { AuthenticationDetails, AuthenticationHelper, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
export { Sha256 } from '@aws-crypto/sha256-js';
export { Buffer } from 'buffer';
export { default as BigInteger } from 'amazon-cognito-identity-js/es/BigInteger';
