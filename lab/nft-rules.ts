// PURE: the nftables scripts that simulate ISP faults inside an ISP namespace. One table of our
// own per ISP, so healing is a single `delete table` and never touches anything else.
export type FaultKind = 'upstream' | 'gateway' | 'carrier';

export const FAULT_KINDS: readonly FaultKind[] = ['upstream', 'gateway', 'carrier'];

export const FAULT_TABLE = 'wanlab_fault';

/** Which traffic a packet fault hits: one address family or both (default). */
export type FaultFamily = 'ipv4' | 'ipv6' | 'both';

export const FAULT_FAMILIES: readonly FaultFamily[] = ['ipv4', 'ipv6', 'both'];

export interface FaultOptions {
  /** 1..100: drop this share of packets instead of all of them (numgen, no netem on this kernel). */
  lossPct?: number;
  /** Default 'both'. Carrier faults always hit both families. */
  family?: FaultFamily;
  /**
   * Only packets in or out of this ISP interface (the VRRP pair lab: one router's link into an ISP
   * both routers use). The fault then has a table of its own (faultTable(iface)).
   */
  iface?: string;
}

/** The fault table of one ISP (or, with `iface`, of one customer interface of it). */
export function faultTable(iface?: string): string {
  if (iface === undefined) return FAULT_TABLE;
  if (!/^[A-Za-z0-9_]{1,15}$/.test(iface)) throw new Error(`invalid interface ${iface} for a fault table`);
  return `${FAULT_TABLE}_${iface}`;
}

export function isFaultFamily(s: string): s is FaultFamily {
  return (FAULT_FAMILIES as readonly string[]).includes(s);
}

/** nft(8) `meta nfproto`: in an inet table, matches the packet's family (ipv4 | ipv6). */
function familyMatch(family: FaultFamily | undefined): string {
  return family === undefined || family === 'both' ? '' : `meta nfproto ${family} `;
}

export function isFaultKind(s: string): s is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(s);
}

function dropStatement(lossPct: number | undefined): string {
  if (lossPct === undefined || lossPct >= 100) return 'drop';
  if (!Number.isInteger(lossPct) || lossPct < 1) throw new Error(`invalid lossPct ${lossPct}: expected 1..100`);
  // nft(8): numgen random mod 100 yields 0..99, so "< N" drops N percent.
  return `numgen random mod 100 < ${lossPct} drop`;
}

/**
 * The ruleset for a packet-level fault; carrier faults need no rules (the cpe link goes down).
 * upstream: only FORWARDED traffic dies, so the gateway itself still answers pings.
 * gateway: the ISP box answers nothing and forwards nothing (for IPv6 that includes neighbour
 *   discovery, so the router's neighbour entry for the ISP fails as with a dead box).
 * family: only that family's packets are dropped (one table per ISP, so a new fault replaces the last).
 */
export function faultRuleset(kind: 'upstream' | 'gateway', opts: FaultOptions = {}): string {
  if (opts.family !== undefined && !isFaultFamily(opts.family)) throw new Error(`invalid family ${String(opts.family)}: expected ipv4, ipv6 or both`);
  const drop = familyMatch(opts.family) + dropStatement(opts.lossPct);
  const table = faultTable(opts.iface);
  const on = (dir: 'iifname' | 'oifname'): string => (opts.iface === undefined ? '' : `${dir} "${opts.iface}" `);
  const forward = opts.iface === undefined ? `${drop};` : `${on('iifname')}${drop}; ${on('oifname')}${drop};`;
  const chains = [`  chain forward_hook { type filter hook forward priority 0; policy accept; ${forward} }`];
  if (kind === 'gateway') {
    chains.push(`  chain input_hook { type filter hook input priority 0; policy accept; ${on('iifname')}${drop}; }`);
  }
  // Re-adding the table first makes the script idempotent: flush old rules of ours, then add.
  return [
    `table inet ${table} {}`,
    `delete table inet ${table}`,
    `table inet ${table} {`,
    ...chains,
    '}',
    '',
  ].join('\n');
}
