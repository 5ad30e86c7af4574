// A test file's fixture: what its before() starts (the emulator on 127.0.0.1, a web server, headless Chromium,
// a scratch directory) and its after() stops. Everything is owned as soon as it has started, so after() stops
// all that did start, last started first, also when before() threw half-way; one stop that throws does not
// keep the others running (after() reports every such error once all were tried).
//
//   const fx = fixture(async (start) => ({ emulator: await start.emulator(), browser: await start.browser() }));
//   test('…', async () => { … fx.emulator.endpoint … fx.browser.newContext() … });
//
// fixture() registers the hooks, so a test file calls it once, at its top. The object it returns holds what
// `setup` returned, from the time before() has run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

import { chromium } from 'playwright-core';

import { listen, serveHarness, startEmulator, startServePy } from './helpers.mjs';

/** Debian's Chromium, headless, with nothing of its own going to the network. */
export function launchBrowser() {
  return chromium.launch({
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
}

/**
 * Runs `setup(start)` in before() and stops in after() whatever it started through `start`:
 * - `start.emulator(options)`: startEmulator (helpers.mjs), `{ url, endpoint, port, stop }`;
 * - `start.harness()`: serveHarness (tests/node/harness/ and pkg/), `{ url, port, stop }`;
 * - `start.servePy(args)`: scripts/serve.py, `{ url, port, stop }`;
 * - `start.listen(server)`: a node:http server on a free 127.0.0.1 port, `{ url, port, stop }`;
 * - `start.browser()`: launchBrowser(), a playwright-core Browser;
 * - `start.dir(prefix)`: a new directory under the system's temporary one, removed with all in it.
 * Returns an object that takes on the properties of what `setup` resolves to.
 */
export function fixture(setup) {
  const stops = [];
  const own = async (starting, stop) => {
    const thing = await starting;
    stops.push(() => stop(thing));
    return thing;
  };
  const stopIt = (thing) => thing.stop();
  const start = {
    emulator: (options) => own(startEmulator(options), stopIt),
    harness: () => own(serveHarness(), stopIt),
    servePy: (args) => own(startServePy(args), stopIt),
    listen: (server) => own(listen(server), stopIt),
    browser: () => own(launchBrowser(), (browser) => browser.close()),
    dir: (prefix) => own(mkdtempSync(join(tmpdir(), prefix)), (dir) => rmSync(dir, { recursive: true, force: true })),
  };
  const fx = {};
  before(async () => Object.assign(fx, await setup(start)));
  after(async () => {
    const errors = [];
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length) throw new AggregateError(errors, `the fixture could not stop ${errors.length} of what it started`);
  });
  return fx;
}

/**
 * The emulator (no seed), the harness site and Chromium, for a test file driving the package in a page:
 * `const fx = fixture(startHarnessInChromium)`, or called from a setup that starts more.
 */
export const startHarnessInChromium = async (start) => ({
  emulator: await start.emulator(),
  site: await start.harness(),
  browser: await start.browser(),
});
