// `make bench`: one headless Chromium session, one page, the same SRP work with cognito-wasm,
// amazon-cognito-identity-js and a plain JS BigInt implementation; then bundle sizes. Writes
// target/bench/results.{json,md} and prints the table and the ratios. Expects scripts/bench.sh to have built
// pkg/ and target/bench/pkg-bench/ (the `bench`-feature build of the same wasm).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename, extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { build as viteBuild } from 'vite';

import { createPoolAndUser, ROOT, startEmulator } from '../tests/node/helpers.mjs';
import { N } from './plain-srp.js';

const OUT = join(ROOT, 'target', 'bench');
mkdirSync(OUT, { recursive: true });

const LIBS = {
  ours: 'cognito-wasm',
  acij: 'amazon-cognito-identity-js',
  plain: 'plain JS BigInt (1024-bit a)',
  plain256: 'plain JS BigInt (256-bit a)',
};

// ---- bundles: the page's copy of amazon-cognito-identity-js, and the size-comparison apps ----------------
const browserBuild = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'error', define: { global: 'globalThis' } };
await esbuild.build({ ...browserBuild, entryPoints: [join(ROOT, 'bench', 'acij-page-entry.js')], outfile: join(OUT, 'acij-page.js') });

const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const size = (paths) => {
  const bufs = paths.map((p) => readFileSync(p));
  return { raw: bufs.reduce((n, b) => n + b.length, 0), gzip: bufs.reduce((n, b) => n + gz(b), 0) };
};
async function bundleSize(entry, name) {
  const outfile = join(OUT, 'bundles', `${name}.min.js`);
  await esbuild.build({ ...browserBuild, entryPoints: [join(ROOT, 'bench', 'entries', entry)], outfile, minify: true });
  return size([outfile]);
}
const pkg = (f) => join(OUT, 'pkg', f);
const sizes = {
  [LIBS.ours]: {
    // The modules an app that signs in, gets its session and refreshes loads: not the account module.
    wasm: size(['session', 'refresh', 'sign_in'].map((part) => pkg(`cognito_wasm_${part}_bg.wasm`))),
    glue: size(readdirSync(join(OUT, 'pkg')).filter((f) => f.endsWith('.js') && f !== 'node.js').map(pkg)),
    bundle: await bundleSize('cognito-wasm.js', 'cognito-wasm'),
  },
  [LIBS.acij]: { bundle: await bundleSize('acij.js', 'amazon-cognito-identity-js') },
  [LIBS.plain]: { bundle: await bundleSize('plain.js', 'plain') },
};
// The app needs those three .wasm modules too (it never calls an account operation: no account module).
const ourApp = sizes[LIBS.ours];
ourApp.app = { raw: ourApp.bundle.raw + ourApp.wasm.raw, gzip: ourApp.bundle.gzip + ourApp.wasm.gzip };
for (const name of [LIBS.acij, LIBS.plain]) sizes[name].app = sizes[name].bundle;

// ---- the whole package for a bundler: every .js and .wasm a Vite build of the full API emits --------------
async function viteWholePackage() {
  const root = join(OUT, 'vite-full');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html>\n<script type="module" src="./main.js"></script>\n');
  writeFileSync(
    join(root, 'main.js'),
    `import { CognitoClient, CognitoError } from ${JSON.stringify(pkg('index.js'))};\nglobalThis.cognito = { CognitoClient, CognitoError };\n`,
  );
  const dist = join(root, 'dist');
  // As examples/vite-spa builds: the package initialises its .wasm with top-level await.
  await viteBuild({ root, configFile: false, logLevel: 'error', build: { target: 'es2022', outDir: dist, emptyOutDir: true } });
  const files = readdirSync(dist, { recursive: true }).filter((f) => /\.(js|wasm)$/.test(f)).map((f) => join(dist, f));
  return { files: files.map((f) => basename(f)).sort(), ...size(files) };
}
const loadPath = { wholePackage: await viteWholePackage() };

// ---- the page -------------------------------------------------------------------------------------------
const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
  const allowed = ['/bench/', '/target/bench/'].some((p) => path.startsWith(p));
  try {
    if (!allowed) throw new Error('not served');
    const body = readFileSync(join(ROOT, path));
    res.writeHead(200, { 'Content-Type': MIME[extname(path)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const pageUrl = `http://127.0.0.1:${server.address().port}/bench/page.html`;

const emulator = await startEmulator();
let browser;
let measured;
try {
  const user = await createPoolAndUser(emulator.endpoint, { name: 'bench' });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.goto(pageUrl);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 }).catch(() => {
    throw new Error(`bench page did not load: ${problems.join('\n')}`);
  });
  const challenge = {
    poolName: user.poolId.split('_')[1],
    userId: '7d5a3c2e-0d1b-4f7a-9c3e-2b8f6a1d4e90',
    password: 'Bench-Passw0rd!',
    srpB: (BigInt('0x' + randomBytes(384).toString('hex')) % N).toString(16),
    salt: randomBytes(16).toString('hex'),
    secretBlock: randomBytes(64).toString('base64'),
  };
  const runs = { default: 15, [LIBS.ours]: Number(process.env.BENCH_RUNS || 40), [LIBS.acij]: 10 };
  measured = await page.evaluate((config) => window.runBench(config), {
    challenge,
    runs,
    signInRuns: Number(process.env.BENCH_SIGN_INS || 10),
    emulator: { endpoint: emulator.endpoint, userPoolId: user.poolId, clientId: user.clientId, username: user.username, password: user.password },
  });
  measured.browser = browser.version();
  loadPath.returningUser = await returningUserFetches(browser, user);
  // A user whose tokens last 6 s comes back 4.5 s later: past the refresh margin (half their life, counted from
  // whole seconds), short of expiry. Most real returns are like this one: Cognito's tokens last an hour.
  const shortLived = await createPoolAndUser(emulator.endpoint, { name: 'bench-due', username: 'bench-due-user' });
  const validity = await fetch(`${emulator.url}/_emulator/token-validity?clientId=${shortLived.clientId}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ accessToken: 6, idToken: 6 }),
  });
  if (!validity.ok) throw new Error(`token-validity: HTTP ${validity.status}`);
  loadPath.returningUserDue = await returningUserFetches(browser, shortLived, 4_500);
  loadPath.appFetches = await appFetches(browser, await createPoolAndUser(emulator.endpoint, { name: 'bench-app', username: 'bench-app-user' }));
} finally {
  await browser?.close();
  await emulator.stop();
  server.close();
}

/**
 * What a returning user's page fetches of the package before getSession() resolves: an earlier tab signed in
 * (localStorage), a new tab imports the package `awayMs` later, makes a client and awaits getSession(). From the
 * browser's network log (requests of the page and its workers); sizes are of the files in pkg/.
 */
async function returningUserFetches(browser, user, awayMs = 0) {
  const context = await browser.newContext();
  try {
    const config = { userPoolId: user.poolId, clientId: user.clientId, endpoint: emulator.endpoint, storage: 'local' };
    const open = async () => {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${server.address().port}/bench/returning.html`);
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 });
      return page;
    };
    const first = await open();
    await first.evaluate(
      ({ config, username, password }) => new window.CognitoClient(config).signIn({ username, password }),
      { config, username: user.username, password: user.password },
    );
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, awayMs));
    const requested = [];
    context.on('request', (request) => requested.push(new URL(request.url()).pathname));
    const page = await open();
    const username = await page.evaluate(async (config) => (await new window.CognitoClient(config).getSession()).username, config);
    if (username !== user.username) throw new Error(`returning user: getSession() answered ${username}`);
    const files = [...new Set(requested.filter((p) => p.startsWith('/target/bench/pkg/')))];
    // Whether the page refreshed: the refresh's module is fetched only then.
    const refreshed = files.some((p) => p.endsWith('/token-refresh.js'));
    if (refreshed !== awayMs > 0) throw new Error(`returning user after ${awayMs} ms: refreshed ${refreshed}`);
    return { files: files.map((p) => basename(p)).sort(), ...size(files.map((p) => join(ROOT, p))) };
  } finally {
    await context.close();
  }
}

/**
 * What the size-comparison app (bench/entries/cognito-wasm.js: sign in, get the session, refresh it) fetches of
 * the package on a first visit, from the browser's network log (the page's requests and its workers'); sizes are
 * of the files in pkg/. The app bundle figure above counts every JavaScript file the app could import and the
 * three modules; this one counts what the package's loading on first use leaves out.
 */
async function appFetches(browser, user) {
  const context = await browser.newContext();
  try {
    const requested = [];
    context.on('request', (request) => requested.push(new URL(request.url()).pathname));
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/bench/returning.html`);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 });
    const config = { userPoolId: user.poolId, clientId: user.clientId, endpoint: emulator.endpoint, storage: 'local' };
    const username = await page.evaluate(
      async ({ config, username, password }) => {
        const client = new window.CognitoClient(config);
        await client.signIn({ username, password });
        await client.getSession();
        return (await client.refreshSession()).username;
      },
      { config, username: user.username, password: user.password },
    );
    if (username !== user.username) throw new Error(`app: refreshSession() answered ${username}`);
    const files = [...new Set(requested.filter((p) => p.startsWith('/target/bench/pkg/')))];
    return { files: files.map((p) => basename(p)).sort(), ...size(files.map((p) => join(ROOT, p))) };
  } finally {
    await context.close();
  }
}

// ---- report ---------------------------------------------------------------------------------------------
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => {
  const s = sorted(xs);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length, runs: xs });
const report = { date: new Date().toISOString(), browser: measured.browser, userAgent: measured.userAgent, libraries: {} };
for (const name of Object.values(LIBS)) {
  const r = measured.results[name];
  report.libraries[name] = {
    a: stats(r.a),
    b: stats(r.b),
    ab: stats(r.a.map((x, i) => x + r.b[i])),
    signIn: stats(r.c),
    sizes: sizes[name] ?? sizes[LIBS.plain],
  };
}

const ms = (s) => `${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
const kb = (s) => (s ? `${(s.raw / 1000).toFixed(1)} / ${(s.gzip / 1000).toFixed(1)}` : '—');
const lines = [
  `Headless Chromium ${measured.browser}, ${report.date.slice(0, 10)}. Times in ms: median (min–max) over n runs`,
  'after one warm-up; sizes in kB raw / gzip -9.',
  '',
  '| library | (a) compute A | (b) key + signature | (a)+(b) | (c) sign-in vs emulator | .wasm | JS glue | app bundle: sign-in + session + refresh (.wasm: session, refresh and sign-in modules; no account module) |',
  '|---|---|---|---|---|---|---|---|',
];
for (const [name, l] of Object.entries(report.libraries)) {
  const s = l.sizes;
  lines.push(
    `| ${name} (n=${l.a.n}/${l.signIn.n}) | ${ms(l.a)} | ${ms(l.b)} | ${ms(l.ab)} | ${ms(l.signIn)} | ${kb(s.wasm)} | ${kb(s.glue)} | ${kb(s.app)} |`,
  );
}
const ours = report.libraries[LIBS.ours];
const ratio = (k, name) => (report.libraries[name][k].median / ours[k].median).toFixed(1);
const ratios = Object.values(LIBS)
  .slice(1)
  .map((name) => `${name}: ${ratio('a', name)}× (a), ${ratio('b', name)}× (b), ${ratio('ab', name)}× (a)+(b), ${ratio('signIn', name)}× (c)`);
lines.push('', 'Time ratios, other library ÷ cognito-wasm (medians):', '', ...ratios.map((r) => `- ${r}`));
lines.push(
  '',
  'The plain JS rows are written for the benchmark (bench/plain-srp.js): square-and-multiply on BigInt, WebCrypto',
  'hashing; its app bundle has no session object or storage. cognito-wasm uses a 256-bit a (see src/srp/group.rs).',
);
const felt = measured.results[LIBS.ours].felt;
report.felt = {
  prepared: stats(felt.prepared),
  unprepared: stats(felt.unprepared),
  answer: stats(felt.answer),
  busy: stats(felt.busy),
};
lines.push(
  '',
  `Felt latency of cognito-wasm (main thread, ms, median (min–max), n=${felt.prepared.length}): submit → InitiateAuth sent`,
  `${ms(report.felt.prepared)} after prepareSignIn(), ${ms(report.felt.unprepared)} without; reply in hand →`,
  `RespondToAuthChallenge sent (key + signature, in the sign-in worker) ${ms(report.felt.answer)}; the longest task`,
  `the main thread ran during a sign-in (n=${felt.busy.length}) ${ms(report.felt.busy)}.`,
);
report.ratios = ratios;
report.loadPath = loadPath;
lines.push(
  '',
  'Load path of cognito-wasm (kB raw / gzip -9, the files as pkg/ ships them):',
  '',
  '| figure | kB | files |',
  '|---|---|---|',
  `| returning user's page: bytes fetched before getSession() resolves (Chromium's network log) | ${kb(loadPath.returningUser)} | ${loadPath.returningUser.files.join(', ')} |`,
  `| the same, tokens due: getSession() refreshes them first | ${kb(loadPath.returningUserDue)} | ${loadPath.returningUserDue.files.join(', ')} |`,
  `| the app of the table above on a first visit: bytes fetched to sign in, get the session and refresh it (Chromium's network log) | ${kb(loadPath.appFetches)} | ${loadPath.appFetches.files.join(', ')} |`,
  `| whole package for a bundler: every .js and .wasm a Vite build of the full API emits | ${kb(loadPath.wholePackage)} | ${loadPath.wholePackage.files.length} files |`,
);
const md = lines.join('\n') + '\n';
writeFileSync(join(OUT, 'results.json'), JSON.stringify(report, null, 2) + '\n');
writeFileSync(join(OUT, 'results.md'), md);
console.log(md);
console.log(`bench: wrote ${join(OUT, 'results.md')} and results.json`);
