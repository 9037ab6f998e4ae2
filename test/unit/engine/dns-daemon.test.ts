// The daemon's wiring of DNS that follows the link (issue 22) with an in-memory kernel on fake time:
// a link's DHCP servers (the hook's state files) and static `dns` (which wins) become `to` rules
// into the link's table, the resolv input follows the failover, a reload changes them in place with
// a link-dns event, and stop removes the rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Daemon } from '../../../src/engine/daemon.js';
import type { Config } from '../../../src/config/types.js';
import type { EventOf } from '../../../src/bus/events.js';
import { resolvContent } from '../../../src/dns/resolv-content.js';
import { FakeClock } from '../fake-clock.js';
import { MemoryLog, MemoryNetlink, ScriptedProbers, testConfig, twoWanNetlink } from './fakes.js';

function config(primaryDns?: string[]): Config {
  const base = testConfig();
  return { ...base, links: [{ ...base.links[0]!, ...(primaryDns ? { dns: primaryDns } : {}) }, base.links[1]!] };
}

async function setup(cfg: Config) {
  const clock = new FakeClock();
  const nl = twoWanNetlink();
  const probers = new ScriptedProbers();
  const leases: Record<string, string[]> = { wan1: ['198.51.100.53'], wan2: ['203.0.113.53'] };
  const daemon = new Daemon({ config: cfg, netlink: nl, newProber: probers.factory, clock, log: new MemoryLog(),
    host: { readStateFile: async () => null, readStateDns: async (_d, iface) => leases[iface] ?? [], loosenRpFilter: async () => null } });
  await daemon.start();
  await clock.advanceAsync(1000);
  return { clock, nl, probers, daemon };
}

const dnsRules = (nl: MemoryNetlink): string[] => nl.rules.filter((r) => r.dst !== null && r.dst !== undefined)
  .map((r) => `${r.priority} to ${r.dst}/${r.dstLength} -> ${r.table}`).sort();
const resolvServers = (d: Daemon): string[] | undefined => resolvContent(d.resolvLinks())?.servers;

test('the leases\' servers become to-rules into each link\'s table; the resolv input follows the failover', async () => {
  const { nl, daemon, probers, clock } = await setup(config());
  assert.deepEqual(dnsRules(nl), ['1000 to 198.51.100.53/32 -> 1000', '1000 to 203.0.113.53/32 -> 1001']);
  assert.deepEqual(daemon.linkDns('primary'), { servers: ['198.51.100.53'], source: 'dhcp' });
  assert.deepEqual(resolvServers(daemon), ['198.51.100.53']);
  probers.healthy.set('primary', false);
  await clock.advanceAsync(4000);
  assert.equal(daemon.status().active, 'secondary');
  assert.deepEqual(resolvServers(daemon), ['203.0.113.53'], 'the carrying link\'s servers after the switch');
  await daemon.stop();
  assert.deepEqual(dnsRules(nl), [], 'stop removes them');
});

test('a static dns wins over the lease; a reload changes it in place with one link-dns event', async () => {
  const { nl, daemon } = await setup(config(['198.18.0.53']));
  assert.deepEqual(dnsRules(nl), ['1000 to 198.18.0.53/32 -> 1000', '1000 to 203.0.113.53/32 -> 1001']);
  assert.deepEqual(daemon.linkDns('primary'), { servers: ['198.18.0.53'], source: 'static' });
  const events: EventOf<'link-dns'>[] = [];
  daemon.bus.onKind('link-dns', (e) => events.push(e));
  const plan = daemon.reload(config(['198.18.0.54']));
  assert.deepEqual(plan.needRestart, []);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(dnsRules(nl), ['1000 to 198.18.0.54/32 -> 1000', '1000 to 203.0.113.53/32 -> 1001']);
  assert.deepEqual(events.map((e) => `${e.link} ${e.servers.join(',')} ${e.source}`), ['primary 198.18.0.54 static']);
  daemon.reload(config());
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(dnsRules(nl), ['1000 to 198.51.100.53/32 -> 1000', '1000 to 203.0.113.53/32 -> 1001'], 'unset: the lease\'s again');
  await daemon.stop();
});
