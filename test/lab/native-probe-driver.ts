// Runs a probe socket (the native addon's, or npm raw-socket's for comparison) inside a lab
// namespace: `--driver --impl native|raw --family 4|6 --iface IF --targets a,b --count N
// --interval MS --timeout MS`; sends echoes, prints one JSON line, exits. Launched through
// `ip netns exec` by test/lab/probe-native-socket.test.ts and bench/rtt.ts.
import { systemClock } from '../../src/clock.js';
import type { AddressFamily } from '../../src/bus/events.js';
import { icmpProfile } from '../../src/probe/icmp-profile.js';
import { createNativeIcmpSocketFactory } from '../../src/probe/native-icmp-socket.js';
import type { ProbeSocket, ProbeSocketFactory } from '../../src/probe/types.js';
import { driverArg, runAsDriver } from './driver-main.js';

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


async function factoryFor(impl: string, family: AddressFamily): Promise<ProbeSocketFactory> {
  if (impl === 'native') return createNativeIcmpSocketFactory(systemClock, family);
  // Loaded only on demand so the native runs never load raw-socket.
  const raw = await import('../../src/probe/raw-socket-adapter.js');
  return raw.rawSocketFactory;
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
  const impl = driverArg('--impl') ?? 'native';
  const family: AddressFamily = driverArg('--family') === '6' ? 'ipv6' : 'ipv4';
  const iface = driverArg('--iface') ?? '';
  const targets = (driverArg('--targets') ?? '').split(',').filter((t) => t !== '');
  const count = Math.min(1000, Math.max(1, Number(driverArg('--count') ?? '1')));
  const intervalMs = Math.max(0, Number(driverArg('--interval') ?? '20'));
  const timeoutMs = Math.max(1, Number(driverArg('--timeout') ?? '1000'));
  const id = process.pid & 0xffff;
  const profile = icmpProfile(family === 'ipv6' ? 'inet6' : 'inet');

  const socket = (await factoryFor(impl, family)).open(iface);
  const out: NativeDriverOutput = { echoes: [], sources: [], stamped: 0, messages: 0 };
  const waiting = new Map<number, { index: number; sentMs: number; dst: string }>();
  socket.onMessage((icmp, src, rxMs) => {
    out.messages += 1;
    if (rxMs < systemClock.nowMs()) out.stamped += 1;
    if (!out.sources.includes(src)) out.sources.push(src);
    if (icmp.length < 8 || icmp[0] !== profile.echoReplyType || icmp.readUInt16BE(4) !== id) return;
    const w = waiting.get(icmp.readUInt16BE(6));
    if (w === undefined || w.dst !== src) return;
    waiting.delete(icmp.readUInt16BE(6));
    out.echoes[w.index] = { target: w.dst, ok: true, rttMs: rxMs - w.sentMs };
  });
  let seq = 0;
  for (let i = 0; i < count; i++) {
    for (const dst of targets) {
      seq = (seq + 1) & 0xffff;
      const buf = profile.buildEchoRequest(id, seq);
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

runAsDriver(main, MAX_LIFETIME_MS);
