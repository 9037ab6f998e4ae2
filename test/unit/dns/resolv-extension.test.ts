// The resolv-file extension (issue 22): writes in the same turn as a carrying change (a microtask
// after the bus burst), only when the content changes, never an empty file; a failing write is
// logged once per streak and retried with bounded backoff; the path follows the running config.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyncEventBus } from '../../../src/bus/event-bus.js';
import type { ResolvLink } from '../../../src/dns/resolv-content.js';
import { ResolvExtension } from '../../../src/dns/resolv-extension.js';
import { writeFileAtomically } from '../../../src/atomic-file.js';
import { FakeClock } from '../fake-clock.js';

function setup(write?: (path: string, text: string) => void) {
  const clock = new FakeClock();
  const logged: Array<{ level: string; msg: string }> = [];
  const log = { info: (_o: object, msg: string) => { logged.push({ level: 'info', msg }); }, warn: (_o: object, msg: string) => { logged.push({ level: 'warn', msg }); } };
  const bus = new SyncEventBus(log);
  const state = { file: '/run/wf/resolv.conf' as string | null, links: [] as ResolvLink[] };
  const writes: Array<{ path: string; text: string }> = [];
  const io = { failing: false, attempts: [] as number[] };
  const ext = new ResolvExtension({ bus, clock, log, file: () => state.file, links: () => state.links, backoff: { firstMs: 1000, maxMs: 4000 },
    write: write ?? ((path, text) => {
      io.attempts.push(clock.nowMs());
      if (io.failing) throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
      writes.push({ path, text });
    }) });
  const carry = (active: 'fiber' | 'cable' | null, fiber: string[] = ['198.51.100.53'], cable: string[] = ['203.0.113.53']): void => {
    state.links = [{ name: 'fiber', carrying: active === 'fiber', usable: true, servers: fiber },
      { name: 'cable', carrying: active === 'cable', usable: true, servers: cable }];
    bus.publish({ kind: 'carrying', family: 'ipv4', started: [], stopped: [], shares: {}, timeMs: 0 });
  };
  return { clock, logged, bus, state, writes, io, ext, carry };
}
const servers = (text: string | undefined): string[] => (text ?? '').split('\n').filter((l) => l.startsWith('nameserver'));
const flush = (): Promise<void> => new Promise((r) => queueMicrotask(r));

describe('ResolvExtension', () => {
  it('writes the carrying link\'s servers in the same turn as the change, and only when they change', async () => {
    const t = setup();
    await t.ext.start();
    t.carry('fiber');
    assert.equal(t.writes.length, 0, 'not inside the bus burst');
    await flush();
    assert.deepEqual(servers(t.writes[0]?.text), ['nameserver 198.51.100.53']);
    assert.equal(t.writes[0]?.path, '/run/wf/resolv.conf');
    t.carry('fiber');
    await flush();
    assert.equal(t.writes.length, 1, 'same content: no write');
    t.carry('cable');
    await flush();
    assert.deepEqual(servers(t.writes[1]?.text), ['nameserver 203.0.113.53']);
  });

  it('off without dns.resolv_file; a reload setting it writes at once', async () => {
    const t = setup();
    t.state.file = null;
    await t.ext.start();
    t.carry('fiber');
    await flush();
    assert.equal(t.writes.length, 0);
    t.state.file = '/run/wf/r2';
    t.bus.publish({ kind: 'record', type: 'config', level: 'info', link: null, message: 'Configuration reloaded', timeMs: 0 });
    await flush();
    assert.equal(t.writes[0]?.path, '/run/wf/r2');
  });

  it('no server known anywhere: nothing written (the previous file stays)', async () => {
    const t = setup();
    await t.ext.start();
    t.carry('fiber');
    await flush();
    t.carry('cable', [], []);
    await flush();
    assert.equal(t.writes.length, 1);
  });

  it('a failing write: one warning per streak, retries with bounded backoff, one line when it works again', async () => {
    const t = setup();
    await t.ext.start();
    t.io.failing = true;
    t.carry('fiber');
    await flush();
    for (let i = 0; i < 6; i += 1) t.clock.advance(4000);
    const gaps = t.io.attempts.slice(1).map((ms, i) => ms - t.io.attempts[i]!);
    assert.deepEqual(gaps, [1000, 2000, 4000, 4000, 4000, 4000, 4000], 'backoff 1 s, 2 s, 4 s, then capped at 4 s');
    assert.equal(t.logged.filter((l) => l.level === 'warn').length, 1, 'one warning for the streak');
    t.io.failing = false;
    t.clock.advance(4000);
    assert.deepEqual(servers(t.writes[0]?.text), ['nameserver 198.51.100.53']);
    assert.ok(t.logged.some((l) => l.msg === 'resolv: resolv file written again'));
    const n = t.io.attempts.length;
    t.clock.advance(60_000);
    assert.equal(t.io.attempts.length, n, 'no retry timer once it works');
    await t.ext.stop();
  });

  it('the real writer replaces the file atomically, leaving no temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wfi-resolv-'));
    try {
      const t = setup(writeFileAtomically);
      t.state.file = join(dir, 'resolv.conf');
      await t.ext.start();
      t.carry('fiber');
      await flush();
      t.carry('cable');
      await flush();
      assert.deepEqual(servers(readFileSync(join(dir, 'resolv.conf'), 'utf8')), ['nameserver 203.0.113.53']);
      assert.deepEqual(readdirSync(dir), ['resolv.conf']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
