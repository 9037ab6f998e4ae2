// One JSON POST with the platform fetch (undici, Node >= 18) and a hard timeout. The answer's body
// is read and dropped so the connection is reused. Never throws: the outcome is data.
export interface PostOutcome {
  /** HTTP status, or null when no answer (network error, timeout). */
  status: number | null;
  /** 'timeout', an errno code, or a short message when status is null. */
  error: string | null;
}

export type Poster = (url: string, headers: Readonly<Record<string, string>>, body: string, timeoutMs: number) => Promise<PostOutcome>;

function errorCode(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timeout';
  return e.cause?.code ?? e.code ?? e.cause?.message ?? (err instanceof Error ? err.message : String(err));
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
    return { status: null, error: errorCode(err) };
  }
};
