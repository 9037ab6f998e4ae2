// What the fixture capture scripts (netlink-capture.ts, netlink-capture-inet6.ts) share: a
// throw-away `wfm-` lab (namespace `a` with wan0, its veth peer peer0 in namespace `b`, both up,
// 2001:db8:1::2/64 on wan0), the adapter's tap recording every raw rtnetlink body with the step
// that produced it, and the fixture file. A script says only how it sets the lab up, which steps
// it runs, and which messages its fixture keeps. Root only; run by hand with --orchestrate.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { createNetlink } from '../../src/netlink/adapter.js';
import type { LinkState, NetlinkPort } from '../../src/netlink/types.js';
import { addNetns, addVethPair, deleteNetns, ip } from './netlink-netns.js';

export const PROTO = 201;

export interface Captured { step: string; source: 'dump' | 'event'; type: number; hex: string }

export interface CaptureScript {
  /** The script's own module URL (import.meta.url): it runs itself inside namespace `a`. */
  self: string;
  /** Where the fixture goes, e.g. fixtures/netlink/capture.json, relative to the repository. */
  fixture: string;
  /** Namespace tags: wfm-<tag>-<hex> and wfm-<tag>peer-<hex>. */
  tag: string;
  /** More addresses, routes and rules in namespace `a` before the capture. */
  setup(a: string): void;
  /** The steps after the initial dump (step 'dump'); each names itself before acting. */
  steps(c: { port: NetlinkPort; wan: LinkState; peerNs: string; step(name: string): void }): Promise<void>;
  /** Which captured messages the fixture keeps. */
  keep(m: Captured): boolean;
}

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Acts on --orchestrate (outside, as root) or --inside PEER_NS (inside namespace `a`). */
export async function runCapture(script: CaptureScript): Promise<void> {
  if (process.argv.includes('--orchestrate')) orchestrate(script);
  else if (process.argv.includes('--inside')) await inside(script, process.argv[process.argv.indexOf('--inside') + 1] ?? '');
}

async function inside(script: CaptureScript, peerNs: string): Promise<void> {
  const out: Captured[] = [];
  let step = 'dump';
  const port = createNetlink({ tap: (source, type, payload) => out.push({ step, source, type, hex: payload.toString('hex') }) });
  await port.start(() => undefined);
  await port.dump();
  const wan = (await port.getLinks()).find((l) => l.name === 'wan0');
  if (!wan) throw new Error('wan0 missing');
  await script.steps({ port, wan, peerNs, step: (name) => { step = name; } });
  await port.stop();
  const name = new URL(script.self).pathname.split('/').pop()!.replace(/\.js$/, '.ts');
  const doc = { note: `captured by test/lab/${name}`, kernel: release(), messages: out.filter((m) => script.keep(m)) };
  writeFileSync(new URL(`../../../${script.fixture}`, import.meta.url), `${JSON.stringify(doc, null, 1)}\n`);
  console.log(`wrote ${doc.messages.length} messages`);
}

function orchestrate(script: CaptureScript): void {
  const names: string[] = [];
  try {
    const a = addNetns(script.tag);
    names.push(a);
    const b = addNetns(`${script.tag}peer`);
    names.push(b);
    addVethPair(a, 'wan0', b, 'peer0');
    ip(['-n', a, '-6', 'addr', 'add', '2001:db8:1::2/64', 'dev', 'wan0', 'nodad']);
    ip(['-n', a, 'link', 'set', 'wan0', 'up']);
    ip(['-n', b, 'link', 'set', 'peer0', 'up']);
    script.setup(a);
    execFileSync('ip', ['netns', 'exec', a, process.execPath, new URL(script.self).pathname, '--inside', b], { stdio: 'inherit', timeout: 30_000 });
  } finally {
    deleteNetns(names);
  }
}
