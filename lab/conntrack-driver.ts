// Runs inside a lab namespace (Node cannot setns): drives src/conntrack/ against the namespace's
// real conntrack table and prints one JSON document on stdout.
//   conntrack-driver.js flush <ipv4|ipv6> <address>...   -> FlushResult
//   conntrack-driver.js flush-warm <ipv4|ipv6> <address>... -> the same, timed on an open socket
//   conntrack-driver.js bench <ipv4|ipv6> <wanAddress> <lanAddress> <server> <matching> <rounds>
//                                                        -> per round: wall ms, CPU ms, deleted
//   conntrack-driver.js capture                          -> raw dump bodies (hex), both families
import dgram from 'node:dgram';
import { CtnetlinkClient } from '../src/conntrack/ctnetlink-client.js';
import { flushNat } from '../src/conntrack/flush-nat.js';
import { encodeDumpRequest } from '../src/conntrack/ctnetlink-codec.js';
import { systemClock } from '../src/clock.js';
import type { AddressFamily } from '../src/bus/events.js';

interface BenchRound { wallMs: number; cpuMs: number; deleted: number }

/**
 * One process, several rounds: each round makes `matching` entries NATed to the WAN (a socket on the
 * router's LAN address sending to the server: postrouting NATs it like a LAN host's flow), then times
 * one flush on the open socket. The first round runs cold code, the later ones warm.
 */
async function bench(args: string[]): Promise<BenchRound[]> {
  const [fam, wan, lanAddr, server, matching, rounds] = [family(args[0]), args[1]!, args[2]!, args[3]!, Number(args[4]), Number(args[5])];
  const client = new CtnetlinkClient();
  const out: BenchRound[] = [];
  try {
    await client.list(fam, wan);
    for (let r = 0; r < Math.min(rounds, 50); r++) {
      if (matching > 0) await burst(fam, lanAddr, server, 30_000 + r, Math.min(matching, 5000));
      // Let the burst's packets (and the ICMP errors they draw) finish in softirq, which would
      // otherwise be charged to the timed flush.
      await new Promise((res) => setTimeout(res, 200));
      const cpu0 = process.cpuUsage();
      const res = await flushNat(client, systemClock, fam, [wan]);
      const cpu = process.cpuUsage(cpu0);
      out.push({ wallMs: res.durationMs, cpuMs: (cpu.user + cpu.system) / 1000, deleted: res.deleted });
    }
  } finally {
    client.close();
  }
  return out;
}

/** `count` datagrams from one socket bound to `from`, one destination port each (one entry each). */
function burst(fam: AddressFamily, from: string, to: string, sport: number, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(fam === 'ipv4' ? 'udp4' : 'udp6');
    sock.once('error', reject);
    sock.bind({ address: from, port: sport }, () => {
      let left = count;
      for (let i = 0; i < count; i++) {
        sock.send('wfc', 40_000 + i, to, () => {
          left -= 1;
          if (left === 0) sock.close(() => resolve());
        });
      }
    });
  });
}

function family(v: string | undefined): AddressFamily {
  if (v === 'ipv4' || v === 'ipv6') return v;
  throw new Error(`family must be ipv4 or ipv6, got ${String(v)}`);
}

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  if (cmd === 'flush' || cmd === 'flush-warm') {
    const client = new CtnetlinkClient();
    try {
      const fam = family(rest[0]);
      // flush-warm: the socket is open and has answered once, as in the running daemon.
      if (cmd === 'flush-warm') await client.list(fam, fam === 'ipv4' ? '198.51.100.254' : '2001:db8:a::fe');
      // CPU time of this process over the flush: the kernel's dump and deletes run in our
      // recvmsg/sendmsg, so this is the flush's own cost, whatever else the machine is doing.
      const cpu0 = process.cpuUsage();
      const r = await flushNat(client, systemClock, fam, rest.slice(1));
      const cpu = process.cpuUsage(cpu0);
      process.stdout.write(`${JSON.stringify({ ...r, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
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
  if (cmd === 'bench') {
    process.stdout.write(`${JSON.stringify(await bench(rest))}\n`);
    return;
  }
  throw new Error(`unknown command ${String(cmd)}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? `${e.message} ${JSON.stringify((e as { details?: unknown }).details ?? {})}` : String(e)}\n`);
  process.exit(1);
});
