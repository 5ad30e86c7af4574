// A plain JavaScript BigInt implementation of Cognito's SRP client, written for the benchmark (no library):
// right-to-left square-and-multiply modPow on the engine's BigInt, SHA-256 / HMAC / HKDF from WebCrypto.
// The same formulas as src/srp (see /work/shared/cognito/SRP.md); `make bench` checks that it produces the
// same PASSWORD_CLAIM_SIGNATURE as cognito-wasm for the same secret.

export const N = BigInt(
  '0xffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404dd' +
    'ef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed' +
    'ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f' +
    '83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b' +
    'e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa0510' +
    '15728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7' +
    'abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864d87602733ec86a64521f2b18177b200c' +
    'bbe117577a615d6c770988c0bad946e208e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff',
);
const G = 2n;
// k = H(padHex(N) ‖ padHex(g)) (SRP.md §1).
const K = 0x538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6n;
const enc = new TextEncoder();

export function modPow(base, exp, mod) {
  let result = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % mod;
    exp >>= 1n;
    base = (base * base) % mod;
  }
  return result;
}

const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
const toBigInt = (bytes) => BigInt('0x' + (toHex(bytes) || '0'));

/** Java BigInteger.toByteArray() of a non-negative number (padHex). */
function padHex(n) {
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  else if (/^[89a-f]/.test(hex)) hex = '00' + hex;
  return fromHex(hex);
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
async function hmac(key, data) {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, data));
}

/** A fresh client ephemeral: `secretBytes` random bytes (128 like amazon-cognito-identity-js, by default). */
export function generateA(secretBytes = 128, secret = crypto.getRandomValues(new Uint8Array(secretBytes))) {
  const a = toBigInt(secret);
  return { a, A: modPow(G, a, N) };
}

export const srpAHex = (eph) => eph.A.toString(16);

/** PASSWORD_CLAIM_SIGNATURE for a PASSWORD_VERIFIER challenge. */
export async function passwordClaim(eph, poolName, userId, password, srpB, salt, secretBlock, timestamp) {
  const B = BigInt('0x' + srpB);
  if (B % N === 0n) throw new Error('B cannot be zero');
  const u = toBigInt(await sha256(concat(padHex(eph.A), padHex(B))));
  if (u === 0n) throw new Error('u cannot be zero');
  const inner = await sha256(enc.encode(`${poolName}${userId}:${password}`));
  const x = toBigInt(await sha256(concat(padHex(BigInt('0x' + salt)), inner)));
  const base = (((B - K * modPow(G, x, N)) % N) + N) % N;
  const S = modPow(base, eph.a + u * x, N);
  const prk = await hmac(padHex(u), padHex(S));
  const key = (await hmac(prk, concat(enc.encode('Caldera Derived Key'), Uint8Array.of(1)))).slice(0, 16);
  const block = Uint8Array.from(atob(secretBlock), (c) => c.charCodeAt(0));
  const sig = await hmac(key, concat(enc.encode(poolName), enc.encode(userId), block, enc.encode(timestamp)));
  return btoa(String.fromCharCode(...sig));
}

/** Cognito's TIMESTAMP ("Tue Nov 5 09:03:07 UTC 2026"), as amazon-cognito-identity-js's DateHelper makes it. */
export function timestamp(date = new Date()) {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n) => String(n).padStart(2, '0');
  return (
    `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${date.getUTCDate()} ` +
    `${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`
  );
}

async function call(endpoint, op, body) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSCognitoIdentityProviderService.${op}`,
    },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${op}: ${json.__type}: ${json.message}`);
  return json;
}

/** USER_SRP_AUTH sign-in: InitiateAuth, then RespondToAuthChallenge(PASSWORD_VERIFIER). Returns the tokens. */
export async function signIn({ endpoint, userPoolId, clientId, username, password, secretBytes = 128 }) {
  const eph = generateA(secretBytes);
  const init = await call(endpoint, 'InitiateAuth', {
    AuthFlow: 'USER_SRP_AUTH',
    ClientId: clientId,
    AuthParameters: { USERNAME: username, SRP_A: srpAHex(eph) },
  });
  const p = init.ChallengeParameters;
  const ts = timestamp();
  const poolName = userPoolId.split('_')[1];
  const signature = await passwordClaim(eph, poolName, p.USER_ID_FOR_SRP, password, p.SRP_B, p.SALT, p.SECRET_BLOCK, ts);
  const done = await call(endpoint, 'RespondToAuthChallenge', {
    ChallengeName: 'PASSWORD_VERIFIER',
    ClientId: clientId,
    Session: init.Session,
    ChallengeResponses: {
      USERNAME: p.USER_ID_FOR_SRP,
      PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK,
      TIMESTAMP: ts,
      PASSWORD_CLAIM_SIGNATURE: signature,
    },
  });
  return done.AuthenticationResult;
}

/** REFRESH_TOKEN_AUTH. */
export async function refresh({ endpoint, clientId, refreshToken }) {
  const r = await call(endpoint, 'InitiateAuth', {
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    ClientId: clientId,
    AuthParameters: { REFRESH_TOKEN: refreshToken },
  });
  return r.AuthenticationResult;
}
