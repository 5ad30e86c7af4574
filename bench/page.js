// The benchmark page: the same SRP work with every library, in one page. bench/run.mjs drives it through
// window.runBench(config) and gets per-run timings (ms) back.
// The bench build's glue as wasm-bindgen wrote it (scripts/bench.sh copies it next to that build's modules).
import { BenchSrpClient, attachRefresh, attachSignIn, initSync } from '/target/bench/pkg-bench/glue.js';
import { CognitoClient } from '/target/bench/pkg/index.js';
import * as acij from '/target/bench/acij-page.js';
import * as plain from '/bench/plain-srp.js';

const compiled = async (file) => WebAssembly.compile(await (await fetch(`/target/bench/pkg-bench/${file}`)).arrayBuffer());
initSync({ module: await compiled('cognito_wasm_session_bg.wasm') });
attachRefresh(await compiled('cognito_wasm_refresh_bg.wasm'));
attachSignIn(await compiled('cognito_wasm_sign_in_bg.wasm'));

const now = () => performance.now();

async function time(runs, fn) {
  const out = [];
  for (let i = 0; i < runs; i++) {
    const t = now();
    await fn(i);
    out.push(now() - t);
  }
  return out;
}

function acijClaim(helper, c, claimTimestamp) {
  return new Promise((resolve, reject) => {
    // As CognitoUser.authenticateUserDefaultAuth does: parse B and the salt, derive the key, sign.
    const B = new acij.BigInteger(c.srpB, 16);
    const salt = new acij.BigInteger(c.salt, 16);
    helper.getPasswordAuthenticationKey(c.userId, c.password, B, salt, (err, hkdf) => {
      if (err) return reject(err);
      const { Buffer, Sha256 } = acij;
      const msg = Buffer.concat([
        Buffer.from(c.poolName, 'utf8'),
        Buffer.from(c.userId, 'utf8'),
        Buffer.from(c.secretBlock, 'base64'),
        Buffer.from(claimTimestamp, 'utf8'),
      ]);
      const h = new Sha256(hkdf);
      h.update(msg);
      resolve(Buffer.from(h.digestSync()).toString('base64'));
    });
  });
}

window.runBench = async (config) => {
  const { challenge: c, runs, signInRuns, emulator } = config;
  const results = {};
  const ts = plain.timestamp(new Date(0));

  // Cross-check before timing: cognito-wasm and the plain implementation agree on the claim for one secret.
  const secret = crypto.getRandomValues(new Uint8Array(32));
  const ours = BenchSrpClient.fromSecret(secret);
  const theirs = plain.generateA(32, secret);
  const args = [c.poolName, c.userId, c.password, c.srpB, c.salt, c.secretBlock, ts];
  if (ours.srpA() !== plain.srpAHex(theirs)) throw new Error('A differs between cognito-wasm and plain JS');
  if (ours.passwordClaim(...args) !== (await plain.passwordClaim(theirs, ...args))) {
    throw new Error('PASSWORD_CLAIM_SIGNATURE differs between cognito-wasm and plain JS');
  }
  ours.free();

  // (a) computing A and (b) key + signature after B, per library. One warm-up run each, not counted.
  const srpLibs = {
    'cognito-wasm': {
      a: () => BenchSrpClient.generate(),
      b: (eph) => eph.passwordClaim(...args),
      free: (eph) => eph.free(),
    },
    'amazon-cognito-identity-js': {
      a: () => new acij.AuthenticationHelper(c.poolName),
      b: (helper) => acijClaim(helper, c, ts),
    },
    'plain JS BigInt (1024-bit a)': {
      a: () => plain.generateA(128),
      b: (eph) => plain.passwordClaim(eph, ...args),
    },
    'plain JS BigInt (256-bit a)': {
      a: () => plain.generateA(32),
      b: (eph) => plain.passwordClaim(eph, ...args),
    },
  };
  for (const [name, lib] of Object.entries(srpLibs)) {
    const n = runs[name] ?? runs.default;
    const a = [];
    const b = [];
    for (let i = 0; i <= n; i++) {
      let t = now();
      const eph = await lib.a();
      const ta = now() - t;
      t = now();
      await lib.b(eph);
      const tb = now() - t;
      lib.free?.(eph);
      if (i > 0) {
        a.push(ta);
        b.push(tb);
      }
    }
    results[name] = { a, b };
  }

  // (c) one full sign-in against the emulator: InitiateAuth + RespondToAuthChallenge, wall time.
  const { endpoint, userPoolId, clientId, username, password } = emulator;
  const signIns = {
    'cognito-wasm': async () => {
      const client = new CognitoClient({ userPoolId, clientId, endpoint, storage: 'memory' });
      const out = await client.signIn({ username, password });
      if (!out.isSignedIn) throw new Error('cognito-wasm: not signed in');
    },
    'amazon-cognito-identity-js': () =>
      new Promise((resolve, reject) => {
        const pool = new acij.CognitoUserPool({ UserPoolId: userPoolId, ClientId: clientId, endpoint });
        const user = new acij.CognitoUser({ Username: username, Pool: pool });
        user.authenticateUser(new acij.AuthenticationDetails({ Username: username, Password: password }), {
          onSuccess: resolve,
          onFailure: reject,
        });
      }),
    'plain JS BigInt (1024-bit a)': async () => {
      const r = await plain.signIn({ endpoint, userPoolId, clientId, username, password, secretBytes: 128 });
      if (!r?.AccessToken) throw new Error('plain: no tokens');
    },
    'plain JS BigInt (256-bit a)': async () => {
      const r = await plain.signIn({ endpoint, userPoolId, clientId, username, password, secretBytes: 32 });
      if (!r?.AccessToken) throw new Error('plain: no tokens');
    },
  };
  for (const [name, fn] of Object.entries(signIns)) {
    await fn(); // warm-up
    results[name].c = await time(signInRuns, fn);
  }

  // (d) felt latency of cognito-wasm, from the main thread's point of view: submit → InitiateAuth on the wire
  // (with and without prepareSignIn), InitiateAuth's reply body in hand → RespondToAuthChallenge on the wire
  // (the key and signature), and the longest task the main thread ran during the whole sign-in (a ticker that
  // re-posts itself through a MessageChannel runs between any two tasks, so its longest gap is that task).
  const felt = { prepared: [], unprepared: [], answer: [], busy: [] };
  const ticker = () => {
    const channel = new MessageChannel();
    let last = now();
    let longest = 0;
    let running = true;
    channel.port1.onmessage = () => {
      const t = now();
      longest = Math.max(longest, t - last);
      last = t;
      if (running) channel.port2.postMessage(0);
    };
    channel.port2.postMessage(0);
    return () => {
      running = false;
      channel.port1.close();
      return longest;
    };
  };
  const realFetch = window.fetch;
  let marks;
  window.fetch = async (...a) => {
    marks.requests.push(now());
    const response = await realFetch(...a);
    // The client reads the body as a stream (transport.js, replyText): mark the moment it has all of it.
    const body = response.body.pipeThrough(new TransformStream({ flush: () => void marks.bodies.push(now()) }));
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  try {
    for (let i = 0; i <= signInRuns; i++) {
      for (const prepared of [true, false]) {
        const client = new CognitoClient({ userPoolId, clientId, endpoint, storage: 'memory' });
        if (prepared) await client.prepareSignIn();
        marks = { requests: [], bodies: [] };
        const t = now();
        const stop = ticker();
        const out = await client.signIn({ username, password });
        const busy = stop();
        if (!out.isSignedIn || marks.requests.length !== 2) throw new Error('felt latency: unexpected sign-in');
        if (i === 0) continue; // warm-up
        felt.busy.push(busy);
        (prepared ? felt.prepared : felt.unprepared).push(marks.requests[0] - t);
        if (prepared) felt.answer.push(marks.requests[1] - marks.bodies[0]);
      }
    }
  } finally {
    window.fetch = realFetch;
  }
  results['cognito-wasm'].felt = felt;
  return { results, userAgent: navigator.userAgent };
};
document.body.dataset.ready = 'true';
