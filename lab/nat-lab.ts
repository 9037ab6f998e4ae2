// A small NAT lab for the conntrack flush (src/conntrack/) on its own: a router namespace with a
// LAN and two WANs, a LAN client, and an "internet" namespace with one server address reached
// through each WAN; IPv4 and IPv6, NAT in the router as `snat to` (one fixed address per WAN)
// or `masquerade`. No daemon, no probes: tests and the bench drive the routes themselves.
// Only documentation/benchmark ranges are used (100.64.0.0/10, 198.51.100.0/24, 203.0.113.0/24,
// 198.18.0.0/15, 2001:db8::/32); the root namespace is never touched.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { run, runInNs, type RunResult } from './exec.js';
import { guardExit } from './exit-guard.js';
import type { NatStyle } from './nat-rules.js';

// One NAT style type for both labs (nat-rules.ts); this lab's ruleset differs from the LAN lab's
// (inet table, both families, LAN source prefixes), so it keeps its own.
export type { NatStyle };

export interface NatLabWan {
  iface: string;
  v4: string;
  v6: string;
  /** The internet namespace's side of this WAN (the gateway). */
  gw4: string;
  gw6: string;
  /** A server address in the internet namespace that the router reaches through this WAN only. */
  server4: string;
  server6: string;
}

export interface NatLab {
  readonly router: string;
  readonly lan: string;
  readonly net: string;
  readonly client4: string;
  readonly client6: string;
  readonly routerLan4: string;
  readonly routerLan6: string;
  readonly wans: readonly [NatLabWan, NatLabWan];
  exec(ns: string, cmd: string, args: readonly string[]): Promise<RunResult>;
  /** Moves the router's default routes (both families) to WAN i (0 or 1). */
  defaultVia(i: 0 | 1): Promise<void>;
  /** One UDP datagram to each of `count` ports from `firstPort` on (lab/udp-burst.ts): one entry each. */
  udp(ns: string, fam: 4 | 6, dst: string, firstPort: number, count: number, opts?: { sport?: number; bind?: string }): Promise<void>;
  /** Runs lab/conntrack-driver.ts inside the router namespace; returns its JSON output. */
  driver(args: readonly string[]): Promise<unknown>;
  /** Kernel conntrack entries of the router as /proc/net/nf_conntrack lines (the independent oracle). */
  conntrackLines(): Promise<string[]>;
  destroy(): Promise<void>;
}

const BURST = fileURLToPath(new URL('./udp-burst.js', import.meta.url));
const DRIVER = fileURLToPath(new URL('./conntrack-driver.js', import.meta.url));

const WANS: readonly [NatLabWan, NatLabWan] = [
  { iface: 'wan1', v4: '198.51.100.1', v6: '2001:db8:a::1', gw4: '198.51.100.2', gw6: '2001:db8:a::2', server4: '198.18.0.1', server6: '2001:db8:ff::1' },
  { iface: 'wan2', v4: '203.0.113.1', v6: '2001:db8:b::1', gw4: '203.0.113.2', gw6: '2001:db8:b::2', server4: '198.18.0.2', server6: '2001:db8:ff::2' },
];

function natRules(style: NatStyle): string {
  const per = (w: NatLabWan): string => (style === 'snat'
    ? `    oifname "${w.iface}" ip saddr 100.64.1.0/24 snat ip to ${w.v4}\n`
      + `    oifname "${w.iface}" ip6 saddr 2001:db8:1::/64 snat ip6 to ${w.v6}\n`
    : `    oifname "${w.iface}" ip saddr 100.64.1.0/24 masquerade\n`
      + `    oifname "${w.iface}" ip6 saddr 2001:db8:1::/64 masquerade\n`);
  return `table inet wfc_nat {\n  chain post {\n    type nat hook postrouting priority srcnat; policy accept;\n${per(WANS[0])}${per(WANS[1])}  }\n}\n`;
}

export async function createNatLab(tag: string, style: NatStyle = 'snat'): Promise<NatLab> {
  const prefix = `wfc-${tag}-${randomBytes(2).toString('hex')}`;
  const router = `${prefix}-r`;
  const lan = `${prefix}-l`;
  const net = `${prefix}-n`;
  const created: string[] = [];
  const destroySync = (): void => {
    for (const ns of created) {
      try { execFileSync('ip', ['netns', 'del', ns], { timeout: 10_000 }); } catch { /* already gone */ }
    }
  };
  const unguard = guardExit(destroySync);
  const ip = (args: string[]): Promise<RunResult> => run('ip', args);
  try {
    for (const ns of [router, lan, net]) {
      await ip(['netns', 'add', ns]);
      created.push(ns);
      await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    await ip(['-n', router, 'link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', lan]);
    await ip(['-n', router, 'addr', 'add', '100.64.1.1/24', 'dev', 'lan0']);
    await ip(['-n', router, 'addr', 'add', '2001:db8:1::1/64', 'dev', 'lan0', 'nodad']);
    await ip(['-n', lan, 'addr', 'add', '100.64.1.2/24', 'dev', 'eth0']);
    await ip(['-n', lan, 'addr', 'add', '2001:db8:1::2/64', 'dev', 'eth0', 'nodad']);
    await ip(['-n', router, 'link', 'set', 'lan0', 'up']);
    await ip(['-n', lan, 'link', 'set', 'eth0', 'up']);
    await ip(['-n', lan, 'route', 'add', 'default', 'via', '100.64.1.1']);
    await ip(['-n', lan, '-6', 'route', 'add', 'default', 'via', '2001:db8:1::1']);
    for (const [i, w] of WANS.entries()) {
      const peer = `up${i + 1}`;
      await ip(['-n', router, 'link', 'add', w.iface, 'type', 'veth', 'peer', 'name', peer, 'netns', net]);
      await ip(['-n', router, 'addr', 'add', `${w.v4}/24`, 'dev', w.iface]);
      await ip(['-n', router, 'addr', 'add', `${w.v6}/64`, 'dev', w.iface, 'nodad']);
      await ip(['-n', net, 'addr', 'add', `${w.gw4}/24`, 'dev', peer]);
      await ip(['-n', net, 'addr', 'add', `${w.gw6}/64`, 'dev', peer, 'nodad']);
      await ip(['-n', net, 'addr', 'add', `${w.server4}/32`, 'dev', 'lo']);
      await ip(['-n', net, 'addr', 'add', `${w.server6}/128`, 'dev', 'lo']);
      await ip(['-n', router, 'link', 'set', w.iface, 'up']);
      await ip(['-n', net, 'link', 'set', peer, 'up']);
      // Each server is reachable through its own WAN whatever the default route says.
      await ip(['-n', router, 'route', 'add', `${w.server4}/32`, 'via', w.gw4, 'dev', w.iface]);
      await ip(['-n', router, '-6', 'route', 'add', `${w.server6}/128`, 'via', w.gw6, 'dev', w.iface]);
    }
    await runInNs(router, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
    await runInNs(router, 'nft', ['-f', '-'], { input: natRules(style) });
  } catch (e) {
    destroySync();
    unguard();
    throw e;
  }
  let destroyed = false;
  const lab: NatLab = {
    router, lan, net,
    client4: '100.64.1.2', client6: '2001:db8:1::2', routerLan4: '100.64.1.1', routerLan6: '2001:db8:1::1',
    wans: WANS,
    exec: (ns, cmd, args) => runInNs(ns, cmd, args, { timeoutMs: 30_000 }),
    async defaultVia(i) {
      const w = WANS[i];
      await ip(['-n', router, 'route', 'replace', 'default', 'via', w.gw4, 'dev', w.iface]);
      await ip(['-n', router, '-6', 'route', 'replace', 'default', 'via', w.gw6, 'dev', w.iface]);
    },
    async udp(ns, fam, dst, firstPort, count, opts = {}) {
      const args = [BURST, String(fam), dst, String(firstPort), String(count)];
      if (opts.sport !== undefined || opts.bind !== undefined) args.push(String(opts.sport ?? 0));
      if (opts.bind !== undefined) args.push(opts.bind);
      await runInNs(ns, process.execPath, args, { timeoutMs: 30_000 });
    },
    async driver(args) {
      const { stdout } = await runInNs(router, process.execPath, [DRIVER, ...args], { timeoutMs: 30_000 });
      return JSON.parse(stdout) as unknown;
    },
    async conntrackLines() {
      const { stdout } = await runInNs(router, 'cat', ['/proc/net/nf_conntrack']);
      return stdout.split('\n').filter((l) => l.trim() !== '');
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      for (const ns of created) await ip(['netns', 'del', ns]).catch(() => undefined);
      unguard();
    },
  };
  return lab;
}
