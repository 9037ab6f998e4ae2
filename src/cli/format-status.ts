// PURE rendering of the daemon's /api/status for `wanctl status`: a summary, a table of links
// (the active one marked) and the recent events. Kept apart from format.ts: different source.
import type { Painter } from './io.js';
import { statusLinks, type LinkJson, type StatusJson } from './status-json.js';
import { targetLines } from './format-targets.js';
import { renderTable, type Cell, type Column } from './table.js';
import { meteredLines } from './metered-lines.js';

/** "1d 02h 03m", "4m 05s": compact and sortable by eye. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${two(h)}h ${two(m)}m`;
  if (h > 0) return `${h}h ${two(m)}m ${two(sec)}s`;
  if (m > 0) return `${m}m ${two(sec)}s`;
  return `${sec}s`;
}

/** ISO-8601 shown without the T and the fraction; left as is when it is not ISO. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)?$/.exec(iso);
  if (!m) return iso;
  return `${m[1]} ${m[2]}${m[3] === undefined ? '' : m[3] === 'Z' ? 'Z' : m[3]}`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  // Below 1 ms (a LAN gateway, the lab) two significant digits: 0.04 ms, not 0.0 ms.
  if (ms > 0 && ms < 1) return `${Number(ms.toPrecision(2))} ms`;
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}

export function formatPct(p: number | null | undefined): string {
  if (p === null || p === undefined) return '-';
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}

export function formatMbps(n: number | undefined): string {
  return n === undefined ? '-' : n.toFixed(2);
}

/** up/down/unknown: `state` when the daemon sends it, else derived from the seed's `healthy`. */
export function linkHealth(l: LinkJson): 'up' | 'degraded' | 'down' | 'unknown' {
  return l.state ?? (l.healthy ? 'up' : 'down');
}

function isActive(l: LinkJson, s: StatusJson): boolean {
  return l.active ?? l.name === s.active_link;
}

export function statusTable(s: StatusJson, p: Painter): string[] {
  const columns: Column[] = [
    { header: '' }, { header: 'LINK' }, { header: 'NAME' }, { header: 'IFACE' }, { header: 'HEALTH' },
    { header: 'GW REACH' }, { header: 'GATEWAY' }, { header: 'RTT', align: 'right' }, { header: 'LOSS', align: 'right' },
    { header: 'JITTER', align: 'right' }, { header: 'CARRIER' }, { header: 'RX MBPS', align: 'right' }, { header: 'TX MBPS', align: 'right' },
  ];
  const rows = statusLinks(s).map((l): Cell[] => {
    const health = linkHealth(l);
    const active = isActive(l, s);
    const carrier = l.carrier === undefined || l.carrier === null ? '-' : l.carrier ? 'yes' : 'no';
    return [
      { text: active ? '*' : '', paint: p.bold },
      { text: l.name, paint: active ? p.bold : undefined },
      l.display_name, l.interface,
      { text: health, paint: health === 'up' ? p.green : health === 'down' ? p.red : p.yellow },
      { text: l.gateway_reachable ? 'yes' : 'no', paint: l.gateway_reachable ? undefined : p.yellow },
      l.gateway ?? 'unknown', formatMs(l.rtt_ms), formatPct(l.loss_pct), formatMs(l.jitter_ms),
      { text: carrier, paint: carrier === 'no' ? p.red : undefined },
      formatMbps(l.traffic?.rx_mbps_avg), formatMbps(l.traffic?.tx_mbps_avg),
    ];
  });
  return renderTable(columns, rows, { headerPaint: p.dim });
}

/**
 * IPv6 per link (issue 12), only when the daemon manages IPv6: one row per link with its own
 * health, gateway and figures, the link of the IPv6 default route marked.
 */
export function ipv6Table(s: StatusJson, p: Painter): string[] {
  const links = statusLinks(s).filter((l) => l.ipv6 !== undefined);
  if (links.length === 0) return [];
  const columns: Column[] = [
    { header: '' }, { header: 'LINK' }, { header: 'IPV6' }, { header: 'GW REACH' }, { header: 'GATEWAY' }, { header: 'SOURCE' },
    { header: 'RTT', align: 'right' }, { header: 'LOSS', align: 'right' },
  ];
  const rows = links.map((l): Cell[] => {
    const v6 = l.ipv6!;
    const health = v6.state ?? (v6.healthy ? 'up' : 'down');
    const active = v6.active ?? l.name === s.active_link_ipv6;
    return [
      { text: active ? '*' : '', paint: p.bold },
      { text: l.name, paint: active ? p.bold : undefined },
      { text: health, paint: health === 'up' ? p.green : health === 'down' ? p.red : p.yellow },
      { text: v6.gateway_reachable ? 'yes' : 'no', paint: v6.gateway_reachable ? undefined : p.yellow },
      v6.gateway ?? 'unknown', v6.gateway_source ?? '-', formatMs(v6.rtt_ms), formatPct(v6.loss_pct),
    ];
  });
  return renderTable(columns, rows, { headerPaint: p.dim });
}

function activeIpv6Line(s: StatusJson, p: Painter): string[] {
  if (s.active_link_ipv6 === undefined) return [];
  if (s.active_link_ipv6 === null) return [`active IPv6: ${p.red('none')}`];
  const l = statusLinks(s).find((x) => x.name === s.active_link_ipv6);
  const iface = s.active_interface_ipv6 ?? l?.interface;
  const gw = l?.ipv6?.gateway;
  return [`active IPv6: ${p.bold(s.active_link_ipv6)}${l?.display_name ? ` (${l.display_name})` : ''}` +
    `${iface ? ` via ${iface}` : ''}${gw ? `, gateway ${gw}` : ''}`];
}

export function statusSummary(s: StatusJson, p: Painter): string[] {
  const active = s.active_link === null
    ? p.red('none')
    : `${p.bold(s.active_link)}${s.active_display_name ? ` (${s.active_display_name})` : ''}` +
      `${s.active_interface ? ` via ${s.active_interface}` : ''}${s.active_gateway ? `, gateway ${s.active_gateway}` : ''}`;
  const lines = [`active: ${active}`, ...activeIpv6Line(s, p)];
  const parts = [`auto failover: ${s.auto_enabled ? p.green('on') : p.yellow('off')}`];
  if (s.manual_hold) parts.push(`manual hold: ${s.manual_hold}`);
  if (s.manual_hold_ipv6) parts.push(`manual hold IPv6: ${s.manual_hold_ipv6}`);
  if (s.switch_count !== undefined) {
    parts.push(`switches: ${s.switch_count}${s.last_switch ? ` (last ${shortTime(s.last_switch)})` : ''}`);
  }
  if (s.uptime_seconds !== undefined) parts.push(`uptime: ${formatDuration(s.uptime_seconds)}`);
  lines.push(parts.join('   '));
  if (s.all_down) lines.push(p.red('ALL LINKS DOWN: no link passes its probes'));
  return lines;
}

export function eventLines(s: StatusJson, p: Painter): string[] {
  const events = s.recent_events ?? [];
  if (events.length === 0) return ['recent events: none'];
  const rows = events.map((e): Cell[] => [shortTime(e.time), { text: e.type, paint: p.dim }, e.message]);
  return ['recent events:', ...renderTable([{ header: '' }, { header: '' }, { header: '' }], rows, { noHeader: true })
    .map((l) => `  ${l}`)];
}

/**
 * Link quality (continuous probing): why each link is in its state, its window verdict, and each
 * target's figures and verdict. Empty for a daemon in cycle mode (or the seed).
 */
export function qualityLines(s: StatusJson, p: Painter): string[] {
  const links = statusLinks(s).filter((l) => l.quality || (l.targets ?? []).some((t) => t.state !== undefined));
  if (links.length === 0) return [];
  const lines = ['link quality:'];
  for (const l of links) {
    const q = l.quality;
    const verdict = q ? `window ${q.window_s} s, ${q.samples} probes: ${q.state}${q.reason ? ` (${q.reason})` : ''}` : 'no quality rule';
    lines.push(`  ${p.bold(l.name)}: ${linkHealth(l)}${l.state_reason ? ` - ${l.state_reason}` : ''}; ${verdict}`);
    const rows = (l.targets ?? []).map((t): Cell[] => [
      t.target, { text: t.state ?? '-', paint: t.state === 'up' ? p.green : t.state === 'down' || t.state === 'dead' ? p.red : p.yellow },
      `rtt ${formatMs(t.rtt_ms)}`, `jitter ${formatMs(t.jitter_ms)}`, `loss ${formatPct(t.loss_pct)}`, t.reason ?? '',
    ]);
    lines.push(...renderTable(rows[0]?.map(() => ({ header: '' })) ?? [], rows, { noHeader: true }).map((x) => `    ${x}`));
  }
  return lines;
}

/**
 * Balancing (issue 21), only when a tier holds two links or more: per tier its links, their weights,
 * who carries and each one's share of new flows (IPv6 beside it when managed).
 */
export function tierLines(s: StatusJson, p: Painter): string[] {
  const links = statusLinks(s);
  const tiers = links.map((l) => l.tier);
  if (tiers.some((t) => t === undefined) || new Set(tiers).size === tiers.length) return [];
  const pct = (x: number | undefined): string => `${Math.round((x ?? 0) * 100)}%`;
  const has6 = links.some((l) => (l.ipv6 as { share?: number } | undefined)?.share !== undefined);
  const columns: Column[] = [{ header: 'TIER', align: 'right' }, { header: 'LINK' }, { header: 'WEIGHT', align: 'right' },
    { header: 'CARRYING' }, { header: 'SHARE', align: 'right' }, ...(has6 ? [{ header: 'SHARE IPV6', align: 'right' as const }] : [])];
  const rows = [...links].sort((a, b) => (a.tier ?? 0) - (b.tier ?? 0)).map((l): Cell[] => {
    const six = l.ipv6 as { share?: number } | undefined;
    return [String(l.tier), { text: l.name, paint: l.carrying ? p.bold : undefined }, String(l.weight ?? 1),
      { text: l.carrying ? 'yes' : 'no', paint: l.carrying ? p.green : undefined }, pct(l.share), ...(has6 ? [pct(six?.share)] : [])];
  });
  return renderTable(columns, rows, { headerPaint: p.dim });
}

/** The whole human `wanctl status` page. */
export function renderStatus(s: StatusJson, p: Painter): string[] {
  const quality = qualityLines(s, p);
  const v6 = ipv6Table(s, p);
  const targets = targetLines(s, p);
  const tiers = tierLines(s, p);
  return [...statusSummary(s, p), '', ...statusTable(s, p), '', ...(tiers.length > 0 ? ['Tiers:', ...tiers, ''] : []),
    ...(v6.length > 0 ? ['IPv6:', ...v6, ''] : []),
    ...(quality.length > 0 ? [...quality, ''] : []), ...(targets.length > 0 ? [...targets, ''] : []), ...meteredLines(s, p), ...eventLines(s, p)];
}
