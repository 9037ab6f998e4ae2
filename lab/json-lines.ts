// PURE-ish: splits a byte stream into lines and parses JSON ones, so the daemon's pino output and
// the agent protocol share one framing rule (one JSON object per '\n'-terminated line); and the
// request/answer side of that protocol with a child process.
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

export type JsonObject = Record<string, unknown>;

/** Parses one line; non-JSON or non-object lines become null (callers keep them as raw text). */
export function parseJsonLine(line: string): JsonObject | null {
  const t = line.trim();
  if (!t.startsWith('{')) return null;
  try {
    const v: unknown = JSON.parse(t);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : null;
  } catch {
    return null;
  }
}

/** Calls onLine for every complete line of the stream (a partial tail is flushed at end). */
export function onLines(stream: Readable, onLine: (line: string) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.length > 0) onLine(line);
      nl = buf.indexOf('\n');
    }
  });
  stream.on('end', () => {
    if (buf.length > 0) onLine(buf);
    buf = '';
  });
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The asking side of the JSON-line protocol with a child process (the agent, the LAN client): each
 * request line carries an `id` and gets one answer line `{ id, ok, result | error }` within its
 * deadline; a child that exits fails what is still pending. Other lines are the caller's.
 */
export class JsonLineRequests {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  /** `name` starts every error message ("agent wfl-r", "LAN client"). */
  constructor(private readonly child: ChildProcess, private readonly name: string) {}

  /** Settles the request a line answers; false when the line is not an answer. */
  answer(m: JsonObject): boolean {
    if (typeof m.id !== 'number') return false;
    const p = this.pending.get(m.id);
    if (p === undefined) return true;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok === true) p.resolve(m.result);
    else p.reject(new Error(`${this.name}: ${String(m.error)}`));
    return true;
  }

  request(req: JsonObject, timeoutMs: number): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error(`${this.name} is closed`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${String(req.op)} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.child.stdin!.write(JSON.stringify({ ...req, id }) + '\n');
    });
  }

  /** Rejects everything pending with `err` (the child exited). */
  failAll(err: Error): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }

  /** Later requests reject at once. */
  close(): void {
    this.closed = true;
  }
}
