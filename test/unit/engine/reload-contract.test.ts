// Issue 20, one contract for reload: the daemon's running config is the one every consumer reads.
// A SIGHUP that raises check_interval moves the watchdog's stall bound with it, and a prober opened
// after a reload (an interface re-created) is built from the running config, not from the new file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Daemon } from '../../../src/engine/daemon.js';
import type { Config, LinkConfig } from '../../../src/config/types.js';
import type { AddressFamily } from '../../../src/bus/events.js';
import type { ProberPort } from '../../../src/engine/ports.js';
import { progressAlive } from '../../../src/systemd/progress-watchdog.js';
import { FakeClock } from '../fake-clock.js';
import { address, defaultRoute, link, MemoryLog, MemoryNetlink, ScriptedProbers, testConfig } from './fakes.js';

async function setup(factory?: (link: LinkConfig, family: AddressFamily, cfg: Config) => ProberPort) {
  const clock = new FakeClock();
  const nl = new MemoryNetlink();
  nl.links = [link(11, 'wan1'), link(12, 'wan2')];
  nl.routes = [defaultRoute(11, '100.64.1.1'), defaultRoute(12, '100.64.2.1', 16, 254, 100)];
  const probers = new ScriptedProbers();
  const daemon = new Daemon({
    config: testConfig(), netlink: nl, newProber: factory ?? probers.factory, clock, log: new MemoryLog(),
    host: { readStateFile: async () => null, loosenRpFilter: async () => null },
  });
  await daemon.start();
  return { clock, nl, daemon };
}

test('a reload raising check_interval to 60 s keeps the watchdog petted between the slower rounds', async () => {
  const { clock, daemon } = await setup();
  const alive = progressAlive(clock, daemon);
  await clock.advanceAsync(1000);
  assert.equal(alive(), true);
  const plan = daemon.reload(testConfig({ checkIntervalMs: 60_000 }));
  assert.deepEqual(plan.changed, ['check_interval']);
  assert.deepEqual(plan.needRestart, []);
  // The start config's bound is 3 x 1 s + 5 s = 8 s; rounds now come every 60 s.
  for (let s = 0; s < 180; s += 1) {
    await clock.advanceAsync(1000);
    assert.equal(alive(), true, `watchdog petted ${s + 1} s after the reload`);
  }
  await daemon.stop();
});

test('the watchdog still stops petting when the probe loop hangs, with the reloaded bound', async () => {
  let hang = false;
  const probers = new ScriptedProbers();
  const { clock, daemon } = await setup((l, f) => {
    const p = probers.factory(l, f);
    return { ...p, runCycle: (gw) => (hang ? new Promise(() => undefined) : p.runCycle(gw)) };
  });
  const alive = progressAlive(clock, daemon);
  daemon.reload(testConfig({ checkIntervalMs: 60_000 }));
  hang = true;
  await clock.advanceAsync(60_000); // the next rounds start and never end
  await clock.advanceAsync(3 * 60_000 + 5_000);
  assert.equal(alive(), false, 'no round for 3 x 60 s + 5 s: the watchdog lets systemd restart the daemon');
  await daemon.stop();
});

test('a reload adding probe_interval, then an interface re-created: every link keeps the same probing mode', async () => {
  const opened: Array<{ link: string; continuous: boolean }> = [];
  const probers = new ScriptedProbers();
  const { nl, daemon } = await setup((l, f, cfg) => {
    opened.push({ link: l.name, continuous: cfg.probeIntervalMs !== undefined && cfg.probeIntervalMs !== null });
    return probers.factory(l, f);
  });
  assert.deepEqual(opened, [{ link: 'primary', continuous: false }, { link: 'secondary', continuous: false }]);
  const plan = daemon.reload(testConfig({ probeIntervalMs: 200 }));
  assert.deepEqual(plan.needRestart, ['probe_interval'], 'cycles -> continuous is a restart');
  assert.equal(daemon.config().probeIntervalMs ?? null, null, 'the running config keeps the cycles');
  // A PPPoE reconnect: wan1 goes and comes back with a new ifindex.
  nl.emit({ kind: 'link', op: 'del', link: link(11, 'wan1') });
  nl.emit({ kind: 'link', op: 'new', link: link(21, 'wan1') });
  nl.emit({ kind: 'address', op: 'new', address: address(21, '100.64.1.2') });
  const reopened = opened.slice(2);
  assert.ok(reopened.some((o) => o.link === 'primary'), 'the re-created interface got a new prober');
  assert.ok(reopened.every((o) => !o.continuous), `every prober probes in cycles like the other links: ${JSON.stringify(reopened)}`);
  await daemon.stop();
});

test('the running config carries the live keys of a reload and keeps the restart ones', async () => {
  const { daemon } = await setup();
  const plan = daemon.reload(testConfig({ failureThreshold: 5, pingTargets: ['198.51.100.1', '198.51.100.9'], routeMetric: 50, apiPort: 9000 }));
  assert.deepEqual([...plan.changed].sort(), ['api_port', 'failure_threshold', 'ping_targets']);
  assert.deepEqual(plan.needRestart, ['route_metric']);
  const running = daemon.config();
  assert.equal(running.failureThreshold, 5);
  assert.deepEqual(running.pingTargets, ['198.51.100.1', '198.51.100.9']);
  assert.equal(running.apiPort, 9000, 'the API applies its port itself');
  assert.equal(running.routeMetric, 0, 'route_metric waits for a restart');
  await daemon.stop();
});

test('a reload the plan refuses (the API key gone) changes nothing in the running daemon', async () => {
  const { daemon } = await setup();
  const before = daemon.config();
  assert.throws(() => daemon.reload(testConfig({ apiKey: '', checkIntervalMs: 60_000 })), /reload refused: it would remove the API key/);
  assert.equal(daemon.config(), before, 'the running config is the same object');
  assert.equal(daemon.config().checkIntervalMs, 1000);
  await daemon.stop();
});
