import { defineConfig } from 'vite';

// The package initialises its .wasm with top-level await, which every browser Vite targets supports.
export default defineConfig({
  build: { target: 'es2022' },
});
