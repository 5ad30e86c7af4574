// The two ways signer-host.js runs the sign-in core: in the page's sign-in worker (signer.js, whose header
// describes the messages), or loaded into this thread. Bundled with signer-host.js, which the client imports
// with the first call that needs the core: a returning user's page, which never signs in, does not download
// them, and the first sign-in fetches one file, not two one after the other.
import { fail } from './outcome.js';

/** What a call to a worker that stopped fails with. */
const stopped = () => fail('AbortError', 'the sign-in worker stopped; sign in again');

/** The sign-in core loaded into this thread as the entry loads it (wasm-provider.js): a `SignInCore` per client. */
export class LocalBackend {
  dead = false;
  #provider;
  #Core;

  constructor(provider) {
    this.#provider = provider;
  }

  /** Loads the sign-in module. */
  async load() {
    this.#Core = await this.#provider.load();
  }

  /** Loads the account module (on top of the sign-in module). */
  loadAccount() {
    return this.#provider.loadAccount();
  }

  open(client, config) {
    return new this.#Core(config);
  }

  /** `account`: `op` is an account operation (`SignInCore.account`). */
  async run(core, op, args, account) {
    return account ? core.account(op, args) : core.call(op, args);
  }
}

/** Frees a collected client's core in the worker. */
const closeInWorker = new FinalizationRegistry(({ backend, key }) => backend.close(key));

/** The sign-in worker: one per page, a core in it per client, each call answered by a `reply`. */
export class WorkerBackend {
  dead = false;
  #worker;
  #calls = new Map();
  #lastCall = 0;
  #lastClient = 0;

  #onStop;
  /** The callbacks of the worker's answer to 'account'. */
  #accountLoaded;

  /** `onStop()`: called when the worker stops, so that the page's later backends load the module here. */
  constructor(worker, onStop) {
    this.#worker = worker;
    this.#onStop = onStop;
    /** Resolves with whether the worker loaded the module (false: it cannot, here). */
    this.ready = new Promise((resolve) => {
      worker.onmessage = ({ data }) => {
        if (data.type === 'reply') {
          const call = this.#calls.get(data.id);
          this.#calls.delete(data.id);
          call?.resolve(data.result);
        } else if (data.type === 'account') {
          if (data.error === undefined) this.#accountLoaded?.resolve();
          else this.#accountLoaded?.reject(new Error(data.error));
        } else if (data.type === 'ready') {
          resolve(true);
        } else if (data.type === 'unavailable') {
          this.#stop();
          resolve(false);
        }
      };
      worker.onerror = (event) => {
        event.preventDefault?.();
        this.#stop();
        resolve(false);
      };
    });
  }

  /** Calls under way in the worker are lost; later ones run on the page. */
  #stop() {
    this.#worker.terminate();
    this.dead = true;
    this.#onStop();
    for (const call of [...this.#calls.values(), ...(this.#accountLoaded ? [this.#accountLoaded] : [])]) {
      call.reject(stopped());
    }
    this.#calls.clear();
  }

  /** Has the worker load the account module (on top of the sign-in module); signer-host.js asks once. */
  loadAccount() {
    if (this.dead) return Promise.reject(stopped());
    return new Promise((resolve, reject) => {
      this.#accountLoaded = { resolve, reject };
      this.#worker.postMessage({ type: 'account' });
    });
  }

  open(client, config) {
    this.#lastClient += 1;
    const key = this.#lastClient;
    this.#worker.postMessage({ type: 'open', client: key, config });
    closeInWorker.register(client, { backend: this, key });
    return key;
  }

  /** `account`: `op` is an account operation (`SignInCore.account`). */
  run(key, op, args, account) {
    if (this.dead) return Promise.reject(stopped());
    return new Promise((resolve, reject) => {
      this.#lastCall += 1;
      this.#calls.set(this.#lastCall, { resolve, reject });
      this.#worker.postMessage({ type: 'call', id: this.#lastCall, client: key, account, op, args });
    });
  }

  close(key) {
    if (!this.dead) this.#worker.postMessage({ type: 'close', client: key });
  }
}
