// sd-notify behaviour with an injected transport and a fake clock: no sockets, no sleeping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNotifier } from '../../../src/systemd/sd-notify.js';
import { FakeClock } from './fake-clock.js';

function recorder(): { sent: Array<[string, string]>; send: (p: string, m: string) => void } {
  const sent: Array<[string, string]> = [];
  return { sent, send: (p, m) => { sent.push([p, m]); } };
}

test('no NOTIFY_SOCKET: every call is a no-op', () => {
  const r = recorder();
  const clock = new FakeClock();
  const n = createNotifier({ WATCHDOG_USEC: '1000000' }, clock, { send: r.send });
  assert.equal(n.enabled, false);
  assert.equal(n.watchdogIntervalMs, null);
  n.ready(); n.status('x'); n.stopping(); n.reloading(); n.startWatchdog();
  clock.advance(10_000);
  n.stop();
  assert.deepEqual(r.sent, []);
  assert.equal(clock.timerCount, 0);
});

test('no-op with the real transport when NOTIFY_SOCKET is unset', () => {
  const errors: Error[] = [];
  const n = createNotifier({}, new FakeClock(), { onError: (e) => errors.push(e) });
  n.ready();
  n.status('idle');
  assert.deepEqual(errors, []);
});

test('messages carry the protocol keys; STATUS is kept on one line', () => {
  const r = recorder();
  const n = createNotifier({ NOTIFY_SOCKET: '/run/x.sock' }, new FakeClock(), { send: r.send });
  assert.equal(n.enabled, true);
  n.ready();
  n.status('active: wan1\nbackup: wan2');
  n.reloading();
  n.stopping();
  assert.deepEqual(r.sent, [
    ['/run/x.sock', 'READY=1'],
    ['/run/x.sock', 'STATUS=active: wan1 backup: wan2'],
    ['/run/x.sock', 'RELOADING=1'],
    ['/run/x.sock', 'STOPPING=1'],
  ]);
});

test('watchdog pings every WATCHDOG_USEC/2 and stops on stop()', () => {
  const r = recorder();
  const clock = new FakeClock();
  const n = createNotifier({ NOTIFY_SOCKET: '@wf', WATCHDOG_USEC: '30000000' }, clock, { send: r.send });
  assert.equal(n.watchdogIntervalMs, 15_000);
  n.startWatchdog();
  assert.equal(r.sent.length, 1, 'first ping is immediate');
  n.startWatchdog();
  assert.equal(clock.timerCount, 1, 'a second start does not double the timer');
  clock.advance(14_999);
  assert.equal(r.sent.length, 1);
  clock.advance(1);
  assert.equal(r.sent.length, 2);
  clock.advance(45_000);
  assert.equal(r.sent.length, 5);
  assert.ok(r.sent.every(([p, m]) => p === '@wf' && m === 'WATCHDOG=1'));
  n.stop();
  n.stop();
  clock.advance(60_000);
  assert.equal(r.sent.length, 5);
  assert.equal(clock.timerCount, 0);
});

test('WATCHDOG_PID of another process disables the watchdog; our pid enables it', () => {
  const r = recorder();
  const clock = new FakeClock();
  const other = createNotifier({ NOTIFY_SOCKET: '/s', WATCHDOG_USEC: '2000', WATCHDOG_PID: '4242' }, clock, { send: r.send, pid: 7 });
  assert.equal(other.watchdogIntervalMs, null);
  other.startWatchdog();
  clock.advance(100);
  assert.deepEqual(r.sent, []);
  const mine = createNotifier({ NOTIFY_SOCKET: '/s', WATCHDOG_USEC: '2000', WATCHDOG_PID: '7' }, clock, { send: r.send, pid: 7 });
  assert.equal(mine.watchdogIntervalMs, 1);
});

test('send failures go to onError and never throw; the watchdog keeps going', () => {
  const errors: Error[] = [];
  const clock = new FakeClock();
  let calls = 0;
  const n = createNotifier({ NOTIFY_SOCKET: '/gone', WATCHDOG_USEC: '1000000' }, clock, {
    send: () => { calls++; throw Object.assign(new Error('sendto failed: ENOENT'), { code: 'ENOENT' }); },
    onError: (e) => errors.push(e),
  });
  assert.doesNotThrow(() => { n.ready(); n.startWatchdog(); clock.advance(1000); });
  assert.equal(calls, 4, 'READY + pings at 0, 500 and 1000 ms');
  assert.equal(errors.length, 4);
  assert.equal((errors[0] as Error & { code?: string }).code, 'ENOENT');
  n.stop();
});

test('an unsupported NOTIFY_SOCKET is reported once and disables sending', () => {
  const errors: Error[] = [];
  const r = recorder();
  const n = createNotifier({ NOTIFY_SOCKET: 'vsock:2:1234' }, new FakeClock(), { send: r.send, onError: (e) => errors.push(e) });
  assert.equal(n.enabled, false);
  n.ready();
  assert.equal(errors.length, 1);
  assert.deepEqual(r.sent, []);
});
