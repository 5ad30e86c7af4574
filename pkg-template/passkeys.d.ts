// Types of `cognito-wasm/passkeys`: WebAuthn for Cognito's JSON (see passkeys.js).

/** `CognitoError#name` of a passkey ceremony that failed in the browser. */
export declare const PasskeyErrors: Readonly<{
  /** The user dismissed the dialog, or it timed out (NotAllowedError). */
  CANCELLED: 'PasskeyCancelled';
  /** No WebAuthn in this browser, or not a secure context. */
  NOT_SUPPORTED: 'PasskeyNotSupported';
  /** The page's origin may not use the pool's relying party id (SecurityError). */
  RELYING_PARTY_MISMATCH: 'PasskeyRelyingPartyMismatch';
  /** This authenticator already holds a passkey of the user (InvalidStateError). */
  ALREADY_REGISTERED: 'PasskeyAlreadyRegistered';
  /** Any other failure. */
  FAILED: 'PasskeyFailed';
}>;

interface CredentialDescriptorJSON {
  type: 'public-key';
  id: string;
  transports?: string[];
}

/** StartWebAuthnRegistration's `CredentialCreationOptions`. */
export interface CreationOptionsJSON {
  challenge: string;
  rp: { id: string; name: string };
  user: { id: string; name: string; displayName: string };
  pubKeyCredParams: { type: 'public-key'; alg: number }[];
  timeout?: number;
  excludeCredentials?: CredentialDescriptorJSON[];
  authenticatorSelection?: {
    requireResidentKey?: boolean;
    residentKey?: 'required' | 'preferred' | 'discouraged';
    userVerification?: 'required' | 'preferred' | 'discouraged';
  };
}

/** The WEB_AUTHN challenge's `CREDENTIAL_REQUEST_OPTIONS`, parsed. */
export interface RequestOptionsJSON {
  challenge: string;
  rpId?: string;
  timeout?: number;
  allowCredentials?: CredentialDescriptorJSON[];
  userVerification?: 'required' | 'preferred' | 'discouraged';
}

interface PublicKeyCredentialJSON<Response> {
  id: string;
  rawId: string;
  type: string;
  authenticatorAttachment?: string;
  clientExtensionResults: Record<string, unknown>;
  response: Response;
}

/** What CompleteWebAuthnRegistration takes as `Credential`. */
export type RegistrationResponseJSON = PublicKeyCredentialJSON<{
  clientDataJSON: string;
  attestationObject: string;
  transports: string[];
  authenticatorData?: string;
  publicKey?: string;
  publicKeyAlgorithm?: number;
}>;

/** What the WEB_AUTHN answer's `CREDENTIAL` holds (as JSON text). */
export type AuthenticationResponseJSON = PublicKeyCredentialJSON<{
  clientDataJSON: string;
  authenticatorData: string;
  signature: string;
  userHandle?: string;
}>;

export declare function fromBase64Url(text: string): ArrayBuffer;
export declare function toBase64Url(buffer: ArrayBuffer | ArrayBufferView): string;
export declare function creationOptionsFromJSON(json: CreationOptionsJSON): PublicKeyCredentialCreationOptions;
export declare function requestOptionsFromJSON(json: RequestOptionsJSON): PublicKeyCredentialRequestOptions;
export declare function registrationToJSON(credential: PublicKeyCredential): RegistrationResponseJSON;
export declare function assertionToJSON(credential: PublicKeyCredential): AuthenticationResponseJSON;
/** The browser's DOMException as a CognitoError named after PasskeyErrors; the DOMException is its `cause`. */
export declare function passkeyError(error: unknown): import('./errors.js').CognitoError;
/** navigator.credentials.create() for Cognito's options; rejects with a CognitoError named after PasskeyErrors. */
export declare function createPasskey(
  options: CreationOptionsJSON,
  init?: { signal?: AbortSignal },
): Promise<RegistrationResponseJSON>;
/** navigator.credentials.get() for Cognito's options; `mediation: 'conditional'` for autofill. */
export declare function getPasskey(
  options: RequestOptionsJSON,
  init?: { mediation?: CredentialMediationRequirement; signal?: AbortSignal },
): Promise<AuthenticationResponseJSON>;
export declare function isConditionalMediationAvailable(): Promise<boolean>;
