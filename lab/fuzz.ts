// The API fuzz driver, run INSIDE the router namespace (`ip netns exec <r> node dist/lab/fuzz.js
// --port P --key K --count N --seed S`): fires malformed requests over raw TCP (node:net, so broken
// framing reaches the daemon as-is) with bounded concurrency and deadlines, prints one JSON summary.
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { makeRng } from './fuzz-bodies.js';
import { makeCase, type FuzzCase } from './fuzz-cases.js';
import { judgeBody, parseResponse } from './fuzz-response.js';
import { emptySummary, tally, type Outcome, type FuzzSummary } from './fuzz-summary.js';

export interface FuzzOptions {
  host: string;
  port: number;
  key: string;
  count: number;
  seed: number;
  concurrency: number;
  /** Per-connection deadline. */
  timeoutMs: number;
  /** Whole-run deadline: no new request starts after it. */
  deadlineMs: number;
}

/** The API's body limit (src/api/app.ts DEFAULT_BODY_LIMIT), with the header block on top. */
const OVER_LIMIT_BYTES = 64 * 1024;

export const FUZZ_JS = fileURLToPath(import.meta.url);

/** Sends one case on a fresh connection and reports how that connection ended. */
export function sendCase(host: string, port: number, c: FuzzCase, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let connected = false;
    let written = false;
    let done = false;
    const sock = connect({ host, port });
    const finish = (fallback: Outcome['ending'], errCode: string | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const raw = Buffer.concat(chunks);
      const res = parseResponse(raw, c.head);
      const received = raw.subarray(0, 300).toString('latin1');
      // Past the API's 64 KiB limit the daemon may answer and close without reading the rest, and
      // the kernel then resets even after our write callback fired (the bytes sat in its buffer).
      const midWrite = connected && (!written || c.bytes.length > OVER_LIMIT_BYTES);
      if (res === null) {
        const ending = !connected ? 'connect-error' : fallback;
        resolve({ ending, status: null, verdict: null, incomplete: false, errCode, midWrite, received });
        return;
      }
      resolve({ ending: 'answered', status: res.status, verdict: judgeBody(res), incomplete: !res.complete, errCode, midWrite, received });
    };
    const timer = setTimeout(() => finish('timeout', null), timeoutMs);
    sock.setNoDelay(true);
    sock.on('connect', () => {
      connected = true;
      sock.write(c.bytes, (err) => {
        if (err) return;
        written = true;
        if (c.endAfterWrite) sock.end();
      });
    });
    sock.on('data', (b: Buffer) => {
      chunks.push(b);
      const res = parseResponse(Buffer.concat(chunks), c.head);
      // A complete answer ends the case even if the daemon keeps the connection open.
      if (res !== null && res.complete) finish('closed', null);
    });
    sock.on('end', () => finish('closed', null));
    sock.on('close', () => finish('closed', null));
    sock.on('error', (err: NodeJS.ErrnoException) => finish('reset', err.code ?? 'ERR'));
  });
}

/** Runs the whole fuzz: `concurrency` workers pull cases until `count` or the deadline. */
export async function runFuzz(o: FuzzOptions): Promise<FuzzSummary> {
  const rng = makeRng(o.seed);
  const summary = emptySummary(o.seed, o.count);
  const started = Date.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    // Bounded by count and by the deadline; cases are generated in order, so a seed replays.
    while (next < o.count && Date.now() - started < o.deadlineMs) {
      next++;
      const c = makeCase(rng, o.key);
      tally(summary, c, await sendCase(o.host, o.port, c, o.timeoutMs));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, () => worker()));
  summary.elapsedMs = Date.now() - started;
  return summary;
}

const USAGE = 'usage: fuzz.js --port P --key K --count N --seed S [--host H] [--concurrency C] [--timeout-ms T] [--deadline-ms D]';

export function parseFuzzArgs(argv: readonly string[]): FuzzOptions {
  const opts: FuzzOptions = { host: '127.0.0.1', port: 0, key: '', count: 0, seed: 1, concurrency: 16, timeoutMs: 5000, deadlineMs: 60_000 };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    const num = (): number => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag}: not a non-negative integer: ${value}`);
      return n;
    };
    switch (flag) {
      case '--host': opts.host = value; break;
      case '--port': opts.port = num(); break;
      case '--key': opts.key = value; break;
      case '--count': opts.count = num(); break;
      case '--seed': opts.seed = num(); break;
      case '--concurrency': opts.concurrency = num(); break;
      case '--timeout-ms': opts.timeoutMs = num(); break;
      case '--deadline-ms': opts.deadlineMs = num(); break;
      default: throw new Error(`unknown argument ${flag}\n${USAGE}`);
    }
  }
  if (opts.port === 0 || opts.key === '' || opts.count === 0) throw new Error(USAGE);
  return opts;
}

async function main(): Promise<void> {
  let opts: FuzzOptions;
  try {
    opts = parseFuzzArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  const summary = await runFuzz(opts);
  process.stdout.write(JSON.stringify(summary) + '\n');
}

if (process.argv[1] === FUZZ_JS) void main();
