// The page's sign-in worker: the sign-in half of each client's core, so that the SRP maths (A, the password
// key and signature, device SRP) never hold the main thread. client.js starts it with the module it compiled,
// opens a core per client with that client's configuration, and forwards the sign-in calls; every answer is
// the core's JSON text.
import { Core, initSync } from './cognito_wasm.js';

const cores = new Map();
self.onmessage = ({ data }) => {
  if (data.module) {
    try {
      initSync({ module: data.module });
      self.postMessage({ ready: true });
    } catch {
      self.postMessage({ ready: false });
    }
  } else if (data.open !== undefined) {
    // The configuration was checked on the page, by the same core.
    cores.set(data.open, new Core(data.config));
  } else if (data.close !== undefined) {
    cores.get(data.close)?.free();
    cores.delete(data.close);
  } else {
    self.postMessage({ id: data.id, result: cores.get(data.client)[data.method](...data.args) });
  }
};
