// Pure: the verdict of `wanctl status --check` from the daemon's /api/status body (issue 25), in
// keepalived's vrrp_script terms: 0 while at least one link carries traffic, 1 when every link is
// down, 3 when there is no verdict (no answer, or no link judged yet after a start). The same rule
// as the track file's (src/vrrp/weight.ts), on the JSON the API speaks.
import { statusLinks, type LinkJson, type StatusJson } from './status-json.js';

export const CHECK_OK = 0;
export const CHECK_ALL_DOWN = 1;
export const CHECK_NO_ANSWER = 3;

export type CheckCode = typeof CHECK_OK | typeof CHECK_ALL_DOWN | typeof CHECK_NO_ANSWER;

export interface CheckVerdict {
  code: CheckCode;
  line: string;
}

/** A link carries traffic: state up/degraded, or (a seed daemon without `state`) healthy. */
function carrying(l: LinkJson): boolean {
  return l.state !== undefined ? l.state === 'up' || l.state === 'degraded' : l.healthy === true;
}

export function checkVerdict(s: StatusJson): CheckVerdict {
  const links = statusLinks(s);
  const up = links.filter(carrying);
  const names = (ls: LinkJson[]): string => ls.map((l) => l.name).join(', ');
  if (up.length > 0) {
    return { code: CHECK_OK, line: `ok: ${up.length} of ${links.length} links carry traffic (${names(up)}); active ${s.active_link ?? 'none'}` };
  }
  // A seed daemon sends no state: healthy false everywhere is its "all down".
  if (s.all_down === true || (links.length > 0 && links.every((l) => l.state === undefined))) {
    return { code: CHECK_ALL_DOWN, line: `down: all ${links.length} links are down` };
  }
  return { code: CHECK_NO_ANSWER, line: `no verdict: the daemon has judged no link yet (${links.map((l) => `${l.name}=${l.state ?? 'unknown'}`).join(' ')})` };
}
