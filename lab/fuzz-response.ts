// PURE: reads an HTTP/1.x response out of the raw bytes a fuzz connection received and judges it
// (answered? complete? a body that is JSON?). Raw sockets are needed for malformed requests, so
// the response side is parsed here too, leniently, since the daemon's side is what is on trial.

export interface ParsedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** All of the body announced by Content-Length / chunking has arrived. */
  complete: boolean;
}

const HEAD_END = Buffer.from('\r\n\r\n');

function parseHead(text: string): { status: number; headers: Record<string, string> } | null {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (m === null) return null;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(m[1]), headers };
}

/** Decodes a chunked body; `complete` only once the terminating 0-size chunk was seen. */
function dechunk(raw: Buffer): { body: Buffer; complete: boolean } {
  const parts: Buffer[] = [];
  let at = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    const eol = raw.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(raw.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size)) break;
    if (size === 0) return { body: Buffer.concat(parts), complete: true };
    const start = eol + 2;
    if (raw.length < start + size) {
      parts.push(raw.subarray(start));
      break;
    }
    parts.push(raw.subarray(start, start + size));
    at = start + size + 2;
  }
  return { body: Buffer.concat(parts), complete: false };
}

/**
 * The final response in `raw` (interim 1xx answers such as 100 Continue are skipped), or null
 * when no status line has arrived. `head`: the request was HEAD, so the answer has no body.
 */
export function parseResponse(raw: Buffer, head: boolean): ParsedResponse | null {
  let rest = raw;
  for (let guard = 0; guard < 10; guard++) {
    const end = rest.indexOf(HEAD_END);
    if (end < 0) {
      const partial = parseHead(rest.toString('latin1'));
      return partial === null ? null : { ...partial, body: Buffer.alloc(0), complete: false };
    }
    const parsed = parseHead(rest.subarray(0, end).toString('latin1'));
    if (parsed === null) return null;
    const after = rest.subarray(end + HEAD_END.length);
    if (parsed.status >= 100 && parsed.status < 200) {
      rest = after;
      continue;
    }
    if (head || parsed.status === 204 || parsed.status === 304) return { ...parsed, body: Buffer.alloc(0), complete: true };
    if (/chunked/i.test(parsed.headers['transfer-encoding'] ?? '')) return { ...parsed, ...dechunk(after) };
    const cl = parsed.headers['content-length'];
    if (cl !== undefined && /^[0-9]+$/.test(cl)) {
      const n = Number(cl);
      return { ...parsed, body: after.subarray(0, n), complete: after.length >= n };
    }
    // No framing: the body runs to the end of the connection.
    return { ...parsed, body: after, complete: false };
  }
  return null;
}

export type Verdict = 'json' | 'empty' | 'page' | 'non-json';

/** The status page's assets (src/api/page-route.ts): served without the key, as HTML, CSS or JS. */
const PAGE_TYPE = /^(text\/html|text\/css|text\/javascript|application\/javascript)\b/;

/**
 * Every answer that carries a body must carry a JSON object or array (the API's only shape),
 * except a 200 of the status page's static assets, which hold no data.
 */
export function judgeBody(res: ParsedResponse): Verdict {
  if (res.body.length === 0) return 'empty';
  if (res.status === 200 && PAGE_TYPE.test(res.headers['content-type'] ?? '')) return 'page';
  try {
    const v: unknown = JSON.parse(res.body.toString('utf8'));
    return typeof v === 'object' && v !== null ? 'json' : 'non-json';
  } catch {
    return 'non-json';
  }
}
