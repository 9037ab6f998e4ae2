// Pure: builds the ordered link list from either the seed's primary/secondary sections or
// the `links:` list, checks each entry, uniqueness, and assigns routing tables.
import {
  RESERVED_TABLES,
  MAX_TABLE,
  checkDisplayName,
  checkIfname,
  checkIpv4,
  checkLinkName,
  checkTable,
  checkConntrackFlush,
  checkIpv6Gateway,
  canonicalIpv6,
  type Check,
} from './formats.js';
import { checkTier, checkWeight } from './balance.js';
import { UNKNOWN_KEY, type ConfigProblem, isMapping } from './problems.js';
import { parseProbeTarget, probeTargets } from './probe-target.js';
import { METERED_KEY, parseMetered } from './metered.js';
import { LINK_ENTRY_KEYS } from './schema.js';
import { canonicalDns, checkLinkDns, LINK_DNS_KEY } from './dns.js';
import type { ConntrackFlushMode, LinkConfig, MeteredConfig } from './types.js';

/** "a" or "an" before a key name (an interface, a name). */
function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** One link as written, with the key path it came from (`primary`, `links[2]`). */
interface LinkDraft {
  path: string;
  name: string;
  interface: string;
  displayName: string | null;
  gateway: string | null;
  table: number | null;
  conntrackFlush: ConntrackFlushMode | null;
  /** RFC 5952 text. */
  gateway6: string | null;
  tier: number | null;
  weight: number | null;
  metered: MeteredConfig | null;
  dns: string[] | null;
}

export interface LinksResult {
  links: LinkConfig[];
  problems: ConfigProblem[];
}


const FIELD_CHECKS: ReadonlyArray<[string, Check, boolean]> = [
  // [key, check, optional]
  ['name', checkLinkName, false],
  ['interface', checkIfname, false],
  ['display_name', checkDisplayName, true],
  ['gateway', checkIpv4, true],
  ['table', checkTable, true],
  ['conntrack_flush', checkConntrackFlush, true],
  ['gateway6', checkIpv6Gateway, true],
  ['tier', checkTier, true],
  ['weight', checkWeight, true],
  [LINK_DNS_KEY, checkLinkDns, true],
];

/** Checks one entry; the draft is returned even when some fields are bad so uniqueness can still be judged. */
function draftFrom(path: string, entry: Record<string, unknown>, problems: ConfigProblem[]): { draft: LinkDraft; ok: boolean } {
  let ok = true;
  for (const key of Object.keys(entry)) {
    // Reported, but the link still works: load.ts turns unknown keys into warnings.
    if (!LINK_ENTRY_KEYS.includes(key)) problems.push({ key: `${path}.${key}`, value: entry[key], expected: UNKNOWN_KEY, known: LINK_ENTRY_KEYS });
  }
  for (const [key, check, optional] of FIELD_CHECKS) {
    const value = entry[key];
    if (optional && (value === undefined || value === null)) continue;
    const expected = check(value);
    if (expected !== null) {
      problems.push({ key: `${path}.${key}`, value, expected });
      ok = false;
    }
  }
  const metered = parseMetered(path, entry[METERED_KEY]);
  problems.push(...metered.problems);
  if (metered.problems.some((p) => p.expected !== UNKNOWN_KEY)) ok = false;
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const draft: LinkDraft = {
    path,
    name: str(entry['name']),
    interface: str(entry['interface']),
    displayName: typeof entry['display_name'] === 'string' ? entry['display_name'] : null,
    gateway: typeof entry['gateway'] === 'string' ? entry['gateway'] : null,
    table: typeof entry['table'] === 'number' ? entry['table'] : null,
    conntrackFlush: entry['conntrack_flush'] === 'on_switch' || entry['conntrack_flush'] === 'never' ? entry['conntrack_flush'] : null,
    gateway6: canonicalIpv6(entry['gateway6']),
    tier: typeof entry['tier'] === 'number' ? entry['tier'] : null,
    weight: typeof entry['weight'] === 'number' ? entry['weight'] : null,
    metered: metered.metered,
    dns: Array.isArray(entry[LINK_DNS_KEY]) && checkLinkDns(entry[LINK_DNS_KEY]) === null
      ? (entry[LINK_DNS_KEY] as string[]).map(canonicalDns) : null,
  };
  return { draft, ok };
}

function draftsFromList(list: unknown, problems: ConfigProblem[]): { drafts: LinkDraft[]; ok: boolean } {
  // The list's own shape (an array of >= 2) is a convict format; only entries are checked here.
  if (!Array.isArray(list) || list.length < 2) return { drafts: [], ok: false };
  const drafts: LinkDraft[] = [];
  let ok = true;
  list.forEach((entry: unknown, i: number) => {
    const path = `links[${i}]`;
    if (!isMapping(entry)) {
      problems.push({ key: path, value: entry, expected: 'a mapping {name, interface, display_name?, gateway?, gateway6?, table?}' });
      ok = false;
      return;
    }
    const r = draftFrom(path, entry, problems);
    drafts.push(r.draft);
    ok &&= r.ok;
  });
  return { drafts, ok };
}

function checkUnique(drafts: readonly LinkDraft[], field: 'name' | 'interface', problems: ConfigProblem[]): void {
  const seen = new Map<string, string>();
  for (const d of drafts) {
    if (d[field] === '') continue; // already reported as invalid
    const first = seen.get(d[field]);
    if (first !== undefined) {
      problems.push({ key: `${d.path}.${field}`, value: d[field], expected: `${article(field)} ${field} not already used by ${first}` });
    } else {
      seen.set(d[field], d.path);
    }
  }
}

function assignTables(drafts: readonly LinkDraft[], base: number, problems: ConfigProblem[]): number[] {
  const tables = drafts.map((d, i) => d.table ?? base + i);
  const seen = new Map<number, string>();
  tables.forEach((t, i) => {
    const d = drafts[i] as LinkDraft;
    if (d.table === null && (RESERVED_TABLES.has(t) || t > MAX_TABLE)) {
      problems.push({
        key: 'route_table_base',
        value: base,
        expected: `a base whose tables avoid 253/254/255 (${d.path} would get table ${t})`,
      });
    }
    const first = seen.get(t);
    if (first !== undefined) {
      const key = d.table !== null ? `${d.path}.table` : 'route_table_base';
      problems.push({ key, value: d.table ?? base, expected: `a table not already used by ${first} (table ${t})` });
    } else {
      seen.set(t, d.path);
    }
  });
  return tables;
}

/**
 * @param raw    the file as parsed (to know which form was written)
 * @param values the file merged over schema defaults (primary/secondary always present)
 * @param base   route_table_base, already validated
 */
export function buildLinks(raw: Record<string, unknown>, values: Record<string, unknown>, base: number): LinksResult {
  const problems: ConfigProblem[] = [];
  const hasList = raw['links'] !== undefined && raw['links'] !== null;
  if (hasList && ('primary' in raw || 'secondary' in raw)) {
    problems.push({
      key: 'links',
      value: '(list)',
      expected: 'either links or primary/secondary, not both',
    });
    return { links: [], problems };
  }
  let drafts: LinkDraft[];
  let ok: boolean;
  if (hasList) {
    ({ drafts, ok } = draftsFromList(values['links'], problems));
  } else {
    // primary/secondary were checked by convict, which reported their problems already.
    const silent: ConfigProblem[] = [];
    drafts = [];
    ok = true;
    for (const section of ['primary', 'secondary']) {
      const v = values[section];
      if (!isMapping(v)) {
        ok = false;
        continue;
      }
      const rawSection = raw[section];
      const meteredRaw = isMapping(rawSection) ? rawSection[METERED_KEY] : undefined;
      const dnsRaw = isMapping(rawSection) ? rawSection[LINK_DNS_KEY] : undefined;
      // metered and dns are not convict keys (a mapping or list in a leaf): their problems are reported from here.
      const r = draftFrom(section, { ...v, [METERED_KEY]: meteredRaw, [LINK_DNS_KEY]: dnsRaw }, silent);
      problems.push(...silent.filter((p) => p.key.startsWith(`${section}.${METERED_KEY}`) || p.key === `${section}.${LINK_DNS_KEY}`));
      silent.length = 0;
      drafts.push(r.draft);
      ok &&= r.ok;
    }
  }
  checkUnique(drafts, 'name', problems);
  checkUnique(drafts, 'interface', problems);
  const tables = assignTables(drafts, base, problems);
  if (!ok) return { links: [], problems };
  const links: LinkConfig[] = drafts.map((d, i) => ({
    name: d.name,
    interface: d.interface,
    displayName: d.displayName ?? d.name,
    gateway: d.gateway,
    table: tables[i] as number,
    // Only when written, so a link without it reads as "the global value" (and compares as before).
    ...(d.conntrackFlush !== null ? { conntrackFlush: d.conntrackFlush } : {}),
    ...(d.gateway6 !== null ? { gateway6: d.gateway6 } : {}),
    ...(d.tier !== null ? { tier: d.tier } : {}),
    ...(d.weight !== null ? { weight: d.weight } : {}),
    ...(d.metered !== null ? { metered: d.metered } : {}),
    ...(d.dns !== null ? { dns: d.dns } : {}),
  }));
  return { links, problems };
}

/** Each ping target must be an ICMP address, a probe URI or a mapping (probe-target.ts), listed once (by its key). */
export function checkTargets(list: unknown): ConfigProblem[] {
  if (!Array.isArray(list)) return [];
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  list.forEach((t: unknown, i: number) => {
    const key = `ping_targets[${i}]`;
    const parsed = parseProbeTarget(t);
    if (!parsed.ok) problems.push({ key, value: t, expected: parsed.expected });
    else if (seen.has(parsed.target.key)) problems.push({ key, value: t, expected: 'a target not listed before' });
    else seen.add(parsed.target.key);
  });
  return problems;
}

/** The valid targets' keys split by family, IPv6 in RFC 5952 form (call after checkTargets found no problem). */
export function splitTargets(list: readonly unknown[]): { v4: string[]; v6: string[] } {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const t of probeTargets(list)) (t.family === 'ipv6' ? v6 : v4).push(t.key);
  return { v4, v6 };
}
