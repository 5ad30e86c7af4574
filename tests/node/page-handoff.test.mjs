// How the hosted page hands the session back, in headless Chromium under the CSP scripts/serve.py derives
// from config.json: the redirect to an allow-listed same-origin redirect_uri (tokens never in a URL), every
// other redirect_uri refused visibly, the iframe mode posting to an allowed parent origin only, a parent
// origin off the list unable to frame the page or to get anything by postMessage, and branding from config.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { fixture } from './fixture.mjs';
import { ROOT, startServePy } from './helpers.mjs';
import { SEED, expectAccessible, fillAndSubmit, screen, startPageHarness, watch } from './page-harness.mjs';
import { demoCredentials } from './seed.mjs';

/** A page with no CSP, to be served on another origin (another 127.0.0.1 port): it plays the embedding app. */
const appPageServer = () =>
  createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><head><title>app</title><link rel="icon" href="data:,"></head><body><h1>App</h1></body></html>');
  });

// `parent` and `foreign` are the two embedding apps; their `url` is their origin.
const h = fixture(async (start) => ({
  ...(await startPageHarness(start)),
  parent: await start.listen(appPageServer()),
  foreign: await start.listen(appPageServer()),
}));
const creds = demoCredentials(SEED);

/** Records every URL the context requests or navigates to, to check no token ever travels in one. */
function recordUrls(context) {
  const urls = [];
  context.on('request', (req) => urls.push(req.url()));
  return urls;
}

const noTokenIn = (urls) => {
  // Every Cognito token is a JWT (or, for refresh tokens, looks like a JWE): base64url JSON starting "eyJ".
  const leaked = urls.filter((u) => /eyJ[\w-]{10,}/.test(u));
  assert.deepEqual(leaked, [], 'no token in any URL');
};

test('redirect: an allow-listed redirect_uri on this origin gets the session through storage, not the URL', async () => {
  h.setConfig({ allowedRedirectUris: ['/app-demo.html'] });
  const context = await h.browser.newContext();
  const urls = recordUrls(context);
  try {
    const { page, problems } = await h.openPage({ path: '/?redirect_uri=%2Fapp-demo.html', context });
    assert.equal(await page.locator('#notice').isVisible(), false);
    await fillAndSubmit(page, { Username: creds.username, Password: creds.password }, 'Sign in');
    await page.waitForURL(`${h.server.url}/app-demo.html`, { timeout: 20_000 });
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.locator('#app-status').getAttribute('data-username'), creds.username);
    await h.shot(page, 'redirect-app');

    // Already signed in: straight back to the app.
    await page.goto(`${h.server.url}/?redirect_uri=${encodeURIComponent(`${h.server.url}/app-demo.html`)}`);
    await page.waitForURL(`${h.server.url}/app-demo.html`, { timeout: 20_000 });
    noTokenIn(urls);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('redirect: anything off the allow-list is refused visibly and never followed', async () => {
  h.setConfig({ allowedRedirectUris: ['/app-demo.html'] });
  const refused = [
    'https://evil.example/',
    '//evil.example/app-demo.html',
    'javascript:alert(1)',
    '/app-demo.html?next=https://evil.example/',
    '/index.html',
    `${h.server.url.replace('127.0.0.1', 'localhost')}/app-demo.html`,
    `https://evil.example/${'a'.repeat(5000)}?say=Your+account+is+locked.+Call+555-0100+now`,
  ];
  const shown = [
    'https://evil.example/',
    'http://evil.example/app-demo.html',
    'a javascript: address',
    `${h.server.url}/app-demo.html`,
    `${h.server.url}/index.html`,
    `${h.server.url.replace('127.0.0.1', 'localhost')}/app-demo.html`,
    `https://evil.example/${'a'.repeat(38)}…`,
  ];
  for (const [i, uri] of refused.entries()) {
    const { page, context, problems } = await h.openPage({ path: `/?redirect_uri=${encodeURIComponent(uri)}` });
    try {
      const notice = page.locator('#notice');
      assert.equal(await notice.isVisible(), true, uri);
      // A generic notice naming only the origin and path, shortened: nothing of the link's text is repeated.
      const text = await notice.textContent();
      assert.ok(text.includes(`(${shown[i]})`), `${uri.slice(0, 80)} → ${text}`);
      assert.ok(text.length < 250, text);
      assert.doesNotMatch(text, /Call|next=|alert/);
      assert.equal(await notice.getAttribute('role'), 'alert');
      if (uri === refused[0]) {
        await expectAccessible(page, 'the refused-redirect notice');
        await fillAndSubmit(page, { Username: creds.username, Password: creds.password }, 'Sign in');
        await screen(page, 'signed-in');
        await page.waitForTimeout(500);
        assert.equal(new URL(page.url()).origin, h.server.url, 'still on the sign-in page');
        await h.shot(page, 'redirect-refused');
      }
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  }
});

test('redirect: relative allow-list entries mean the origin root, wherever the page is served', async () => {
  const { page, context } = await h.openPage();
  try {
    const decide = (entries, href) => page.evaluate(
      async ([entries, href]) => (await import('/handoff.js')).redirectTarget(entries, href),
      [entries, href],
    );
    const deep = (uri) => `${h.server.url}/deep/login/index.html?redirect_uri=${encodeURIComponent(uri)}`;
    assert.deepEqual(await decide(['app-demo.html'], deep('/app-demo.html')), { url: `${h.server.url}/app-demo.html` });
    assert.deepEqual(await decide(['app-demo.html'], deep('/deep/login/app-demo.html')), { refused: '/deep/login/app-demo.html' });
    assert.deepEqual(await decide(['./app-demo.html'], deep('app-demo.html')), { refused: 'app-demo.html' });
    assert.deepEqual(await decide(['/app-demo.html'], deep('/app-demo.html')), { url: `${h.server.url}/app-demo.html` });
  } finally {
    await context.close();
  }
});

/** Opens `origin`'s page in `context`, with a listener collecting every message it receives. */
async function appPage(context, origin) {
  const page = await context.newPage();
  const problems = watch(page);
  await page.goto(`${origin}/`);
  await page.evaluate(() => {
    window.received = [];
    window.addEventListener('message', (e) => window.received.push({ origin: e.origin, data: e.data }));
  });
  return { page, problems };
}

test('iframe: the allowed parent says hello and gets the tokens (never the refresh token) after the sign-in', async () => {
  h.setConfig({ allowedParentOrigins: [h.parent.url] });
  const context = await h.browser.newContext({ viewport: { width: 900, height: 1000 } });
  const urls = recordUrls(context);
  try {
    const { page, problems } = await appPage(context, h.parent.url);
    await page.evaluate((src) => new Promise((resolve) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      frame.title = 'Sign in';
      frame.width = '480';
      frame.height = '640';
      frame.addEventListener('load', () => {
        frame.contentWindow.postMessage({ type: 'cognito-wasm:hello' }, new URL(src).origin);
        resolve();
      });
      document.body.append(frame);
    }), `${h.server.url}/`);
    const frame = page.frameLocator('iframe');
    await frame.locator('body[data-ready="true"]').waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => window.received.some((m) => m.data.type === 'cognito-wasm:ready'), null, { timeout: 10_000 });
    await frame.getByLabel('Username').fill(creds.username);
    await frame.getByLabel('Password').fill(creds.password);
    await frame.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForFunction(() => window.received.some((m) => m.data.type === 'cognito-wasm:signed-in'), null, { timeout: 20_000 });
    const message = (await page.evaluate(() => window.received)).find((m) => m.data.type === 'cognito-wasm:signed-in');
    assert.equal(message.origin, h.server.url);
    assert.deepEqual(Object.keys(message.data).sort(), ['accessToken', 'expiresAt', 'idToken', 'type', 'username']);
    assert.equal(message.data.username, creds.username);
    const claims = JSON.parse(Buffer.from(message.data.idToken.split('.')[1], 'base64url'));
    assert.equal(claims['cognito:username'], creds.username);
    await h.shot(page, 'iframe');

    await frame.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForFunction(() => window.received.some((m) => m.data.type === 'cognito-wasm:signed-out'), null, { timeout: 20_000 });
    noTokenIn(urls);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('an origin off the list can neither frame the page nor get a session by postMessage', async () => {
  h.setConfig({ allowedParentOrigins: [h.parent.url] });
  const context = await h.browser.newContext();
  try {
    // Signed in on the sign-in page's origin first, so there is a session to leak.
    const { page: login } = await h.openPage({ context });
    await fillAndSubmit(login, { Username: creds.username, Password: creds.password }, 'Sign in');
    await screen(login, 'signed-in');

    // Framing from the foreign origin is refused by frame-ancestors.
    const { page: evil } = await appPage(context, h.foreign.url);
    const blocked = new Promise((resolve) => evil.on('console', (m) => /frame-ancestors/.test(m.text()) && resolve(m.text())));
    await evil.evaluate((src) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      document.body.append(frame);
    }, `${h.server.url}/`);
    assert.match(await blocked, /violates the following Content Security Policy directive: "frame-ancestors http:\/\/127\.0\.0\.1:\d+"\. The request has been blocked/);

    // A popup it opens (popups are not covered by frame-ancestors) ignores its hello.
    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      evil.evaluate((src) => { window.login = window.open(src, 'login', 'popup'); }, `${h.server.url}/`),
    ]);
    await popup.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await evil.evaluate(() => {
      window.login.postMessage({ type: 'cognito-wasm:hello' }, '*');
      window.login.postMessage({ type: 'cognito-wasm:hello' }, '*');
    });
    await popup.waitForFunction(() => Number(document.documentElement.dataset.ignoredMessages) >= 2, null, { timeout: 10_000 });
    await evil.waitForTimeout(1000);
    assert.deepEqual(await evil.evaluate(() => window.received), [], 'nothing was posted to the foreign origin');
    await popup.close();

    // The allowed origin doing the same gets the session (so the refusal above is the allow-list's doing).
    const { page: app } = await appPage(context, h.parent.url);
    const [popup2] = await Promise.all([
      context.waitForEvent('page'),
      app.evaluate((src) => { window.login = window.open(src, 'login', 'popup'); }, `${h.server.url}/`),
    ]);
    await popup2.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    const closed = popup2.waitForEvent('close', { timeout: 20_000 });
    await app.evaluate((origin) => window.login.postMessage({ type: 'cognito-wasm:hello' }, origin), h.server.url);
    await app.waitForFunction(() => window.received.some((m) => m.data.type === 'cognito-wasm:signed-in'), null, { timeout: 20_000 });
    await closed; // its job done, the popup closes itself
  } finally {
    await context.close();
  }
});

test('branding from config.json: name, logo and colours, under the CSP', async () => {
  const logo = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="5" fill="#7b2cbf"/></svg>')}`;
  h.setConfig({ branding: { name: 'Example Corp', logo, colors: { accent: '#7b2cbf', background: '#f3ecfa', text: 'expression(alert(1))' } } });
  const { page, context, problems } = await h.openPage();
  try {
    assert.equal(await page.title(), 'Sign in · Example Corp');
    assert.equal(await page.locator('#brand-name').textContent(), 'Example Corp');
    assert.equal(await page.getByRole('img', { name: 'Example Corp logo' }).isVisible(), true);
    const button = await page.getByRole('button', { name: 'Sign in' }).evaluate((b) => getComputedStyle(b).backgroundColor);
    assert.equal(button, 'rgb(123, 44, 191)');
    assert.equal(await page.evaluate(() => document.documentElement.style.getPropertyValue('--fg')), '', 'a non-colour is ignored');
    await h.shot(page, 'branding');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    h.setConfig();
  }
});

test('data attributes on <html> configure the page instead of config.json', async () => {
  // A copy of www/ whose index.html carries the settings, served by its own serve.py (same CSP source).
  const root = mkdtempSync(join(tmpdir(), 'cognito-page-attrs-'));
  cpSync(join(ROOT, 'www'), root, { recursive: true });
  const attributes = [
    `data-user-pool-id="${h.demo.userPoolId}"`,
    `data-client-id="${h.demo.clientId}"`,
    `data-endpoint="${h.emulator.endpoint}"`,
    'data-sign-up="false"',
    'data-brand-name="Attribute Co"',
  ].join(' ');
  const html = readFileSync(join(root, 'index.html'), 'utf8').replace('<html lang="en">', `<html lang="en" ${attributes}>`);
  writeFileSync(join(root, 'index.html'), html);
  h.setConfig();
  const server = await startServePy(['--root', root, '--config', h.configFile]);
  const context = await h.browser.newContext();
  try {
    const page = await context.newPage();
    const problems = watch(page);
    const configFetches = [];
    page.on('request', (req) => req.url().endsWith('/config.json') && configFetches.push(req.url()));
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    assert.equal(await page.locator('#brand-name').textContent(), 'Attribute Co');
    assert.equal(await page.getByRole('button', { name: 'Create an account' }).count(), 0, 'sign-up turned off');
    await fillAndSubmit(page, { Username: creds.username, Password: creds.password }, 'Sign in');
    await screen(page, 'signed-in');
    assert.deepEqual(configFetches, [], 'config.json was not fetched');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
});
