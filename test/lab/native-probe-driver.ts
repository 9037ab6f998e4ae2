// Runs a probe socket (the native addon's, or npm raw-socket's for comparison) inside a lab
// namespace: `--driver --impl native|raw --family 4|6 --iface IF --targets a,b --count N
// --interval MS --timeout MS`; sends echoes, prints one JSON line, exits. Launched through
// `ip netns exec` by test/lab/probe-native-socket.test.ts and bench/rtt.ts.
import { systemClock } from '../../src/clock.js';
import type { AddressFamily } from '../../src/bus/events.js';
import { buildEchoRequest } from '../../src/probe/icmp.js';
import { createNativeIcmpSocketFactory } from '../../src/probe/native-icmp-socket.js';
import type { ProbeSocket, ProbeSocketFactory } from '../../src/probe/types.js';

export interface DriverEcho {
  target: string;
  ok: boolean;
  rttMs: number | null;
}

export interface NativeDriverOutput {
  /** One entry per echo, in sending order. */
  echoes: DriverEcho[];
  /** Sources seen on the socket (any ICMP). */
  sources: string[];
  /** Messages whose receive time lies before the moment JS got them (a kernel stamp was used). */
  stamped: number;
  messages: number;
}

/** Hard cap so a stuck driver never outlives its caller. */
const MAX_LIFETIME_MS = 120_000;
const ICMPV6_ECHO_REQUEST = 128;
const ICMPV6_ECHO_REPLY = 129;
const ICMP_ECHO_REPLY = 0;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function factoryFor(impl: string, family: AddressFamily): Promise<ProbeSocketFactory> {
  if (impl === 'native') return createNativeIcmpSocketFactory(systemClock, family);
  // Loaded only on demand so the native runs never load raw-socket.
  const raw = await import('../../src/probe/raw-socket-adapter.js');
  return raw.rawSocketFactory;
}

/** RFC 4443 echo request; the checksum stays 0: the kernel fills it in (raw(7), RFC 3542 3.1). */
function echoV6(id: number, seq: number): Buffer {
  const b = Buffer.alloc(16);
  b[0] = ICMPV6_ECHO_REQUEST;
  b.writeUInt16BE(id, 4);
  b.writeUInt16BE(seq, 6);
  b.write('wanfover', 8, 'ascii');
  return b;
}

/** Sends and returns the send time: the socket's own stamp when it has one. */
function send(socket: ProbeSocket, buf: Buffer, dst: string): number {
  if (socket.sendStamped) return socket.sendStamped(buf, dst);
  const t = systemClock.nowMs();
  void socket.send(buf, dst).catch(() => undefined);
  return t;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const lifetime = setTimeout(() => process.exit(3), MAX_LIFETIME_MS);
  lifetime.unref();
  const impl = arg('--impl') ?? 'native';
  const family: AddressFamily = arg('--family') === '6' ? 'ipv6' : 'ipv4';
  const iface = arg('--iface') ?? '';
  const targets = (arg('--targets') ?? '').split(',').filter((t) => t !== '');
  const count = Math.min(1000, Math.max(1, Number(arg('--count') ?? '1')));
  const intervalMs = Math.max(0, Number(arg('--interval') ?? '20'));
  const timeoutMs = Math.max(1, Number(arg('--timeout') ?? '1000'));
  const id = process.pid & 0xffff;

  const socket = (await factoryFor(impl, family)).open(iface);
  const out: NativeDriverOutput = { echoes: [], sources: [], stamped: 0, messages: 0 };
  const waiting = new Map<number, { index: number; sentMs: number; dst: string }>();
  socket.onMessage((icmp, src, rxMs) => {
    out.messages += 1;
    if (rxMs < systemClock.nowMs()) out.stamped += 1;
    if (!out.sources.includes(src)) out.sources.push(src);
    const replyType = family === 'ipv4' ? ICMP_ECHO_REPLY : ICMPV6_ECHO_REPLY;
    if (icmp.length < 8 || icmp[0] !== replyType || icmp.readUInt16BE(4) !== id) return;
    const w = waiting.get(icmp.readUInt16BE(6));
    if (w === undefined || w.dst !== src) return;
    waiting.delete(icmp.readUInt16BE(6));
    out.echoes[w.index] = { target: w.dst, ok: true, rttMs: rxMs - w.sentMs };
  });
  let seq = 0;
  for (let i = 0; i < count; i++) {
    for (const dst of targets) {
      seq = (seq + 1) & 0xffff;
      const buf = family === 'ipv4' ? buildEchoRequest(id, seq) : echoV6(id, seq);
      const index = out.echoes.length;
      out.echoes.push({ target: dst, ok: false, rttMs: null });
      try {
        waiting.set(seq, { index, sentMs: send(socket, buf, dst), dst });
      } catch {
        // A failed send stays a failed echo.
      }
    }
    await sleep(intervalMs);
  }
  const end = Date.now() + timeoutMs;
  while (waiting.size > 0 && Date.now() < end) await sleep(10);
  socket.close();
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
