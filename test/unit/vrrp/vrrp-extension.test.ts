// The VRRP track-file extension with a fake status, a fake writer and a fake clock: one write per
// change in the same turn, nothing before a link is judged, failing writes logged once per streak
// and retried with backoff while the bus (failover) goes on undisturbed; the real writer replaces
// the file atomically.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyncEventBus } from '../../../src/bus/event-bus.js';
import type { Health } from '../../../src/policy/types.js';
import { VrrpExtension } from '../../../src/vrrp/vrrp-extension.js';
import { writeFileAtomically } from '../../../src/atomic-file.js';
import { FakeClock } from '../fake-clock.js';

interface Logged { level: 'info' | 'warn'; msg: string; obj: object }

function setup(perLinkWeight: number | null = null) {
  const clock = new FakeClock();
  const logged: Logged[] = [];
  const log = {
    info: (obj: object, msg: string) => { logged.push({ level: 'info', msg, obj }); },
    warn: (obj: object, msg: string) => { logged.push({ level: 'warn', msg, obj }); },
  };
  const bus = new SyncEventBus(log);
  const state = { allDown: false, links: [{ state: 'unknown' as Health }, { state: 'unknown' as Health }] };
  const writes: Array<{ path: string; text: string }> = [];
  const io = { failing: false };
  /** Fake-clock time of every write attempt, failed or not. */
  const attempts: number[] = [];
  const ext = new VrrpExtension({
    bus, clock, log, status: () => state,
    config: { trackFile: '/run/wf/vrrp-weight', downWeight: -100, perLinkWeight },
    write: (path, text) => {
      attempts.push(clock.nowMs());
      if (io.failing) throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
      writes.push({ path, text });
    },
    backoff: { firstMs: 1000, maxMs: 8000 },
  });
  /** One engine step: the link states change, then link-state (and all-down) go out on the bus. */
  const step = (states: Health[], allDown: boolean): void => {
    const wasAllDown = state.allDown;
    state.links = states.map((s) => ({ state: s }));
    state.allDown = allDown;
    bus.publish({ kind: 'link-state', link: 'wan1', interface: 'wan1', family: 'ipv4', from: 'up', to: states[0]!, reason: 'x', timeMs: 0 });
    if (wasAllDown !== allDown) bus.publish({ kind: 'all-down', down: allDown, timeMs: 0 });
    bus.publish({ kind: 'status-changed', timeMs: 0 });
  };
  return { clock, logged, bus, state, writes, io, ext, step, attempts };
}

const texts = (w: Array<{ text: string }>): string[] => w.map((x) => x.text);

describe('VrrpExtension', () => {
  it('writes nothing until a link is judged, then one value per change, in the same turn', async () => {
    const t = setup();
    await t.ext.start();
    assert.deepEqual(t.writes, [], 'nothing known at start: the file keeps what it says');
    t.step(['up', 'unknown'], false);
    await Promise.resolve();
    assert.deepEqual(t.writes, [{ path: '/run/wf/vrrp-weight', text: '0\n' }], 'written before the turn ends (a microtask)');
    t.step(['down', 'up'], false);
    await Promise.resolve();
    assert.deepEqual(texts(t.writes), ['0\n'], 'one link still carries traffic: no change, no write');
    t.step(['down', 'down'], true);
    await Promise.resolve();
    assert.deepEqual(texts(t.writes), ['0\n', '-100\n']);
    t.step(['up', 'down'], false);
    await Promise.resolve();
    assert.deepEqual(texts(t.writes), ['0\n', '-100\n', '0\n']);
    assert.equal(t.ext.value, 0);
    await t.ext.stop();
  });

  it('a step that publishes link-state and all-down together makes one write', async () => {
    const t = setup();
    t.state.links = [{ state: 'up' }, { state: 'up' }];
    await t.ext.start();
    t.step(['down', 'down'], true);
    await Promise.resolve();
    assert.deepEqual(texts(t.writes), ['0\n', '-100\n']);
    await t.ext.stop();
  });

  it('with per_link_weight each down link lowers the value', async () => {
    const t = setup(-30);
    t.state.links = [{ state: 'up' }, { state: 'up' }];
    await t.ext.start();
    t.step(['down', 'up'], false);
    await Promise.resolve();
    t.step(['down', 'down'], true);
    await Promise.resolve();
    assert.deepEqual(texts(t.writes), ['0\n', '-30\n', '-160\n']);
    await t.ext.stop();
  });

  it('a failing write is logged once per streak, retried with backoff, and never stops the bus', async () => {
    const t = setup();
    t.state.links = [{ state: 'up' }, { state: 'up' }];
    await t.ext.start();
    t.io.failing = true;
    let seenByOthers = 0;
    t.bus.onKind('all-down', () => { seenByOthers += 1; });
    t.step(['down', 'down'], true);
    await Promise.resolve();
    assert.equal(seenByOthers, 1, 'the other listeners got the event');
    t.clock.advance(1000 + 2000 + 4000 + 8000 + 8000);
    t.step(['down', 'down'], true);
    await Promise.resolve();
    const warns = t.logged.filter((l) => l.level === 'warn');
    assert.equal(warns.length, 1, `one warning for the streak: ${JSON.stringify(t.logged)}`);
    assert.match(warns[0]!.msg, /cannot update the track file/);
    assert.match(JSON.stringify(warns[0]!.obj), /EROFS/);
    assert.equal(t.clock.pendingTimers, 1, 'one retry armed, not one per attempt');
    t.io.failing = false;
    t.clock.advance(8000);
    assert.deepEqual(texts(t.writes), ['0\n', '-100\n'], 'the retry wrote the value');
    assert.ok(t.logged.some((l) => l.level === 'info' && /written again/.test(l.msg)));
    assert.equal(t.clock.pendingTimers, 0);
    // A new streak is logged again.
    t.io.failing = true;
    t.step(['up', 'down'], false);
    await Promise.resolve();
    assert.equal(t.logged.filter((l) => l.level === 'warn').length, 2);
    await t.ext.stop();
    assert.equal(t.clock.pendingTimers, 0, 'stop clears the retry');
  });

  it('the retry delay doubles up to the bound', async () => {
    const t = setup();
    t.state.links = [{ state: 'up' }, { state: 'up' }];
    t.io.failing = true;
    await t.ext.start();
    const t0 = t.clock.nowMs();
    for (let i = 0; i < 40_000 / 250; i++) t.clock.advance(250);
    const delays = t.attempts.map((at, i) => at - (i === 0 ? t0 : t.attempts[i - 1]!));
    assert.deepEqual(delays, [0, 1000, 2000, 4000, 8000, 8000, 8000, 8000], 'first attempt at start, then 1, 2, 4, 8, 8 ... s (40 s)');
    await t.ext.stop();
  });

  it('a status that throws is contained (logged once, retried), never an uncaught exception', async () => {
    const t = setup();
    t.state.links = [{ state: 'up' }, { state: 'up' }];
    let broken = true;
    const ext = new VrrpExtension({
      bus: t.bus, clock: t.clock, log: { info: () => undefined, warn: (obj, msg) => { t.logged.push({ level: 'warn', msg, obj }); } },
      status: () => { if (broken) throw new Error('status unavailable'); return t.state; },
      config: { trackFile: '/run/wf/vrrp-weight', downWeight: -100, perLinkWeight: null },
      write: (path, text) => { t.writes.push({ path, text }); }, backoff: { firstMs: 1000, maxMs: 8000 },
    });
    await ext.start();
    t.step(['down', 'down'], true);
    await Promise.resolve();
    assert.equal(t.logged.filter((l) => l.level === 'warn').length, 1);
    assert.match(JSON.stringify(t.logged[0]!.obj), /status unavailable/);
    broken = false;
    t.clock.advance(1000);
    assert.deepEqual(texts(t.writes), ['-100\n'], 'the retry wrote once the status could be read');
    await ext.stop();
  });

  it('after stop nothing is written', async () => {
    const t = setup();
    t.state.links = [{ state: 'up' }, { state: 'up' }];
    await t.ext.start();
    await t.ext.stop();
    t.step(['down', 'down'], true);
    await Promise.resolve();
    assert.deepEqual(texts(t.writes), ['0\n']);
  });
});

describe('writeFileAtomically', () => {
  let dir = '';
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'wf-vrrp-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('replaces the file by rename and leaves no temporary file', () => {
    const path = join(dir, 'vrrp-weight');
    writeFileSync(path, '0\n');
    writeFileAtomically(path, '-100\n');
    assert.equal(readFileSync(path, 'utf8'), '-100\n');
    assert.deepEqual(readdirSync(dir), ['vrrp-weight']);
  });

  it('throws with the errno when the directory is missing, and the old file is untouched elsewhere', () => {
    assert.throws(() => writeFileAtomically(join(dir, 'no-such-dir', 'w'), '0\n'), /ENOENT/);
    assert.deepEqual(readdirSync(dir), []);
  });
});
