
// Appended to wasm-bindgen's glue by scripts/build-pkg.sh: it needs the glue's own `wasm` and imports.
/**
 * Instantiates a later module of the split (scripts/wasm-split) on top of this thread's session module, which
 * `initSync` instantiated first: it imports that instance's memory, tables and stack pointer and calls the
 * functions of the modules before it through the function table, so that it carries none of them itself. Its
 * exports (`firstExport` among them) join the ones the classes above call. Once per instance: its data and
 * table segments would write its statics again, so a second call does nothing.
 */
function attach(module, firstExport) {
  if (wasm === undefined) throw new Error('cognito-wasm: a module attached before initSync');
  if (wasm[firstExport] !== undefined) return;
  const imports = __wbg_get_imports();
  imports.__split = wasm;
  wasm = { ...wasm, ...new WebAssembly.Instance(module, imports).exports };
}

/** The refresh module (cognito_wasm_refresh_bg.wasm): `Core.refresh`. */
export function attachRefresh(module) {
  attach(module, 'core_refresh');
}

/**
 * The sign-in module (cognito_wasm_sign_in_bg.wasm): `SignInCore`. It calls functions the refresh module
 * carries (reading a reply's tokens, say), so that one is attached first.
 */
export function attachSignIn(module) {
  if (wasm !== undefined && wasm.core_refresh === undefined) {
    throw new Error('cognito-wasm: the sign-in module attached before the refresh module');
  }
  attach(module, 'signincore_new');
}

/**
 * The account module (cognito_wasm_account_bg.wasm): `SignInCore.account`. It calls functions the sign-in
 * module carries (reading a reply, the secret hash), so that one is attached first.
 */
export function attachAccount(module) {
  if (wasm !== undefined && wasm.signincore_new === undefined) {
    throw new Error('cognito-wasm: the account module attached before the sign-in module');
  }
  attach(module, 'signincore_account');
}
