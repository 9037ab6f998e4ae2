// PURE: the nftables scripts of the LAN lab (lan.ts). Each lives in a table of its own, so it is
// replaced or removed as a whole and never touches the fault table (nft-rules.ts).
// - NAT in the router, per WAN, in the two styles routers use: `masquerade` (the kernel drops a
//   masqueraded flow's conntrack entry when its next packet leaves another interface,
//   nf_nat_masquerade.c) and `snat to <the WAN's address>` (the static-IP style: the entry stays,
//   so after a failover the flow keeps the old link's address on the new link).
// - BCP38 (RFC 2827) in each ISP: a packet from the customer whose source is not the customer's
//   prefix is dropped, and counted.
export type NatStyle = 'masquerade' | 'snat';

export const NAT_STYLES: readonly NatStyle[] = ['masquerade', 'snat'];
export const NAT_TABLE = 'wanlab_nat';
export const BCP38_TABLE = 'wanlab_bcp38';
/** Named counter of the packets BCP38 dropped in one ISP. */
export const BCP38_COUNTER = 'spoofed';

export function isNatStyle(s: string): s is NatStyle {
  return (NAT_STYLES as readonly string[]).includes(s);
}

export interface NatLink {
  iface: string;
  address: string;
}

/** Replaces the router's NAT table: one rule per WAN in the given style. */
export function natRuleset(style: NatStyle, links: readonly NatLink[]): string {
  const rules = links.map((l) => `    oifname "${l.iface}" ${style === 'masquerade' ? 'masquerade' : `snat to ${l.address}`}`);
  return [
    `table ip ${NAT_TABLE} {}`,
    `delete table ip ${NAT_TABLE}`,
    `table ip ${NAT_TABLE} {`,
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    ...rules,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** BCP38 in one ISP: forwarded packets from the customer side (cpeIface) must come from customerPrefix. */
export function bcp38Ruleset(cpeIface: string, customerPrefix: string): string {
  return [
    `table inet ${BCP38_TABLE} {}`,
    `delete table inet ${BCP38_TABLE}`,
    `table inet ${BCP38_TABLE} {`,
    `  counter ${BCP38_COUNTER} {}`,
    '  chain forward {',
    // Before the fault table (priority 0): a spoofed packet is counted even during a fault.
    '    type filter hook forward priority -10; policy accept;',
    `    iifname "${cpeIface}" ip saddr != ${customerPrefix} counter name "${BCP38_COUNTER}" drop`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Packets of `nft -j list counter inet <table> <name>` output; null when the JSON has none. */
export function parseCounterPackets(json: string): number | null {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    return null;
  }
  const items = (doc as { nftables?: unknown[] } | null)?.nftables;
  if (!Array.isArray(items)) return null;
  for (const it of items) {
    const c = (it as { counter?: { packets?: unknown } }).counter;
    if (c !== undefined && typeof c.packets === 'number') return c.packets;
  }
  return null;
}
