// The page's sign-in worker: loads the sign-in module (SRP, sign-in flows) on top of the session and refresh
// modules when the page first needs it, and the account module (the account operations) on top of that when
// the page first asks for one, and runs each client's sign-in half here, so that the SRP maths (A, the
// password key and signature, device SRP) never hold the main thread. signer-host.js is the page's side of
// the protocol; every message is tagged with its `type`:
//   page → worker  {type: 'load', session}                  the page's compiled session module (index.js), to
//                                                            run the sign-in module on; sent first
//                  {type: 'account'}                         load the account module; answered by 'account'
//                  {type: 'open', client, config}           a core for client number `client`
//                  {type: 'call', id, client, account, op, args}
//                                                            operation `op` of that core (an account operation
//                                                            if `account`), `args` the JSON text of their
//                                                            array; answered by a 'reply'
//                  {type: 'close', client}                   the client was collected: free its core
//   worker → page  {type: 'ready'}                           the module is loaded: send 'open' and 'call'
//                  {type: 'unavailable'}                     it cannot load here: the page loads it instead
//                  {type: 'account', error}                  the account module is loaded (`error` undefined),
//                                                            or why not: a later 'account' tries again
//                  {type: 'reply', id, result}               the core's answer (an outcome's JSON text)
import { SignInCore, attachAccount, attachRefresh, attachSignIn, initSync } from './cognito_wasm.js';
import { compileWasm } from './load-wasm.js';
import { once } from './wasm-provider.js';

const cores = new Map();

// Fetched and compiled while the page's 'load' is on its way: the sign-in module, and the refresh module it
// calls into. Each `new URL` is written out, so that bundlers find the files.
const modules = Promise.all([
  compileWasm(new URL('./cognito_wasm_refresh_bg.wasm', import.meta.url)),
  compileWasm(new URL('./cognito_wasm_sign_in_bg.wasm', import.meta.url)),
]);
modules.catch(() => {}); // their failure is answered on 'load'
/** The modules attached on 'load' (a promise). */
let loaded;
/** The account module attached on top of them, once, again after a failure (a promise). */
const loadAccount = once(() =>
  Promise.all([compileWasm(new URL('./cognito_wasm_account_bg.wasm', import.meta.url)), loaded]).then(([module]) =>
    attachAccount(module),
  ),
);

self.onmessage = ({ data }) => {
  switch (data.type) {
    case 'load':
      loaded = modules.then(([refresh, signIn]) => {
        initSync({ module: data.session });
        attachRefresh(refresh);
        attachSignIn(signIn);
      });
      loaded.then(
        () => self.postMessage({ type: 'ready' }),
        () => self.postMessage({ type: 'unavailable' }),
      );
      break;
    case 'account':
      loadAccount().then(
        () => self.postMessage({ type: 'account' }),
        (error) => self.postMessage({ type: 'account', error: String(error?.message ?? error) }),
      );
      break;
    case 'open':
      // The configuration was checked on the page, by the same reader.
      cores.set(data.client, new SignInCore(data.config));
      break;
    case 'call': {
      const core = cores.get(data.client);
      const result = data.account ? core.account(data.op, data.args) : core.call(data.op, data.args);
      self.postMessage({ type: 'reply', id: data.id, result });
      break;
    }
    case 'close':
      cores.get(data.client)?.free();
      cores.delete(data.client);
      break;
  }
};
