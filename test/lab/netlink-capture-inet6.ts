// Regenerates fixtures/netlink/capture-inet6.json: real IPv6 rtnetlink messages from a throw-away
// `wfm-` namespace lab (2001:db8::/32 only), as raw hex with the step that produced them: dumps of
// addresses, IPv6 routes (an RA-style `proto ra` default via a link-local router, our table 1001)
// and IPv6 rules, then notifications for an address add, the daemon's IPv6 default route
// replace/delete and an RA route appearing and going. Root only; run by hand:
//   node dist/test/lab/netlink-capture-inet6.js --orchestrate
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { createNetlink } from '../../src/netlink/adapter.js';
import { addNetns, addVethPair, deleteNetns, ip } from './netlink-netns.js';

const OUT = new URL('../../../fixtures/netlink/capture-inet6.json', import.meta.url);
const PROTO = 201;

interface Captured { step: string; source: 'dump' | 'event'; type: number; hex: string }

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function inside(): Promise<void> {
  const out: Captured[] = [];
  let step = 'dump';
  const port = createNetlink({ tap: (source, type, payload) => out.push({ step, source, type, hex: payload.toString('hex') }) });
  await port.start(() => undefined);
  await port.dump();
  const wan = (await port.getLinks()).find((l) => l.name === 'wan0');
  if (!wan) throw new Error('wan0 missing');
  step = 'addr-add';
  ip(['-6', 'addr', 'add', '2001:db8:1::3/64', 'dev', 'wan0', 'nodad']);
  await pause(300);
  step = 'replace-default6';
  await port.replaceDefaultRoute({ family: 'inet6', table: 254, gateway: 'fe80::1', oif: wan.index, metric: 512, protocol: PROTO });
  await pause(200);
  step = 'delete-default6';
  await port.deleteDefaultRoute({ family: 'inet6', table: 254, metric: 512, protocol: PROTO });
  await pause(200);
  step = 'ra-route-add';
  ip(['-6', 'route', 'add', 'default', 'via', 'fe80::2', 'dev', 'wan0', 'proto', 'ra', 'metric', '1100']);
  await pause(200);
  step = 'ra-route-del';
  ip(['-6', 'route', 'del', 'default', 'via', 'fe80::2', 'dev', 'wan0', 'proto', 'ra', 'metric', '1100']);
  await pause(200);
  await port.stop();
  // Only what the fixture needs: our steps' events and the dump itself (not link events of the dump step).
  const messages = out.filter((m) => (m.step === 'dump' ? m.source === 'dump' && m.type !== 16 : m.source === 'event' && m.type !== 16));
  const doc = { note: 'captured by test/lab/netlink-capture-inet6.ts', kernel: release(), messages };
  writeFileSync(OUT, `${JSON.stringify(doc, null, 1)}\n`);
  console.log(`wrote ${doc.messages.length} messages`);
}

function orchestrate(): void {
  const names: string[] = [];
  try {
    const a = addNetns('cap6');
    names.push(a);
    const b = addNetns('cap6peer');
    names.push(b);
    addVethPair(a, 'wan0', b, 'peer0');
    ip(['-n', a, '-6', 'addr', 'add', '2001:db8:1::2/64', 'dev', 'wan0', 'nodad']);
    ip(['-n', a, 'link', 'set', 'wan0', 'up']);
    ip(['-n', b, 'link', 'set', 'peer0', 'up']);
    // What the kernel leaves after a router advertisement (net/ipv6/ndisc.c rt6_add_dflt_router).
    ip(['-n', a, '-6', 'route', 'add', 'default', 'via', 'fe80::1', 'dev', 'wan0', 'proto', 'ra', 'metric', '1024', 'expires', '1800', 'pref', 'medium']);
    ip(['-n', a, '-6', 'route', 'add', 'default', 'via', 'fe80::1', 'dev', 'wan0', 'table', '1001', 'proto', String(PROTO), 'metric', '1']);
    ip(['-n', a, '-6', 'rule', 'add', 'oif', 'wan0', 'lookup', '1001', 'priority', '1000', 'protocol', String(PROTO)]);
    execFileSync('ip', ['netns', 'exec', a, process.execPath, new URL(import.meta.url).pathname, '--inside'], { stdio: 'inherit', timeout: 30_000 });
  } finally {
    deleteNetns(names);
  }
}

if (process.argv.includes('--orchestrate')) orchestrate();
else if (process.argv.includes('--inside')) await inside();
