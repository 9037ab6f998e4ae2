// Runs inside a lab namespace (Node cannot setns): drives src/conntrack/ against the namespace's
// real conntrack table and prints one JSON document on stdout.
//   conntrack-driver.js flush <ipv4|ipv6> <address>...   -> FlushResult
//   conntrack-driver.js capture                          -> raw dump bodies (hex), both families
import { CtnetlinkClient } from '../../src/conntrack/ctnetlink-client.js';
import { flushNat } from '../../src/conntrack/flush-nat.js';
import { encodeDumpRequest } from '../../src/conntrack/ctnetlink-codec.js';
import { systemClock } from '../../src/clock.js';
import type { AddressFamily } from '../../src/bus/events.js';

function family(v: string | undefined): AddressFamily {
  if (v === 'ipv4' || v === 'ipv6') return v;
  throw new Error(`family must be ipv4 or ipv6, got ${String(v)}`);
}

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  if (cmd === 'flush') {
    const client = new CtnetlinkClient();
    try {
      const r = await flushNat(client, systemClock, family(rest[0]), rest.slice(1));
      process.stdout.write(`${JSON.stringify(r)}\n`);
    } finally {
      client.close();
    }
    return;
  }
  if (cmd === 'capture') {
    const bodies: { family: AddressFamily; hex: string }[] = [];
    let current: AddressFamily = 'ipv4';
    // Unfiltered: the kernel's filter keeps only SNATed entries, the fixture wants every kind.
    const client = new CtnetlinkClient({ kernelFilter: false, tap: (b) => bodies.push({ family: current, hex: b.toString('hex') }) });
    try {
      for (const f of ['ipv4', 'ipv6'] as const) {
        current = f;
        await client.list(f, f === 'ipv4' ? '0.0.0.0' : '::');
      }
    } finally {
      client.close();
    }
    const requests = {
      dumpIpv4Filtered: encodeDumpRequest('ipv4', { replyDst: '198.51.100.1', srcNatOnly: true }).toString('hex'),
      dumpIpv6: encodeDumpRequest('ipv6', { srcNatOnly: true }).toString('hex'),
    };
    process.stdout.write(`${JSON.stringify({ bodies, requests })}\n`);
    return;
  }
  throw new Error(`unknown command ${String(cmd)}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? `${e.message} ${JSON.stringify((e as { details?: unknown }).details ?? {})}` : String(e)}\n`);
  process.exit(1);
});
