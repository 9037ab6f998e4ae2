// Runs the REAL raw-socket adapter + Pinger (and one LinkProber cycle) inside a lab namespace:
// `--driver --iface IF --targets a,b --timeout MS [--gateway G]`, prints one JSON line, exits.
// Launched by test/lab/probe-raw-socket.test.ts through `ip netns exec`.
import { systemClock } from '../../src/clock.js';
import { LinkProber } from '../../src/probe/link-prober.js';
import { Pinger } from '../../src/probe/pinger.js';
import { rawSocketFactory } from '../../src/probe/raw-socket-adapter.js';
import type { CycleResult, EchoResult } from '../../src/probe/types.js';

export interface DriverOutput {
  pings: EchoResult[];
  /** Sources seen on the socket (any ICMP), to show replies come in through this interface. */
  sources: string[];
  cycle: CycleResult | null;
}

/** Hard cap so a stuck driver never outlives its test. */
const MAX_LIFETIME_MS = 20_000;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const lifetime = setTimeout(() => process.exit(3), MAX_LIFETIME_MS);
  lifetime.unref();
  const iface = arg('--iface') ?? '';
  const targets = (arg('--targets') ?? '').split(',').filter((t) => t !== '');
  const timeoutMs = Number(arg('--timeout') ?? '1000');
  const gateway = arg('--gateway') ?? null;
  const identifier = process.pid & 0xffff;

  const socket = rawSocketFactory.open(iface);
  const sources: string[] = [];
  socket.onMessage((_icmp, src) => {
    if (!sources.includes(src)) sources.push(src);
  });
  const pinger = new Pinger({ socket, clock: systemClock, identifier });
  const pings = await Promise.all(targets.map((t) => pinger.ping(t, timeoutMs)));
  pinger.close();

  let cycle: CycleResult | null = null;
  if (gateway !== null) {
    const prober = new LinkProber({
      socket: rawSocketFactory.open(iface),
      clock: systemClock,
      identifier,
      targets,
      timeoutMs,
      count: 2,
      minTargetsUp: 1,
      window: 5,
    });
    cycle = await prober.runCycle(gateway);
    prober.close();
  }
  const out: DriverOutput = { pings, sources, cycle };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

// Only act when launched as a driver, so a test runner globbing dist/test/ finds a harmless no-op.
if (process.argv.includes('--driver')) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
