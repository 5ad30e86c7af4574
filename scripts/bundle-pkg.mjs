// `make pkg`, last step: the package's JavaScript bundled and minified in place, each output file with a source
// map beside it.
//
// Why: a page that imports the package without a bundler (an import map, a CDN) fetches these files as they
// are. Minified one by one they were 9.7 kB gzipped of a returning user's page in 13 files; bundled, the same
// code is fewer files that compress together and share minified names (make bench, 2026-12-04).
//
// Entry points keep their names: the package's exports (index.js, node.js, passkeys.js), the worker
// (signer.js) and every module the code imports on first use (`import('./x.js')`: what a returning user's page
// must not fetch stays out of its files; the sign-in core's glue among them). Code that several entries import
// goes into `shared-<hash>.js` chunks; what no entry uses is left out, such as the session core glue's
// fetching loader (index.js compiles the module itself). The maps carry the readable source
// (`sourcesContent`), so DevTools and `node --enable-source-maps` show pkg-template/'s code and its comments.
//
// Usage: node scripts/bundle-pkg.mjs <pkg dir>
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const dir = process.argv[2];
if (!dir) throw new Error('usage: bundle-pkg.mjs <pkg dir>');

const sources = readdirSync(dir).filter((n) => n.endsWith('.js')).sort();
// build-pkg.sh writes the package afresh; a map already there means a second build wrote into this one.
for (const name of sources) {
  if (existsSync(join(dir, `${name}.map`))) throw new Error(`bundle-pkg: ${dir}/${name} is bundled already (two builds of ${dir} at once?)`);
}
const entries = new Set(['index.js', 'node.js', 'passkeys.js', 'signer.js']);
for (const name of sources) {
  // Code lines only: comments name imports as examples.
  const text = readFileSync(join(dir, name), 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
    .join('\n');
  // Modules loaded on first use, and the worker: `import('./x.js')`, `new URL('./x.js', import.meta.url)`.
  for (const [, target] of text.matchAll(/(?:import\(|new URL\()'\.\/([\w-]+\.js)'/g)) entries.add(target);
}
for (const name of entries) if (!sources.includes(name)) throw new Error(`bundle-pkg: ${name} is imported but not in ${dir}`);

const before = sources.reduce((sum, name) => sum + readFileSync(join(dir, name)).length, 0);
// Written in memory, then in place of the sources: the maps name their sources relative to the package.
const { outputFiles } = await build({
  entryPoints: [...entries].map((name) => join(dir, name)),
  outdir: dir,
  write: false,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  external: ['node:*'],
  chunkNames: 'shared-[hash]',
  minify: true,
  // What the minifier may write: ES2022, which every engine the package supports runs (Node 20 too).
  target: 'es2022',
  sourcemap: 'linked',
  sourcesContent: true,
  // No license banners to keep: the package's licence is in package.json.
  legalComments: 'none',
  logLevel: 'warning',
});
for (const name of sources) rmSync(join(dir, name));
let after = 0;
for (const file of outputFiles) {
  writeFileSync(file.path, file.contents);
  if (file.path.endsWith('.js')) after += file.contents.length;
}
const files = outputFiles.filter((file) => file.path.endsWith('.js')).length;
console.log(`bundle-pkg: JavaScript ${before} → ${after} bytes, ${sources.length} modules → ${files} files`);
