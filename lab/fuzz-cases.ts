// PURE: turns a seeded random source into the exact bytes of one malformed HTTP request for the
// API fuzzer: random methods, paths, query keys, auth, content types and framing, plus garbage
// request lines and truncated bodies that only a raw socket can send.
import { hugeBody, randomBody, type BodyKind, type Rng } from './fuzz-bodies.js';

export type FuzzKind = 'request' | 'garbage-line' | 'truncated-body' | 'bad-framing' | 'huge-headers' | 'huge-body';

export interface FuzzCase {
  kind: FuzzKind;
  /** Body flavour of a 'request' (for the summary); null for the other kinds. */
  body: BodyKind | null;
  /** Exactly what goes on the wire. */
  bytes: Buffer;
  /** The request is deliberately incomplete or broken: half-close after writing so EOF ends it. */
  endAfterWrite: boolean;
  /** HEAD: an answer has headers only. */
  head: boolean;
}

const METHODS: readonly string[] = [
  'GET', 'GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'FOO', 'SEARCH',
];

const PATHS: readonly string[] = [
  '/api/status', '/api/health', '/api/switch', '/api/switch', '/api/auto', '/api/auto', '/api/openapi.json',
  '/', '/api', '/api/', '/api/status/', '//api//status', '/API/STATUS', '/api/%', '/api/%zz', '/api/%00',
  '/api/status%2f..', '/../../etc/passwd', '/api/status#frag', '*', '/api/switch/../status', '/api/%E2%82%AC',
  '/api/\u00e9t\u00e9', '/api/status;a=b', 'http://x/api/status', '/api/health?', '/api/status?&&&',
];

function queryFor(rng: Rng, key: string): string {
  switch (rng.int(12)) {
    case 0: return '?api_key=';
    case 1: return `?api_key=${key}`;
    case 2: return `?api_key=${key}x`;
    case 3: return `?api_key=${key}&api_key=${key}`;
    case 4: return '?api_key[]=a&api_key[x]=b';
    case 5: return '?api_key=%ZZ%';
    case 6: return `?api_key=${key.toUpperCase()}`;
    case 7: return `?API_KEY=${key}`;
    case 8: return `?api_key=${encodeURIComponent(' ' + key)}`;
    case 9: return `?x=${'a'.repeat(rng.int(9000))}`;
    default: return '';
  }
}

function authHeader(rng: Rng, key: string): string | null {
  switch (rng.int(14)) {
    case 0: case 1: case 2: case 3: return `Bearer ${key}`;
    case 4: return `bearer ${key}`;
    case 5: return 'Bearer wrong';
    case 6: return 'Bearer ';
    case 7: return 'Basic dXNlcjpwYXNz';
    case 8: return `Bearer ${key} ${key}`;
    case 9: return `Bearer ${'k'.repeat(rng.int(12_000))}`;
    case 10: return `Bearer\t${key}`;
    case 11: return `Bearer ${key.slice(0, -1)}\u00ff`;
    default: return null;
  }
}

const CONTENT_TYPES: readonly (string | null)[] = [
  'application/json', 'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16',
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', 'application/json;;;',
  'application/jsonx', 'APPLICATION/JSON', 'application/*', '*/*', 'application/json\u00ff', null, null,
];

const EXTRA_HEADERS: readonly (readonly [string, string])[] = [
  ['content-encoding', 'gzip'], ['content-encoding', 'br, deflate'], ['content-encoding', 'x-garbage'],
  ['accept', 'text/html'], ['accept-encoding', 'gzip, deflate, br'], ['expect', '100-continue'],
  ['upgrade', 'websocket'], ['x-forwarded-for', '999.1.1.1, ::zz'], ['x-request-id', '\u00ff\u00fe'],
  ['cookie', 'a=b; c'], ['range', 'bytes=0-1'], ['if-none-match', '*'], ['authorization', 'Bearer x'],
  ['host', 'other.invalid'], ['x-http-method-override', 'DELETE'], ['transfer-encoding', 'identity'],
];

/** Header lines as latin1 text, so bytes 0x80-0xff reach the wire unchanged. */
function headerBlock(lines: readonly string[]): Buffer {
  return Buffer.from(lines.map((l) => `${l}\r\n`).join('') + '\r\n', 'latin1');
}

function junkHeader(rng: Rng): string {
  const name = rng.pick(['x-fuzz', 'x fuzz', 'x-fuzz\u0000', '', ':authority', 'x-\u00e9', 'x-a'.repeat(rng.int(50))]);
  const value = rng.chance(0.5) ? rng.bytes(rng.int(40)).toString('latin1').replace(/[\r\n]/g, '') : 'v';
  return `${name}: ${value}`;
}

/** A plausible request with malformed parts; framing (Content-Length) is kept correct. */
function request(rng: Rng, key: string): FuzzCase {
  const method = rng.pick(METHODS);
  const target = rng.pick(PATHS) + queryFor(rng, key);
  const version = rng.chance(0.9) ? 'HTTP/1.1' : 'HTTP/1.0';
  const body = method === 'GET' || method === 'HEAD' ? (rng.chance(0.8) ? null : randomBody(rng)) : randomBody(rng);
  const lines = [`${method} ${target} ${version}`];
  if (rng.chance(0.95)) lines.push('Host: localhost');
  const auth = authHeader(rng, key);
  if (auth !== null) lines.push(`Authorization: ${auth}`);
  const ct = rng.pick(CONTENT_TYPES);
  if (ct !== null && body !== null) lines.push(`Content-Type: ${ct}`);
  for (let i = rng.int(3); i > 0; i--) {
    const [n, v] = rng.pick(EXTRA_HEADERS);
    lines.push(`${n}: ${v}`);
  }
  if (rng.chance(0.05)) lines.push(junkHeader(rng));
  const bytes = body?.bytes ?? Buffer.alloc(0);
  if (body !== null) lines.push(`Content-Length: ${bytes.length}`);
  lines.push('Connection: close');
  return { kind: 'request', body: body?.kind ?? 'none', bytes: Buffer.concat([headerBlock(lines), bytes]), endAfterWrite: false, head: method === 'HEAD' };
}

function garbageLine(rng: Rng, key: string): Buffer {
  switch (rng.int(10)) {
    case 0: return rng.bytes(1 + rng.int(512));
    case 1: return Buffer.from('\r\n\r\n');
    case 2: return Buffer.from(`GET /api/status HTTP/9.9\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n\r\n`);
    case 3: return Buffer.from('GET /api/status\r\n\r\n');
    case 4: return Buffer.from(`get /api/status HTTP/1.1\r\nHost: x\r\n\r\n`);
    case 5: return Buffer.from('GET  /api/status  HTTP/1.1\r\nHost: x\r\n\r\n');
    case 6: return Buffer.from(`CONNECT localhost:8780 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\n\r\n`);
    case 7: return Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    case 8: return Buffer.from('\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03', 'latin1'); // a TLS ClientHello start
    default: return Buffer.from(`GET /api/status HTTP/1.1\nHost: x\nAuthorization: Bearer ${key}\n\n`);
  }
}

function truncatedBody(rng: Rng, key: string): Buffer {
  const full = rng.pick(['{"target":"wan2"}', '{"enabled":false}']);
  const sent = full.slice(0, rng.int(full.length));
  const path = full.includes('target') ? '/api/switch' : '/api/auto';
  const head = [`POST ${path} HTTP/1.1`, 'Host: x', `Authorization: Bearer ${key}`, 'Content-Type: application/json',
    `Content-Length: ${full.length + rng.int(1000)}`];
  return Buffer.concat([headerBlock(head), Buffer.from(sent)]);
}

function badFraming(rng: Rng, key: string): Buffer {
  const start = [`POST /api/auto HTTP/1.1`, 'Host: x', `Authorization: Bearer ${key}`, 'Content-Type: application/json'];
  switch (rng.int(7)) {
    case 0: return headerBlock([...start, 'Content-Length: 5', 'Transfer-Encoding: chunked']);
    case 1: return headerBlock([...start, 'Content-Length: -1']);
    case 2: return headerBlock([...start, 'Content-Length: 3', 'Content-Length: 9']);
    case 3: return headerBlock([...start, 'Content-Length: 1x']);
    case 4: return Buffer.concat([headerBlock([...start, 'Transfer-Encoding: chunked']), Buffer.from('zz\r\n{}\r\n0\r\n\r\n')]);
    case 5: return Buffer.concat([headerBlock([...start, 'Transfer-Encoding: chunked']), Buffer.from('5\r\n{"ena\r\n')]);
    default: return Buffer.concat([headerBlock([...start, ' folded: header', 'Content-Length: 2']), Buffer.from('{}')]);
  }
}

function hugeHeaders(rng: Rng, key: string): Buffer {
  const lines = ['GET /api/status HTTP/1.1', 'Host: x', `Authorization: Bearer ${key}`];
  if (rng.chance(0.5)) lines.push(`X-Big: ${'b'.repeat(20_000 + rng.int(60_000))}`);
  else for (let i = 0; i < 2000; i++) lines.push(`X-H${i}: ${i}`);
  lines.push('Connection: close');
  return headerBlock(lines);
}

function huge(rng: Rng, key: string): Buffer {
  const bytes = hugeBody(rng);
  const head = [`POST ${rng.pick(['/api/switch', '/api/auto', '/api/status'])} HTTP/1.1`, 'Host: x', `Authorization: Bearer ${key}`,
    'Content-Type: application/json', `Content-Length: ${bytes.length}`, 'Connection: close'];
  return Buffer.concat([headerBlock(head), bytes]);
}

/** One fuzz case. Huge bodies are ~1% (about 1 MiB each), so 10,000 cases move ~100 MiB. */
export function makeCase(rng: Rng, key: string): FuzzCase {
  const r = rng.next();
  const raw = (kind: FuzzKind, bytes: Buffer, endAfterWrite: boolean): FuzzCase => ({ kind, body: null, bytes, endAfterWrite, head: false });
  if (r < 0.74) return request(rng, key);
  if (r < 0.83) return raw('garbage-line', garbageLine(rng, key), true);
  if (r < 0.9) return raw('truncated-body', truncatedBody(rng, key), true);
  if (r < 0.96) return raw('bad-framing', badFraming(rng, key), true);
  if (r < 0.99) return raw('huge-headers', hugeHeaders(rng, key), false);
  return raw('huge-body', huge(rng, key), false);
}
