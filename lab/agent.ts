// Runs INSIDE a lab namespace (`ip netns exec NS node dist/lab/agent.js`): a process cannot
// enter a netns itself, so tests and the demo ask this agent, over JSON lines on stdin/stdout, for
// netlink dumps, netlink events and HTTP calls to the daemon's API on that namespace's loopback.
import { createNetlink } from '../src/netlink/adapter.js';
import type { NetlinkEvent, NetlinkPort } from '../src/netlink/types.js';
import { onLines, parseJsonLine } from './json-lines.js';
import { DEFAULT_API_PORT, type AgentReply, type AgentRequest, type HttpResponse } from './agent-protocol.js';

function send(msg: AgentReply | { hello: string; pid: number }): void {
  process.stdout.write(JSON.stringify(msg) + '\n');
}

async function http(req: Extract<AgentRequest, { op: 'http' }>): Promise<HttpResponse> {
  const port = req.port ?? DEFAULT_API_PORT;
  const res = await fetch(`http://127.0.0.1:${port}${req.path}`, {
    method: req.method,
    headers: req.headers ?? {},
    body: req.body,
    signal: AbortSignal.timeout(req.timeoutMs ?? 5000),
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { status: res.status, headers, body: await res.text() };
}

async function main(): Promise<void> {
  const port: NetlinkPort = createNetlink();
  let subscribed = false;
  // Events are only forwarded once a client asked for them; the port starts at once so the
  // first subscribe sees everything from that moment on.
  await port.start((e: NetlinkEvent) => {
    if (subscribed) send({ event: e });
  });
  send({ hello: 'wanlab-agent', pid: process.pid });

  const handle = async (req: AgentRequest): Promise<void> => {
    try {
      switch (req.op) {
        case 'dump':
          send({ id: req.id, ok: true, result: await port.dump() });
          return;
        case 'subscribe':
          subscribed = true;
          send({ id: req.id, ok: true, result: null });
          return;
        case 'http':
          send({ id: req.id, ok: true, result: await http(req) });
          return;
        default: {
          const unknown = req as { id?: number; op?: unknown };
          send({ id: unknown.id ?? -1, ok: false, error: `unknown op ${String(unknown.op)}` });
        }
      }
    } catch (e) {
      send({ id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  };

  onLines(process.stdin, (line) => {
    const msg = parseJsonLine(line);
    if (msg === null || typeof msg.id !== 'number') return;
    void handle(msg as unknown as AgentRequest);
  });
  // The client closing our stdin is the only way we end: no orphan agents.
  process.stdin.on('end', () => {
    void port.stop().finally(() => process.exit(0));
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`agent: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
