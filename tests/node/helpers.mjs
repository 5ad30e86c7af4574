// Shared helpers for the Node tests: start/stop the emulator, call its admin ops with plain fetch,
// create a pool + client + user, start scripts/serve.py, serve the test harness page.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { constants as osConstants } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The wasm-bindgen glue of `make pkg`'s modules as written, before pkg/ bundles it (scripts/build-pkg.sh). */
export const GLUE = join(ROOT, 'target', 'glue', 'pkg');
export const REGION = 'us-east-1';

export function emulatorBin() {
  const bin = process.env.COGNITO_EMULATOR_BIN || join(ROOT, 'target', 'debug', 'cognito-emulator');
  if (!existsSync(bin)) throw new Error(`${bin} is not built (run \`make emulator\`)`);
  return bin;
}

/**
 * The processes the tests started and have not stopped: killed when this process ends, however it ends. A test
 * runner stopping a run sends SIGTERM, whose default action ends node without running its 'exit' handlers, so
 * the signals are turned into an exit.
 */
const children = new Set();
process.on('exit', () => {
  for (const proc of children) proc.kill('SIGKILL');
});
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => process.exit(128 + osConstants.signals[signal]));

/** Has `proc` killed when this process ends, unless it has exited before. */
export function killOnExit(proc) {
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
}

/**
 * Spawn a process and wait until one of its stdout lines matches `pattern`.
 * Resolves { proc, match, stop }; `stop()` kills it and waits for the exit.
 */
function spawnUntil(cmd, args, pattern, what, timeoutMs = 30_000) {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(proc);
  const log = [];
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
  };
  proc.stderr.on('data', (d) => log.push(String(d)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${what}: no ready line within ${timeoutMs} ms:\n${log.join('')}`));
    }, timeoutMs);
    const rl = createInterface({ input: proc.stdout });
    rl.on('line', (line) => {
      log.push(line + '\n');
      const m = line.match(pattern);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, match: m, stop });
      }
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code ?? signal}) before it was ready:\n${log.join('')}`));
    });
    proc.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * Start the emulator on 127.0.0.1 with a free port (`extraArgs` appended to its command line). Returns
 * { url, endpoint, port, stop }.
 */
export async function startEmulator({ seed, extraArgs = [] } = {}) {
  const args = ['--host', '127.0.0.1', '--port', '0', '--region', REGION, ...extraArgs];
  if (seed) args.push('--seed', seed);
  const { match, stop } = await spawnUntil(
    emulatorBin(),
    args,
    /^cognito-emulator listening on (http:\/\/\S+?)\/?$/,
    'cognito-emulator',
  );
  const url = match[1];
  return { url, endpoint: `${url}/`, port: Number(new URL(url).port), stop };
}

/** Runs scripts/serve.py with `args` on a free 127.0.0.1 port; resolves { url, port, stop } once it listens. */
export async function startServePy(args) {
  const { match, stop } = await spawnUntil(
    'python3',
    [join(ROOT, 'scripts', 'serve.py'), '--port', '0', '--quiet', ...args],
    /^serving on (http:\/\/\S+?)\/?$/,
    'serve.py',
  );
  const url = match[1];
  return { url, port: Number(new URL(url).port), stop };
}

/** Has the node:http `server` listen on a free 127.0.0.1 port; resolves { url, port, stop }. */
export function listen(server) {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, port, stop: () => new Promise((r) => server.close(r)) });
    });
  });
}

/**
 * Serves tests/node/harness/ at / (index.html for /) and the built package (pkg/) at /pkg/, on 127.0.0.1
 * with a free port. Returns { url, port, stop }.
 */
export function serveHarness() {
  const harness = join(ROOT, 'tests', 'node', 'harness');
  const pkg = join(ROOT, 'pkg');
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const file = path.startsWith('/pkg/')
      ? join(pkg, normalize(path.slice(5)))
      : join(harness, path === '/' ? 'index.html' : normalize(path.slice(1)));
    if (!(file.startsWith(pkg) || file.startsWith(harness)) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': types[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  return listen(server);
}

/**
 * A page of the serveHarness site (`url`) in `context`, loaded and ready, whose uncaught errors are collected in
 * `page.problems`. `initScript` runs before the page's own scripts.
 */
export async function openHarnessPage(context, url, { initScript } = {}) {
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (err) => page.problems.push(`pageerror: ${err.message}`));
  if (initScript) await page.addInitScript(initScript);
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 20_000 });
  return page;
}

/** Call a Cognito operation on the emulator with plain fetch, as the AWS JSON 1.1 protocol does. */
export async function cognito(endpoint, op, body) {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `AWSCognitoIdentityProviderService.${op}`,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok) {
    const err = new Error(`${op}: ${res.status} ${json.__type}: ${json.message}`);
    err.type = String(json.__type || '').split('#').pop();
    throw err;
  }
  return json;
}

/** Create a pool, an app client without secret (SRP, password and refresh flows) and a confirmed user. */
export async function createPoolAndUser(endpoint, { username = 'alice', name = 'node-tests' } = {}) {
  const password = `Node-Te5t-${randomBytes(4).toString('hex')}!`;
  const { UserPool } = await cognito(endpoint, 'CreateUserPool', { PoolName: name });
  const { UserPoolClient } = await cognito(endpoint, 'CreateUserPoolClient', {
    UserPoolId: UserPool.Id,
    ClientName: `${name}-client`,
    GenerateSecret: false,
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  });
  await cognito(endpoint, 'AdminCreateUser', {
    UserPoolId: UserPool.Id,
    Username: username,
    MessageAction: 'SUPPRESS',
    UserAttributes: [
      { Name: 'email', Value: `${username}@example.com` },
      { Name: 'email_verified', Value: 'true' },
    ],
  });
  await cognito(endpoint, 'AdminSetUserPassword', {
    UserPoolId: UserPool.Id,
    Username: username,
    Password: password,
    Permanent: true,
  });
  return { poolId: UserPool.Id, clientId: UserPoolClient.ClientId, username, password };
}

export const issuerFor = (poolId) => `https://cognito-idp.${REGION}.amazonaws.com/${poolId}`;

/** The emulator's dev inbox for a user: [{ medium, destination, purpose, code, sentAt }], oldest first. */
export async function inbox(url, poolId, username) {
  const q = new URLSearchParams({ userPoolId: poolId, username });
  const res = await fetch(`${url}/_emulator/inbox?${q}`);
  if (!res.ok) throw new Error(`inbox: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The code of the newest inbox message with `purpose`. */
export async function lastCode(url, poolId, username, purpose) {
  const messages = await inbox(url, poolId, username);
  const message = messages.filter((m) => m.purpose === purpose).pop();
  if (!message) throw new Error(`no ${purpose} message for ${username}: ${JSON.stringify(messages)}`);
  return message.code;
}

/** Promise wrapper for node-style callbacks (amazon-cognito-identity-js's (err, result) APIs). */
export function callback(fn) {
  return new Promise((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result))));
}

/** RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) of a base32 secret at `seconds` (default: now). */
export async function totpCode(secretBase32, seconds = Math.floor(Date.now() / 1000)) {
  const { createHmac } = await import('node:crypto');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(seconds / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}
