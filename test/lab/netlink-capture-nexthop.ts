// Regenerates fixtures/netlink/capture-nexthop.json: real RTM_NEWNEXTHOP messages from a throw-away
// `wfm-` namespace: nexthops and a resilient group made by iproute2 (the kernel's own encoding of
// objects another tool made), then the same kinds made by the project's codec, a group member
// replace, a default route pointing at the group (nhid) and the group's deletion. Root only:
//   node dist/test/lab/netlink-capture-nexthop.js --orchestrate
import { parseRtMessage } from '../../src/netlink/adapter.js';
import { decodeRoute } from '../../src/netlink/decode.js';
import { PROTO, pause, runCapture } from './netlink-capture-run.js';
import { ip } from './netlink-netns.js';

await runCapture({
  self: import.meta.url,
  fixture: 'fixtures/netlink/capture-nexthop.json',
  tag: 'nh',
  setup(a) {
    ip(['-n', a, 'addr', 'add', '198.51.100.2/24', 'dev', 'wan0']);
    ip(['-n', a, 'nexthop', 'add', 'id', '1', 'via', '198.51.100.1', 'dev', 'wan0', 'proto', String(PROTO)]);
    ip(['-n', a, 'nexthop', 'add', 'id', '2', 'via', '198.51.100.3', 'dev', 'wan0', 'proto', String(PROTO)]);
    ip(['-n', a, 'nexthop', 'add', 'id', '3', 'via', '2001:db8:1::1', 'dev', 'wan0', 'proto', String(PROTO)]);
    ip(['-n', a, 'nexthop', 'add', 'id', '10', 'group', '1,5/2,3', 'type', 'resilient', 'buckets', '64', 'idle_timer', '120',
      'unbalanced_timer', '30', 'proto', String(PROTO)]);
    ip(['-n', a, 'route', 'add', 'default', 'nhid', '10', 'table', '1000', 'proto', String(PROTO)]);
  },
  async steps({ port, wan, step }) {
    step('codec-create');
    await port.replaceNexthop({ id: 4, family: 'inet', gateway: '198.51.100.4', oif: wan.index, protocol: PROTO });
    await port.replaceNexthop({ id: 5, family: 'inet6', gateway: 'fe80::1', oif: wan.index, protocol: PROTO });
    await port.replaceGroup({ id: 11, protocol: PROTO, members: [{ id: 1, weight: 1 }, { id: 4, weight: 300 }], buckets: 32,
      idleTimerS: 60, unbalancedTimerS: 0 });
    await port.dump();
    step('replace-members');
    await port.replaceGroup({ id: 11, protocol: PROTO, members: [{ id: 1, weight: 2 }, { id: 2, weight: 1 }], buckets: 32,
      idleTimerS: 90, unbalancedTimerS: 10 });
    await port.replaceDefaultRoute({ table: 1001, gateway: '198.51.100.1', oif: wan.index, metric: 0, protocol: PROTO, nhid: 11 });
    await port.dump();
    step('buckets');
    await port.dumpBuckets!(10);
    step('delete-group');
    await port.deleteNexthop(11);
    await pause(100);
    await port.dump();
  },
  keep: (m) => {
    if (m.type === 104 || m.type === 116) return true;
    if (m.type !== 24 || m.source !== 'dump') return false;
    const w = parseRtMessage(m.type, Buffer.from(m.hex, 'hex'));
    const r = w.kind === 'route' ? decodeRoute(w) : null;
    return r !== null && (r.table === 1000 || r.table === 1001);
  },
});
