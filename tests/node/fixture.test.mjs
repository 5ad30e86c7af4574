// tests/node/fixture.mjs stops what a test file started: a test file of its own (written to a scratch
// directory, run by a separate node) starts the emulator, the harness site and Chromium through a fixture and
// prints where they are; once that node has exited, none of them may still be there, whether its before()
// finished or threw after starting them.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const work = mkdtempSync(join(tmpdir(), 'fixture-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

const CHILD = `
import { test } from 'node:test';
import { fixture } from ${JSON.stringify(new URL('./fixture.mjs', import.meta.url).href)};

fixture(async (start) => {
  const emulator = await start.emulator();
  const site = await start.harness();
  const browser = await start.browser();
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  await cdp.detach();
  const browserPid = processInfo.find((p) => p.type === 'browser').id;
  console.log('STARTED ' + JSON.stringify({ emulator: emulator.url, site: site.url, browserPid }));
  if (process.env.FIXTURE_TEST_FAIL) throw new Error('before() fails after starting everything');
  return {};
});

test('runs once all has started', () => {});
`;

const TIMEOUT_MS = 30_000;

/** CHILD written to the scratch directory, and the environment to run it with. */
function childFile(env) {
  const file = join(work, 'child.test.mjs');
  writeFileSync(file, CHILD);
  // Without NODE_TEST_CONTEXT, which `node --test` sets: the child reports as a file run on its own, on stdout.
  const { NODE_TEST_CONTEXT, ...inherited } = process.env;
  return { file, env: { ...inherited, ...env } };
}

/** Runs CHILD in a node of its own; returns what it started, its exit status and its output. */
function runChild(extraEnv = {}) {
  const { file, env } = childFile(extraEnv);
  // A fixture that stops nothing leaves the child's event loop alive: it is killed after TIMEOUT_MS.
  const run = spawnSync(process.execPath, [file], {
    env,
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith('STARTED '));
  assert.ok(line, `the child started nothing:\n${run.stdout}\n${run.stderr}`);
  return { started: JSON.parse(line.slice('STARTED '.length)), status: run.status, output: run.stdout };
}

/** True while something still answers HTTP at `url`. */
async function answers(url) {
  try {
    await fetch(url, { signal: AbortSignal.timeout(5000) });
    return true;
  } catch {
    return false;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function assertAllStopped({ emulator, site, browserPid }) {
  assert.equal(await answers(`${emulator}/_emulator/calls`), false, `the emulator at ${emulator} was stopped`);
  assert.equal(await answers(site), false, `the harness site at ${site} was stopped`);
  // A browser killed rather than closed (the SIGTERM case) is gone a moment later, once the kernel has reaped it.
  for (let waited = 0; alive(browserPid) && waited < 5000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(alive(browserPid), false, `Chromium (pid ${browserPid}) was closed`);
}

test('after a passing run, the emulator, the site and Chromium are stopped', async () => {
  const { started, status, output } = runChild();
  await assertAllStopped(started);
  assert.equal(status, 0, output);
});

test('when before() throws after starting them, they are stopped all the same', async () => {
  const { started, status, output } = runChild({ FIXTURE_TEST_FAIL: '1' });
  await assertAllStopped(started);
  assert.equal(status, 1, `the child reports the failed before():\n${output}`);
  assert.match(output, /before\(\) fails after starting everything/);
});

test('when the test process is sent SIGTERM (a runner stopping the run), they are stopped all the same', async () => {
  const { file, env } = childFile({});
  const child = spawn(process.execPath, [file], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  try {
    let started;
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.startsWith('STARTED ')) {
        started = JSON.parse(line.slice('STARTED '.length));
        break;
      }
    }
    assert.ok(started, 'the child started nothing');
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    assert.equal(code ?? signal, 128 + 15, 'the child exits as a SIGTERM ends a process');
    await assertAllStopped(started);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
