// Regenerates fixtures/netlink/capture.json: real rtnetlink messages from a throw-away `wfm-`
// namespace lab, as raw hex with the step that produced them. Root only; run by hand:
//   node dist/test/lab/netlink-capture.js --orchestrate
import { PROTO, pause, runCapture } from './netlink-capture-run.js';
import { ip } from './netlink-netns.js';

await runCapture({
  self: import.meta.url,
  fixture: 'fixtures/netlink/capture.json',
  tag: 'cap',
  setup(a) {
    ip(['-n', a, 'addr', 'add', '198.51.100.2/24', 'dev', 'wan0']);
    ip(['-n', a, 'route', 'add', 'default', 'via', '198.51.100.1', 'dev', 'wan0', 'table', '1000', 'proto', String(PROTO)]);
    ip(['-n', a, 'route', 'add', 'default', 'via', '198.51.100.1', 'dev', 'wan0', 'metric', '50', 'proto', 'dhcp']);
    ip(['-n', a, 'rule', 'add', 'oif', 'wan0', 'lookup', '1000', 'priority', '1000', 'protocol', String(PROTO)]);
  },
  async steps({ port, wan, peerNs, step }) {
    step('peer-down');
    ip(['-n', peerNs, 'link', 'set', 'peer0', 'down']);
    await pause(300);
    step('peer-up');
    ip(['-n', peerNs, 'link', 'set', 'peer0', 'up']);
    await pause(300);
    step('replace-default');
    await port.replaceDefaultRoute({ table: 254, gateway: '198.51.100.1', oif: wan.index, metric: 100, protocol: PROTO });
    await pause(200);
    step('delete-default');
    await port.deleteDefaultRoute({ table: 254, metric: 100, protocol: PROTO });
    await pause(200);
  },
  keep: (m) => m.step !== 'dump' || m.source === 'dump',
});
