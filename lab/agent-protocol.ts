// The JSON-line protocol between the in-namespace agent (agent.ts) and its client
// (agent-client.ts): one request per line on the agent's stdin, one answer or event per line on
// its stdout.
import type { NetlinkEvent } from '../src/netlink/types.js';

export interface HttpRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type AgentRequest =
  | { id: number; op: 'dump' }
  | { id: number; op: 'subscribe' }
  | ({ id: number; op: 'http'; port?: number; timeoutMs?: number } & HttpRequest);

export type AgentReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string }
  | { event: NetlinkEvent };

/** The agent's first line, so the client knows the netlink port opened. */
export interface AgentHello {
  hello: 'wanlab-agent';
  pid: number;
}

export const DEFAULT_API_PORT = 8780;
