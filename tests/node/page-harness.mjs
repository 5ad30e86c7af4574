// What the hosted-page tests share: the emulator (seeded with the demo seed), scripts/serve.py serving www/
// with a config.json the test rewrites per scenario (serve.py reads it on every request, CSP included),
// headless Chromium, pages that record console errors and CSP violations, screenshots, and pools with the
// settings a scenario needs, made through the emulator's admin API.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT, cognito, lastCode } from './helpers.mjs';
import { demoConfig } from './seed.mjs';

export const SEED = process.env.DEMO_SEED || join(ROOT, 'emulator', 'seed', 'demo.json');
export const SCREENSHOTS = join(ROOT, 'target', 'screenshots');

/**
 * Starts, through a fixture's `start` (fixture.mjs), everything a page test needs:
 * `const h = fixture(startPageHarness)`. Gives { emulator, server, browser, demo, configFile, setConfig,
 * openPage, shot }. `setConfig(extra)` rewrites config.json as the demo pool's config plus `extra`.
 */
export async function startPageHarness(start) {
  const configFile = join(await start.dir('cognito-page-'), 'config.json');
  const emulator = await start.emulator({ seed: SEED });
  const demo = { ...demoConfig(SEED), endpoint: emulator.endpoint };
  const setConfig = (extra = {}) =>
    writeFileSync(configFile, JSON.stringify({ ...demo, allowedRedirectUris: ['/app-demo.html'], ...extra }, null, 2));
  setConfig();
  const server = await start.servePy(['--config', configFile]);
  const browser = await start.browser();
  mkdirSync(SCREENSHOTS, { recursive: true });

  /** A fresh context and page at `path`, recording console errors, CSP violations and uncaught exceptions. */
  async function openPage({ path = '/', viewport = { width: 900, height: 900 }, context: given } = {}) {
    const context = given ?? (await browser.newContext({ viewport }));
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    return { page, context, problems };
  }

  const shot = (page, name) => page.screenshot({ path: join(SCREENSHOTS, `page-${name}.png`), fullPage: true });

  return { emulator, server, browser, demo, configFile, setConfig, openPage, shot };
}

/** Collects console errors, CSP violations and page errors of `page` into the returned array. */
export function watch(page) {
  const problems = [];
  page.on('console', (msg) => {
    const text = msg.text();
    // Cognito answers a refused request with HTTP 400, which Chromium logs; those are expected.
    if (/^Failed to load resource: the server responded with a status of 400\b/.test(text)) return;
    if (msg.type() === 'error' || /Content Security Policy|Refused to/i.test(text)) problems.push(text);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}

export const newPassword = () => `Page-${randomBytes(4).toString('hex')}-A1!`;

/** A pool with `settings`, a public client allowing `flows`, and its config for the page. */
export async function makePool(endpoint, settings = {}, flows = ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']) {
  const { UserPool } = await cognito(endpoint, 'CreateUserPool', { PoolName: 'page', AutoVerifiedAttributes: ['email'], ...settings });
  const { UserPoolClient } = await cognito(endpoint, 'CreateUserPoolClient', {
    UserPoolId: UserPool.Id,
    ClientName: 'page',
    ExplicitAuthFlows: flows,
  });
  return { poolId: UserPool.Id, config: { userPoolId: UserPool.Id, clientId: UserPoolClient.ClientId, endpoint } };
}

/** A confirmed user made by an administrator, with the given attributes. */
export async function makeUser(endpoint, poolId, username, password, attributes = {}) {
  await cognito(endpoint, 'AdminCreateUser', {
    UserPoolId: poolId,
    Username: username,
    MessageAction: 'SUPPRESS',
    UserAttributes: Object.entries({ email: `${username}@example.com`, email_verified: 'true', ...attributes }).map(
      ([Name, Value]) => ({ Name, Value }),
    ),
  });
  if (password) {
    await cognito(endpoint, 'AdminSetUserPassword', { UserPoolId: poolId, Username: username, Password: password, Permanent: true });
  }
}

const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/**
 * axe-core on the page as it is now: no violation of impact serious or critical (WCAG A and AA, colour
 * contrast included), and one <h1>, the screen's heading. Evaluated through the DevTools protocol, which
 * the page's CSP does not govern.
 */
export async function expectAccessible(page, what) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`).join('; ')}`);
  assert.deepEqual(serious, [], `axe on ${what}`);
  const headings = await page.locator('h1').allTextContents();
  assert.equal(headings.length, 1, `one <h1> on ${what}: ${JSON.stringify(headings)}`);
}

/** Waits for the screen `id` (the form's data-screen) to be shown, and checks it with axe-core. */
export async function screen(page, id) {
  await page.locator(`form[data-screen="${id}"]`).waitFor({ state: 'visible', timeout: 20_000 });
  await expectAccessible(page, `the ${id} screen`);
}

/** Waits for an error whose text matches `pattern`, and checks focus went to it. */
export async function expectError(page, pattern) {
  const error = page.locator('#error');
  await error.filter({ hasText: pattern }).waitFor({ state: 'visible', timeout: 20_000 });
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'error', 'focus moves to the error');
  await expectAccessible(page, `the error ${pattern}`);
  return (await error.textContent()).trim();
}

export async function fillAndSubmit(page, fields, button) {
  for (const [label, value] of Object.entries(fields)) await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole('button', { name: button, exact: true }).click();
}

export const codeFor = (emulator, poolId, username, purpose) => lastCode(emulator.url, poolId, username, purpose);
