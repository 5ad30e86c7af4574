import { defineConfig } from 'vite';

// The package as pkg/ builds it (tests/node/vite-spa.test.mjs covers installing it from the tarball); the
// test passes its path. Top-level await (the package's and this app's) needs es2022.
export default defineConfig({
  resolve: { alias: { 'cognito-wasm': process.env.COGNITO_WASM_PKG } },
  build: { target: 'es2022', emptyOutDir: true },
  logLevel: 'warn',
});
