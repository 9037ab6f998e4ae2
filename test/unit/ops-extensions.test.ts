// The operations composition: without `hooks:` the hook adapter (the only importer of
// node:child_process) is never loaded and no hooks extension exists; with hooks it is loaded once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SyncEventBus } from '../../src/bus/event-bus.js';
import { systemClock } from '../../src/clock.js';
import type { HookSpawner } from '../../src/notify/hook-process.js';
import { opsExtensions } from '../../src/ops-extensions.js';
import { testConfig } from './engine/fakes.js';

const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const spawner: HookSpawner = async () => ({ code: 0, signal: null, timedOut: false, spawnError: null, stdout: '', stderr: '', durationMs: 0 });

async function compose(hooks: number): Promise<{ names: string[]; loads: number }> {
  let loads = 0;
  const config = testConfig({
    hooks: Array.from({ length: hooks }, (_, i) => ({ path: `/etc/wan-failover/hooks/h${i}`, args: [], events: ['switch'], timeoutMs: 1000 })),
  });
  const ops = await opsExtensions({
    config, bus: new SyncEventBus(log), engine: { status: () => { throw new Error('not read while composing'); } }, clock: systemClock, log,
    loadHookSpawner: async () => { loads += 1; return spawner; },
  });
  return { names: ops.all.map((e) => e.name), loads };
}

test('no hooks configured: the hook adapter is not loaded and no hooks extension is built', async () => {
  const r = await compose(0);
  assert.equal(r.loads, 0);
  assert.ok(!r.names.includes('hooks'), r.names.join(', '));
});

test('hooks configured: the adapter is loaded once and the hooks extension is built', async () => {
  const r = await compose(2);
  assert.equal(r.loads, 1);
  assert.ok(r.names.includes('hooks'), r.names.join(', '));
});

test('a vrrp: section builds the VRRP track-file extension; without it there is none', async () => {
  const build = async (vrrp: boolean): Promise<string[]> => (await opsExtensions({
    config: testConfig(vrrp ? { vrrp: { trackFile: '/run/wan-failover/vrrp-weight', downWeight: -100, perLinkWeight: null } } : {}),
    bus: new SyncEventBus(log), engine: { status: () => { throw new Error('not read while composing'); } }, clock: systemClock, log,
  })).all.map((e) => e.name);
  assert.ok((await build(true)).includes('vrrp'));
  assert.ok(!(await build(false)).includes('vrrp'));
});
