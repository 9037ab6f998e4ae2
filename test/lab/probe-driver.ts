// Runs the REAL raw-socket adapter + Pinger (and one LinkProber cycle) inside a lab namespace:
// `--driver --iface IF --targets a,b --timeout MS [--gateway G] [--family inet6]`, prints one JSON line, exits.
// Launched by test/lab/probe-raw-socket.test.ts through `ip netns exec`.
import { systemClock } from '../../src/clock.js';
import { LinkProber } from '../../src/probe/link-prober.js';
import { Pinger } from '../../src/probe/pinger.js';
import { icmpProfile } from '../../src/probe/icmp-profile.js';
import { rawSocketFactoryFor } from '../../src/probe/raw-socket-adapter.js';
import type { CycleResult, EchoResult } from '../../src/probe/types.js';
import { driverArg, runAsDriver } from './driver-main.js';

export interface DriverOutput {
  pings: EchoResult[];
  /** Sources seen on the socket (any ICMP), to show replies come in through this interface. */
  sources: string[];
  /** ICMP types of everything the socket delivered (the ICMPv6 receive filter shows here). */
  types: number[];
  cycle: CycleResult | null;
}

/** Hard cap so a stuck driver never outlives its test. */
const MAX_LIFETIME_MS = 20_000;

async function main(): Promise<void> {
  const iface = driverArg('--iface') ?? '';
  const targets = (driverArg('--targets') ?? '').split(',').filter((t) => t !== '');
  const timeoutMs = Number(driverArg('--timeout') ?? '1000');
  const gateway = driverArg('--gateway') ?? null;
  const identifier = process.pid & 0xffff;
  const family = driverArg('--family') === 'inet6' ? 'inet6' : 'inet';
  const profile = icmpProfile(family);
  const factory = rawSocketFactoryFor(family);

  const socket = factory.open(iface);
  const sources: string[] = [];
  const types: number[] = [];
  socket.onMessage((icmp, src) => {
    if (!sources.includes(src)) sources.push(src);
    if (!types.includes(icmp[0]!)) types.push(icmp[0]!);
  });
  const pinger = new Pinger({ socket, clock: systemClock, identifier, profile });
  const pings = await Promise.all(targets.map((t) => pinger.ping(t, timeoutMs)));
  pinger.close();

  let cycle: CycleResult | null = null;
  if (gateway !== null) {
    const prober = new LinkProber({
      socket: factory.open(iface),
      clock: systemClock,
      identifier,
      profile,
      targets,
      timeoutMs,
      count: 2,
      minTargetsUp: 1,
      window: 5,
    });
    cycle = await prober.runCycle(gateway);
    prober.close();
  }
  const out: DriverOutput = { pings, sources, types, cycle };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

runAsDriver(main, MAX_LIFETIME_MS);
