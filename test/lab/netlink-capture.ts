// Regenerates fixtures/netlink/capture.json: real rtnetlink messages from a throw-away `wfm-`
// namespace lab, as raw hex with the step that produced them. Root only; run by hand:
//   node dist/test/lab/netlink-capture.js --orchestrate
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { createNetlink } from '../../src/netlink/adapter.js';
import { addNetns, addVethPair, deleteNetns, ip } from './netlink-netns.js';

const OUT = new URL('../../../fixtures/netlink/capture.json', import.meta.url);
const PROTO = 201;

interface Captured { step: string; source: 'dump' | 'event'; type: number; hex: string }

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function inside(peerNs: string): Promise<void> {
  const out: Captured[] = [];
  let step = 'dump';
  const port = createNetlink({ tap: (source, type, payload) => out.push({ step, source, type, hex: payload.toString('hex') }) });
  await port.start(() => undefined);
  await port.dump();
  const wan = (await port.getLinks()).find((l) => l.name === 'wan0');
  if (!wan) throw new Error('wan0 missing');
  step = 'peer-down';
  ip(['-n', peerNs, 'link', 'set', 'peer0', 'down']);
  await pause(300);
  step = 'peer-up';
  ip(['-n', peerNs, 'link', 'set', 'peer0', 'up']);
  await pause(300);
  step = 'replace-default';
  await port.replaceDefaultRoute({ table: 254, gateway: '198.51.100.1', oif: wan.index, metric: 100, protocol: PROTO });
  await pause(200);
  step = 'delete-default';
  await port.deleteDefaultRoute({ table: 254, metric: 100, protocol: PROTO });
  await pause(200);
  await port.stop();
  const doc = { note: 'captured by test/lab/netlink-capture.ts', kernel: release(), messages: out.filter((m) => m.step !== 'dump' || m.source === 'dump') };
  writeFileSync(OUT, `${JSON.stringify(doc, null, 1)}\n`);
  console.log(`wrote ${doc.messages.length} messages`);
}

function orchestrate(): void {
  const names: string[] = [];
  try {
    const a = addNetns('cap');
    names.push(a);
    const b = addNetns('cappeer');
    names.push(b);
    addVethPair(a, 'wan0', b, 'peer0');
    ip(['-n', a, 'addr', 'add', '198.51.100.2/24', 'dev', 'wan0']);
    ip(['-n', a, '-6', 'addr', 'add', '2001:db8:1::2/64', 'dev', 'wan0', 'nodad']);
    ip(['-n', a, 'link', 'set', 'wan0', 'up']);
    ip(['-n', b, 'link', 'set', 'peer0', 'up']);
    ip(['-n', a, 'route', 'add', 'default', 'via', '198.51.100.1', 'dev', 'wan0', 'table', '1000', 'proto', String(PROTO)]);
    ip(['-n', a, 'route', 'add', 'default', 'via', '198.51.100.1', 'dev', 'wan0', 'metric', '50', 'proto', 'dhcp']);
    ip(['-n', a, 'rule', 'add', 'oif', 'wan0', 'lookup', '1000', 'priority', '1000', 'protocol', String(PROTO)]);
    execFileSync('ip', ['netns', 'exec', a, process.execPath, new URL(import.meta.url).pathname, '--inside', b], { stdio: 'inherit', timeout: 30_000 });
  } finally {
    deleteNetns(names);
  }
}

if (process.argv.includes('--orchestrate')) orchestrate();
else if (process.argv.includes('--inside')) await inside(process.argv[process.argv.indexOf('--inside') + 1]);
