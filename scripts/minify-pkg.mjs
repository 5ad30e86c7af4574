// `make pkg`, last step: every .js of the package minified in place, each with a source map beside it.
//
// Why: a page that imports the package without a bundler (an import map, a CDN) fetches these files as they
// are, and unminified they were 20.3 of the returning user's 55.3 kB gzipped (make bench, 2026-12-04), most of
// it comments. Each file stays its own ES module (no bundling: the load path depends on which files are
// imported when), with its exports' names. The map carries the readable source (`sourcesContent`), so
// DevTools and `node --enable-source-maps` show pkg-template/'s code and its comments.
//
// Usage: node scripts/minify-pkg.mjs <pkg dir>
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';

const dir = process.argv[2];
if (!dir) throw new Error('usage: minify-pkg.mjs <pkg dir>');

// The files of the classes an app sees keep their functions' names (`CognitoClient.name`, `new CognitoClient`
// in a stack trace without the maps): 163 B gzipped for the two, where every file would cost 1.2 kB.
const PUBLIC_CLASSES = new Set(['client.js', 'errors.js']);

let before = 0;
let after = 0;
for (const name of readdirSync(dir).filter((n) => n.endsWith('.js')).sort()) {
  const path = join(dir, name);
  // build-pkg.sh writes the package afresh; a map already there means a second build wrote into this one.
  if (existsSync(`${path}.map`)) throw new Error(`minify-pkg: ${path} is minified already (two builds of ${dir} at once?)`);
  const source = readFileSync(path, 'utf8');
  const { code, map } = transformSync(source, {
    loader: 'js',
    format: 'esm',
    minify: true,
    keepNames: PUBLIC_CLASSES.has(name),
    // What the minifier may write: ES2022, which every engine the package supports runs (Node 20 too).
    target: 'es2022',
    sourcemap: 'external',
    sourcefile: name,
    sourcesContent: true,
    // No license banners to keep: the package's licence is in package.json.
    legalComments: 'none',
  });
  writeFileSync(path, `${code}//# sourceMappingURL=${name}.map\n`);
  writeFileSync(`${path}.map`, map);
  before += Buffer.byteLength(source);
  after += Buffer.byteLength(code);
}
console.log(`minify-pkg: JavaScript ${before} → ${after} bytes`);
