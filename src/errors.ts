// Every error code of the project, declared once with its HTTP status, so the API,
// the CLI and the tests speak of the same failure by the same name.

export const ERRORS = {
  WAN_ERR_CONFIG: { status: 500, message: 'invalid configuration' },
  WAN_ERR_UNKNOWN_LINK: { status: 400, message: 'unknown link' },
  WAN_ERR_LINK_DOWN: { status: 409, message: 'link is down' },
  WAN_ERR_NO_GATEWAY: { status: 409, message: 'link has no known gateway' },
  WAN_ERR_SWITCH_FAILED: { status: 500, message: 'switching the default route failed' },
  WAN_ERR_SUPERSEDED: { status: 409, message: 'superseded by a later command' },
  WAN_ERR_FAMILY_NOT_MANAGED: { status: 409, message: 'the daemon does not manage that address family' },
  WAN_ERR_BAD_REQUEST: { status: 400, message: 'bad request' },
  WAN_ERR_UNAUTHORIZED: { status: 401, message: 'unauthorized' },
  WAN_ERR_NOT_FOUND: { status: 404, message: 'not found' },
  WAN_ERR_METHOD: { status: 405, message: 'method not allowed' },
  WAN_ERR_TOO_LARGE: { status: 413, message: 'request body too large' },
  WAN_ERR_MEDIA_TYPE: { status: 415, message: 'unsupported media type' },
  WAN_ERR_INTERNAL: { status: 500, message: 'internal error' },
  WAN_ERR_NETLINK: { status: 500, message: 'netlink operation failed' },
  WAN_ERR_PROBE: { status: 500, message: 'probe failed' },
  WAN_ERR_CAPABILITY: { status: 500, message: 'missing capability' },
  WAN_ERR_API_DISABLED: { status: 503, message: 'the API is disabled' },
  WAN_ERR_BUSY: { status: 503, message: 'too many open streams' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class WanError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message?: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message ?? ERRORS[code].message, options);
    this.name = 'WanError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = details;
  }
}

export function isWanError(e: unknown): e is WanError {
  return e instanceof WanError;
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}

/** The errno-style code of an error (`ENETUNREACH`, `EADDRINUSE`, a WAN_ERR_*), or null. */
export function errorCode(e: unknown): string | null {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const c = (e as { code: unknown }).code;
    if (typeof c === 'string') return c;
  }
  return null;
}

/**
 * One line describing an error for a log line or a status message, following its ES2022 `cause`
 * chain ("switch failed: netlink replaceDefaultRoute failed: ENETUNREACH"). Never throws.
 */
export function describeError(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur !== undefined && cur !== null; depth += 1) {
    const text = cur instanceof Error ? cur.message : typeof cur === 'string' ? cur : safeJson(cur);
    if (text && !parts.some((p) => p.includes(text))) parts.push(text);
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join(': ') || 'unknown error';
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
