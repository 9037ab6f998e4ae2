// The JS handles of the addon's polled sockets (native/src/polled-socket.cc), on a real rtnetlink
// monitor socket (no root needed): methods refuse a `this` that is not their kind of handle
// instead of casting it, and close() is idempotent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNlMonitorOpen, type NlMonitorOpen } from '../../../src/systemd/native.js';

let open: NlMonitorOpen | null = null;
let skip: string | false = false;
try {
  open = loadNlMonitorOpen();
} catch (e) {
  skip = `native addon not built (npm run build:native): ${(e as Error).message}`;
}

test('handle methods refuse a foreign `this`; close is idempotent', { skip }, () => {
  const errors: string[] = [];
  const h = open!(0x1, 0, () => undefined, (code) => errors.push(code));
  assert.throws(() => h.close.call({}), { name: 'TypeError', message: 'not an nlMonitor handle' });
  assert.throws(() => h.unref.call(Object.create(h) as object), TypeError, 'a prototype is not the handle');
  h.unref();
  h.ref();
  h.close();
  h.close();
  assert.deepEqual(errors, []);
});
