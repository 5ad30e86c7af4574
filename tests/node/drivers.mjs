// Firefox and WebKit for tests/node/engines.test.mjs, each driven by the protocol it speaks natively, with
// no framework: Firefox ESR over WebDriver BiDi (a WebSocket), WebKitGTK through WebKitWebDriver (classic
// WebDriver, HTTP + JSON) on an Xvfb display of its own. Both are Debian's packages (scripts/setup.sh).
//
// `launchFirefox()` and `launchWebKit()` resolve to the same face:
//   { name, version, open(url), call(name, arg), close() }
// where `call` runs `window.step(name, JSON.stringify(arg))` in the page (tests/node/harness/engines.js)
// once `window.pageReady` resolved, and resolves to the step's parsed answer.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import WebSocket from 'ws';

import { killOnExit } from './helpers.mjs';

export const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver';
export const XVFB = process.env.XVFB || '/usr/bin/Xvfb';

/** How long a browser or driver may take to start, and one step to answer. */
const START_MS = 30_000;
const STEP_MS = 30_000;

/** The function both protocols call in the page: the step, after the package has loaded. */
const STEP_IN_PAGE = '(name, arg) => window.pageReady.then(() => window.step(name, arg))';

/** Throws, saying how to install it, unless `path` exists. */
function installed(path) {
  if (!existsSync(path)) throw new Error(`${path} is missing: \`scripts/setup.sh engines\` (run by \`make test\`) installs it`);
  return path;
}

/**
 * Spawns `cmd` as a child that is killed when this process exits, whatever happens to the test.
 * `stop()` asks with SIGTERM, then SIGKILLs after `graceMs`, and resolves when it is gone.
 */
function child(cmd, args, options = {}) {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
  const log = [];
  proc.stderr?.on('data', (d) => log.push(String(d)));
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  killOnExit(proc);
  const running = () => proc.exitCode === null && proc.signalCode === null;
  const stop = async (graceMs = 3000) => {
    if (running()) proc.kill('SIGTERM');
    const timer = setTimeout(() => running() && proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { proc, log, exited, stop, running };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves `promise`, or rejects after `ms` saying what was awaited. */
function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Parses a step's answer; a step that could not run at all becomes { ok: false }. */
function stepAnswer(name, text) {
  if (typeof text !== 'string') return { ok: false, name: 'DriverError', message: `step ${name} returned ${JSON.stringify(text)}` };
  return JSON.parse(text);
}

// --- Firefox over WebDriver BiDi ---------------------------------------------------------------------------

/** Headless Firefox ESR on a fresh profile, with its WebDriver BiDi server on a free port of 127.0.0.1. */
export async function launchFirefox() {
  installed(FIREFOX);
  const profile = await mkdtemp(join(tmpdir(), 'cognito-wasm-firefox-'));
  // Firefox applies its recommended automation preferences itself when remote control is on (no first-run
  // pages, no updates, no background requests worth waiting for).
  const firefox = child(FIREFOX, ['-headless', '-no-remote', '-profile', profile, '--remote-debugging-port=0', 'about:blank'], {
    env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' },
  });
  const cleanUp = async () => {
    await firefox.stop(5000);
    await rm(profile, { recursive: true, force: true });
  };
  let socket;
  try {
    const endpoint = await within(START_MS, 'firefox: WebDriver BiDi', new Promise((resolve, reject) => {
      firefox.proc.stderr.on('data', () => {
        const m = firefox.log.join('').match(/WebDriver BiDi listening on (ws:\/\/\S+)/);
        if (m) resolve(m[1]);
      });
      firefox.exited.then((code) => reject(new Error(`firefox exited (${code}) before listening:\n${firefox.log.join('')}`)));
    }));
    socket = new WebSocket(`${endpoint}/session`);
    await within(START_MS, 'firefox: WebSocket', new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    }));
    const bidi = bidiConnection(socket);
    const { capabilities } = await bidi('session.new', { capabilities: {} });
    const { contexts } = await bidi('browsingContext.getTree', {});
    const context = contexts[0].context;
    return {
      name: 'Firefox',
      version: `${capabilities.browserName} ${capabilities.browserVersion}`,
      async open(url) {
        await bidi('browsingContext.navigate', { context, url, wait: 'complete' });
      },
      async call(name, arg) {
        const reply = await within(STEP_MS, `firefox: step ${name}`, bidi('script.callFunction', {
          functionDeclaration: STEP_IN_PAGE,
          arguments: [{ type: 'string', value: name }, { type: 'string', value: JSON.stringify(arg ?? null) }],
          target: { context },
          awaitPromise: true,
          resultOwnership: 'none',
        }));
        if (reply.type !== 'success') {
          return { ok: false, name: 'DriverError', message: `step ${name}: ${JSON.stringify(reply.exceptionDetails)}` };
        }
        return stepAnswer(name, reply.result.value);
      },
      async close() {
        try {
          await within(5000, 'firefox: browser.close', bidi('browser.close', {}));
        } catch {
          // It is killed below all the same.
        }
        socket.terminate();
        await cleanUp();
      },
    };
  } catch (error) {
    socket?.terminate();
    await cleanUp();
    throw error;
  }
}

/** `send(method, params)` over one BiDi WebSocket: resolves with the command's result, rejects with its error. */
function bidiConnection(socket) {
  const pending = new Map();
  let lastId = 0;
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    const call = pending.get(message.id);
    if (!call) return; // an event: none are subscribed to
    pending.delete(message.id);
    if (message.type === 'error') call.reject(new Error(`${call.method}: ${message.error}: ${message.message}`));
    else call.resolve(message.result);
  });
  socket.on('close', () => {
    for (const call of pending.values()) call.reject(new Error(`${call.method}: the BiDi connection closed`));
    pending.clear();
  });
  return (method, params) =>
    new Promise((resolve, reject) => {
      lastId += 1;
      pending.set(lastId, { method, resolve, reject });
      socket.send(JSON.stringify({ id: lastId, method, params }));
    });
}

// --- WebKit through WebKitWebDriver ------------------------------------------------------------------------

/** A free TCP port on 127.0.0.1 (WebKitWebDriver takes port 0 but does not say which port it got). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Xvfb on the first free display number, which it picks itself and writes to fd 3. */
async function startXvfb() {
  const xvfb = child(installed(XVFB), ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  try {
    const display = await within(START_MS, 'Xvfb', new Promise((resolve, reject) => {
      let text = '';
      xvfb.proc.stdio[3].on('data', (d) => {
        text += d;
        if (text.includes('\n')) resolve(`:${text.trim()}`);
      });
      xvfb.exited.then((code) => reject(new Error(`Xvfb exited (${code}):\n${xvfb.log.join('')}`)));
    }));
    return { display, stop: () => xvfb.stop() };
  } catch (error) {
    await xvfb.stop();
    throw error;
  }
}

/** WebKitGTK's MiniBrowser, started by WebKitWebDriver on its own Xvfb display. */
export async function launchWebKit() {
  installed(WEBKIT_DRIVER);
  const xvfb = await startXvfb();
  let driver;
  let base;
  let session;
  const webdriver = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const { value } = await res.json();
    if (!res.ok) throw new Error(`WebKitWebDriver ${method} ${path}: ${res.status} ${value?.error}: ${value?.message}`);
    return value;
  };
  const cleanUp = async () => {
    if (session) await webdriver('DELETE', `/session/${session.sessionId}`).catch(() => {});
    await driver?.stop();
    await xvfb.stop();
  };
  try {
    // Another process may take the free port before the driver binds it: then try another.
    for (let attempt = 1; !base; attempt += 1) {
      const port = await freePort();
      driver = child(WEBKIT_DRIVER, [`--port=${port}`, '--host=127.0.0.1'], { env: { ...process.env, DISPLAY: xvfb.display } });
      const url = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + START_MS;
      while (driver.running() && Date.now() < deadline) {
        const up = await fetch(`${url}/status`).then((r) => r.ok, () => false);
        if (up) break;
        await sleep(100);
      }
      if (driver.running() && Date.now() < deadline) base = url;
      else if (attempt === 3 || driver.running()) throw new Error(`WebKitWebDriver did not start:\n${driver.log.join('')}`);
      else await driver.stop();
    }
    session = await within(START_MS, 'WebKitWebDriver: new session', webdriver('POST', '/session', { capabilities: { alwaysMatch: {} } }));
    const id = session.sessionId;
    await webdriver('POST', `/session/${id}/timeouts`, { script: STEP_MS });
    return {
      name: 'WebKit',
      version: `${session.capabilities.browserName} (WebKitGTK ${session.capabilities.browserVersion})`,
      async open(url) {
        await webdriver('POST', `/session/${id}/url`, { url });
      },
      async call(name, arg) {
        const text = await webdriver('POST', `/session/${id}/execute/async`, {
          script: `const [name, arg, done] = arguments; (${STEP_IN_PAGE})(name, arg).then(done);`,
          args: [name, JSON.stringify(arg ?? null)],
        });
        return stepAnswer(name, text);
      },
      close: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
