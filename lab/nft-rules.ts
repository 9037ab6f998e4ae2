// PURE: the nftables scripts that simulate ISP faults inside an ISP namespace. One table of our
// own per ISP, so healing is a single `delete table` and never touches anything else.
export type FaultKind = 'upstream' | 'gateway' | 'carrier';

export const FAULT_KINDS: readonly FaultKind[] = ['upstream', 'gateway', 'carrier'];

export const FAULT_TABLE = 'wanlab_fault';

export interface FaultOptions {
  /** 1..100: drop this share of packets instead of all of them (numgen, no netem on this kernel). */
  lossPct?: number;
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
 * gateway: the ISP box answers nothing and forwards nothing.
 */
export function faultRuleset(kind: 'upstream' | 'gateway', opts: FaultOptions = {}): string {
  const drop = dropStatement(opts.lossPct);
  const chains = [`  chain forward_hook { type filter hook forward priority 0; policy accept; ${drop}; }`];
  if (kind === 'gateway') {
    chains.push(`  chain input_hook { type filter hook input priority 0; policy accept; ${drop}; }`);
  }
  // Re-adding the table first makes the script idempotent: flush old rules of ours, then add.
  return [
    `table inet ${FAULT_TABLE} {}`,
    `delete table inet ${FAULT_TABLE}`,
    `table inet ${FAULT_TABLE} {`,
    ...chains,
    '}',
    '',
  ].join('\n');
}
