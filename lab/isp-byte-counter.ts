// Counts, inside ISP i's namespace, the IP-level bytes to and from the router's WAN address: what
// the ISP would bill (issue 24). nft counters in a table of their own (hooks prerouting and
// postrouting see every packet that enters or leaves the ISP box, the ones it answers itself, like
// gateway probes, included). Removed with the table, or with the lab's namespaces.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lab } from './topology.js';

export const METER_TABLE = 'wf_meter';

export interface ByteCount {
  /** Router -> ISP (the router's TX). */
  fromRouterBytes: number;
  fromRouterPackets: number;
  /** ISP -> router (the router's RX). */
  toRouterBytes: number;
  toRouterPackets: number;
  /** UDP packets from the router: user traffic, never the daemon's probes. */
  udpFromRouterPackets: number;
}

export function meterRuleset(routerAddress: string): string {
  return [
    `table ip ${METER_TABLE} {`,
    '  chain pre {',
    '    type filter hook prerouting priority -300; policy accept;',
    `    ip saddr ${routerAddress} counter comment "from-router"`,
    // The probes are ICMP: UDP from the router is user traffic (LAN flows NATed to this WAN).
    `    ip saddr ${routerAddress} meta l4proto udp counter comment "udp-from-router"`,
    '  }',
    '  chain post {',
    '    type filter hook postrouting priority 300; policy accept;',
    `    ip daddr ${routerAddress} counter comment "to-router"`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Parses `nft list table` output: the counter before each comment. */
export function parseMeter(text: string): ByteCount {
  const read = (tag: string): [number, number] => {
    const m = new RegExp(`counter packets (\\d+) bytes (\\d+) comment "${tag}"`).exec(text);
    return m ? [Number(m[1]), Number(m[2])] : [0, 0];
  };
  const [fp, fb] = read('from-router');
  const [tp, tb] = read('to-router');
  return { fromRouterBytes: fb, fromRouterPackets: fp, toRouterBytes: tb, toRouterPackets: tp, udpFromRouterPackets: read('udp-from-router')[0] };
}

export interface IspByteCounter {
  read(): Promise<ByteCount>;
  remove(): Promise<void>;
}

export async function startIspByteCounter(lab: Lab, i: number): Promise<IspByteCounter> {
  const ns = lab.ispNs(i);
  const addr = lab.links[i - 1]!.address;
  await lab.exec(ns, 'nft', ['delete', 'table', 'ip', METER_TABLE]).catch(() => undefined);
  const dir = await mkdtemp(join(tmpdir(), 'wf-meter-'));
  try {
    const file = join(dir, 'meter.nft');
    await writeFile(file, meterRuleset(addr));
    await lab.exec(ns, 'nft', ['-f', file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    read: async () => parseMeter((await lab.exec(ns, 'nft', ['list', 'table', 'ip', METER_TABLE])).stdout),
    remove: async () => { await lab.exec(ns, 'nft', ['delete', 'table', 'ip', METER_TABLE]).catch(() => undefined); },
  };
}
