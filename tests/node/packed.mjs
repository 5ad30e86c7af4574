// Installs the packed npm package the way a user would: `npm pack` pkg/, install the tarball into a fresh
// project, import 'cognito-wasm' by name from there (so Node picks the exports map's "node" entry).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { ROOT } from './helpers.mjs';

/** Returns { pkg, app, dispose }: the imported module, the scratch project's folder, and a cleanup. */
export async function installPackedPackage() {
  const pkgDir = join(ROOT, 'pkg');
  assert.ok(existsSync(join(pkgDir, 'package.json')), 'pkg/ is not built (run `make pkg`)');
  const work = mkdtempSync(join(tmpdir(), 'cognito-wasm-pack-'));
  const quiet = { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' };
  execFileSync('npm', ['pack', pkgDir, '--pack-destination', work, '--silent'], { cwd: work, ...quiet });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack produced no tarball');
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  execFileSync('npm', ['install', join(work, tarball), '--no-audit', '--no-fund', '--offline'], { cwd: app, ...quiet });
  writeFileSync(join(app, 'load.mjs'), "export * from 'cognito-wasm';\n");
  const pkg = await import(pathToFileURL(join(app, 'load.mjs')).href);
  return { pkg, app, dispose: () => rmSync(work, { recursive: true, force: true }) };
}
