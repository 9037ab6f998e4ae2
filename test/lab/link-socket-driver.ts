// Runs the TCP, DNS and HTTP probes over the addon's bound sockets (native-link-transport.ts)
// inside a lab namespace: `--driver --iface IF --targets k1,k2 --timeout MS`; probes each target
// once (all at once), prints one JSON line {results: MethodResult[]}, exits. Launched through
// `ip netns exec` by test/lab/probe-link-sockets.test.ts.
import { systemClock } from '../../src/clock.js';
import { parseProbeTarget, type ProbeTarget } from '../../src/config/probe-target.js';
import { MethodProber } from '../../src/probe/method-prober.js';
import { createNativeLinkTransport } from '../../src/probe/native-link-transport.js';
import { driverArg, runAsDriver } from './driver-main.js';

async function main(): Promise<void> {
  const iface = driverArg('--iface') ?? '';
  const keys = (driverArg('--targets') ?? '').split(',').filter((t) => t !== '');
  const timeoutMs = Math.max(1, Number(driverArg('--timeout') ?? '1000'));
  const specs = keys.map((k) => {
    const p = parseProbeTarget(k);
    if (!p.ok) throw new Error(`${k}: ${p.expected}`);
    return p.target;
  });
  const transport = createNativeLinkTransport(systemClock);
  const probers = new Map<string, MethodProber>();
  const proberFor = (t: ProbeTarget): MethodProber => {
    let p = probers.get(t.family);
    if (p === undefined) {
      p = new MethodProber({ transport, iface, family: t.family, clock: systemClock, spec: (k) => specs.find((s) => s.key === k) ?? null });
      probers.set(t.family, p);
    }
    return p;
  };
  const results = await Promise.all(specs.map((t) => proberFor(t).probe(t.key, timeoutMs)));
  const pending = [...probers.values()].reduce((n, p) => n + p.pendingCount, 0);
  for (const p of probers.values()) p.close();
  process.stdout.write(`${JSON.stringify({ results, pending })}\n`);
}

runAsDriver(main, 30_000);
