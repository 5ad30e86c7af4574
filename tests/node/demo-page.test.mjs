// The demo page in headless Chromium (Debian's, driven by playwright-core), served exactly as `make demo`
// serves it: emulator seeded with emulator/seed/demo.json + scripts/serve.py with its strict CSP.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

import { ROOT, startEmulator, startStaticServer } from './helpers.mjs';
import { demoCredentials } from './seed.mjs';

const SEED = process.env.DEMO_SEED || join(ROOT, 'emulator', 'seed', 'demo.json');
const SCREENSHOTS = join(ROOT, 'target', 'screenshots');

let emulator;
let server;
let browser;
let creds;

before(async () => {
  creds = demoCredentials(SEED);
  emulator = await startEmulator({ seed: SEED });
  server = await startStaticServer({ emulatorEndpoint: emulator.endpoint, seed: SEED });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await emulator?.stop();
});

/** A new page that records console errors, CSP violations and uncaught exceptions. */
async function openPage(viewport) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    const text = msg.text();
    // Cognito answers a refused sign-in with HTTP 400, which Chromium logs; that one is expected.
    if (/^Failed to load resource: the server responded with a status of 400\b/.test(text)) return;
    if (msg.type() === 'error' || /Content Security Policy|Refused to/i.test(text)) problems.push(text);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  await page.goto(server.url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  return { page, context, problems };
}

async function signIn(page, username, password) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('the server sends the CSP, wasm and JS MIME types', async () => {
  const html = await fetch(server.url);
  const csp = html.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.ok(csp.includes(`connect-src 'self' ${emulator.url}`), csp);
  assert.equal((await fetch(`${server.url}/pkg/cognito_wasm_bg.wasm`)).headers.get('content-type'), 'application/wasm');
  assert.match((await fetch(`${server.url}/app.js`)).headers.get('content-type'), /^text\/javascript/);
  const config = await (await fetch(`${server.url}/config.json`)).json();
  assert.equal(config.endpoint, emulator.endpoint);
  assert.ok(config.userPoolId && config.clientId);
  assert.equal((await fetch(`${server.url}/../Cargo.toml`)).status, 404);
});

test('wrong password shows the error; the demo credentials sign in and show the claims', async () => {
  const { page, context, problems } = await openPage({ width: 1000, height: 900 });
  try {
    await signIn(page, creds.username, `${creds.password}-wrong`);
    const error = page.getByRole('alert');
    await error.filter({ hasText: 'NotAuthorizedException' }).waitFor({ timeout: 20_000 });
    assert.match(await error.textContent(), /NotAuthorizedException: Incorrect username or password\./);
    assert.equal(await page.locator('#session').isVisible(), false);
    await page.screenshot({ path: join(SCREENSHOTS, 'demo-wrong-password.png') });

    await page.getByLabel('Password').fill(creds.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#session').waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await page.locator('td[data-claim="cognito:username"]').textContent(), creds.username);
    assert.equal(await page.locator('td[data-claim="token_use"]').textContent(), 'id');
    assert.equal((await page.locator('#error').textContent()).trim(), '', 'the error is cleared after a successful sign-in');
    await page.screenshot({ path: join(SCREENSHOTS, 'demo-signed-in.png'), fullPage: true });

    // Refresh: new tokens, a later expiry.
    const before = await page.locator('#expires').getAttribute('datetime');
    await page.waitForTimeout(1100);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('status').filter({ hasText: 'Session refreshed' }).waitFor({ timeout: 20_000 });
    const afterRefresh = await page.locator('#expires').getAttribute('datetime');
    assert.ok(new Date(afterRefresh) > new Date(before), `${afterRefresh} > ${before}`);

    // Reload: the session is kept in sessionStorage.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.locator('#session').waitFor({ state: 'visible', timeout: 20_000 });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await page.locator('#session').isVisible(), false);

    assert.deepEqual(problems, [], 'no console errors or CSP violations');
  } finally {
    await context.close();
  }
});

test('a user with a temporary password chooses a new one on the next step', async () => {
  const { page, context, problems } = await openPage({ width: 1000, height: 900 });
  try {
    await signIn(page, 'newbie', 'Temp-Passw0rd!');
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor({ timeout: 20_000 });
    const answer = page.getByLabel('New password', { exact: true });
    assert.equal(await answer.getAttribute('type'), 'password');
    await page.screenshot({ path: join(SCREENSHOTS, 'demo-new-password.png') });
    await answer.fill('short');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').filter({ hasText: 'InvalidPasswordException' }).waitFor({ timeout: 20_000 });
    await answer.fill('Brand-New-Passw0rd!');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('#session').waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await page.locator('#who').textContent(), 'newbie');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the page works at 320 px wide', async () => {
  const { page, context, problems } = await openPage({ width: 320, height: 640 });
  try {
    await signIn(page, creds.username, creds.password);
    await page.locator('#session').waitFor({ state: 'visible', timeout: 20_000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the 320px viewport`);
    await page.screenshot({ path: join(SCREENSHOTS, 'demo-signed-in-320.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
