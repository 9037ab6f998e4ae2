// PURE: a seeded random source and the request bodies the API fuzzer sends. Every body is
// malformed for the API on purpose (bad bytes, bad JSON, wrong types), so no fuzz request can
// ever carry a valid switch/auto command and move the lab's routes.

/** A small seeded PRNG (mulberry32): the same seed replays the same fuzz run. */
export interface Rng {
  next(): number;
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  bytes(n: number): Buffer;
}

export function makeRng(seed: number): Rng {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
    chance: (p) => next() < p,
    bytes: (n) => {
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = int(256);
      return b;
    },
  };
}

/** Values of the wrong type for `target` / `enabled` / `force`: the schema must refuse each. */
const WRONG_VALUES: readonly string[] = [
  '1', '-1', '0', '1e999', '-0', '12345678901234567890123', 'null', '[]', '[1,2]', '{}', '{"a":1}',
  '["wan2"]', '{"name":"wan2"}', '"\\u0000"', 'true', 'false', '0.5', '"true"',
];

const VALID_JSON_PREFIXES: readonly string[] = [
  '{"target":"wan2"}', '{"target":"wan2","force":true}', '{"enabled":false}', '{"enabled":true}',
];

function wrongTypeBody(rng: Rng): string {
  const v = (): string => rng.pick(WRONG_VALUES);
  switch (rng.int(7)) {
    case 0: return `{"target":${v()}}`;
    case 1: return `{"enabled":${v().replace(/^(true|false)$/, '"$1"')}}`;
    case 2: return `{"target":${v()},"force":"yes"}`;
    case 3: return `{"force":true}`;
    case 4: return `{"target":${v()},"target":${v()}}`;
    case 5: return `{"enabled":"${rng.pick(['true', 'false', 'yes', '1', ''])}"}`;
    default: return rng.pick(['{}', '[]', 'null', 'true', '"wan2"', '0', '""', '[{"target":"wan2"}]']);
  }
}

function deepBody(rng: Rng): string {
  // Deep but under the API's 64 KiB body limit, so the nesting reaches the JSON parser itself.
  if (rng.chance(0.5)) {
    const depth = 500 + rng.int(29_000);
    return '['.repeat(depth) + ']'.repeat(depth);
  }
  const open = rng.pick(['{"target":', '{"__proto__":', '{"a":', '{"constructor":{"prototype":']);
  const close = open.includes('prototype') ? '}}' : '}';
  const depth = 100 + rng.int(Math.floor(60_000 / (open.length + close.length)) - 100);
  return open.repeat(depth) + '1' + close.repeat(depth);
}

function protoBody(rng: Rng): string {
  return rng.pick([
    '{"__proto__":{"target":"wan2"}}',
    '{"constructor":{"prototype":{"enabled":false}}}',
    '{"target":1,"__proto__":{"isAdmin":true}}',
    '{"__proto__":null}',
  ]);
}

/** A truncated valid command: always cut short, so it can never parse as a command. */
function truncatedJson(rng: Rng): string {
  const full = rng.pick(VALID_JSON_PREFIXES);
  return full.slice(0, 1 + rng.int(full.length - 1));
}

function encodingBody(rng: Rng): Buffer {
  switch (rng.int(4)) {
    case 0: return Buffer.from('{"target":"\xff\xfe\x80"}', 'latin1'); // invalid UTF-8 inside a string
    case 1: return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"target":7}')]); // BOM
    case 2: return Buffer.from('{"target":3}', 'utf16le');
    default: return Buffer.from([0x1f, 0x8b, 0x08, 0x00, ...rng.bytes(20)]); // a gzip header and junk
  }
}

export type BodyKind = 'none' | 'random' | 'truncated-json' | 'deep' | 'wrong-type' | 'proto' | 'encoding' | 'over-limit';

export interface FuzzBody {
  kind: BodyKind;
  bytes: Buffer;
}

/** One malformed body. `over-limit` (~70 KiB, past the API's 64 KiB limit) is rare on purpose. */
export function randomBody(rng: Rng): FuzzBody {
  const r = rng.next();
  if (r < 0.15) return { kind: 'none', bytes: Buffer.alloc(0) };
  if (r < 0.3) return { kind: 'random', bytes: rng.bytes(rng.int(4096)) };
  if (r < 0.45) return { kind: 'truncated-json', bytes: Buffer.from(truncatedJson(rng)) };
  if (r < 0.55) return { kind: 'deep', bytes: Buffer.from(deepBody(rng)) };
  if (r < 0.8) return { kind: 'wrong-type', bytes: Buffer.from(wrongTypeBody(rng)) };
  if (r < 0.88) return { kind: 'proto', bytes: Buffer.from(protoBody(rng)) };
  if (r < 0.97) return { kind: 'encoding', bytes: encodingBody(rng) };
  return { kind: 'over-limit', bytes: Buffer.alloc(70 * 1024 + rng.int(4096), '[') };
}

/** ~1 MiB of JSON-looking filler, for the rare huge request. */
export function hugeBody(rng: Rng): Buffer {
  const size = 1024 * 1024 + rng.int(64 * 1024);
  return rng.chance(0.5) ? Buffer.alloc(size, '{"a":1}') : rng.bytes(size);
}
