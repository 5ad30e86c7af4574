// examples/vite-spa built the way a user builds it: the package installed from the tarball `npm pack` makes
// of pkg/ (not a path import), bundled by Vite, served by scripts/serve.py under its strict CSP, signing in
// to the emulator in headless Chromium. The example's own dependencies (Vite) are installed with `npm ci`
// into target/vite-spa/ and kept there while its package-lock.json is unchanged, so reruns take seconds.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { fixture } from './fixture.mjs';
import { ROOT } from './helpers.mjs';
import { SCREENSHOTS, SEED, watch } from './page-harness.mjs';
import { demoConfig, demoCredentials } from './seed.mjs';

const EXAMPLE = join(ROOT, 'examples', 'vite-spa');
const WORK = join(ROOT, 'target', 'vite-spa');
const quiet = { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' };

/** Copies the example into WORK; `npm ci` only when its lockfile changed since the last install there. */
function installExample() {
  mkdirSync(WORK, { recursive: true });
  for (const entry of ['package.json', 'package-lock.json', 'index.html', 'vite.config.js', 'src']) {
    rmSync(join(WORK, entry), { recursive: true, force: true });
    cpSync(join(EXAMPLE, entry), join(WORK, entry), { recursive: true });
  }
  const lockHash = createHash('sha256').update(readFileSync(join(EXAMPLE, 'package-lock.json'))).digest('hex');
  const marker = join(WORK, 'node_modules', '.installed-from');
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== lockHash) {
    execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: WORK, ...quiet });
    writeFileSync(marker, lockHash);
  }
  // The package, from the tarball npm pack makes, as a user would get it.
  for (const old of readdirSync(WORK).filter((f) => f.endsWith('.tgz'))) rmSync(join(WORK, old));
  execFileSync('npm', ['pack', join(ROOT, 'pkg'), '--pack-destination', WORK, '--silent'], { cwd: WORK, ...quiet });
  const tarball = readdirSync(WORK).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack made no tarball');
  execFileSync('npm', ['install', '--no-save', '--prefer-offline', '--no-audit', '--no-fund', `./${tarball}`], { cwd: WORK, ...quiet });
}

const creds = demoCredentials(SEED);

const fx = fixture(async (start) => {
  assert.ok(existsSync(join(ROOT, 'pkg', 'package.json')), 'pkg/ is not built (run `make pkg`)');
  installExample();
  const emulator = await start.emulator({ seed: SEED });
  const { userPoolId, clientId } = demoConfig(SEED);
  rmSync(join(WORK, 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [join(WORK, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
    cwd: WORK,
    ...quiet,
    env: {
      ...process.env,
      VITE_COGNITO_USER_POOL_ID: userPoolId,
      VITE_COGNITO_CLIENT_ID: clientId,
      VITE_COGNITO_ENDPOINT: emulator.endpoint,
    },
  });
  // serve.py's CSP needs the endpoint (connect-src); the built app itself has its settings baked in.
  writeFileSync(join(WORK, 'serve-config.json'), JSON.stringify({ userPoolId, clientId, endpoint: emulator.endpoint }));
  const server = await start.servePy(['--root', join(WORK, 'dist'), '--config', join(WORK, 'serve-config.json')]);
  return { emulator, server, browser: await start.browser() };
});

test('the package came from the tarball, and the bundle carries the four .wasm modules and the sign-in worker', () => {
  const installed = join(WORK, 'node_modules', 'cognito-wasm');
  assert.equal(lstatSync(installed).isSymbolicLink(), false, 'installed, not linked');
  const assets = readdirSync(join(WORK, 'dist', 'assets'));
  for (const core of ['session', 'refresh', 'sign_in', 'account']) {
    const wasm = `cognito_wasm_${core}_bg.wasm`;
    assert.ok(
      readFileSync(join(installed, wasm)).equals(readFileSync(join(ROOT, 'pkg', wasm))),
      `the freshly built ${wasm}, not a cached one`,
    );
    assert.ok(assets.some((f) => new RegExp(`^cognito_wasm_${core}_bg-.*\\.wasm$`).test(f)), assets.join(', '));
  }
  assert.ok(assets.some((f) => /^signer-.*\.js$/.test(f)), `the sign-in worker is bundled: ${assets.join(', ')}`);
  assert.ok(!readFileSync(join(WORK, 'dist', 'index.html'), 'utf8').includes('<script>'), 'no inline script');
});

test('the built SPA signs in to the emulator under the strict CSP', async () => {
  const context = await fx.browser.newContext();
  const page = await context.newPage();
  const problems = watch(page);
  try {
    await page.goto(`${fx.server.url}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await page.getByLabel('Username').fill(creds.username);
    await page.getByLabel('Password').fill(`${creds.password}x`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('status').filter({ hasText: 'NotAuthorizedException' }).waitFor({ timeout: 20_000 });

    await page.getByLabel('Password').fill(creds.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator(`#status[data-username="${creds.username}"]`).waitFor({ timeout: 20_000 });
    assert.match(await page.getByRole('status').textContent(), /^Signed in as demo \(demo@example\.com\)\.$/);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'vite-spa-signed-in.png') });

    // The session survives a reload (localStorage), then signs out.
    await page.reload();
    await page.locator(`#status[data-username="${creds.username}"]`).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('status').filter({ hasText: 'Signed out.' }).waitFor({ timeout: 20_000 });
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
  } finally {
    await context.close();
  }
});
