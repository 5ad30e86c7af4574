// wasm-bindgen declares `[Symbol.dispose]()` on exported classes; make that type available to consumers
// whose `lib` setting predates it (TypeScript >= 5.2).
/// <reference lib="esnext.disposable" />
// An explicit list, so that wasm-bindgen's loader (`initSync`, `InitOutput` with its `any`-typed raw exports)
// stays private: the entry points instantiate the module themselves. tests/node/package.test.mjs checks that
// every public type of cognito_wasm.d.ts is listed.
export { CognitoClient } from './cognito_wasm.js';
export type {
  AuthEvent,
  AuthEventName,
  AuthFlowType,
  CallOptions,
  ClientMetadata,
  CodeDeliveryDetails,
  CognitoClientConfig,
  ConfirmResetPasswordInput,
  ConfirmSignInInput,
  ConfirmSignUpInput,
  ConfirmUserAttributeInput,
  CustomStorage,
  Device,
  FirstFactor,
  IdTokenClaims,
  MfaPreferenceOutput,
  MfaPreferenceValue,
  MfaType,
  ResetPasswordOutput,
  Session,
  SignInInput,
  SignInOutput,
  SignInStep,
  SignUpInput,
  SignUpOutput,
  StorageKind,
  TotpSetupDetails,
  UpdateMfaPreferenceInput,
  UpdatePasswordInput,
  UpdateUserAttributesInput,
  UpdateUserAttributesOutput,
  UsernameInput,
  VerifyTotpSetupInput,
} from './cognito_wasm.js';
export { CognitoError } from './errors.js';
