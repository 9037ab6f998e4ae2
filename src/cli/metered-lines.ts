// `wanctl status`: one line per metered link (issue 24): usage in the billing period against the
// cap, how it is probed, and why it is last resort. Empty when no link is metered.
import type { Painter } from './io.js';
import { statusLinks, type StatusJson } from './status-json.js';

export function meteredLines(s: StatusJson, p: Painter): string[] {
  const links = statusLinks(s).filter((l) => l.usage_mb !== undefined);
  if (links.length === 0) return [];
  const lines = ['metered links:'];
  for (const l of links) {
    const cap = l.cap_mb === null || l.cap_mb === undefined ? 'no cap' : `of ${l.cap_mb} MB (${l.cap_pct ?? 0} %)`;
    const since = l.period_start ? ` since ${l.period_start.slice(0, 10)}` : '';
    const resort = l.last_resort ? `; ${p.red(`last resort: ${l.last_resort}`)}` : '';
    lines.push(`  ${p.bold(l.name)}: ${l.usage_mb} MB ${cap}${since}; ${l.probing ?? ''}${resort}`);
  }
  return [...lines, ''];
}
