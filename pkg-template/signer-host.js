// The sign-in core for the clients of this page: the sign-in wasm module (SRP, the sign-in flows), and on
// top of it the account module (the account operations), loaded by the first account operation only.
// Nothing loads them, nor this module, before a client needs them (client.js imports it on first use), so a
// page whose user signed in earlier restores, refreshes and signs out with the session core alone, and an
// app that only signs in never fetches the account module. The entry tells how to load the core
// (wasm-provider.js). In browsers it runs in the page's one sign-in worker (signer.js, whose header describes
// the messages), so that the SRP maths never hold the main thread; where no worker starts (Node, a CSP that
// refuses it, an engine without module workers) or the worker stops, the modules are loaded into this thread
// instead.
import { CognitoError } from './errors.js';
import { moduleFailed } from './on-first-use.js';
import { LocalBackend, WorkerBackend } from './signer-backends.js';
import { wasmProvider } from './wasm-provider.js';

/** The backend the clients use (a promise of it): started by the first call that needs the sign-in core. */
let starting;
/** A worker failed once: the page's later backends load the module here. */
let workerFailed = false;
/**
 * Each backend's loading of the account module (a promise), kept until a call sees it fail: once, and tried
 * again by the next account operation after a failure.
 */
const accountModules = new WeakMap();

/** `backend`'s account module: loading or loaded. */
function accountModule(backend) {
  let loading = accountModules.get(backend);
  if (!loading) {
    loading = backend.loadAccount();
    loading.catch(() => {}); // its failure is the account operation's, which waits for it
    accountModules.set(backend, loading);
  }
  return loading;
}

/**
 * The live backend, started on first use; one whose worker stopped is replaced by the page's own. `account`:
 * the call is an account operation (one that starts the backend fetches the account module alongside).
 */
async function backend(account) {
  for (;;) {
    const mine = (starting ??= start(account));
    let started;
    try {
      started = await mine;
    } catch (error) {
      // A module that could not load (offline, say) is tried again by the next call.
      if (starting === mine) starting = undefined;
      throw error;
    }
    if (!started.dead) return started;
    if (starting === mine) starting = undefined;
  }
}

async function start(account) {
  const provider = wasmProvider();
  if (!workerFailed && provider.startWorker) {
    let worker;
    try {
      worker = new WorkerBackend(provider.startWorker(), () => {
        workerFailed = true;
      });
    } catch {
      // No Worker here, or one the page may not start.
    }
    // Fetched alongside the sign-in module.
    if (worker && account) accountModule(worker);
    if (worker && (await worker.ready)) return worker;
    workerFailed = true;
  }
  const local = new LocalBackend(provider);
  if (account) accountModule(local);
  await local.load();
  return local;
}

/**
 * One client's sign-in half: prepareSignIn, signIn, confirmSignIn and their replies (`call`), and the account
 * operations (`account`). Each call resolves with the sign-in core's answer. A sign-in stays in the core it
 * started in; when that core is gone (its worker stopped), the next call finds no sign-in under way and says
 * so.
 */
export class Signer {
  #config;
  /** `{backend, handle}`: where this client's core is open. */
  #opened;

  /** `config`: the client's configuration as JSON text, already checked by the session core. */
  constructor(config) {
    this.#config = config;
  }

  /**
   * Runs operation `op` of this client's sign-in core (SignInOp in src/wasm/call.rs) with `args`, loading the
   * core first if need be; resolves with its outcome's text.
   */
  call(op, ...args) {
    return this.#run(false, op, args);
  }

  /** As `call`, with the account operations (AccountOp), loading the account module first if need be. */
  account(op, ...args) {
    return this.#run(true, op, args);
  }

  async #run(account, op, args) {
    const current = await backend(account);
    if (account) {
      const loading = accountModule(current);
      try {
        await loading;
      } catch (cause) {
        if (accountModules.get(current) === loading) accountModules.delete(current);
        if (cause instanceof CognitoError) throw cause; // the worker stopped
        // As a module of the package that could not load (on-first-use.js): the next call tries again.
        throw moduleFailed(cause);
      }
    }
    if (this.#opened?.backend !== current) this.#opened = { backend: current, handle: current.open(this, this.#config) };
    return current.run(this.#opened.handle, op, JSON.stringify(args), account);
  }

  /** Forgets the sign-in under way (another tab signed out); loads nothing. */
  dropSignIn() {
    const opened = this.#opened;
    if (opened && !opened.backend.dead) opened.backend.run(opened.handle, 'dropSignIn', '[]', false).catch(() => {});
  }
}
