// Client of the daemon's REST API for status/switch/auto. Uses the global fetch (Node 20) with a
// timeout; every failure becomes ApiError carrying the server's own `error` text for one stderr line.
import type { SwitchFamily } from '../engine/types.js';
import { describeError } from '../errors.js';
import {
  asStatusJson, type AutoResponseJson, type ErrorJson, type StatusJson, type SwitchResponseJson,
} from './status-json.js';

export class ApiError extends Error {
  /** HTTP status, or null when the daemon could not be reached. */
  readonly status: number | null;
  /** WAN_ERR_... from the body, when the daemon sent one. */
  readonly code: string | null;
  /** Valid link names for an unknown switch target. */
  readonly valid: string[] | null;

  constructor(message: string, status: number | null, code: string | null = null, valid: string[] | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.valid = valid;
  }
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
  /** Injected by tests; the global fetch otherwise. */
  fetchImpl?: FetchLike;
}

export interface ApiClient {
  readonly baseUrl: string;
  status(): Promise<StatusJson>;
  /** `family` is sent only when given: a daemon from before families gets the seed's body. */
  switchTo(target: string, force: boolean, family?: SwitchFamily): Promise<SwitchResponseJson>;
  setAuto(enabled: boolean): Promise<AutoResponseJson>;
}

/** The daemon listening on a wildcard is reached over loopback; IPv6 literals need brackets in a URL. */
export function apiBaseUrl(host: string, port: number): string {
  let h = host.trim();
  if (h === '' || h === '0.0.0.0') h = '127.0.0.1';
  else if (h === '::' || h === '[::]') h = '::1';
  if (h.includes(':') && !h.startsWith('[')) h = `[${h}]`;
  return `http://${h}:${port}`;
}

/** Node's fetch hides the errno in `cause`: "fetch failed" alone would tell the operator nothing. */
export function networkReason(e: unknown): string {
  if (e instanceof Error && e.name === 'TimeoutError') return 'timed out';
  const cause = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
  if (typeof cause === 'object' && cause !== null) {
    const c = cause as { code?: unknown; message?: unknown };
    if (typeof c.code === 'string') return c.code;
    if (typeof c.message === 'string') return c.message;
  }
  return describeError(e);
}

/** One line out of an error response: the server's `error`, else the HTTP status text. */
export function errorFromResponse(status: number, statusText: string, body: unknown): ApiError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as ErrorJson;
  const text = typeof b.error === 'string' && b.error !== '' ? b.error : `HTTP ${status} ${statusText}`.trim();
  const valid = Array.isArray(b.valid) ? b.valid.filter((v): v is string => typeof v === 'string') : null;
  return new ApiError(text, status, typeof b.code === 'string' ? b.code : null, valid);
}

export function createApiClient(opts: ApiClientOptions): ApiClient {
  const doFetch: FetchLike = opts.fetchImpl ?? ((url, init) => fetch(url, init));
  const timeoutMs = opts.timeoutMs ?? 5000;

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const url = opts.baseUrl + path;
    // The daemon names wanctl as the source of its commands by this (src/api/plugin.ts commandSource).
    const headers: Record<string, string> = { authorization: `Bearer ${opts.apiKey}`, accept: 'application/json', 'user-agent': 'wanctl/1' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(url, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw new ApiError(`cannot reach the daemon at ${opts.baseUrl}: ${networkReason(e)}`, null);
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      if (res.ok) throw new ApiError(`the daemon at ${opts.baseUrl} answered ${path} with non-JSON`, res.status);
    }
    if (!res.ok) throw errorFromResponse(res.status, res.statusText, parsed);
    return parsed;
  }

  return {
    baseUrl: opts.baseUrl,
    async status() {
      const body = await call('GET', '/api/status');
      try {
        return asStatusJson(body);
      } catch (e) {
        throw new ApiError(describeError(e), 200);
      }
    },
    async switchTo(target, force, family) {
      const body = { target, ...(force ? { force } : {}), ...(family !== undefined ? { family } : {}) };
      return (await call('POST', '/api/switch', body)) as SwitchResponseJson;
    },
    async setAuto(enabled) {
      return (await call('POST', '/api/auto', { enabled })) as AutoResponseJson;
    },
  };
}
