// Fetching and compiling one of the package's .wasm modules, in browsers and workers (index.js, signer.js).
// Needs a Content-Security-Policy that allows `'wasm-unsafe-eval'` in script-src.

/** The compiled module at `url` (a URL next to the caller, `new URL('…', import.meta.url)`). */
export async function compileWasm(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cognito-wasm: fetching ${url} failed: HTTP ${response.status}`);
  // Streaming compilation (in every engine with wasm SIMD, which the modules need) needs the application/wasm
  // type; a server that sends another still works.
  return response.headers.get('Content-Type') === 'application/wasm'
    ? WebAssembly.compileStreaming(response)
    : WebAssembly.compile(await response.arrayBuffer());
}
