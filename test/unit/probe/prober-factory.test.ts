// The prober factory per family: IPv4 sockets + IPv4 targets, ICMPv6 sockets + IPv6 targets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/config/load.js';
import { createProberFactory } from '../../../src/probe/prober-factory.js';
import type { ProbeSocketFactory } from '../../../src/probe/types.js';
import { FakeClock } from '../fake-clock.js';
import { FakeProbeSocket } from './fake-probe-socket.js';

test('ipv4 and ipv6 probers use their own sockets, targets and echo types', async () => {
  const cfg = parseConfig('ping_targets: [203.0.113.10, 2001:db8:ffff::10]\n', '/x.yaml');
  const opened: Array<[string, FakeProbeSocket]> = [];
  const factory = (tag: string): ProbeSocketFactory => ({ open: () => { const s = new FakeProbeSocket(); opened.push([tag, s]); return s; } });
  const make = createProberFactory({ sockets: factory('v4'), sockets6: factory('v6'), clock: new FakeClock(), identifier: 7 });
  const p4 = make(cfg.links[0]!, 'ipv4', cfg);
  const p6 = make(cfg.links[0]!, 'ipv6', cfg);
  void p4.runCycle(null);
  void p6.runCycle(null);
  const [v4, v6] = [opened.find((o) => o[0] === 'v4')![1], opened.find((o) => o[0] === 'v6')![1]];
  assert.deepEqual(v4.sent.map((s) => [s.dst, s.icmp[0]]), [['203.0.113.10', 8]]);
  assert.deepEqual(v6.sent.map((s) => [s.dst, s.icmp[0]]), [['2001:db8:ffff::10', 128]]);
  p4.close();
  p6.close();
  const no6 = createProberFactory({ sockets: factory('v4'), clock: new FakeClock(), identifier: 7 });
  assert.throws(() => no6(cfg.links[0]!, 'ipv6', cfg), /no prober for ipv6/);
});
