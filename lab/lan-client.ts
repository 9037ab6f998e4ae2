// Runs INSIDE the LAN client namespace (`ip netns exec NS node dist/lab/lan-client.js`), driven
// by lan.ts over JSON lines on stdin/stdout (requests {id, op, ...} -> {id, ok, result|error}, and
// events {event, ...}). It makes the traffic a LAN host makes: a UDP flow with a fixed source port
// and TCP connections to the echo service. Times are wall-clock ms (performance.timeOrigin +
// performance.now()), comparable across the lab's processes. Exits when its stdin closes.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { onLines, parseJsonLine, type JsonObject } from './json-lines.js';

const now = (): number => performance.timeOrigin + performance.now();
const send = (msg: JsonObject): void => {
  process.stdout.write(JSON.stringify(msg) + '\n');
};

interface Flow {
  sock: UdpSocket;
  timer: NodeJS.Timeout;
  stopTimer: NodeJS.Timeout;
  sent: number;
  received: number;
}

const flows = new Map<string, Flow>();
const conns = new Map<string, Socket>();

function str(v: unknown, name: string): string {
  if (typeof v !== 'string' || v === '') throw new Error(`${name}: expected a string`);
  return v;
}

function int(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new Error(`${name}: expected an integer ${min}..${max}`);
  return v;
}

/** Datagram: seq (u32) + sent time (f64). */
function udpStart(req: JsonObject): Promise<unknown> {
  const flow = str(req.flow, 'flow');
  if (flows.has(flow)) throw new Error(`flow ${flow} exists`);
  const dst = str(req.dst, 'dst');
  const port = int(req.port, 'port', 1, 65535);
  const srcPort = int(req.srcPort, 'srcPort', 1, 65535);
  const everyMs = int(req.everyMs, 'everyMs', 10, 10_000);
  const maxMs = int(req.maxMs, 'maxMs', 100, 600_000);
  const sock = createSocket({ type: dst.includes(':') ? 'udp6' : 'udp4', reuseAddr: false });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(srcPort, () => {
      sock.off('error', reject);
      const f: Flow = { sock, sent: 0, received: 0, timer: setInterval(() => {
        const b = Buffer.alloc(12);
        b.writeUInt32BE(f.sent, 0);
        b.writeDoubleBE(now(), 4);
        f.sent++;
        // A send error (no route during a switch, EPERM) is a lost datagram, as for any LAN host.
        sock.send(b, port, dst, () => undefined);
      }, everyMs), stopTimer: setTimeout(() => stopFlow(flow), maxMs) };
      sock.on('error', (e) => send({ event: 'udp-error', flow, message: e.message, at: now() }));
      sock.on('message', (m) => {
        if (m.length < 12) return;
        f.received++;
        send({ event: 'udp-echo', flow, seq: m.readUInt32BE(0), sentAt: m.readDoubleBE(4), at: now() });
      });
      flows.set(flow, f);
      resolve({ srcPort: sock.address().port });
    });
  });
}

function stopFlow(flow: string): { sent: number; received: number } {
  const f = flows.get(flow);
  if (f === undefined) throw new Error(`no flow ${flow}`);
  flows.delete(flow);
  clearInterval(f.timer);
  clearTimeout(f.stopTimer);
  f.sock.close();
  send({ event: 'udp-stopped', flow, sent: f.sent, received: f.received, at: now() });
  return { sent: f.sent, received: f.received };
}

function tcpOpen(req: JsonObject): Promise<unknown> {
  const conn = str(req.conn, 'conn');
  if (conns.has(conn)) throw new Error(`connection ${conn} exists`);
  const host = str(req.dst, 'dst');
  const port = int(req.port, 'port', 1, 65535);
  const timeoutMs = int(req.timeoutMs, 'timeoutMs', 1, 60_000);
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`connect timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(`connect failed: ${e.code ?? e.message}`));
    });
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      conns.set(conn, s);
      let ended = false;
      const end = (code: string): void => {
        if (ended) return;
        ended = true;
        conns.delete(conn);
        send({ event: 'tcp-end', conn, code, at: now() });
      };
      s.on('error', (e: NodeJS.ErrnoException) => end(e.code ?? e.message));
      s.on('close', () => end('closed'));
      resolve({ localPort: s.localPort, at: now() });
    });
  });
}

/** Writes `bytes` bytes and resolves once they all came back (RTT in ms); rejects on error or timeout. */
function tcpEcho(req: JsonObject): Promise<unknown> {
  const conn = str(req.conn, 'conn');
  const s = conns.get(conn);
  if (s === undefined) throw new Error(`no open connection ${conn}`);
  const bytes = int(req.bytes, 'bytes', 1, 65536);
  const timeoutMs = int(req.timeoutMs, 'timeoutMs', 1, 600_000);
  return new Promise((resolve, reject) => {
    const start = now();
    let got = 0;
    const done = (err: Error | null): void => {
      clearTimeout(timer);
      s.off('data', onData);
      s.off('error', onError);
      s.off('close', onClose);
      if (err === null) resolve({ rttMs: now() - start, at: now() });
      else reject(err);
    };
    const onData = (d: Buffer): void => {
      got += d.length;
      if (got >= bytes) done(null);
    };
    const onError = (e: NodeJS.ErrnoException): void => done(new Error(e.code ?? e.message));
    const onClose = (): void => done(new Error('closed'));
    const timer = setTimeout(() => done(new Error(`no echo within ${timeoutMs} ms`)), timeoutMs);
    s.on('data', onData);
    s.once('error', onError);
    s.once('close', onClose);
    s.write(Buffer.alloc(bytes, 0x61));
  });
}

function tcpClose(req: JsonObject): unknown {
  const conn = str(req.conn, 'conn');
  conns.get(conn)?.destroy();
  conns.delete(conn);
  return null;
}

async function handle(req: JsonObject): Promise<unknown> {
  switch (req.op) {
    case 'udp-start': return udpStart(req);
    case 'udp-stop': return stopFlow(str(req.flow, 'flow'));
    case 'tcp-open': return tcpOpen(req);
    case 'tcp-echo': return tcpEcho(req);
    case 'tcp-close': return tcpClose(req);
    default: throw new Error(`unknown op ${String(req.op)}`);
  }
}

onLines(process.stdin, (line) => {
  const req = parseJsonLine(line);
  if (req === null || typeof req.id !== 'number') return;
  const id = req.id;
  handle(req).then(
    (result) => send({ id, ok: true, result: result ?? null }),
    (e: unknown) => send({ id, ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
process.stdin.on('end', () => {
  for (const f of [...flows.keys()]) stopFlow(f);
  for (const s of conns.values()) s.destroy();
  process.exit(0);
});
send({ hello: 'wanlab-lan-client', pid: process.pid });
