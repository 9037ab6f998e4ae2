// PURE: one ping_targets entry as a probe target (issue 23). An address stays an ICMP echo, as the
// original; a URI (tcp://, dns://, http://, https://) or a mapping {target, host, expect_status,
// insecure} names another method. Hosts are IP literals only, so a probe never depends on the
// resolver it may be judging. Every target has a key: the address for ICMP (what the original
// listed), the URI in one canonical spelling otherwise; the probers, windows and status speak of
// targets by that key.
import type { AddressFamily } from '../bus/events.js';
import { canonicalIpv6, checkPingTarget } from './formats.js';
import type { ConfigWarning } from './warnings.js';
import { isMapping } from './problems.js';

export type ProbeMethod = 'icmp' | 'tcp' | 'dns' | 'http' | 'https';

/** DNS record types a dns:// target may ask for (RFC 1035 3.2.2, RFC 3596). */
export const DNS_TYPES: Readonly<Record<string, number>> = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28 };

export interface ProbeTarget {
  /** The target as pingTargets lists it: the address (ICMP) or the canonical URI. */
  key: string;
  method: ProbeMethod;
  /** IP literal; IPv6 in RFC 5952 form. */
  address: string;
  family: AddressFamily;
  /** TCP/HTTP(S)/DNS port; null for ICMP. */
  port: number | null;
  /** HTTP(S): request path with query, e.g. "/generate_204". */
  path: string;
  /** DNS: the name asked and the record type (A unless ?type=). */
  dnsName: string | null;
  dnsType: string | null;
  /** HTTP Host header and TLS server name; null = the address. */
  host: string | null;
  /** HTTP status that counts as success; null = any 2xx. */
  expectStatus: number | null;
  /** HTTPS without certificate verification (a warning says so). */
  insecure: boolean;
}

export type TargetParse = { ok: true; target: ProbeTarget } | { ok: false; expected: string };

const SCHEMES = ['tcp', 'dns', 'http', 'https'] as const;
type Scheme = (typeof SCHEMES)[number];
const DEFAULT_PORT: Readonly<Record<Scheme, number | null>> = { tcp: null, dns: 53, http: 80, https: 443 };
const MAPPING_KEYS = ['target', 'host', 'expect_status', 'insecure'];
const URI_FORMS = 'an IP address, or a URI tcp://IP:port, dns://IP/name[?type=AAAA], http://IP/path or https://IP/path';

const fail = (expected: string): TargetParse => ({ ok: false, expected });

/** One ping_targets entry: an address, a URI or a mapping. */
export function parseProbeTarget(entry: unknown): TargetParse {
  if (isMapping(entry)) return parseMapping(entry);
  if (typeof entry !== 'string') return fail(URI_FORMS);
  if (!entry.includes('://')) return parseAddress(entry);
  return parseUri(entry);
}

function parseAddress(v: string): TargetParse {
  const expected = checkPingTarget(v);
  if (expected !== null) {
    // A bare name: say what to write instead of "an address".
    return fail(/^[a-z0-9.-]+$/i.test(v) && /[a-z]/i.test(v) ? `${URI_FORMS} (an IP literal, not a host name: a probe must not depend on the resolver it may be judging)` : expected);
  }
  const six = canonicalIpv6(v);
  return { ok: true, target: base(six ?? v, 'icmp', six ?? v, six !== null ? 'ipv6' : 'ipv4', null) };
}

function base(key: string, method: ProbeMethod, address: string, family: AddressFamily, port: number | null): ProbeTarget {
  return { key, method, address, family, port, path: '/', dnsName: null, dnsType: null, host: null, expectStatus: null, insecure: false };
}

// scheme://host[:port][/path][?query]; host is a dotted quad, a name (refused below) or [IPv6].
const URI_RE = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]*\]|[^/:?#[\]]*)(?::([^/?#]*))?([^?#]*)(\?[^#]*)?$/i;

function parseUri(v: string): TargetParse {
  const m = URI_RE.exec(v);
  if (m === null) return fail(`${URI_FORMS} (could not read "${v}" as a URI)`);
  const scheme = (m[1] ?? '').toLowerCase();
  if (!(SCHEMES as readonly string[]).includes(scheme)) return fail(`a known probe scheme (tcp, dns, http, https), not "${scheme}://"`);
  const s = scheme as Scheme;
  const hostText = m[2] ?? '';
  const host = ipLiteral(hostText);
  if (host === null) {
    return fail(`an IP literal as the host of a ${s}:// target (IPv6 in brackets), not "${hostText}": a probe must not depend on the resolver it may be judging`);
  }
  let port = DEFAULT_PORT[s];
  if (m[3] !== undefined) {
    const p = /^\d{1,5}$/.test(m[3]) ? Number(m[3]) : NaN;
    if (!(p >= 1 && p <= 65535)) return fail(`a port from 1 to 65535 in a ${s}:// target, not "${m[3]}"`);
    port = p;
  }
  if (port === null) return fail('a port in a tcp:// target (tcp://IP:port)');
  const hostPart = host.family === 'ipv6' ? `[${host.address}]` : host.address;
  const path = m[4] ?? '';
  const query = m[5] ?? '';
  if (s === 'tcp') {
    if ((path !== '' && path !== '/') || query !== '') return fail('tcp://IP:port with no path or query');
    return { ok: true, target: base(`tcp://${hostPart}:${port}`, 'tcp', host.address, host.family, port) };
  }
  const portPart = port === DEFAULT_PORT[s] ? '' : `:${port}`;
  if (s === 'dns') return parseDns(hostPart + portPart, host, port, path, query);
  const fullPath = (path === '' ? '/' : path) + query;
  return { ok: true, target: { ...base(`${s}://${hostPart}${portPart}${fullPath}`, s, host.address, host.family, port), path: fullPath } };
}

function parseDns(authority: string, host: { address: string; family: AddressFamily }, port: number, path: string, query: string): TargetParse {
  const name = path.replace(/^\//, '').replace(/\.$/, '');
  // RFC 1035 2.3.4: labels of 1-63 octets, 253 characters in text; letters, digits, '-', '_' (SRV-style names).
  const labelsOk = name.split('.').every((l) => /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i.test(l));
  if (name === '' || name.length > 253 || !labelsOk) return fail(`a DNS name to ask in a dns:// target (dns://IP/example.com), not "${path}"`);
  let type = 'A';
  if (query !== '') {
    const q = /^\?type=([a-z]+)$/i.exec(query);
    const t = q?.[1]?.toUpperCase();
    if (t === undefined || DNS_TYPES[t] === undefined) return fail(`?type= one of ${Object.keys(DNS_TYPES).join(', ')} in a dns:// target, not "${query}"`);
    type = t;
  }
  const key = `dns://${authority}/${name.toLowerCase()}${type === 'A' ? '' : `?type=${type}`}`;
  return { ok: true, target: { ...base(key, 'dns', host.address, host.family, port), dnsName: name.toLowerCase(), dnsType: type } };
}

/** A unicast IPv4 or global IPv6 literal ("[...]" for IPv6), as ping targets must be; null otherwise. */
function ipLiteral(text: string): { address: string; family: AddressFamily } | null {
  if (text.startsWith('[') && text.endsWith(']')) {
    const inner = text.slice(1, -1);
    const six = canonicalIpv6(inner);
    return six !== null && checkPingTarget(inner) === null ? { address: six, family: 'ipv6' } : null;
  }
  return checkPingTarget(text) === null && canonicalIpv6(text) === null ? { address: text, family: 'ipv4' } : null;
}

function parseMapping(m: Record<string, unknown>): TargetParse {
  const unknown = Object.keys(m).filter((k) => !MAPPING_KEYS.includes(k));
  if (unknown.length > 0) return fail(`a mapping with only ${MAPPING_KEYS.join(', ')} (unknown: ${unknown.join(', ')})`);
  if (typeof m['target'] !== 'string') return fail(`a mapping whose "target" is ${URI_FORMS}`);
  const inner = parseProbeTarget(m['target']);
  if (!inner.ok) return inner;
  const t = { ...inner.target };
  const web = t.method === 'http' || t.method === 'https';
  if (m['host'] !== undefined && m['host'] !== null) {
    if (!web) return fail('"host" only on an http:// or https:// target');
    // A DNS name or IP (RFC 1123 letters, digits, '-', '.'), optionally :port as a Host header may carry.
    if (typeof m['host'] !== 'string' || !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i.test(m['host'])) return fail('"host": a host name (the HTTP Host header and TLS server name)');
    t.host = m['host'];
  }
  if (m['expect_status'] !== undefined && m['expect_status'] !== null) {
    const st = m['expect_status'];
    if (!web) return fail('"expect_status" only on an http:// or https:// target');
    if (!Number.isInteger(st) || (st as number) < 100 || (st as number) > 599) return fail('"expect_status": an HTTP status code from 100 to 599');
    t.expectStatus = st as number;
  }
  if (m['insecure'] !== undefined && m['insecure'] !== null) {
    if (typeof m['insecure'] !== 'boolean') return fail('"insecure": true or false');
    if (m['insecure'] && t.method !== 'https') return fail('"insecure" only on an https:// target');
    t.insecure = m['insecure'];
  }
  return { ok: true, target: t };
}

/** The valid entries of a ping_targets list as targets (entries with a problem are left out). */
export function probeTargets(list: readonly unknown[]): ProbeTarget[] {
  const out: ProbeTarget[] = [];
  for (const e of list) {
    const p = parseProbeTarget(e);
    if (p.ok) out.push(p.target);
  }
  return out;
}

/** An https:// target with insecure: true proves a TLS handshake, not that the server is the one named. */
export function insecureTargetWarnings(list: readonly ProbeTarget[] | undefined): ConfigWarning[] {
  return (list ?? []).filter((t) => t.insecure).map((t) => ({
    key: 'ping_targets', value: t.key,
    message: `${t.key}: insecure: true, the certificate is not verified (any server that completes a TLS handshake counts as up)`,
  }));
}
