// Regenerates fixtures/netlink/capture-rules.json: real RTM_NEWRULE messages (issue 22) from a
// throw-away `wfm-` namespace: policy rules with every selector the daemon uses (src/dst, ipproto,
// sport/dport ranges, iif, uid range, fwmark/mask), made by iproute2 (the kernel's encoding of rules
// another tool made) and the same ones made by the project's requests (src/netlink/requests.ts),
// in both families, plus a blackhole default route in a rule's table. Root only:
//   node dist/test/lab/netlink-capture-rules.js --orchestrate
import { parseRtMessage } from '../../src/netlink/adapter.js';
import { decodeRoute, decodeRule } from '../../src/netlink/decode.js';
import { PROTO, runCapture } from './netlink-capture-run.js';
import { ip } from './netlink-netns.js';

await runCapture({
  self: import.meta.url,
  fixture: 'fixtures/netlink/capture-rules.json',
  tag: 'rl',
  setup(a) {
    ip(['-n', a, 'rule', 'add', 'pref', '2000', 'from', '198.51.100.50/32', 'ipproto', 'udp', 'sport', '5060', 'dport', '5060-5061',
      'lookup', '2000', 'proto', String(PROTO)]);
    ip(['-n', a, 'rule', 'add', 'pref', '2001', 'to', '203.0.113.0/24', 'iif', 'lan0', 'uidrange', '1000-1999', 'fwmark', '0x100/0xf00',
      'lookup', '2001', 'proto', String(PROTO)]);
    ip(['-n', a, '-6', 'rule', 'add', 'pref', '2002', 'to', '2001:db8:2::/48', 'ipproto', 'tcp', 'dport', '443', 'lookup', '2002',
      'proto', String(PROTO)]);
  },
  async steps({ port, step }) {
    step('codec-create');
    await port.addRule({ family: 'inet', priority: 2010, table: 2010, protocol: PROTO, src: '198.51.100.50', srcLength: 32, ipProto: 17,
      sport: { start: 5060, end: 5060 }, dport: { start: 5060, end: 5061 } });
    await port.addRule({ family: 'inet', priority: 2011, table: 2011, protocol: PROTO, dst: '203.0.113.0', dstLength: 24, iifname: 'lan0',
      fwmark: 0x100, fwmask: 0xf00, uid: { start: 1000, end: 1999 } });
    await port.addRule({ family: 'inet6', priority: 2012, table: 2012, protocol: PROTO, dst: '2001:db8:2::', dstLength: 48, ipProto: 6,
      dport: { start: 443, end: 443 } });
    await port.replaceDefaultRoute({ table: 2010, gateway: '', oif: 0, metric: 0, protocol: PROTO, blackhole: true });
    await port.replaceDefaultRoute({ family: 'inet6', table: 2012, gateway: '', oif: 0, metric: 1, protocol: PROTO, blackhole: true });
    await port.dump();
  },
  keep: (m) => {
    if (m.source !== 'dump' || (m.type !== 32 && m.type !== 24)) return false;
    const w = parseRtMessage(m.type, Buffer.from(m.hex, 'hex'));
    if (w.kind === 'rule') return (decodeRule(w)?.priority ?? 0) >= 2000 && (decodeRule(w)?.priority ?? 0) < 3000;
    const r = w.kind === 'route' ? decodeRoute(w) : null;
    return r !== null && r.table >= 2000 && r.table < 3000;
  },
});
