// Pure: checks and normalises the `hooks:` and `webhooks:` lists (programs and HTTP endpoints told
// about failovers) and `metrics_public`. convict only checks the lists' outer shape; entries are
// checked here, as links.ts does for `links:`, so each problem names its exact key path.
import { UNKNOWN_KEY, type ConfigProblem, isMapping } from './problems.js';

/** Events hooks and webhooks can subscribe to (README "Metrics, hooks and webhooks"). */
/** `data_cap`: a metered link's usage level (issue 24); `rule`: a policy rule moved (issue 22; only with `rules:`). */
export const NOTIFY_EVENTS = ['switch', 'link_down', 'link_up', 'all_down', 'degraded', 'data_cap', 'rule'] as const;
export type NotifyEventName = (typeof NOTIFY_EVENTS)[number];

export interface HookConfig {
  /** Absolute path of the executable; run directly (no shell). */
  path: string;
  /** Arguments after the path. */
  args: string[];
  events: NotifyEventName[];
  timeoutMs: number;
}

export interface WebhookConfig {
  url: string;
  /** Sent as is; values are secrets (tokens) and never logged. */
  headers: Record<string, string>;
  events: NotifyEventName[];
  timeoutMs: number;
  /** Attempts after the first one fails (network error, timeout, 5xx, 429). */
  retries: number;
  /** Constant JSON fields added to every body (Telegram's chat_id, ntfy's topic). */
  fields: Record<string, string | number | boolean>;
}

const MAX_TIMEOUT_S = 300;
const DEFAULT_HOOK_TIMEOUT_S = 10;
const DEFAULT_WEBHOOK_TIMEOUT_S = 5;
const DEFAULT_RETRIES = 3;
const MAX_RETRIES = 10;
const HOOK_KEYS = ['path', 'args', 'events', 'timeout'];
const WEBHOOK_KEYS = ['url', 'headers', 'events', 'timeout', 'retries', 'fields'];
// RFC 9110 5.1 token; values: no CR/LF/NUL (header injection).
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[^\r\n\u0000]*$/;


const eventsExpected = `a list of events from: ${NOTIFY_EVENTS.join(', ')}`;

function checkEvents(path: string, v: unknown, problems: ConfigProblem[]): NotifyEventName[] {
  if (v === undefined || v === null) return [...NOTIFY_EVENTS];
  if (!Array.isArray(v) || v.length === 0 || !v.every((e) => (NOTIFY_EVENTS as readonly unknown[]).includes(e))) {
    problems.push({ key: `${path}.events`, value: v, expected: eventsExpected });
    return [];
  }
  return [...new Set(v as NotifyEventName[])];
}

function checkTimeout(path: string, v: unknown, fallbackS: number, problems: ConfigProblem[]): number {
  if (v === undefined || v === null) return fallbackS * 1000;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > MAX_TIMEOUT_S) {
    problems.push({ key: `${path}.timeout`, value: v, expected: `a positive number of seconds (at most ${MAX_TIMEOUT_S})` });
    return 0;
  }
  return Math.round(v * 1000);
}

function unknownKeys(path: string, entry: Record<string, unknown>, allowed: string[], problems: ConfigProblem[]): void {
  for (const k of Object.keys(entry)) if (!allowed.includes(k)) problems.push({ key: `${path}.${k}`, value: entry[k], expected: UNKNOWN_KEY, known: allowed });
}

function hookFrom(path: string, entry: unknown, problems: ConfigProblem[]): HookConfig | null {
  const before = problems.length;
  const e: Record<string, unknown> = typeof entry === 'string' ? { path: entry } : isMapping(entry) ? entry : {};
  if (typeof entry !== 'string' && !isMapping(entry)) {
    problems.push({ key: path, value: entry, expected: 'an executable path or a mapping {path, args?, events?, timeout?}' });
    return null;
  }
  unknownKeys(path, e, HOOK_KEYS, problems);
  const p = e['path'];
  if (typeof p !== 'string' || !p.startsWith('/') || p.includes('\u0000')) {
    problems.push({ key: typeof entry === 'string' ? path : `${path}.path`, value: p, expected: 'an absolute path of an executable' });
  }
  const args = e['args'] ?? [];
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string' && !a.includes('\u0000'))) {
    problems.push({ key: `${path}.args`, value: args, expected: 'a list of strings' });
  }
  const events = checkEvents(path, e['events'], problems);
  const timeoutMs = checkTimeout(path, e['timeout'], DEFAULT_HOOK_TIMEOUT_S, problems);
  // An unknown key alone is a warning (load.ts): the entry still works.
  if (problems.slice(before).some((p) => p.expected !== UNKNOWN_KEY)) return null;
  return { path: p as string, args: [...(args as string[])], events, timeoutMs };
}

function checkUrl(path: string, v: unknown, problems: ConfigProblem[]): string {
  const expected = 'an http:// or https:// URL';
  if (typeof v !== 'string') {
    problems.push({ key: `${path}.url`, value: v, expected });
    return '';
  }
  try {
    const u = new URL(v);
    if (u.protocol === 'http:' || u.protocol === 'https:') return v;
  } catch {
    // fall through: reported below
  }
  // The URL may carry a token (Telegram's /bot<token>/): show only its scheme.
  problems.push({ key: `${path}.url`, value: `${v.split(':')[0]}:...`, expected });
  return '';
}

function webhookFrom(path: string, entry: unknown, problems: ConfigProblem[]): WebhookConfig | null {
  if (!isMapping(entry)) {
    problems.push({ key: path, value: entry, expected: 'a mapping {url, headers?, events?, timeout?, retries?, fields?}' });
    return null;
  }
  const before = problems.length;
  unknownKeys(path, entry, WEBHOOK_KEYS, problems);
  const url = checkUrl(path, entry['url'], problems);
  const headers: Record<string, string> = {};
  const h = entry['headers'] ?? {};
  if (!isMapping(h)) {
    problems.push({ key: `${path}.headers`, value: '[REDACTED]', expected: 'a mapping of header names to string values' });
  } else {
    for (const [name, value] of Object.entries(h)) {
      // Values are secrets: never echoed in an error.
      if (!HEADER_NAME.test(name)) problems.push({ key: `${path}.headers`, value: name, expected: 'header names made of token characters (RFC 9110)' });
      else if (typeof value !== 'string' || !HEADER_VALUE.test(value)) problems.push({ key: `${path}.headers.${name}`, value: '[REDACTED]', expected: 'a string without line breaks' });
      else headers[name] = value;
    }
  }
  const events = checkEvents(path, entry['events'], problems);
  const timeoutMs = checkTimeout(path, entry['timeout'], DEFAULT_WEBHOOK_TIMEOUT_S, problems);
  const retries = entry['retries'] ?? DEFAULT_RETRIES;
  if (!Number.isInteger(retries) || (retries as number) < 0 || (retries as number) > MAX_RETRIES) {
    problems.push({ key: `${path}.retries`, value: retries, expected: `an integer from 0 to ${MAX_RETRIES}` });
  }
  const fields = entry['fields'] ?? {};
  const scalar = (v: unknown): boolean => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
  if (!isMapping(fields) || !Object.values(fields).every(scalar)) {
    problems.push({ key: `${path}.fields`, value: fields, expected: 'a mapping of names to strings, numbers or booleans' });
  }
  // An unknown key alone is a warning (load.ts): the entry still works.
  if (problems.slice(before).some((p) => p.expected !== UNKNOWN_KEY)) return null;
  return { url, headers, events, timeoutMs, retries: retries as number, fields: { ...(fields as Record<string, string | number | boolean>) } };
}

export interface NotifyResult {
  hooks: HookConfig[];
  webhooks: WebhookConfig[];
  problems: ConfigProblem[];
}

/** `values` as merged by convict: hooks/webhooks are null (absent) or arrays. */
export function buildNotify(values: Record<string, unknown>): NotifyResult {
  const problems: ConfigProblem[] = [];
  const list = (key: string): unknown[] => (Array.isArray(values[key]) ? (values[key] as unknown[]) : []);
  const hooks = list('hooks').map((e, i) => hookFrom(`hooks[${i}]`, e, problems)).filter((h): h is HookConfig => h !== null);
  const webhooks = list('webhooks').map((e, i) => webhookFrom(`webhooks[${i}]`, e, problems)).filter((w): w is WebhookConfig => w !== null);
  return { hooks, webhooks, problems };
}
