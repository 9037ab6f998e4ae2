// Every error code of the project, declared once with its HTTP status, so the API,
// the CLI and the tests speak of the same failure by the same name.

export const ERRORS = {
  WAN_ERR_CONFIG: { status: 500, message: 'invalid configuration' },
  WAN_ERR_UNKNOWN_LINK: { status: 400, message: 'unknown link' },
  WAN_ERR_LINK_DOWN: { status: 409, message: 'link is down' },
  WAN_ERR_NO_GATEWAY: { status: 409, message: 'link has no known gateway' },
  WAN_ERR_SWITCH_FAILED: { status: 500, message: 'switching the default route failed' },
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
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class WanError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message?: string, details: Record<string, unknown> = {}) {
    super(message ?? ERRORS[code].message);
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
