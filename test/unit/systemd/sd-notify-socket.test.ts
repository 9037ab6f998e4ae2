// sd-notify over a REAL unix datagram socket (path and abstract), received with the
// test-only addon's bindDgram/recvDgram (test/support/native-test-addon.ts). No root needed;
// receives are bounded by timeouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadNative, type NativeAddon } from '../../../src/systemd/native.js';
import { loadTestAddon, type TestAddon } from '../../support/native-test-addon.js';
import { createNotifier } from '../../../src/systemd/sd-notify.js';
import { FakeClock } from './fake-clock.js';

let addon: NativeAddon | null = null;
let loadError = '';
try {
  addon = loadNative();
} catch (e) {
  loadError = `native addon not built (npm run build:native): ${(e as Error).message}`;
}
const receiver = loadTestAddon();
const skip = addon === null ? loadError : typeof receiver === 'string' ? receiver : false;

function withReceiver(address: string, fn: (a: TestAddon, fd: number) => void): void {
  const a = receiver as TestAddon;
  const fd = a.bindDgram(address);
  try {
    fn(a, fd);
  } finally {
    a.closeFd(fd);
  }
}

test('notifier sends READY, STATUS and WATCHDOG to a filesystem socket', { skip }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wfi-notify-'));
  const sock = path.join(dir, 'notify.sock');
  try {
    withReceiver(sock, (a, fd) => {
      const errors: Error[] = [];
      const n = createNotifier({ NOTIFY_SOCKET: sock, WATCHDOG_USEC: '2000000' }, new FakeClock(), { onError: (e) => errors.push(e) });
      n.ready();
      n.status('active: wan1 (Telekom)');
      n.startWatchdog();
      n.stop();
      assert.equal(a.recvDgram(fd, 2000), 'READY=1');
      assert.equal(a.recvDgram(fd, 2000), 'STATUS=active: wan1 (Telekom)');
      assert.equal(a.recvDgram(fd, 2000), 'WATCHDOG=1');
      assert.equal(a.recvDgram(fd, 50), null, 'nothing else was sent');
      assert.deepEqual(errors, []);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('notifier sends to an abstract-namespace socket (@name)', { skip }, () => {
  const name = `@wfi-notify-${process.pid}-${Date.now()}`;
  withReceiver(name, (a, fd) => {
    const n = createNotifier({ NOTIFY_SOCKET: name }, new FakeClock());
    n.ready();
    n.stopping();
    assert.equal(a.recvDgram(fd, 2000), 'READY=1');
    assert.equal(a.recvDgram(fd, 2000), 'STOPPING=1');
  });
});

test('native notify throws with an errno code; the notifier reports it instead', { skip }, () => {
  const a = addon as NativeAddon;
  const missing = path.join(tmpdir(), `wfi-missing-${process.pid}.sock`);
  assert.throws(() => a.notify(missing, 'READY=1'), (e: Error & { code?: string; errno?: number }) => {
    return e.code === 'ENOENT' && typeof e.errno === 'number';
  });
  assert.throws(() => a.notify(`/${'x'.repeat(200)}`, 'READY=1'), { code: 'ENAMETOOLONG' });
  assert.throws(() => a.notify(`@wfi-nobody-${process.pid}-${Date.now()}`, 'READY=1'), { code: 'ECONNREFUSED' });
  const errors: Error[] = [];
  const n = createNotifier({ NOTIFY_SOCKET: missing }, new FakeClock(), { onError: (e) => errors.push(e) });
  assert.doesNotThrow(() => n.ready());
  assert.equal(errors.length, 1);
  assert.equal((errors[0] as Error & { code?: string }).code, 'ENOENT');
});

test('the product addon exports only what the daemon calls; the test addon closes only its own fds', { skip }, () => {
  assert.deepEqual(Object.keys(addon as object).sort(), ['icmpSocketOpen', 'nlMonitorOpen', 'notify', 'tcpConnect', 'udpSocketOpen']);
  const a = receiver as TestAddon;
  assert.throws(() => a.closeFd(0), TypeError, 'stdin is not a bindDgram socket');
  assert.throws(() => a.recvDgram(0, 1), TypeError);
  const name = `@wfi-own-${process.pid}-${Date.now()}`;
  const fd = a.bindDgram(name);
  a.closeFd(fd);
  assert.throws(() => a.closeFd(fd), TypeError, 'closed once');
});
