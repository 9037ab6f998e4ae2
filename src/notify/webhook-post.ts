// One JSON POST with the platform fetch (undici, Node >= 18) and a hard timeout. The answer's body
// is read and dropped so the connection is reused. Never throws: the outcome is data.
import { describeError, errorCode } from '../errors.js';

export interface PostOutcome {
  /** HTTP status, or null when no answer (network error, timeout). */
  status: number | null;
  /** 'timeout', an errno code, or a short message when status is null. */
  error: string | null;
}

export type Poster = (url: string, headers: Readonly<Record<string, string>>, body: string, timeoutMs: number) => Promise<PostOutcome>;

/** 'timeout', else the errno undici puts on the cause (ECONNREFUSED), else a description. */
function outcomeError(err: unknown): string {
  const name = (err as { name?: unknown }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  const cause = err instanceof Error ? err.cause : undefined;
  return errorCode(cause) ?? errorCode(err) ?? describeError(cause ?? err);
}

export const fetchPost: Poster = async (url, headers, body, timeoutMs) => {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'wan-failover', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status, error: null };
  } catch (err) {
    return { status: null, error: outcomeError(err) };
  }
};
