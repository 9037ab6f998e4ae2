// PURE: the "probe targets" block of `wanctl status` (issue 23): per link, each target's method,
// answer and last failure reason ("timeout", "refused", "NXDOMAIN", "HTTP 302" ...). Shown only when
// a target is probed by another method than ICMP, so an ICMP-only status reads as before.
import type { Painter } from './io.js';
import { formatMs } from './format-status.js';
import { statusLinks, type StatusJson, type TargetJson } from './status-json.js';
import { renderTable, type Cell } from './table.js';

export function targetLines(s: StatusJson, p: Painter): string[] {
  const links = statusLinks(s);
  const all = links.flatMap((l) => [...(l.targets ?? []), ...(l.ipv6?.targets ?? [])]);
  if (!all.some((t) => t.method !== undefined && t.method !== 'icmp')) return [];
  const lines = ['probe targets:'];
  for (const l of links) {
    const targets: TargetJson[] = [...(l.targets ?? []), ...(l.ipv6?.targets ?? [])];
    lines.push(`  ${p.bold(l.name)}${l.state_reason ? ` - ${l.state_reason}` : ''}`);
    const rows = targets.map((t): Cell[] => [
      t.target, t.method ?? 'icmp',
      { text: t.up === true ? 'up' : t.up === false ? 'down' : '-', paint: t.up === true ? p.green : t.up === false ? p.red : p.yellow },
      `rtt ${formatMs(t.rtt_ms)}`, t.last_error ?? '',
    ]);
    lines.push(...renderTable(rows[0]?.map(() => ({ header: '' })) ?? [], rows, { noHeader: true }).map((x) => `    ${x}`));
  }
  return lines;
}
