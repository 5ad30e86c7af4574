// The package's public API. Hand-written: the JavaScript client (client.js) is, and wasm-bindgen's own
// declarations (cognito_wasm.d.ts) describe only the internal core.
/** Where the session is kept. Defaults to 'local' where localStorage exists, else 'memory'. */
export type StorageKind = 'memory' | 'local' | 'session';

/**
 * Storage of the app's own (IndexedDB, a native bridge, an encrypted store...). Each method may return a
 * value or a promise of it. Sessions kept in it are treated as shared with other tabs of the origin.
 */
export interface CustomStorage {
  getItem(key: string): string | null | undefined | Promise<string | null | undefined>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/** The last, optional argument of every call. */
export interface CallOptions {
  /** Abandons the call: it rejects with an error named 'AbortError' and its request is cancelled. */
  signal?: AbortSignal;
  /** Overrides the client's timeoutMs for this call's requests. */
  timeoutMs?: number;
}

export interface CognitoClientConfig {
  /** e.g. 'us-east-1_AbCdEf123' */
  userPoolId: string;
  /** The app client id. */
  clientId: string;
  /** Only for app clients created with a secret; sent as SECRET_HASH / ClientSecret. */
  clientSecret?: string;
  /**
   * Defaults to https://cognito-idp.{region}.amazonaws.com/ (the region is taken from userPoolId). Must be
   * https:, except http: on localhost, 127.x.x.x and [::1] (a local emulator).
   */
  endpoint?: string;
  storage?: StorageKind | CustomStorage;
  /**
   * Whether the pool tells "Bob" from "bob" (its UsernameConfiguration.CaseSensitive; Cognito's API default
   * is true). Remembered devices are kept per user under the name as the pool compares it. Default true.
   */
  caseSensitiveUsernames?: boolean;
  /** The issuer authenticator apps show for TOTP set up through this client. Default 'Cognito'. */
  totpIssuer?: string;
  /**
   * How tokens are refreshed. 'InitiateAuth' (default) uses REFRESH_TOKEN_AUTH; 'GetTokensFromRefreshToken'
   * is needed when the app client rotates refresh tokens (the new refresh token replaces the old one).
   */
  refreshMethod?: 'InitiateAuth' | 'GetTokensFromRefreshToken';
  /**
   * Retries of requests that failed with throttling, a server fault or a network error (never of
   * authentication errors), with exponential back-off and jitter. Default 3 attempts, 100 ms base delay.
   */
  retry?: { maxAttempts?: number; baseDelayMs?: number };
  /**
   * getSession refreshes tokens that expire within this many seconds (at most half their lifetime).
   * Default 60.
   */
  refreshMarginSeconds?: number;
  /**
   * Refresh the tokens shortly (a jittered few seconds) before the margin is reached, by a timer that pauses
   * while the page is hidden and catches up when it is shown. Default true.
   */
  autoRefresh?: boolean;
  /** A request with no complete reply after this long fails with 'TimeoutError' (and is retried). Default 30000. */
  timeoutMs?: number;
  /** The user-pool domain, for signInWithRedirect (managed login, federated identity providers). */
  oauth?: OAuthConfig;
}

/**
 * Signing in through the user-pool domain: the OAuth 2.0 authorization code grant with PKCE (S256). The app
 * client needs AllowedOAuthFlows ['code'], these scopes, and the redirect URLs on its CallbackURLs and
 * LogoutURLs.
 */
export interface OAuthConfig {
  /**
   * The user-pool domain: 'my-app.auth.eu-west-1.amazoncognito.com' (https:// is added), a custom domain, or
   * a full origin such as 'http://127.0.0.1:9229' (the emulator).
   */
  domain: string;
  /**
   * Where the domain sends the browser back (one of the client's CallbackURLs). Given several (as Amplify
   * takes them), the one on the page's origin is used, else the first.
   */
  redirectSignIn: string | string[];
  /** Where `signOut({ redirect: true })` ends up (one of the client's LogoutURLs). */
  redirectSignOut?: string | string[];
  /** Default ['openid', 'email']; must include 'openid' (the ID token and its nonce). */
  scopes?: string[];
  /** Only the code grant: tokens never travel in a URL. */
  responseType?: 'code';
}

export interface SignInWithRedirectInput {
  /**
   * An identity provider of the pool to go to straight away ('Google', 'SignInWithApple', an OIDC or SAML
   * provider's name); without it, managed login.
   */
  provider?: string;
  /** Kept in this tab while the browser is away; handed back by handleRedirect and the events. */
  customState?: string;
}

export interface HandleRedirectOutput {
  isSignedIn: true;
  customState?: string;
}

/** signOut's options: those of every call, and whether to end the user-pool domain's session too. */
export interface SignOutOptions extends CallOptions {
  /** Then go through the domain's /logout (which ends its session) back to oauth.redirectSignOut. */
  redirect?: boolean;
}

/**
 * USER_SRP_AUTH (default): the password never leaves the device. USER_PASSWORD_AUTH: it is sent over TLS.
 * CUSTOM_WITH_SRP / CUSTOM_WITHOUT_SRP: CUSTOM_AUTH, with or without proving the password first.
 * USER_AUTH: choice-based sign-in (password, e-mail or SMS one-time code), see preferredChallenge.
 */
export type AuthFlowType = 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | 'CUSTOM_WITH_SRP' | 'CUSTOM_WITHOUT_SRP' | 'USER_AUTH';
export type FirstFactor = 'PASSWORD' | 'PASSWORD_SRP' | 'EMAIL_OTP' | 'SMS_OTP';
export type MfaType = 'SMS' | 'TOTP' | 'EMAIL';
export type ClientMetadata = Record<string, string>;

export interface SignInInput {
  username: string;
  /** Required except for CUSTOM_WITHOUT_SRP and USER_AUTH with a code factor. */
  password?: string;
  /** Defaults to 'USER_SRP_AUTH'. */
  authFlowType?: AuthFlowType;
  /** USER_AUTH: start with this factor instead of asking which. */
  preferredChallenge?: FirstFactor;
  clientMetadata?: ClientMetadata;
}

export interface CodeDeliveryDetails {
  deliveryMedium?: 'SMS' | 'EMAIL' | string;
  /** Masked, e.g. '+*******1234' or 'a***@e***'. */
  destination?: string;
  attributeName?: string;
}

export interface TotpSetupDetails {
  /** Base32 secret, for typing into an authenticator app. */
  sharedSecret: string;
  /** otpauth:// URI, for a QR code. */
  setupUri: string;
}

export type SignInStep =
  | { signInStep: 'DONE' }
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_SMS_CODE'; codeDeliveryDetails: CodeDeliveryDetails }
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE'; codeDeliveryDetails: CodeDeliveryDetails }
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' }
  /** Answer with one of allowedMFATypes. */
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION'; allowedMFATypes: MfaType[] }
  /** Answer with the factor to set up: one of allowedMFATypes. */
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION'; allowedMFATypes: MfaType[] }
  /** Add the secret to an authenticator app, then answer with a code from it. */
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP'; totpSetupDetails: TotpSetupDetails }
  /** Answer with the e-mail address to send codes to. */
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP' }
  /** Answer with the new password, and options.userAttributes for missingAttributes. */
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED'; missingAttributes: string[] }
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE'; additionalInfo: Record<string, string> }
  /** USER_AUTH: answer with one of availableChallenges (WEB_AUTHN is listed but not supported yet). */
  | { signInStep: 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION'; availableChallenges: string[] }
  /** USER_AUTH: a password factor was chosen; answer with the password. */
  | { signInStep: 'CONFIRM_SIGN_IN_WITH_PASSWORD' }
  /** Call confirmSignUp with the code that was sent at sign-up. */
  | { signInStep: 'CONFIRM_SIGN_UP' }
  /** Call resetPassword. */
  | { signInStep: 'RESET_PASSWORD' }
  /** A challenge this version does not handle; the sign-in cannot continue. */
  | { signInStep: 'UNHANDLED_CHALLENGE'; challengeName: string; challengeParameters: Record<string, string> };

export type SignInOutput =
  | { isSignedIn: true; nextStep: { signInStep: 'DONE' } }
  | { isSignedIn: false; nextStep: Exclude<SignInStep, { signInStep: 'DONE' }> };

export interface ConfirmSignInInput {
  /** The code, new password, chosen MFA type, e-mail address or custom answer the current step asks for. */
  challengeResponse: string;
  options?: {
    userAttributes?: Record<string, string>;
    friendlyDeviceName?: string;
    clientMetadata?: ClientMetadata;
  };
}

/** Claims of the ID token (not verified: the tokens came from Cognito over TLS). */
export interface IdTokenClaims {
  sub: string;
  'cognito:username': string;
  aud: string;
  iss: string;
  exp: number;
  iat: number;
  auth_time: number;
  token_use: 'id';
  [claim: string]: unknown;
}

export interface Session {
  /** The name Cognito knows the user by (for alias sign-ins, not what was typed). */
  username: string;
  idToken: string;
  accessToken: string;
  refreshToken: string | null;
  /** When the earlier of the ID and access tokens expires, in device-clock milliseconds since the epoch. */
  expiresAt: number;
  /** Device clock minus Cognito's clock, in seconds, measured when the tokens arrived. */
  clockDrift: number;
  idTokenClaims: IdTokenClaims;
}

export interface SignUpInput {
  username: string;
  password: string;
  options?: {
    userAttributes?: Record<string, string>;
    validationData?: Record<string, string>;
    clientMetadata?: ClientMetadata;
  };
}

export interface SignUpOutput {
  isSignUpComplete: boolean;
  /** The new user's sub. */
  userId?: string;
  nextStep:
    | { signUpStep: 'DONE' }
    | { signUpStep: 'CONFIRM_SIGN_UP'; codeDeliveryDetails?: CodeDeliveryDetails };
}

export interface ConfirmSignUpInput {
  username: string;
  confirmationCode: string;
  options?: { clientMetadata?: ClientMetadata };
}

export interface UsernameInput {
  username: string;
  options?: { clientMetadata?: ClientMetadata };
}

export interface ResetPasswordOutput {
  isPasswordReset: false;
  nextStep: { resetPasswordStep: 'CONFIRM_RESET_PASSWORD_WITH_CODE'; codeDeliveryDetails?: CodeDeliveryDetails };
}

export interface ConfirmResetPasswordInput {
  username: string;
  confirmationCode: string;
  newPassword: string;
  options?: { clientMetadata?: ClientMetadata };
}

export interface UpdatePasswordInput {
  oldPassword: string;
  newPassword: string;
}

export interface UpdateUserAttributesInput {
  userAttributes: Record<string, string>;
  options?: { clientMetadata?: ClientMetadata };
}

export type UpdateUserAttributesOutput = Record<
  string,
  {
    isUpdated: boolean;
    nextStep:
      | { updateAttributeStep: 'DONE' }
      | { updateAttributeStep: 'CONFIRM_ATTRIBUTE_WITH_CODE'; codeDeliveryDetails: CodeDeliveryDetails };
  }
>;

export interface ConfirmUserAttributeInput {
  userAttributeKey: string;
  confirmationCode: string;
}

export type MfaPreferenceValue = 'ENABLED' | 'DISABLED' | 'PREFERRED' | 'NOT_PREFERRED';

export interface UpdateMfaPreferenceInput {
  sms?: MfaPreferenceValue;
  totp?: MfaPreferenceValue;
  email?: MfaPreferenceValue;
}

export interface MfaPreferenceOutput {
  enabled?: MfaType[];
  preferred?: MfaType;
}

/** A device Cognito tracks for the user. Dates are epoch milliseconds. */
export interface Device {
  id: string;
  name?: string;
  attributes: Record<string, string>;
  createDate?: number;
  lastModifiedDate?: number;
  lastAuthenticatedDate?: number;
}

export type AuthEventName =
  | 'signedIn'
  | 'signedOut'
  | 'tokenRefreshed'
  | 'tokenRefreshFailed'
  | 'sessionExpired'
  /** This tab only: the signInWithRedirect the page came back from signed in. */
  | 'signInWithRedirect'
  /** This tab only: it failed (UserCancelledException, OAuthStateMismatchException, InvalidGrantException...). */
  | 'signInWithRedirectFailure';

/** Events are fired in every tab (and worker) of the origin that shares the session. */
export interface AuthEvent {
  event: AuthEventName;
  username?: string;
  /** tokenRefreshFailed, sessionExpired, signInWithRedirectFailure: why. */
  error?: { name: string; message: string };
  /** signInWithRedirect, signInWithRedirectFailure: the sign-in's customState. */
  customState?: string;
}

export interface VerifyTotpSetupInput {
  code: string;
  options?: { friendlyDeviceName?: string };
}

/** A client for one user pool app client. Create one per app and share it. */
export declare class CognitoClient {
    /**
     * Sets the new password with the code from `resetPassword` (ConfirmForgotPassword).
     */
    confirmResetPassword(input: ConfirmResetPasswordInput, options?: CallOptions): Promise<void>;
    /**
     * Answers the step `signIn` (or the previous `confirmSignIn`) returned. After a wrong code the same
     * step can be answered again.
     */
    confirmSignIn(input: ConfirmSignInInput, options?: CallOptions): Promise<SignInOutput>;
    /**
     * Confirms a sign-up with the code that was sent (ConfirmSignUp).
     */
    confirmSignUp(input: ConfirmSignUpInput, options?: CallOptions): Promise<SignUpOutput>;
    /**
     * Verifies an attribute with its code (VerifyUserAttribute).
     */
    confirmUserAttribute(input: ConfirmUserAttributeInput, options?: CallOptions): Promise<void>;
    /**
     * Deletes attributes (DeleteUserAttributes).
     */
    deleteUserAttributes(input: { userAttributeKeys: string[] }, options?: CallOptions): Promise<void>;
    /**
     * Deletes the signed-in user (DeleteUser) and clears the session.
     */
    deleteUser(options?: CallOptions): Promise<void>;
    /**
     * The enabled and preferred MFA factors (from GetUser).
     */
    fetchMFAPreference(options?: CallOptions): Promise<MfaPreferenceOutput>;
    /**
     * The signed-in user's attributes (GetUser).
     */
    fetchUserAttributes(options?: CallOptions): Promise<Record<string, string>>;
    /**
     * Forgets a device (this one when none is given): Cognito stops tracking it (ForgetDevice).
     */
    forgetDevice(input: { device?: { id: string } } | undefined, options?: CallOptions): Promise<void>;
    /**
     * One device (this one when no id is given) (GetDevice).
     */
    getDevice(input: { device?: { id: string } } | undefined, options?: CallOptions): Promise<Device>;
    /**
     * The current session; refreshes it first when its tokens expire within the refresh margin. Rejects with
     * `UserUnAuthenticatedException` when nobody is signed in.
     */
    getSession(options?: CallOptions): Promise<Session>;
    /**
     * Signs the user out everywhere (GlobalSignOut): every refresh token is revoked, then the local
     * session is cleared.
     */
    globalSignOut(options?: CallOptions): Promise<void>;
    /**
     * The user's tracked devices (ListDevices).
     */
    listDevices(options?: CallOptions): Promise<Device[]>;
    constructor(config: CognitoClientConfig);
    /**
     * Calls `handler` on every `event` in this tab; returns a function that stops it.
     */
    on(event: AuthEventName, handler: (event: AuthEvent) => void): () => void;
    /**
     * Computes the SRP values of the next sign-in now (the costly `A = g^a mod N`), so that `signIn` sends its
     * first request at once. Call it when the sign-in form is shown; each preparation serves one sign-in.
     */
    prepareSignIn(options?: CallOptions): Promise<void>;
    /**
     * Refreshes the tokens now (REFRESH_TOKEN_AUTH), keeping the refresh token.
     */
    refreshSession(options?: CallOptions): Promise<Session>;
    /**
     * Marks this browser's device as remembered, so later sign-ins from it can skip MFA where the pool allows
     * (UpdateDeviceStatus).
     */
    rememberDevice(options?: CallOptions): Promise<void>;
    /**
     * Sends the sign-up code again (ResendConfirmationCode).
     */
    resendSignUpCode(input: UsernameInput, options?: CallOptions): Promise<CodeDeliveryDetails>;
    /**
     * Starts a password reset: Cognito sends a code (ForgotPassword).
     */
    resetPassword(input: UsernameInput, options?: CallOptions): Promise<ResetPasswordOutput>;
    /**
     * Sends a verification code for an attribute (GetUserAttributeVerificationCode).
     */
    sendUserAttributeVerificationCode(input: { userAttributeKey: string; options?: { clientMetadata?: ClientMetadata } }, options?: CallOptions): Promise<CodeDeliveryDetails>;
    /**
     * Starts TOTP setup for the signed-in user (AssociateSoftwareToken).
     */
    setUpTOTP(options?: CallOptions): Promise<TotpSetupDetails>;
    /**
     * Signs in with USER_SRP_AUTH (default) or USER_PASSWORD_AUTH. Resolves with the next step: DONE
     * (the session is stored), or a challenge to answer with `confirmSignIn`.
     */
    signIn(input: SignInInput, options?: CallOptions): Promise<SignInOutput>;
    /**
     * Forgets the session on this device and revokes its refresh token. The local sign-out always
     * happens; a failed revocation (e.g. offline) is not reported.
     */
    signOut(options?: SignOutOptions): Promise<void>;
    /**
     * Goes to the user-pool domain (managed login, or `provider` straight away) with an authorization
     * request (PKCE S256, state, nonce; kept in sessionStorage). The browser comes back to
     * oauth.redirectSignIn, where the client completes the sign-in by itself (see handleRedirect).
     */
    signInWithRedirect(input?: SignInWithRedirectInput, options?: CallOptions): Promise<void>;
    /**
     * Completes signInWithRedirect on the page the domain sent the browser back to: checks the state,
     * exchanges the code at /oauth2/token with the PKCE verifier, checks the ID token's nonce and stores
     * the session; the code and state are taken out of the address bar. The client starts this by itself
     * when it is constructed on such a page; this returns the same work. Resolves with undefined when the
     * page is not the callback of a pending sign-in. Rejects with UserCancelledException (error=access_denied),
     * OAuthStateMismatchException, InvalidGrantException (a code used, expired or bound to another verifier),
     * NonceMismatchException or OAuthException (another error from the domain).
     */
    handleRedirect(options?: CallOptions): Promise<HandleRedirectOutput | undefined>;
    /**
     * Registers a new user (SignUp).
     */
    signUp(input: SignUpInput, options?: CallOptions): Promise<SignUpOutput>;
    /**
     * Enables, disables or prefers MFA factors (SetUserMFAPreference).
     */
    updateMFAPreference(input: UpdateMfaPreferenceInput, options?: CallOptions): Promise<void>;
    /**
     * Changes the signed-in user's password (ChangePassword).
     */
    updatePassword(input: UpdatePasswordInput, options?: CallOptions): Promise<void>;
    /**
     * Updates attributes; those that need verification (e-mail, phone) get a code (UpdateUserAttributes).
     */
    updateUserAttributes(input: UpdateUserAttributesInput, options?: CallOptions): Promise<UpdateUserAttributesOutput>;
    /**
     * Finishes TOTP setup with a code from the app (VerifySoftwareToken).
     */
    verifyTOTPSetup(input: VerifyTotpSetupInput, options?: CallOptions): Promise<void>;
}

export { CognitoError } from './errors.js';
