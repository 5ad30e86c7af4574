// The package in a dedicated module worker: no localStorage, no document. Signs in with what it is sent and
// answers with the session it got (or the error).
import * as lib from '/pkg/index.js';

self.onmessage = async ({ data }) => {
  try {
    const client = new lib.CognitoClient(data.config);
    const events = [];
    client.on('signedIn', (event) => events.push(event.event));
    const output = await client.signIn(data.credentials);
    const session = await client.getSession();
    const refreshed = await client.refreshSession();
    self.postMessage({ ok: true, output, username: session.username, events, refreshedUser: refreshed.username });
  } catch (error) {
    self.postMessage({ ok: false, name: error.name, message: error.message });
  }
};
self.postMessage({ ready: true });
