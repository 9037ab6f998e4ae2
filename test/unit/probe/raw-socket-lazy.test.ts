// npm raw-socket's addon is the fallback probe socket: importing its adapter must not load it
// (issue 20: 0.9 MiB of RSS the daemon does not use beside the project's addon), and the first
// raw socket must (a socket on lo as root; without CAP_NET_RAW the capability error, which only
// the loaded addon can report).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { FakeClock } from '../fake-clock.js';
import { isWanError } from '../../../src/errors.js';
import { createRawSocketFactory, rawSocketLoaded } from '../../../src/probe/raw-socket-adapter.js';

const inCache = (): boolean => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/raw-socket/'));

describe('raw-socket adapter: the addon is loaded at the first raw socket', () => {
  it('is not loaded by the import, and is by open()', () => {
    assert.equal(rawSocketLoaded(), false);
    assert.equal(inCache(), false, 'raw-socket in require.cache after importing the adapter');
    const factory = createRawSocketFactory(new FakeClock(), 'inet');
    try {
      factory.open('lo').close();
    } catch (e) {
      // Not root: the addon was loaded and socket(2) said EPERM; a failed load is WAN_ERR_PROBE.
      assert.ok(isWanError(e) && e.code === 'WAN_ERR_CAPABILITY', String(e));
    }
    assert.equal(rawSocketLoaded(), true);
    assert.equal(inCache(), true);
  });
});
