// Regenerates fixtures/netlink/capture-inet6.json: real IPv6 rtnetlink messages from a throw-away
// `wfm-` namespace lab (2001:db8::/32 only), as raw hex with the step that produced them: dumps of
// addresses, IPv6 routes (an RA-style `proto ra` default via a link-local router, our table 1001)
// and IPv6 rules, then notifications for an address add, the daemon's IPv6 default route
// replace/delete and an RA route appearing and going. Root only; run by hand:
//   node dist/test/lab/netlink-capture-inet6.js --orchestrate
import { PROTO, pause, runCapture } from './netlink-capture-run.js';
import { ip } from './netlink-netns.js';

/** RTM_NEWLINK: link events are not what this fixture is about. */
const RTM_NEWLINK = 16;

await runCapture({
  self: import.meta.url,
  fixture: 'fixtures/netlink/capture-inet6.json',
  tag: 'cap6',
  setup(a) {
    // What the kernel leaves after a router advertisement (net/ipv6/ndisc.c rt6_add_dflt_router).
    ip(['-n', a, '-6', 'route', 'add', 'default', 'via', 'fe80::1', 'dev', 'wan0', 'proto', 'ra', 'metric', '1024', 'expires', '1800', 'pref', 'medium']);
    ip(['-n', a, '-6', 'route', 'add', 'default', 'via', 'fe80::1', 'dev', 'wan0', 'table', '1001', 'proto', String(PROTO), 'metric', '1']);
    ip(['-n', a, '-6', 'rule', 'add', 'oif', 'wan0', 'lookup', '1001', 'priority', '1000', 'protocol', String(PROTO)]);
  },
  async steps({ port, wan, step }) {
    step('addr-add');
    ip(['-6', 'addr', 'add', '2001:db8:1::3/64', 'dev', 'wan0', 'nodad']);
    await pause(300);
    step('replace-default6');
    await port.replaceDefaultRoute({ family: 'inet6', table: 254, gateway: 'fe80::1', oif: wan.index, metric: 512, protocol: PROTO });
    await pause(200);
    step('delete-default6');
    await port.deleteDefaultRoute({ family: 'inet6', table: 254, metric: 512, protocol: PROTO });
    await pause(200);
    step('ra-route-add');
    ip(['-6', 'route', 'add', 'default', 'via', 'fe80::2', 'dev', 'wan0', 'proto', 'ra', 'metric', '1100']);
    await pause(200);
    step('ra-route-del');
    ip(['-6', 'route', 'del', 'default', 'via', 'fe80::2', 'dev', 'wan0', 'proto', 'ra', 'metric', '1100']);
    await pause(200);
  },
  // Only what the fixture needs: our steps' events and the dump itself (not link events of the dump step).
  keep: (m) => m.type !== RTM_NEWLINK && (m.step === 'dump' ? m.source === 'dump' : m.source === 'event'),
});
