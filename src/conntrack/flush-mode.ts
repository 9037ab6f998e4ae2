// Pure: whether the conntrack flush runs when the default route leaves a link.
// Config key `conntrack_flush`: globally, and per link (the link's own value wins).
import type { Config, ConntrackFlushMode } from '../config/types.js';

export function flushModeOf(config: Config, link: string): ConntrackFlushMode {
  const own = config.links.find((l) => l.name === link)?.conntrackFlush ?? null;
  return own ?? config.conntrackFlush ?? 'on_switch';
}
