// The daemon wired to in-memory netlink, scripted probers and a fake clock: route operations,
// adoption, carrier loss, gateway changes, manual switch and stop, without root or sleeping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Daemon } from '../../../src/engine/daemon.js';
import type { Config } from '../../../src/config/types.js';
import { FakeClock } from '../fake-clock.js';
import { address, defaultRoute, link, MemoryLog, MemoryNetlink, ScriptedProbers, testConfig } from './fakes.js';
import { isWanError } from '../../../src/errors.js';

const PROTO = 201;

const config = (over: Partial<Config> = {}): Config => testConfig({ routeProtocol: PROTO, ...over });

async function setup(opts: { stateFiles?: Record<string, string>; routes?: 'primary' | 'secondary' | 'none' } = {}) {
  const clock = new FakeClock();
  const nl = new MemoryNetlink();
  nl.links = [link(11, 'wan1'), link(12, 'wan2')];
  nl.routes = [defaultRoute(12, '100.64.2.1', 16, 254, 100)];
  if ((opts.routes ?? 'primary') === 'primary') nl.routes.push(defaultRoute(11, '100.64.1.1'));
  if (opts.routes === 'secondary') nl.routes.push(defaultRoute(12, '100.64.2.1'));
  const probers = new ScriptedProbers();
  const log = new MemoryLog();
  const files = opts.stateFiles ?? {};
  const daemon = new Daemon({
    config: config(), netlink: nl, newProber: probers.factory, clock, log,
    host: { readStateFile: async (_d, iface) => files[iface] ?? null, loosenRpFilter: async () => null },
  });
  await daemon.start();
  return { clock, nl, probers, log, daemon, files };
}

const switched = (log: MemoryLog) => log.lines.filter((l) => l.msg === 'default route switched');

test('start adopts the current default route, re-tags it as ours, and sets up per-link tables and rules', async () => {
  const { nl, daemon, log } = await setup();
  assert.equal(daemon.status().active, 'primary');
  assert.deepEqual(nl.mainReplaces(), [{ table: 254, gateway: '100.64.1.1', oif: 11, metric: 0, protocol: PROTO }]);
  assert.ok(nl.ops.some((o) => o.op === 'replace' && o.spec.table === 1000 && o.spec.gateway === '100.64.1.1'));
  assert.ok(nl.ops.some((o) => o.op === 'replace' && o.spec.table === 1001 && o.spec.gateway === '100.64.2.1'));
  assert.ok(nl.ops.some((o) => o.op === 'addRule' && o.spec.oifname === 'wan2' && o.spec.table === 1001 && o.spec.priority === 1000));
  assert.equal(switched(log).length, 0);
  await daemon.stop();
});

test('upstream loss on the active link: switch after failure_threshold cycles, by replace only', async () => {
  const { clock, nl, probers, daemon, log } = await setup();
  probers.healthy.set('primary', false);
  await clock.advanceAsync(2000);
  assert.equal(daemon.status().active, 'primary', 'two failed cycles (plus the first good one) are not enough');
  await clock.advanceAsync(1000);
  assert.equal(daemon.status().active, 'secondary');
  const last = nl.mainReplaces().at(-1)!;
  assert.deepEqual(last, { table: 254, gateway: '100.64.2.1', oif: 12, metric: 0, protocol: PROTO });
  assert.ok(!nl.ops.some((o) => o.op === 'delete'), 'never a delete of the default route');
  assert.equal(switched(log).length, 1);
  assert.equal(daemon.status().switchCount, 1);
  await daemon.stop();
});

test('carrier loss switches at once, before any probe cycle', async () => {
  const { nl, daemon, probers } = await setup();
  const cyclesBefore = probers.cycles;
  nl.emit({ kind: 'link', op: 'new', link: link(11, 'wan1', false) });
  await daemon.setAuto(true); // waits for the route queue
  assert.equal(daemon.status().active, 'secondary');
  assert.equal(probers.cycles, cyclesBefore);
  assert.equal(nl.mainReplaces().at(-1)!.oif, 12);
  await daemon.stop();
});

test('no probe rounds while a link has no carrier; carrier back: a fresh prober and a round at once, not at the next tick', async () => {
  const { nl, daemon, probers, clock } = await setup();
  const rounds = (name: string): number => probers.cyclesBy.get(name) ?? 0;
  nl.emit({ kind: 'link', op: 'new', link: link(11, 'wan1', false) });
  await daemon.setAuto(true);
  const primary = rounds('primary');
  const secondary = rounds('secondary');
  await clock.advanceAsync(5000);
  assert.equal(rounds('primary'), primary, 'no round on a link without carrier (its echoes would leave a neighbour entry resolving on a dead wire)');
  assert.equal(rounds('secondary'), secondary + 5, 'the other link is probed every check_interval meanwhile');
  const opened = probers.opened;
  await clock.advanceAsync(300);
  nl.emit({ kind: 'link', op: 'new', link: link(11, 'wan1', true) });
  await clock.advanceAsync(0);
  assert.equal(probers.opened, opened + 1, 'the carrier back opens a fresh prober');
  assert.equal(rounds('primary'), primary + 1, 'and its first round starts at once, 700 ms before the next tick');
  await clock.advanceAsync(1000);
  assert.equal(rounds('primary'), primary + 2, 'then every check_interval again');
  await daemon.stop();
});

test('a gateway change seen on netlink updates the per-link table and the active default route', async () => {
  const { nl, daemon } = await setup();
  nl.emit({ kind: 'route', op: 'new', route: defaultRoute(11, '100.64.1.254', 16, 254, 50) });
  await daemon.setAuto(true);
  assert.equal(daemon.status().links[0]!.gateway, '100.64.1.254');
  assert.ok(nl.ops.some((o) => o.op === 'replace' && o.spec.table === 1000 && o.spec.gateway === '100.64.1.254'));
  assert.equal(nl.mainReplaces().at(-1)!.gateway, '100.64.1.254');
  assert.ok(daemon.status().events.some((e) => e.type === 'gateway_change'));
  await daemon.stop();
});

test('our own routes on netlink are not taken for a gateway', async () => {
  const { nl, daemon } = await setup();
  nl.emit({ kind: 'route', op: 'new', route: defaultRoute(11, '100.64.1.77', PROTO, 1000) });
  await daemon.setAuto(true);
  assert.equal(daemon.status().links[0]!.gateway, '100.64.1.1');
  await daemon.stop();
});

test('the dhclient state file is the fallback source of a gateway', async () => {
  const { daemon, clock, files } = await setup({ routes: 'none' });
  // wan2 has a route (metric 100) from setup; wan1 has none: its gateway comes from the file.
  assert.equal(daemon.status().links[0]!.gateway, null);
  files.wan1 = '100.64.1.9';
  await clock.advanceAsync(1000);
  assert.equal(daemon.status().links[0]!.gateway, '100.64.1.9');
  assert.equal(daemon.status().links[0]!.gatewaySource, 'state_file');
  await daemon.stop();
});

test('manual switch: unknown target, down target, force, already active', async () => {
  const { nl, daemon } = await setup();
  await assert.rejects(daemon.switchTo('nope', { force: false }), (e: unknown) => isWanError(e) && e.code === 'WAN_ERR_UNKNOWN_LINK');
  assert.deepEqual(await daemon.switchTo('primary', { force: false }), { result: 'already_active', link: 'primary' });
  nl.emit({ kind: 'link', op: 'new', link: link(12, 'wan2', false) });
  await assert.rejects(daemon.switchTo('secondary', { force: false }), (e: unknown) => isWanError(e) && e.code === 'WAN_ERR_LINK_DOWN');
  assert.deepEqual(await daemon.switchTo('secondary', { force: true }), { result: 'switched', link: 'secondary' });
  assert.equal(nl.mainReplaces().at(-1)!.oif, 12);
  await daemon.stop();
});

test('a failed route change is reported and the active link rolls back', async () => {
  const { nl, daemon } = await setup();
  nl.failReplace = 'EPERM';
  await assert.rejects(daemon.switchTo('secondary', { force: false }), (e: unknown) => isWanError(e) && e.code === 'WAN_ERR_SWITCH_FAILED');
  assert.equal(daemon.status().active, 'primary');
  assert.ok(daemon.status().events.some((e) => e.type === 'error'));
  await daemon.stop();
});

test('stop removes rules and per-link tables, leaves the main default route, and is idempotent', async () => {
  const { nl, daemon, probers } = await setup();
  await daemon.stop();
  await daemon.stop();
  assert.deepEqual(nl.ops.filter((o) => o.op === 'delRule').map((o) => (o as { spec: { table: number } }).spec.table), [1000, 1001]);
  assert.deepEqual(nl.ops.flatMap((o) => (o.op === 'deleteRoute' ? [o.key.table] : [])), [1000, 1001]);
  assert.deepEqual(nl.routes.filter((r) => r.protocol === PROTO).map((r) => r.table), [254], 'only the main default route of ours stays');
  assert.equal(probers.closed, 2);
});

test('the interface vanishing and coming back with a new ifindex fails over and re-creates its table', async () => {
  const { nl, daemon, clock, probers } = await setup();
  nl.emit({ kind: 'link', op: 'del', link: link(11, 'wan1') });
  await daemon.setAuto(true);
  assert.equal(daemon.status().active, 'secondary');
  nl.links = [link(21, 'wan1'), link(12, 'wan2')];
  nl.emit({ kind: 'link', op: 'new', link: link(21, 'wan1') });
  nl.emit({ kind: 'address', op: 'new', address: address(21, '100.64.1.2') });
  await daemon.setAuto(true);
  assert.ok(nl.ops.some((o) => o.op === 'replace' && o.spec.table === 1000 && o.spec.oif === 21));
  probers.healthy.set('primary', true);
  await clock.advanceAsync(10_000);
  assert.equal(daemon.status().active, 'primary', 'back after recovery_threshold and min_secondary_time');
  assert.equal(nl.mainReplaces().at(-1)!.oif, 21);
  await daemon.stop();
});

test('a per-link table route that fails (new interface without its address yet) is retried each cycle, logged once', async () => {
  const { nl, daemon, clock, log } = await setup();
  nl.failTables.add(1000);
  nl.links = [link(31, 'wan1'), link(12, 'wan2')];
  nl.emit({ kind: 'link', op: 'new', link: link(31, 'wan1') });
  nl.emit({ kind: 'address', op: 'new', address: address(31, '100.64.1.2') });
  await clock.advanceAsync(3000);
  assert.ok(!nl.ops.some((o) => o.op === 'replace' && o.spec.table === 1000 && o.spec.oif === 31));
  assert.equal(log.lines.filter((l) => l.msg.startsWith('could not set the per-link routing table')).length, 1);
  nl.failTables.clear();
  await clock.advanceAsync(1000);
  assert.ok(nl.ops.some((o) => o.op === 'replace' && o.spec.table === 1000 && o.spec.oif === 31), 'retried and set');
  await daemon.stop();
});

test('a netlink resync (lost notifications) re-reads the kernel state instead of trusting stale state', async () => {
  const { nl, daemon } = await setup();
  // While notifications were being lost: wan1's carrier went away and its gateway changed.
  nl.links = [link(11, 'wan1', false), link(12, 'wan2')];
  nl.routes = [defaultRoute(12, '100.64.2.1', 16, 254, 100), defaultRoute(11, '100.64.1.200', 16, 254, 50)];
  nl.emit({ kind: 'resync', reason: 'ENOBUFS' });
  for (let i = 0; i < 5 && daemon.status().active !== 'secondary'; i++) await daemon.setAuto(true);
  assert.equal(daemon.status().active, 'secondary', 'the carrier loss found by the re-dump failed the link over');
  assert.equal(daemon.status().links[0]!.gateway, '100.64.1.200');
  await daemon.stop();
});

test('probe send failures are logged with their errno when they start and when they stop, not every cycle', async () => {
  const { probers, clock, log, daemon } = await setup();
  probers.sendErrors.set('secondary', 'ENETUNREACH');
  await clock.advanceAsync(3000);
  const failed = log.lines.filter((l) => l.msg === 'probe send failed');
  assert.equal(failed.length, 1);
  assert.deepEqual((failed[0]!.obj as { errno: string[] }).errno, ['ENETUNREACH']);
  probers.sendErrors.delete('secondary');
  await clock.advanceAsync(1000);
  assert.equal(log.lines.filter((l) => l.msg === 'probe sends work again').length, 1);
  await daemon.stop();
});

test('issue 9: a route the kernel refuses is retried with backoff, never in a hot loop, and the daemon recovers when the address returns', async () => {
  const { nl, daemon, clock, log } = await setup();
  nl.kernelLike = true;
  nl.addresses = [address(11, '100.64.1.2')];
  // wan2's address is flushed (DHCP lease lost): its table route goes with it, silently.
  nl.emit({ kind: 'address', op: 'del', address: address(12, '100.64.2.2') });
  // ... and wan1 loses carrier.
  nl.links = [link(11, 'wan1', false), link(12, 'wan2')];
  nl.emit({ kind: 'link', op: 'new', link: link(11, 'wan1', false) });
  const before = nl.attempts;
  await clock.advanceAsync(60_000);
  const attempts = nl.attempts - before;
  assert.ok(attempts <= 25, `bounded attempts over 60 s of fake time, got ${attempts}`);
  assert.equal(daemon.status().active, 'primary', 'no usable address on wan2: nothing to switch to yet');
  const errorLines = log.lines.filter((l) => l.level === 'error' || l.level === 'warn');
  assert.ok(errorLines.length <= 8, `a handful of log lines, got ${errorLines.length}: ${errorLines.map((l) => l.msg).join(' | ')}`);
  // The address comes back: the table route and the default route go in at once.
  nl.addresses = [address(11, '100.64.1.2'), address(12, '100.64.2.2')];
  nl.emit({ kind: 'address', op: 'new', address: address(12, '100.64.2.2') });
  await daemon.setAuto(true);
  assert.equal(daemon.status().active, 'secondary');
  assert.ok(nl.ops.some((o) => o.op === 'replace' && o.spec.table === 1001 && o.spec.oif === 12));
  assert.equal(nl.mainReplaces().at(-1)!.oif, 12);
  await daemon.stop();
});

test('issue 9: a default route the kernel keeps refusing backs off (100 ms doubling to 5 s) and is logged once', async () => {
  const { nl, daemon, clock, log } = await setup();
  nl.failReplace = 'EPERM';
  nl.emit({ kind: 'link', op: 'new', link: link(11, 'wan1', false) });
  const before = nl.attempts;
  await clock.advanceAsync(30_000);
  const attempts = nl.attempts - before;
  assert.ok(attempts >= 5 && attempts <= 15, `backoff, not a hot loop: ${attempts} attempts in 30 s`);
  assert.equal(log.lines.filter((l) => l.msg.startsWith('Failed to switch to')).length, 1);
  assert.equal(log.lines.filter((l) => l.msg.startsWith('could not set the default route')).length, 1);
  nl.failReplace = null;
  await clock.advanceAsync(6_000);
  assert.equal(daemon.status().active, 'secondary', 'applied once the kernel accepts it');
  assert.equal(log.lines.filter((l) => l.msg === 'default route switched').length, 1);
  await daemon.stop();
});

test('our per-link table route deleted by hand is restored from the notification', async () => {
  const { nl, daemon } = await setup();
  const n = nl.ops.filter((o) => o.op === 'replace' && o.spec.table === 1001).length;
  nl.emit({ kind: 'route', op: 'del', route: defaultRoute(12, '100.64.2.1', PROTO, 1001, 0) });
  await daemon.setAuto(true);
  assert.equal(nl.ops.filter((o) => o.op === 'replace' && o.spec.table === 1001).length, n + 1);
  await daemon.stop();
});

test('housekeeping publishes the kernel byte counters of each link on the bus (for metrics)', async () => {
  const { daemon, clock, nl } = await setup();
  // Distinct counters per interface, so a swapped, zeroed or stale figure is caught.
  nl.links[0]!.stats = { ...nl.links[0]!.stats!, rxBytes: 1_111_001, txBytes: 2_222_002 };
  nl.links[1]!.stats = { ...nl.links[1]!.stats!, rxBytes: 3_333_003, txBytes: 4_444_004 };
  const last = new Map<string, { interface: string; rxBytes: number; txBytes: number }>();
  daemon.bus.onKind('link-stats', (e) => { last.set(e.link, { interface: e.interface, rxBytes: e.rxBytes, txBytes: e.txBytes }); });
  await clock.advanceAsync(2000);
  assert.deepEqual(Object.fromEntries(last), {
    primary: { interface: 'wan1', rxBytes: 1_111_001, txBytes: 2_222_002 },
    secondary: { interface: 'wan2', rxBytes: 3_333_003, txBytes: 4_444_004 },
  });
  await daemon.stop();
});

test('statusSummary: the STATUS= line systemd shows (active link, each link\'s health, auto off)', async () => {
  const { clock, probers, daemon } = await setup();
  assert.equal(daemon.statusSummary(), 'active: primary (wan1); primary=up secondary=up');
  probers.healthy.set('primary', false);
  await clock.advanceAsync(3000);
  assert.equal(daemon.statusSummary(), 'active: secondary (wan2); primary=down secondary=up');
  await daemon.setAuto(false);
  assert.equal(daemon.statusSummary(), 'active: secondary (wan2); primary=down secondary=up; auto off');
  await daemon.stop();
});

test('with the original probe cycles the status has no jitter (only continuous probing measures it)', async () => {
  const { daemon } = await setup();
  for (const l of daemon.status().links) assert.equal('jitterMs' in l, false, l.name);
  await daemon.stop();
});
