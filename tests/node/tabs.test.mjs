// pkg-template/tabs.js (the source pkg/ ships bundled) on its own (Node has BroadcastChannel): what one tab announces reaches the others on the same
// namespace, only well-formed messages are acted on, and no namespace means no channel.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { EVENTS, Tabs } from '../../pkg-template/tabs.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

test('an announcement reaches the other tabs of the namespace, not this one nor other namespaces', async () => {
  const heard = { a: [], b: [], other: [] };
  const a = new Tabs('ns', (m) => heard.a.push(m));
  const b = new Tabs('ns', (m) => heard.b.push(m));
  const other = new Tabs('ns2', (m) => heard.other.push(m));
  try {
    a.announce({ event: 'signedIn', username: 'bob' });
    await settle();
    assert.deepEqual(heard, { a: [], b: [{ event: 'signedIn', username: 'bob' }], other: [] });
  } finally {
    for (const tabs of [a, b, other]) tabs.channel.close();
  }
});

test('only well-formed messages are acted on', async () => {
  const heard = [];
  const tabs = new Tabs('ns-check', (m) => heard.push(m));
  const stranger = new BroadcastChannel('ns-check');
  try {
    for (const message of [null, 'signedOut', { event: 'hello' }, { event: 'signedOut', username: 7 }, { event: 'sessionExpired', errorName: {} }]) {
      stranger.postMessage(message);
    }
    stranger.postMessage({ event: 'tokenRefreshFailed', username: 'bob', errorName: 'NetworkError', errorMessage: 'offline' });
    await settle();
    assert.deepEqual(heard, [{ event: 'tokenRefreshFailed', username: 'bob', errorName: 'NetworkError', errorMessage: 'offline' }]);
    assert.ok(EVENTS.includes('tokenRefreshFailed'));
  } finally {
    tabs.channel.close();
    stranger.close();
  }
});

test('no namespace (storage other tabs do not share): no channel, announcing is a no-op', () => {
  const tabs = new Tabs('', () => assert.fail('heard'));
  assert.equal(tabs.channel, undefined);
  tabs.announce({ event: 'signedOut' });
});
