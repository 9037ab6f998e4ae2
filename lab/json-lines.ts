// PURE-ish: splits a byte stream into lines and parses JSON ones, so the daemon's pino output and
// the agent protocol share one framing rule (one JSON object per '\n'-terminated line).
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
