// `make pkg`, last step: the package's JavaScript bundled and minified in place, each output file with a source
// map beside it.
//
// Why: a page that imports the package without a bundler (an import map, a CDN) fetches these files as they
// are. Minified one by one they were 9.7 kB gzipped of a returning user's page in 13 files; bundled, the same
// code is fewer files that compress together and share minified names (make bench, 2026-12-04).
//
// Entry points keep their names: the package's exports (index.js, node.js, passkeys.js), the worker
// (signer.js) and every module the code imports on first use (`import('./x.js')`: what a returning user's page
// must not fetch stays out of its files). Everything index.js imports statically — what a returning user's
// page runs before getSession() answers — is one chunk, `shared-<hash>.js`:
// one file compresses better than the 7 that splitting by importer gave (6,416 B gzip -9 with index.js, was
// 7,768), and the worker and node.js, which import parts of it, reuse it (the page has it cached). Code that
// several of the other entries import goes into `shared-<hash>.js` chunks of its own; what no entry uses is
// left out, such as the glue's fetching loader (index.js compiles the session module itself). The maps
// carry the readable source (`sourcesContent`), so DevTools and `node --enable-source-maps` show
// pkg-template/'s code and its comments.
//
// Rolldown, not esbuild: esbuild splits by importer only (no chunk groups), and keeps `#private` names as
// written; Rolldown's minifier (Oxc) shortens them.
//
// Usage: node scripts/bundle-pkg.mjs <pkg dir>
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rolldown } from 'rolldown';

const dir = resolve(process.argv[2] ?? '');
if (!process.argv[2]) throw new Error('usage: bundle-pkg.mjs <pkg dir>');

const sources = readdirSync(dir).filter((n) => n.endsWith('.js')).sort();
// build-pkg.sh writes the package afresh; a map already there means a second build wrote into this one.
for (const name of sources) {
  if (existsSync(join(dir, `${name}.map`))) throw new Error(`bundle-pkg: ${dir}/${name} is bundled already (two builds of ${dir} at once?)`);
}
/** A module's code lines (comments name imports as examples). */
const code = (name) =>
  readFileSync(join(dir, name), 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
    .join('\n');
const entries = new Set(['index.js', 'node.js', 'passkeys.js', 'signer.js']);
for (const name of sources) {
  // Modules loaded on first use, and the worker: `import('./x.js')`, `new URL('./x.js', import.meta.url)`.
  for (const [, target] of code(name).matchAll(/(?:import\(|new URL\()'\.\/([\w-]+\.js)'/g)) entries.add(target);
}
for (const name of entries) if (!sources.includes(name)) throw new Error(`bundle-pkg: ${name} is imported but not in ${dir}`);

// The load path: the modules index.js imports (`import … from './x.js'`), and theirs.
const loadPath = new Set();
for (const pending = ['index.js']; pending.length > 0; ) {
  const name = pending.pop();
  if (loadPath.has(name)) continue;
  loadPath.add(name);
  for (const [, target] of code(name).matchAll(/^(?:import|export)\b[^;'(]*?from '\.\/([\w-]+\.js)'/gm)) pending.push(target);
}
loadPath.delete('index.js');
const loadPathIds = new Set([...loadPath].map((name) => join(dir, name)));

/**
 * Code of wasm-bindgen's glue (cognito_wasm.js) that no caller of this package can reach, yet the minifier
 * keeps, as it cannot know it: taken out before bundling (143 B gzip -9 of the load path, 2026-12-05). Each must
 * be found as many times as given (once unless a third element says otherwise); a wasm-bindgen that writes it
 * otherwise fails the build here, to be looked at again.
 */
const GLUE_DEAD_CODE = [
  // passStringToWasm0 without a realloc: every call of it in the glue passes wasm.__wbindgen_realloc.
  [
    `    if (realloc === undefined) {
        const buf = cachedTextEncoder.encode(arg);
        const ptr = malloc(buf.length, 1) >>> 0;
        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
        WASM_VECTOR_LEN = buf.length;
        return ptr;
    }
`,
    '',
  ],
  // TextEncoder#encodeInto's polyfill: every engine with wasm SIMD, which the session module needs, has it.
  [
    `if (!('encodeInto' in cachedTextEncoder)) {
    cachedTextEncoder.encodeInto = function (arg, view) {
        const buf = cachedTextEncoder.encode(arg);
        view.set(buf);
        return {
            read: arg.length,
            written: buf.length
        };
    };
}
`,
    '',
  ],
  // initSync's deprecated form (the module itself, not `{module}`): the package's entries pass `{module}`.
  [
    `    if (module !== undefined) {
        if (Object.getPrototypeOf(module) === Object.prototype) {
            ({module} = module)
        } else {
            console.warn('using deprecated parameters for \`initSync()\`; pass a single object instead')
        }
    }
`,
    '    ({ module } = module);\n',
  ],
];
/**
 * What the glue writes once per exported class (Core, SignInCore; and BenchSrpClient in make bench's build),
 * dead in the package likewise.
 */
const GLUE_DEAD_CODE_PER_CLASS = (name) => [
  // Disposing a core with `using`: the package frees its cores itself (free(), or the FinalizationRegistry),
  // and never hands one to an app. Kept, the assignment is a side effect that keeps the session core's class in
  // a bundler's build of the worker, which never makes one (make bench's whole-package build).
  [`if (Symbol.dispose) ${name}.prototype[Symbol.dispose] = ${name}.prototype.free;\n`, ''],
];
/**
 * The classes' finalizers without FinalizationRegistry: every engine with wasm SIMD, which the session module
 * needs, has it. Once per class.
 */
const REGISTRY_FALLBACK = "(typeof FinalizationRegistry === 'undefined')\n    ? { register: () => {}, unregister: () => {} }\n    : ";
const glueDeadCode = {
  name: 'glue-dead-code',
  transform(text, id) {
    if (id !== join(dir, 'cognito_wasm.js')) return null;
    const classes = [...text.matchAll(/^export class (\w+) \{/gm)].map(([, name]) => name);
    const deadCode = [...GLUE_DEAD_CODE, ...classes.flatMap(GLUE_DEAD_CODE_PER_CLASS), [REGISTRY_FALLBACK, '', classes.length]];
    for (const [dead, live, times = 1] of deadCode) {
      if (text.split(dead).length !== times + 1) throw new Error(`bundle-pkg: the glue no longer holds, ${times} time(s):\n${dead}`);
      // As many lines as before, so that the source map's lines of the glue stay the glue's.
      text = text.replaceAll(dead, live + '\n'.repeat(dead.split('\n').length - live.split('\n').length));
    }
    return { code: text, map: null };
  },
};

const before = sources.reduce((sum, name) => sum + readFileSync(join(dir, name)).length, 0);
const bundle = await rolldown({
  input: Object.fromEntries([...entries].map((name) => [name.slice(0, -'.js'.length), join(dir, name)])),
  external: [/^node:/],
  platform: 'neutral',
  plugins: [glueDeadCode],
  // Every entry's exports as written: they are the package's API, or what the code that imports them uses.
  preserveEntrySignatures: 'strict',
  // What the minifier may write: ES2022, which every engine the package supports runs (Node 20 too).
  transform: { target: 'es2022' },
  logLevel: 'warn',
});
// Written in memory, then in place of the sources: the maps name their sources relative to the package.
const { output } = await bundle.generate({
  dir,
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: 'shared-[hash].js',
  codeSplitting: { groups: [{ name: 'shared', test: (id) => loadPathIds.has(id) }] },
  minify: true,
  // No comments at all: no license banners to keep (the package's licence is in package.json), and the
  // tree-shaking annotations served the bundling only.
  comments: false,
  sourcemap: true,
});
await bundle.close();
for (const name of sources) rmSync(join(dir, name));
let after = 0;
let files = 0;
for (const file of output) {
  if (file.type === 'chunk') {
    // Rolldown names the map at the end of the code already; an entry whose code is all in shared chunks (a
    // re-export) gets an empty map, so that every file has one.
    const map = file.map ?? { version: 3, file: file.fileName, sources: [], sourcesContent: [], names: [], mappings: '' };
    const tail = `//# sourceMappingURL=${file.fileName}.map`;
    writeFileSync(join(dir, file.fileName), `${file.code.endsWith(tail) ? file.code : `${file.code}\n${tail}`}\n`);
    writeFileSync(join(dir, `${file.fileName}.map`), JSON.stringify(map));
    after += Buffer.byteLength(file.code);
    files += 1;
  } else {
    writeFileSync(join(dir, file.fileName), file.source);
  }
}
const chunk = output.find((file) => file.type === 'chunk' && file.name === 'shared');
const missing = [...loadPathIds].filter((id) => !chunk?.moduleIds.includes(id));
if (missing.length > 0) throw new Error(`bundle-pkg: the load path's chunk lacks ${missing.join(', ')}`);
console.log(`bundle-pkg: JavaScript ${before} → ${after} bytes, ${sources.length} modules → ${files} files`);
