// The hosted sign-in page in headless Chromium (Debian's, driven by playwright-core), served as `make demo`
// serves it: the emulator seeded with emulator/seed/demo.json, scripts/serve.py with its strict CSP and the
// demo pool's config.json. The basics: headers, password sign-in and its errors, keyboard-only use, the
// new-password step of the seeded user, 320 px.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fixture } from './fixture.mjs';
import { SEED, expectError, fillAndSubmit, screen, startPageHarness } from './page-harness.mjs';
import { demoCredentials } from './seed.mjs';

const h = fixture(startPageHarness);
const creds = demoCredentials(SEED);

test('the server sends the strict CSP derived from config.json, and the right MIME types', async () => {
  const html = await fetch(h.server.url);
  const csp = html.headers.get('content-security-policy');
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(csp, /style-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/, 'no parent origins configured: not embeddable');
  assert.equal(html.headers.get('x-frame-options'), 'DENY');
  assert.ok(csp.includes(`connect-src 'self' ${h.emulator.url}`), csp);
  for (const core of ['session', 'sign_in']) {
    const wasm = await fetch(`${h.server.url}/pkg/cognito_wasm_${core}_bg.wasm`);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm', core);
  }
  assert.match((await fetch(`${h.server.url}/app.js`)).headers.get('content-type'), /^text\/javascript/);
  assert.match((await fetch(`${h.server.url}/vendor/uqr/index.mjs`)).headers.get('content-type'), /^text\/javascript/);
  const config = await (await fetch(`${h.server.url}/config.json`)).json();
  assert.equal(config.endpoint, h.emulator.endpoint);
  assert.equal(config.userPoolId, h.demo.userPoolId);
  assert.equal((await fetch(`${h.server.url}/../Cargo.toml`)).status, 404);
  assert.equal((await fetch(`${h.server.url}/vendor/uqr/../package.json`)).status, 404);

  // The header follows the file: allowing a parent origin opens frame-ancestors to exactly it.
  h.setConfig({ allowedParentOrigins: ['http://127.0.0.1:1'] });
  const embeddable = await fetch(h.server.url);
  assert.match(embeddable.headers.get('content-security-policy'), /frame-ancestors http:\/\/127\.0\.0\.1:1(;|$)/);
  assert.equal(embeddable.headers.get('x-frame-options'), null);
  h.setConfig();
});

test('a wrong password gets a readable error with focus on it; the right one signs in; refresh, reload, sign out', async () => {
  const { page, context, problems } = await h.openPage();
  try {
    await screen(page, 'sign-in');
    await h.shot(page, 'sign-in');
    await fillAndSubmit(page, { Username: creds.username, Password: `${creds.password}-wrong` }, 'Sign in');
    const text = await expectError(page, 'The username or password is wrong.');
    assert.match(text, /NotAuthorizedException: Incorrect username or password\./, 'Cognito\'s words underneath');
    assert.equal(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid'), 'true');
    await h.shot(page, 'wrong-password');

    await fillAndSubmit(page, { Password: creds.password }, 'Sign in');
    await screen(page, 'signed-in');
    assert.equal(await page.locator('td[data-claim="cognito:username"]').textContent(), creds.username);
    assert.equal(await page.locator('td[data-claim="token_use"]').textContent(), 'id');
    assert.equal(await page.locator('#error').isVisible(), false, 'the error is cleared after a successful sign-in');
    assert.equal(await page.getByRole('status').textContent(), 'You are signed in.');
    await h.shot(page, 'signed-in');

    const before = await page.locator('#expires').getAttribute('datetime');
    await page.waitForTimeout(1100);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('status').filter({ hasText: 'Session refreshed' }).waitFor({ timeout: 20_000 });
    const afterRefresh = await page.locator('#expires').getAttribute('datetime');
    assert.ok(new Date(afterRefresh) > new Date(before), `${afterRefresh} > ${before}`);

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await screen(page, 'signed-in');

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await screen(page, 'sign-in');
    assert.equal(await page.getByRole('status').textContent(), 'You are signed out.');
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
  } finally {
    await context.close();
  }
});

test('keyboard only: focus starts in the username, Tab and Enter sign in, Tab reaches every control', async () => {
  const { page, context, problems } = await h.openPage();
  try {
    await screen(page, 'sign-in');
    const focused = () => page.evaluate(() => {
      const el = document.activeElement;
      return el.labels?.[0]?.textContent ?? el.textContent;
    });
    assert.equal(await focused(), 'Username');
    await page.keyboard.type(creds.username);
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'Password');
    await page.keyboard.type(`${creds.password}x`);
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'Sign in');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'Forgot your password?');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'Create an account');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await expectError(page, 'The username or password is wrong.');
    // From the error, Tab goes on to the fields.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'Password');
    // Tabbing into a field selects its text: go to the end, drop the extra character.
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');
    await screen(page, 'signed-in');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'Sign out');
    await page.keyboard.press('Enter');
    await screen(page, 'sign-in');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the seeded user with a temporary password chooses a new one; the pool\'s policy is explained', async () => {
  const { page, context, problems } = await h.openPage();
  try {
    await fillAndSubmit(page, { Username: 'newbie', Password: 'Temp-Passw0rd!' }, 'Sign in');
    await screen(page, 'new-password');
    assert.equal(await page.getByLabel('New password', { exact: true }).getAttribute('autocomplete'), 'new-password');
    await h.shot(page, 'new-password');
    await fillAndSubmit(page, { 'New password': 'short' }, 'Continue');
    const text = await expectError(page, 'That password does not meet the rules.');
    assert.match(text, /not long enough/i, text);
    await h.shot(page, 'password-policy-error');
    await fillAndSubmit(page, { 'New password': 'Brand-New-Passw0rd!' }, 'Continue');
    await screen(page, 'signed-in');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Signed in as newbie');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the page works at 320 px wide', async () => {
  const { page, context, problems } = await h.openPage({ viewport: { width: 320, height: 640 } });
  try {
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok((await overflow()) <= 0, 'sign-in screen fits');
    await h.shot(page, 'sign-in-320');
    await fillAndSubmit(page, { Username: creds.username, Password: creds.password }, 'Sign in');
    await screen(page, 'signed-in');
    assert.ok((await overflow()) <= 0, `page is ${await overflow()}px wider than the 320px viewport`);
    await h.shot(page, 'signed-in-320');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('dark colour scheme: the page follows it, error and all', async () => {
  const context = await h.browser.newContext({ colorScheme: 'dark', viewport: { width: 900, height: 700 } });
  const { page, problems } = await h.openPage({ context });
  try {
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(background, 'rgb(13, 17, 23)');
    await fillAndSubmit(page, { Username: creds.username, Password: `${creds.password}x` }, 'Sign in');
    await expectError(page, 'The username or password is wrong.');
    await h.shot(page, 'wrong-password-dark');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
