import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SyncEventBus } from '../../../src/bus/event-bus.js';
import type { DaemonEvent, EventOf } from '../../../src/bus/events.js';
import { ConntrackExtension } from '../../../src/conntrack/conntrack-extension.js';
import type { ConntrackPort } from '../../../src/conntrack/conntrack-port.js';
import type { ConntrackFlushMode } from '../../../src/config/types.js';
import { FakeClock, flushMicrotasks } from '../fake-clock.js';
import { capturedEntries, loadCapture } from './fixture.js';
import { FakeConntrack, errnoError } from './fake-port.js';

const cap = loadCapture();
const [wan1, wan2] = cap.lab.wans;

interface LogLine { level: string; obj: Record<string, unknown>; msg: string }

function rig(opts: { port?: FakeConntrack; open?: () => ConntrackPort; modes?: Record<string, ConntrackFlushMode> } = {}) {
  const lines: LogLine[] = [];
  const log = {
    info: (obj: object, msg: string) => lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
    warn: (obj: object, msg: string) => lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    debug: (obj: object, msg: string) => lines.push({ level: 'debug', obj: obj as Record<string, unknown>, msg }),
  };
  const bus = new SyncEventBus(log);
  const clock = new FakeClock();
  const port = opts.port ?? new FakeConntrack(capturedEntries(cap));
  let opened = 0;
  const ext = new ConntrackExtension({
    bus, clock, log,
    openPort: opts.open ?? (() => { opened += 1; return port; }),
    modeOf: (link) => opts.modes?.[link] ?? 'on_switch',
  });
  const flushed: EventOf<'conntrack-flushed'>[] = [];
  bus.onKind('conntrack-flushed', (e) => flushed.push(e));
  return { bus, clock, port, ext, lines, flushed, opened: () => opened };
}

function switched(from: 'wan1' | 'wan2' | null, to: 'wan1' | 'wan2', family: 'ipv4' | 'ipv6' = 'ipv4'): DaemonEvent {
  const end = (w: typeof wan1, name: string) => ({ link: name, interface: w.iface, addresses: [family === 'ipv4' ? w.v4 : w.v6] });
  return {
    kind: 'carrying', family,
    stopped: from === null ? [] : [end(from === 'wan1' ? wan1 : wan2, from)],
    started: [end(to === 'wan1' ? wan1 : wan2, to)],
    shares: { [to]: 1 }, timeMs: 1,
  };
}

test('balancing: only the link that stopped carrying is flushed; links that keep carrying lose nothing', async () => {
  const r = rig();
  await r.ext.start();
  const end = (w: typeof wan1, name: string) => ({ link: name, interface: w.iface, addresses: [w.v4] });
  // wan1 and wan2 carried; wan2 stops, wan1 keeps carrying (it is in neither list).
  r.bus.publish({ kind: 'carrying', family: 'ipv4', started: [], stopped: [end(wan2, 'wan2')], shares: { wan1: 1 }, timeMs: 1 });
  await r.ext.idle();
  // Two passes: the second confirms none of wan2's entries is left.
  assert.deepEqual(r.port.lists, [{ family: 'ipv4', replyDst: wan2.v4 }, { family: 'ipv4', replyDst: wan2.v4 }]);
  assert.deepEqual(r.flushed.map((e) => e.link), ['wan2']);
});

test('a switch flushes the old link: the dump starts before publish returns, the event reports the count', async () => {
  const r = rig();
  await r.ext.start();
  r.bus.publish(switched('wan1', 'wan2'));
  assert.deepEqual(r.port.lists, [{ family: 'ipv4', replyDst: wan1.v4 }], 'dump sent in the same turn');
  await r.ext.idle();
  assert.deepEqual(r.port.removed.map((e) => e.orig.srcPort), [41001]);
  assert.equal(r.flushed.length, 1);
  const e = r.flushed[0]!;
  assert.deepEqual({ link: e.link, interface: e.interface, family: e.family, entries: e.entries, durationMs: e.durationMs },
    { link: 'wan1', interface: 'wan1', family: 'ipv4', entries: 1, durationMs: 0 });
  const line = r.lines.find((l) => l.msg.startsWith('conntrack entries NATed'));
  assert.equal(line?.obj['entries'], 1);
  assert.equal(line?.obj['link'], 'wan1');
});

test('IPv6 switches flush IPv6 entries of the old link', async () => {
  const r = rig();
  await r.ext.start();
  r.bus.publish(switched('wan2', 'wan1', 'ipv6'));
  await r.ext.idle();
  assert.deepEqual(r.port.removed.map((e) => e.orig.srcPort), [41004]);
  assert.equal(r.flushed[0]!.family, 'ipv6');
});

test('conntrack_flush: never on the old link leaves conntrack alone', async () => {
  const r = rig({ modes: { wan1: 'never' } });
  await r.ext.start();
  r.bus.publish(switched('wan1', 'wan2'));
  await r.ext.idle();
  assert.equal(r.port.lists.length, 0);
  r.bus.publish(switched('wan2', 'wan1'));
  await r.ext.idle();
  assert.deepEqual(r.port.removed.map((e) => e.orig.srcPort), [41003], 'wan2 keeps the default');
});

test('the initial route (no old link) and an old link without address flush nothing', async () => {
  const r = rig();
  await r.ext.start();
  r.bus.publish(switched(null, 'wan1'));
  const noAddr = switched('wan1', 'wan2') as EventOf<'carrying'>;
  r.bus.publish({ ...noAddr, stopped: [{ ...noAddr.stopped[0]!, addresses: [] }] });
  await r.ext.idle();
  assert.equal(r.port.lists.length, 0);
  assert.equal(r.opened(), 0);
});

test('a hanging flush never delays the bus: publish returns, the next flush queues behind it', async () => {
  const port = new FakeConntrack(capturedEntries(cap));
  let release!: () => void;
  port.gate = new Promise((res) => { release = res; });
  const r = rig({ port });
  await r.ext.start();
  r.bus.publish(switched('wan1', 'wan2'));
  r.bus.publish(switched('wan2', 'wan1'));
  await flushMicrotasks();
  assert.equal(port.lists.length, 1, 'one dump at a time');
  release();
  await r.ext.idle();
  assert.deepEqual(port.lists.map((l) => l.replyDst), [wan1.v4, wan1.v4, wan2.v4, wan2.v4], 'each flush: a pass, then one that finds none left');
  assert.equal(r.flushed.length, 2);
});

test('no conntrack in the kernel: logged once over many switches, no event, failover events flow on', async () => {
  let opens = 0;
  const r = rig({ open: () => { opens += 1; throw errnoError('EPROTONOSUPPORT'); } });
  await r.ext.start();
  for (let i = 0; i < 5; i++) {
    r.bus.publish(switched(i % 2 === 0 ? 'wan1' : 'wan2', i % 2 === 0 ? 'wan2' : 'wan1'));
    await r.ext.idle();
  }
  assert.equal(opens, 5, 'tried at each switch (the module may be loaded later)');
  assert.equal(r.lines.filter((l) => l.msg.startsWith('no conntrack')).length, 1);
  assert.equal(r.lines.filter((l) => l.level === 'warn').length, 0);
  assert.equal(r.flushed.length, 0);
});

test('a dump failure warns once per streak, closes the socket, and recovery is logged', async () => {
  const port = new FakeConntrack(capturedEntries(cap));
  port.listError = errnoError('ETIMEDOUT');
  const r = rig({ port });
  await r.ext.start();
  r.bus.publish(switched('wan1', 'wan2'));
  await r.ext.idle();
  r.bus.publish(switched('wan2', 'wan1'));
  await r.ext.idle();
  assert.equal(r.lines.filter((l) => l.level === 'warn').length, 1);
  assert.equal(port.closed, 2);
  port.listError = null;
  r.bus.publish(switched('wan1', 'wan2'));
  await r.ext.idle();
  assert.ok(r.lines.some((l) => l.msg === 'conntrack flush works again'));
  assert.equal(r.flushed.length, 1);
});

test('stop unsubscribes and closes the socket; start and stop are idempotent', async () => {
  const r = rig();
  await r.ext.start();
  await r.ext.start();
  r.bus.publish(switched('wan1', 'wan2'));
  await r.ext.stop();
  await r.ext.stop();
  assert.equal(r.port.closed, 1);
  r.bus.publish(switched('wan2', 'wan1'));
  await flushMicrotasks();
  assert.equal(r.port.lists.length, 2, 'only the flush started before stop (its two passes)');
});
