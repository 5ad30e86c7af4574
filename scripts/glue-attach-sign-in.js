
// Appended to wasm-bindgen's glue by scripts/build-pkg.sh: it needs the glue's own `wasm` and imports.
/**
 * Instantiates the sign-in module (cognito_wasm_sign_in_bg.wasm) on top of this thread's session module,
 * which `initSync` instantiated first: it imports that instance's memory, tables and stack pointer and calls
 * the functions both use through the function table (scripts/wasm-split), so that it carries none of them
 * itself. Its exports (SignInCore's) join the ones the classes above call. Once per instance: its data
 * segments would write its statics again, so a second call does nothing.
 */
export function attachSignIn(module) {
  if (wasm === undefined) throw new Error('cognito-wasm: attachSignIn before initSync');
  if (wasm.signincore_new !== undefined) return;
  const imports = __wbg_get_imports();
  imports.__split = wasm;
  wasm = { ...wasm, ...new WebAssembly.Instance(module, imports).exports };
}
