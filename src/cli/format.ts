// PURE rendering of the netlink snapshot for `wanctl dump` and `wanctl monitor`: rows for the
// aligned tables, one-line event texts, and the JSON shape scripts read (names resolved, ours marked).
import type {
  AddressEntry, LinkState, NetlinkEvent, NetlinkSnapshot, NexthopEntry, RouteEntry, RuleEntry,
} from '../netlink/types.js';
import { assertNever } from '../errors.js';
import type { Painter } from './io.js';
import { protocolName, routeTypeName, ruleActionName, scopeName, tableName } from './names.js';
import { renderTable, type Cell, type Column } from './table.js';

export type DumpSection = 'links' | 'addrs' | 'routes' | 'rules' | 'nexthops';

/** What the renderers need besides the snapshot. */
export interface DumpContext {
  /** The daemon's rtnetlink protocol (config route_protocol, default 201). */
  routeProtocol: number;
  /** Interface names by index, for routes and addresses. */
  ifnames: Map<number, string>;
}

export function ifnameMap(links: LinkState[]): Map<number, string> {
  return new Map(links.map((l) => [l.index, l.name]));
}

const dev = (ctx: DumpContext, index: number | null): string =>
  index === null ? '' : ctx.ifnames.get(index) ?? `if${index}`;

const prefix = (addr: string | null, len: number): string => (addr === null ? 'default' : `${addr}/${len}`);

// Main first, custom tables ascending, then default and local, as people look for main first.
const tableRank = (t: number): number => (t === 254 ? -1 : t === 253 || t === 255 ? 1e6 + t : t);

export function sortRoutes(routes: RouteEntry[]): RouteEntry[] {
  return routes
    .map((r, i) => ({ r, i }))
    .sort((a, b) => tableRank(a.r.table) - tableRank(b.r.table) || a.i - b.i)
    .map((x) => x.r);
}

export function isOurRoute(r: RouteEntry, routeProtocol: number): boolean {
  return r.protocol === routeProtocol;
}

export function isOurRule(r: RuleEntry, routeProtocol: number): boolean {
  return r.protocol === routeProtocol;
}

export function linkRows(links: LinkState[], p: Painter): { columns: Column[]; rows: Cell[][] } {
  const columns: Column[] = [
    { header: 'IDX', align: 'right' }, { header: 'NAME' }, { header: 'ADMIN' }, { header: 'STATE' },
    { header: 'CARRIER' }, { header: 'MAC' }, { header: 'MTU', align: 'right' },
    { header: 'RX BYTES', align: 'right' }, { header: 'RX PKTS', align: 'right' },
    { header: 'TX BYTES', align: 'right' }, { header: 'TX PKTS', align: 'right' },
  ];
  const rows = links.map((l): Cell[] => [
    String(l.index), l.name, l.adminUp ? 'up' : 'down',
    { text: l.operstate.toUpperCase(), paint: l.operstate === 'up' ? p.green : l.operstate === 'down' ? p.red : undefined },
    { text: l.carrier ? 'yes' : 'no', paint: l.carrier ? undefined : p.red },
    l.mac ?? '', l.mtu === null ? '' : String(l.mtu),
    l.stats ? String(l.stats.rxBytes) : '', l.stats ? String(l.stats.rxPackets) : '',
    l.stats ? String(l.stats.txBytes) : '', l.stats ? String(l.stats.txPackets) : '',
  ]);
  return { columns, rows };
}

export function addressRows(addrs: AddressEntry[], ctx: DumpContext): { columns: Column[]; rows: Cell[][] } {
  const columns: Column[] = [
    { header: 'DEV' }, { header: 'FAMILY' }, { header: 'ADDRESS' }, { header: 'SCOPE' }, { header: 'LABEL' },
  ];
  const rows = addrs.map((a): Cell[] => [
    dev(ctx, a.index), a.family, `${a.address}/${a.prefixLength}`, scopeName(a.scope), a.label ?? '',
  ]);
  return { columns, rows };
}

export function routeRows(routes: RouteEntry[], ctx: DumpContext, p: Painter): { columns: Column[]; rows: Cell[][] } {
  const columns: Column[] = [
    { header: 'TABLE' }, { header: 'FAMILY' }, { header: 'DST' }, { header: 'VIA' }, { header: 'DEV' }, { header: 'METRIC', align: 'right' },
    { header: 'PROTO' }, { header: 'SCOPE' }, { header: 'TYPE' }, { header: 'SRC' }, { header: 'OURS' },
  ];
  const rows = sortRoutes(routes).map((r): Cell[] => {
    const ours = isOurRoute(r, ctx.routeProtocol);
    return [
      tableName(r.table), r.family, prefix(r.dst, r.dstLength), r.gateway ?? '', dev(ctx, r.oif),
      r.priority === null ? '' : String(r.priority),
      { text: protocolName(r.protocol, ctx.routeProtocol), paint: ours ? p.bold : undefined },
      scopeName(r.scope), routeTypeName(r.type), r.prefsrc ?? '', ours ? '*' : '',
    ];
  });
  return { columns, rows };
}

/** The selector part of a rule, worded like `ip rule`: "from all oif wan0". */
export function ruleSelector(r: RuleEntry): string {
  const parts = [`from ${r.src === null ? 'all' : prefix(r.src, r.srcLength)}`];
  if (r.dst !== null) parts.push(`to ${prefix(r.dst, r.dstLength)}`);
  const mask = r.fwmask !== undefined && r.fwmask !== null && r.fwmask !== 0xffffffff ? `/0x${r.fwmask.toString(16)}` : '';
  if (r.fwmark !== null || mask !== '') parts.push(`fwmark 0x${(r.fwmark ?? 0).toString(16)}${mask}`);
  if (r.iifname !== null) parts.push(`iif ${r.iifname}`);
  if (r.oifname !== null) parts.push(`oif ${r.oifname}`);
  // The policy rules' selectors (issue 22), spelled as `ip rule` does.
  const range = (x: { start: number; end: number }): string => (x.start === x.end ? String(x.start) : `${x.start}-${x.end}`);
  if (r.ipProto) parts.push(`ipproto ${({ 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'ipv6-icmp' } as Record<number, string>)[r.ipProto] ?? r.ipProto}`);
  if (r.sport) parts.push(`sport ${range(r.sport)}`);
  if (r.dport) parts.push(`dport ${range(r.dport)}`);
  if (r.uid) parts.push(`uidrange ${r.uid.start}-${r.uid.end}`);
  return parts.join(' ');
}

export function ruleAction(r: RuleEntry): string {
  const name = ruleActionName(r.action);
  return r.action === 1 ? `lookup ${tableName(r.table)}` : name;
}

export function ruleRows(rules: RuleEntry[], ctx: DumpContext, p: Painter): { columns: Column[]; rows: Cell[][] } {
  const columns: Column[] = [
    { header: 'PRIO', align: 'right' }, { header: 'FAMILY' }, { header: 'SELECTOR' }, { header: 'ACTION' },
    { header: 'PROTO' }, { header: 'OURS' },
  ];
  const rows = rules.map((r): Cell[] => {
    const ours = isOurRule(r, ctx.routeProtocol);
    return [
      r.priority === null ? '0' : String(r.priority), r.family, ruleSelector(r), ruleAction(r),
      { text: r.protocol === null ? '' : protocolName(r.protocol, ctx.routeProtocol), paint: ours ? p.bold : undefined },
      ours ? '*' : '',
    ];
  });
  return { columns, rows };
}

/** Nexthop objects and groups (issue 21): a group lists its members as id/weight, resilient ones their buckets and timers. */
export function nexthopRows(nexthops: readonly NexthopEntry[], ctx: DumpContext, p: Painter): { columns: Column[]; rows: Cell[][] } {
  const columns: Column[] = [
    { header: 'ID', align: 'right' }, { header: 'FAMILY' }, { header: 'VIA' }, { header: 'DEV' }, { header: 'GROUP' },
    { header: 'PROTO' }, { header: 'OURS' },
  ];
  const rows = [...nexthops].sort((a, b) => a.id - b.id).map((n): Cell[] => {
    const ours = n.protocol === ctx.routeProtocol;
    const group = n.group === null ? '' : `${n.group.map((m) => `${m.id}/${m.weight}`).join(' ')}${n.resilient
      ? ` resilient buckets ${n.resilient.buckets} idle ${n.resilient.idleTimerS}s unbalanced ${n.resilient.unbalancedTimerS}s` : ''}`;
    return [String(n.id), n.family ?? (n.group ? 'group' : ''), n.gateway ?? (n.blackhole ? 'blackhole' : ''), dev(ctx, n.oif), group,
      { text: protocolName(n.protocol, ctx.routeProtocol), paint: ours ? p.bold : undefined }, ours ? '*' : ''];
  });
  return { columns, rows };
}

const TITLES: Record<DumpSection, string> = { links: 'Links', addrs: 'Addresses', routes: 'Routes', rules: 'Rules', nexthops: 'Nexthops' };

/** Human dump: one titled table per section, a blank line between sections. */
export function renderDump(snap: NetlinkSnapshot, sections: DumpSection[], ctx: DumpContext, p: Painter): string[] {
  const out: string[] = [];
  for (const s of sections) {
    const t = s === 'links' ? linkRows(snap.links, p)
      : s === 'addrs' ? addressRows(snap.addresses, ctx)
        : s === 'routes' ? routeRows(snap.routes, ctx, p) : s === 'nexthops' ? nexthopRows(snap.nexthops ?? [], ctx, p) : ruleRows(snap.rules, ctx, p);
    if (sections.length > 1) {
      if (out.length > 0) out.push('');
      out.push(p.bold(`${TITLES[s]}:`));
    }
    out.push(...renderTable(t.columns, t.rows, { headerPaint: p.dim }));
  }
  return out;
}

export function routeJson(r: RouteEntry, ctx: DumpContext): Record<string, unknown> {
  return {
    ...r, tableName: tableName(r.table), protocolName: protocolName(r.protocol, ctx.routeProtocol),
    dev: r.oif === null ? null : ctx.ifnames.get(r.oif) ?? null, ours: isOurRoute(r, ctx.routeProtocol),
  };
}

export function ruleJson(r: RuleEntry, ctx: DumpContext): Record<string, unknown> {
  return { ...r, tableName: tableName(r.table), ours: isOurRule(r, ctx.routeProtocol) };
}

export function addressJson(a: AddressEntry, ctx: DumpContext): Record<string, unknown> {
  return { ...a, dev: ctx.ifnames.get(a.index) ?? null };
}

/** JSON for scripts: only the requested sections, with names resolved and `ours` marked. */
export function dumpJson(snap: NetlinkSnapshot, sections: DumpSection[], ctx: DumpContext): Record<string, unknown> {
  const out: Record<string, unknown> = { routeProtocol: ctx.routeProtocol };
  for (const s of sections) {
    if (s === 'links') out.links = snap.links;
    else if (s === 'addrs') out.addresses = snap.addresses.map((a) => addressJson(a, ctx));
    else if (s === 'routes') out.routes = sortRoutes(snap.routes).map((r) => routeJson(r, ctx));
    else if (s === 'nexthops') out.nexthops = (snap.nexthops ?? []).map((n) => ({ ...n, dev: n.oif === null ? null : ctx.ifnames.get(n.oif) ?? null,
      ours: n.protocol === ctx.routeProtocol }));
    else out.rules = snap.rules.map((r) => ruleJson(r, ctx));
  }
  return out;
}

/** One line per notification for `wanctl monitor`, prefixed with the caller's timestamp. */
export function eventLine(e: NetlinkEvent, ctx: DumpContext): string {
  switch (e.kind) {
    case 'link': {
      const l = e.link;
      return `link ${e.op} ${l.index}: ${l.name} ${l.adminUp ? 'up' : 'down'} state ${l.operstate.toUpperCase()}` +
        ` carrier ${l.carrier ? 'on' : 'off'}${l.mtu === null ? '' : ` mtu ${l.mtu}`}${l.mac ? ` mac ${l.mac}` : ''}`;
    }
    case 'address': {
      const a = e.address;
      return `addr ${e.op} ${dev(ctx, a.index)} ${a.family} ${a.address}/${a.prefixLength} scope ${scopeName(a.scope)}`;
    }
    case 'route': {
      const r = e.route;
      // IPv4 lines read as before; IPv6 ones say so, like `ip -6 monitor`.
      const parts = [`route ${e.op}`, ...(r.family === 'inet6' ? ['inet6'] : []), prefix(r.dst, r.dstLength)];
      if (r.gateway) parts.push(`via ${r.gateway}`);
      if (r.oif !== null) parts.push(`dev ${dev(ctx, r.oif)}`);
      parts.push(`table ${tableName(r.table)}`, `proto ${protocolName(r.protocol, ctx.routeProtocol)}`);
      if (r.priority !== null) parts.push(`metric ${r.priority}`);
      if (isOurRoute(r, ctx.routeProtocol)) parts.push('(ours)');
      return parts.join(' ');
    }
    case 'rule': {
      const r = e.rule;
      // Worded like `ip monitor rule`: "1000: from all oif wan0 lookup 1000"; IPv6 ones say so.
      const parts = [`rule ${e.op}`, ...(r.family === 'inet6' ? ['inet6'] : []), `${r.priority ?? 0}:`, ruleSelector(r), ruleAction(r)];
      if (r.protocol !== null) parts.push(`proto ${protocolName(r.protocol, ctx.routeProtocol)}`);
      if (isOurRule(r, ctx.routeProtocol)) parts.push('(ours)');
      return parts.join(' ');
    }
    case 'nexthop': {
      const n = e.nexthop;
      const what = n.group === null ? `${n.family ?? ''} via ${n.gateway ?? '-'} dev ${dev(ctx, n.oif)}`
        : `group ${n.group.map((m) => `${m.id}/${m.weight}`).join(' ')}${n.resilient ? ` resilient buckets ${n.resilient.buckets}` : ''}`;
      return `nexthop ${e.op} id ${n.id} ${what} proto ${protocolName(n.protocol, ctx.routeProtocol)}${n.protocol === ctx.routeProtocol ? ' (ours)' : ''}`;
    }
    case 'resync':
      return `resync: notifications lost (${e.reason}); state may have changed unseen`;
    default:
      return assertNever(e);
  }
}

/** Keeps the index -> name map current from link notifications, so later lines name devices. */
export function trackIfnames(e: NetlinkEvent, names: Map<number, string>): void {
  if (e.kind !== 'link') return;
  if (e.op === 'new') names.set(e.link.index, e.link.name);
  // Keep deleted names: a route deletion for that index usually follows the link's.
}
