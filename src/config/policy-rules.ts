// Pure: the optional `rules:` section (issue 22): policy routing rules that send chosen traffic over
// chosen links with FIB rules only (no packet marks). Like balance.ts, the section is checked key by
// key outside the convict pass, and a problem names the rule and the key (`rules[voip].match.dport`).
// Absent or empty = no rule: the daemon installs exactly what it did before.
import { isIPv4, isIPv6 } from 'node:net';
import type { AddressFamily } from '../bus/events.js';
import { ipToBytes, bytesToIp } from '../netlink/ip-format.js';
import { linkPlaces } from './balance.js';
import { isMapping, type ConfigProblem } from './problems.js';

export const RULES_SECTION = 'rules';

export interface Prefix { family: AddressFamily; address: string; length: number }
export interface Range { start: number; end: number }

/** Every selector a rule may hold; several all have to match (FIB rule semantics). */
export interface RuleMatch {
  src?: Prefix;
  dst?: Prefix;
  /** IP protocol number (FRA_IP_PROTO). */
  proto?: number;
  sport?: Range;
  dport?: Range;
  iif?: string;
  uid?: Range;
  fwmark?: { value: number; mask: number };
}

/** Ordered links (the first that is up carries), or a tier's balanced set. */
export type RuleLinks = { kind: 'ordered'; names: string[] } | { kind: 'tier'; tier: number };

export type RuleFallback = 'balance' | 'blackhole';

export interface PolicyRuleConfig {
  name: string;
  match: RuleMatch;
  links: RuleLinks;
  /** balance: no route in the rule's table, so the lookup goes on to the main table; blackhole: nothing leaks. */
  fallback: RuleFallback;
  /** The families the rule applies to: its prefixes' (or its protocol's), both when it names none. */
  families: AddressFamily[];
}

const RULE_KEYS = ['name', 'match', 'links', 'fallback'] as const;
const MATCH_KEYS = ['src', 'dst', 'proto', 'sport', 'dport', 'iif', 'uid', 'fwmark'] as const;
const PROTOCOLS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58 };
/** Protocols whose header carries ports the kernel's port-range match reads: tcp, udp, dccp, sctp (fib_rule_requires_fldissect). */
const PORT_PROTOCOLS = new Set([6, 17, 33, 132]);
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
/** IFNAMSIZ - 1, and what the kernel refuses in a name (dev_valid_name). */
const IFNAME = /^[^\s/:]{1,15}$/;
const U32_MAX = 0xffffffff;


type Check<T> = { ok: T } | { expected: string };

export function parsePrefix(v: unknown): Check<Prefix> {
  const expected = 'an IPv4 or IPv6 prefix like 192.168.1.0/24 or 2001:db8::/64 (host bits zero), or an address';
  if (typeof v !== 'string') return { expected };
  const [addr, len, ...rest] = v.trim().split('/');
  if (rest.length > 0 || addr === undefined) return { expected };
  const family: AddressFamily | null = isIPv4(addr) ? 'ipv4' : isIPv6(addr) && !addr.includes('%') ? 'ipv6' : null;
  if (family === null) return { expected };
  const bits = family === 'ipv4' ? 32 : 128;
  const length = len === undefined ? bits : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(length >= 0 && length <= bits)) return { expected: `a prefix length from 0 to ${bits}` };
  const bytes = ipToBytes(addr);
  const masked = Buffer.from(bytes);
  for (let i = 0; i < masked.length; i++) {
    const keep = Math.max(0, Math.min(8, length - i * 8));
    masked[i] = masked[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  const network = bytesToIp(masked)!;
  if (!masked.equals(bytes)) return { expected: `a network address with its host bits zero (${network}/${length})` };
  return { ok: { family, address: network, length } };
}

/** `5060` or `"5060-5061"` (also for uids, with their own bounds). */
export function parseRange(v: unknown, min: number, max: number, what: string): Check<Range> {
  const expected = `a ${what} from ${min} to ${max}, or a range "a-b" of them`;
  const one = (x: unknown): number | null => {
    const n = typeof x === 'number' ? x : typeof x === 'string' && /^\d+$/.test(x.trim()) ? Number(x) : NaN;
    return Number.isInteger(n) && n >= min && n <= max ? n : null;
  };
  if (typeof v === 'string' && v.includes('-')) {
    const [a, b, ...rest] = v.split('-');
    const start = one(a);
    const end = one(b);
    if (rest.length > 0 || start === null || end === null) return { expected };
    if (start > end) return { expected: `a range whose start is not above its end (${end}-${start}?)` };
    return { ok: { start, end } };
  }
  const n = one(v);
  return n === null ? { expected } : { ok: { start: n, end: n } };
}

function parseProto(v: unknown): Check<number> {
  if (typeof v === 'string' && v.toLowerCase() in PROTOCOLS) return { ok: PROTOCOLS[v.toLowerCase()]! };
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 255) return { ok: v };
  return { expected: 'tcp, udp, icmp, icmpv6 or a protocol number from 1 to 255' };
}

function parseMark(v: unknown): Check<{ value: number; mask: number }> {
  const expected = 'an integer mark, or a string "0x100" or "0x100/0xf00" (value/mask), each at most 0xffffffff';
  const num = (x: string | undefined): number | null => {
    if (x === undefined || !/^(0x[0-9a-f]{1,8}|\d{1,10})$/i.test(x.trim())) return null;
    const n = Number(x.trim());
    return n <= U32_MAX ? n : null;
  };
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= U32_MAX ? { ok: { value: v, mask: U32_MAX } } : { expected };
  if (typeof v !== 'string') return { expected };
  const [a, b, ...rest] = v.split('/');
  const value = num(a);
  const mask = b === undefined ? U32_MAX : num(b);
  if (rest.length > 0 || value === null || mask === null) return { expected };
  if ((value & ~mask) >>> 0 !== 0) return { expected: 'a mark value inside its mask (value & ~mask = 0)' };
  return { ok: { value, mask } };
}

interface Context {
  linkNames: readonly string[];
  tiers: ReadonlySet<number>;
}

function parseMatch(v: unknown, at: string, problems: ConfigProblem[]): RuleMatch | null {
  if (!isMapping(v) || Object.keys(v).length === 0) {
    problems.push({ key: at, value: v, expected: `a mapping of at least one of ${MATCH_KEYS.join(', ')}` });
    return null;
  }
  const match: RuleMatch = {};
  const bad = (key: string, expected: string): void => { problems.push({ key: `${at}.${key}`, value: v[key], expected }); };
  for (const key of Object.keys(v)) {
    if (!(MATCH_KEYS as readonly string[]).includes(key)) bad(key, `one of the match keys ${MATCH_KEYS.join(', ')}`);
  }
  const take = <T>(key: string, r: Check<T>, set: (x: T) => void): void => {
    if ('ok' in r) set(r.ok);
    else bad(key, r.expected);
  };
  if (v['src'] !== undefined) take('src', parsePrefix(v['src']), (p) => { match.src = p; });
  if (v['dst'] !== undefined) take('dst', parsePrefix(v['dst']), (p) => { match.dst = p; });
  if (match.src && match.dst && match.src.family !== match.dst.family) bad('dst', `a prefix of the family of src (${match.src.family})`);
  if (v['proto'] !== undefined) take('proto', parseProto(v['proto']), (p) => { match.proto = p; });
  for (const key of ['sport', 'dport'] as const) {
    if (v[key] === undefined) continue;
    if (match.proto === undefined || !PORT_PROTOCOLS.has(match.proto)) {
      bad(key, `no port without a protocol that has ports (proto: tcp or udp)${match.proto === undefined ? '' : `, not protocol ${String(v['proto'])}`}`);
      continue;
    }
    take(key, parseRange(v[key], 1, 65535, 'port'), (r) => { match[key] = r; });
  }
  if (v['iif'] !== undefined) {
    if (typeof v['iif'] === 'string' && IFNAME.test(v['iif'])) match.iif = v['iif'];
    else bad('iif', 'an interface name (1-15 characters, no space, "/" or ":")');
  }
  if (v['uid'] !== undefined) take('uid', parseRange(v['uid'], 0, U32_MAX - 1, 'uid'), (r) => { match.uid = r; });
  if (v['fwmark'] !== undefined) take('fwmark', parseMark(v['fwmark']), (m) => { match.fwmark = m; });
  const family = match.src?.family ?? match.dst?.family;
  if (family === 'ipv6' && match.proto === 1) bad('proto', 'icmpv6 with IPv6 prefixes (icmp is IPv4)');
  if (family === 'ipv4' && match.proto === 58) bad('proto', 'icmp with IPv4 prefixes (icmpv6 is IPv6)');
  return match;
}

function parseLinks(v: unknown, at: string, ctx: Context, problems: ConfigProblem[]): RuleLinks | null {
  if (isMapping(v)) {
    const tier = v['tier'];
    const extra = Object.keys(v).filter((k) => k !== 'tier');
    if (extra.length > 0 || typeof tier !== 'number' || !ctx.tiers.has(tier)) {
      problems.push({ key: `${at}.tier`, value: extra.length > 0 ? v : tier, expected: `{tier: N} with a tier some link has (${[...ctx.tiers].sort((a, b) => a - b).join(', ')})` });
      return null;
    }
    return { kind: 'tier', tier };
  }
  if (!Array.isArray(v) || v.length === 0) {
    problems.push({ key: at, value: v, expected: 'a list of link names (the first that is up carries) or {tier: N}' });
    return null;
  }
  const names: string[] = [];
  v.forEach((n, i) => {
    if (typeof n !== 'string' || !ctx.linkNames.includes(n)) {
      problems.push({ key: `${at}[${i}]`, value: n, expected: `a configured link (${ctx.linkNames.join(', ')})` });
    } else if (names.includes(n)) {
      problems.push({ key: `${at}[${i}]`, value: n, expected: 'each link once' });
    } else {
      names.push(n);
    }
  });
  return names.length === v.length ? { kind: 'ordered', names } : null;
}

function familiesOf(m: RuleMatch): AddressFamily[] {
  const f = m.src?.family ?? m.dst?.family ?? (m.proto === 1 ? 'ipv4' : m.proto === 58 ? 'ipv6' : null);
  return f === null ? ['ipv4', 'ipv6'] : [f];
}

/** The `rules:` section against the configured links; problems name `rules[<name>].<key>`. */
export function buildPolicyRules(section: unknown, links: ReadonlyArray<{ name: string; tier?: number; weight?: number }>):
  { rules: PolicyRuleConfig[]; problems: ConfigProblem[] } {
  if (section === undefined || section === null) return { rules: [], problems: [] };
  if (!Array.isArray(section)) {
    return { rules: [], problems: [{ key: RULES_SECTION, value: section, expected: 'a list of rules {name, match, links, fallback?}' }] };
  }
  const ctx: Context = { linkNames: links.map((l) => l.name), tiers: new Set(linkPlaces(links).map((p) => p.tier)) };
  const problems: ConfigProblem[] = [];
  const rules: PolicyRuleConfig[] = [];
  const seen = new Set<string>();
  section.forEach((entry, i) => {
    const named = isMapping(entry) && typeof entry['name'] === 'string' && NAME.test(entry['name']);
    const at = named ? `${RULES_SECTION}[${entry['name'] as string}]` : `${RULES_SECTION}[${i}]`;
    if (!isMapping(entry)) {
      problems.push({ key: at, value: entry, expected: 'a mapping {name, match, links, fallback?}' });
      return;
    }
    const before = problems.length;
    for (const k of Object.keys(entry)) {
      if (!(RULE_KEYS as readonly string[]).includes(k)) problems.push({ key: `${at}.${k}`, value: entry[k], expected: `one of the rule keys ${RULE_KEYS.join(', ')}` });
    }
    if (!named) {
      problems.push({ key: `${at}.name`, value: entry['name'], expected: 'a rule name of 1-32 letters, digits, "_", "." or "-"' });
    } else if (seen.has(entry['name'] as string)) {
      problems.push({ key: `${at}.name`, value: entry['name'], expected: 'a name no other rule has' });
    }
    if (named) seen.add(entry['name'] as string);
    const match = parseMatch(entry['match'], `${at}.match`, problems);
    const ruleLinks = parseLinks(entry['links'], `${at}.links`, ctx, problems);
    const fallback = entry['fallback'] ?? 'balance';
    if (fallback !== 'balance' && fallback !== 'blackhole') {
      problems.push({ key: `${at}.fallback`, value: fallback, expected: 'balance (the normal default route) or blackhole (nothing leaks to another link)' });
    }
    if (problems.length > before || match === null || ruleLinks === null) return;
    rules.push({ name: entry['name'] as string, match, links: ruleLinks, fallback: fallback as RuleFallback, families: familiesOf(match) });
  });
  return { rules, problems };
}

/** The FIB priority and table of the i-th rule (config order): both policy_rule_priority + i. */
export const ruleSlot = (base: number, index: number): { priority: number; table: number } => ({ priority: base + index, table: base + index });

/** Cross-checks with the other keys: the rules' priorities stay between the oif rules and main (32766), their tables free. */
export function rulePlacementProblems(rules: readonly PolicyRuleConfig[], base: number, rulePriority: number,
  linkTables: readonly number[]): ConfigProblem[] {
  if (rules.length === 0) return [];
  const problems: ConfigProblem[] = [];
  const last = base + rules.length - 1;
  if (base <= rulePriority) {
    problems.push({ key: 'policy_rule_priority', value: base, expected: `above rule_priority (${rulePriority}): the per-link oif rules must come first, so probes leave by their own link` });
  }
  if (last >= 32766) problems.push({ key: 'policy_rule_priority', value: base, expected: `at most ${32765 - rules.length + 1} (${rules.length} rules must fit below the main table's rule at 32766)` });
  const clash = linkTables.filter((t) => t >= base && t <= last);
  if (clash.length > 0) {
    problems.push({ key: 'policy_rule_priority', value: base, expected: `a base whose rule tables (${base}-${last}) no link uses (table ${clash.join(', ')})` });
  }
  return problems;
}

/** An IPv6-only rule in a config that does not manage IPv6 (no IPv6 ping_targets) is not installed: say so. */
export function unmanagedRuleWarnings(rules: readonly PolicyRuleConfig[], ipv6Managed: boolean):
  Array<{ key: string; value: unknown; message: string }> {
  if (ipv6Managed) return [];
  return rules.filter((r) => !r.families.includes('ipv4')).map((r) => ({
    key: `${RULES_SECTION}[${r.name}]`, value: r.name,
    message: 'an IPv6 rule, but IPv6 is not managed (no IPv6 ping_targets): it is not installed until IPv6 targets are configured',
  }));
}
