// Ping targets that cannot judge a link (issue 19, defect 8): the router's own address, or an
// address inside a WAN's own subnet that is not its gateway, is warned about at start and on
// reload, naming link, target and why; a config the original accepted still runs (warn, not refuse).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Daemon } from '../../../src/engine/daemon.js';
import { targetsOnRouter } from '../../../src/engine/target-check.js';
import type { AddressEntry } from '../../../src/netlink/types.js';
import { FakeClock, flushMicrotasks } from '../fake-clock.js';
import { address, defaultRoute, link, MemoryLog, MemoryNetlink, ScriptedProbers, testConfig } from './fakes.js';

const v6 = (index: number, addr: string, prefixLength: number): AddressEntry =>
  ({ index, family: 'inet6', address: addr, prefixLength, label: null, scope: 0 });

const LINKS = [
  { name: 'primary', ifindex: 11, gateways: { ipv4: '100.64.11.1', ipv6: null } },
  { name: 'secondary', ifindex: 12, gateways: { ipv4: '100.64.12.1', ipv6: '2001:db8:12::1' } },
];
const ADDRS = [address(11, '100.64.11.2'), address(12, '100.64.12.2'), address(3, '198.18.0.1'), v6(12, '2001:db8:12::2', 64),
  { ...address(13, '203.0.113.9'), prefixLength: 32 }];
const name = (i: number): string | null => ({ 3: 'lan0', 11: 'wan1', 12: 'wan2', 13: 'wg0' } as Record<number, string>)[i] ?? null;

test('targetsOnRouter: own addresses (any interface), own subnets (not the gateway), IPv4 and IPv6', () => {
  const w = targetsOnRouter(['100.64.11.2', '198.18.0.1', '100.64.12.77', '100.64.12.1', '203.0.113.10', '2001:db8:12::99',
    '2001:db8:12::1', '203.0.113.9'], ADDRS, LINKS, name);
  assert.deepEqual(w.map((x) => [x.link, x.target]), [
    ['primary', '100.64.11.2'], [null, '198.18.0.1'], ['secondary', '100.64.12.77'], ['secondary', '2001:db8:12::99'], [null, '203.0.113.9'],
  ]);
  assert.match(w[0]!.why, /address of this router \(interface wan1\)/);
  assert.match(w[1]!.why, /interface lan0/);
  assert.match(w[2]!.why, /inside the link's own subnet 100\.64\.12\.2\/24 and not its gateway/);
  assert.deepEqual(targetsOnRouter(['203.0.113.10', '198.51.100.1'], ADDRS, LINKS, name), [], 'remote targets: no warning');
});

test("the daemon warns at start and on reload for a target that is wan1's own address, and runs", async () => {
  const clock = new FakeClock();
  const nl = new MemoryNetlink();
  nl.links = [link(11, 'wan1'), link(12, 'wan2')];
  nl.routes = [defaultRoute(11, '100.64.1.1'), defaultRoute(12, '100.64.2.1', 16, 254, 100)];
  const log = new MemoryLog();
  // MemoryNetlink gives each link 100.64.<index>.2/24.
  const cfg = testConfig({ routeProtocol: 201, pingTargets: ['100.64.11.2', '198.51.100.1'] });
  const daemon = new Daemon({ config: cfg, netlink: nl, newProber: new ScriptedProbers().factory, clock, log,
    host: { readStateFile: async () => null, loosenRpFilter: async () => null } });
  await daemon.start();
  const warned = () => log.lines.filter((l) => l.level === 'warn' && /^ping target /.test(l.msg));
  assert.equal(warned().length, 1);
  assert.deepEqual({ ...warned()[0]!.obj, why: undefined }, { link: 'primary', target: '100.64.11.2', why: undefined });
  assert.equal(daemon.status().active, 'primary', 'it runs (warn, not refuse)');
  // One running target stays: a reload that replaces every target is refused (src/config/reload.ts).
  daemon.reload({ ...cfg, pingTargets: ['198.51.100.1', '100.64.12.50'] });
  for (let i = 0; i < 5; i++) await flushMicrotasks();
  assert.equal(warned().length, 2);
  assert.deepEqual(warned()[1]!.obj, { link: 'secondary', target: '100.64.12.50', why: warned()[1]!.obj['why' as keyof object] });
  assert.match(warned()[1]!.msg, /cannot judge secondary: it is inside the link's own subnet 100\.64\.12\.2\/24/);
  await daemon.stop();
});
