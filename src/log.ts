// The only importer of `pino`: JSON log lines to stdout (or a test destination) and
// optionally a file, ISO time stamps, secrets redacted, level changeable at run time (SIGHUP).
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino } from 'pino';
import type { LogLevel } from './config/types.js';

export type Logger = pino.Logger;
export type LogDestination = NodeJS.WritableStream | pino.DestinationStream;

export interface LoggerOptions {
  level: LogLevel;
  /** Also append to this file; null = stdout (or `destination`) only. */
  file: string | null;
}

export interface LoggerHandle {
  logger: Logger;
  /** Flushes and closes the file; stdout and a given destination are left open. Idempotent. */
  close(): Promise<void>;
}

export const REDACTED = '[REDACTED]';

/** Secrets that may sit in logged objects: the API key under its config names, bearer headers, and URLs. */
export const REDACT_PATHS: readonly string[] = [
  'api_key', 'apiKey', 'authorization', 'Authorization',
  '*.api_key', '*.apiKey', '*.authorization', '*.Authorization',
  '*.*.api_key', '*.*.apiKey', '*.*.authorization', '*.*.Authorization',
  '*.*.*.api_key', '*.*.*.apiKey',
  'headers.authorization', 'headers.Authorization',
  'req.headers.authorization', 'req.headers.Authorization',
  'request.headers.authorization', 'request.headers.Authorization',
  '*.*.headers.authorization', '*.*.headers.Authorization',
  'config.apiKey', 'config.api_key', 'req.query.api_key', 'query.api_key',
  // The MQTT broker password (config `mqtt.password`), wherever an object carrying it is logged.
  'password', '*.password', '*.*.password', '*.*.*.password',
  // URLs are not hidden, only their api_key parameter (see censor below).
  'url', 'req.url', 'request.url', '*.url',
];

/** Replaces the value of every `api_key` query parameter (the seed API accepts the key there). */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const end = hash < 0 ? url.length : hash;
  const query = url
    .slice(q + 1, end)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: compare the raw text
      }
      return name.toLowerCase() === 'api_key' ? `${rawName}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, q + 1)}${query}${url.slice(end)}`;
}

function censor(value: unknown, path: string[]): unknown {
  if (path[path.length - 1] === 'url') return typeof value === 'string' ? redactUrl(value) : value;
  return REDACTED;
}

// Children keep their own level in pino; remember them so setLevel() reaches every one.
const familyOf = new WeakMap<Logger, Set<WeakRef<Logger>>>();

/** Changes the level of `logger` and of every child created from it (SIGHUP reload). */
export function setLevel(logger: Logger, level: LogLevel): void {
  logger.level = level;
  const family = familyOf.get(logger);
  if (!family) return;
  for (const ref of family) {
    const child = ref.deref();
    if (child) child.level = level;
    else family.delete(ref);
  }
}

interface FileOpen {
  fd: number | null;
  error: string | null;
}

/**
 * Creates missing parent directories one level at a time. Not `mkdirSync(..., { recursive: true })`:
 * on Node 20 that never returns for a path under /proc (it retries ENOENT forever).
 */
function makeParents(dir: string): void {
  const missing: string[] = [];
  let cur = dir;
  while (!existsSync(cur)) {
    missing.push(cur);
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  for (const d of missing.reverse()) mkdirSync(d, { mode: 0o750 });
}

function openLogFile(file: string): FileOpen {
  try {
    makeParents(dirname(file));
    return { fd: openSync(file, 'a', 0o640), error: null };
  } catch (e) {
    return { fd: null, error: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
}

export function createLogger(opts: LoggerOptions, destination?: LogDestination): LoggerHandle {
  const family = new Set<WeakRef<Logger>>();
  const main: pino.DestinationStream = destination ?? pino.destination({ fd: 1, sync: true });
  const opened = opts.file ? openLogFile(opts.file) : { fd: null, error: null };
  // The file is written synchronously: little volume, and lines before a crash must survive.
  const fileDest = opened.fd !== null ? pino.destination({ fd: opened.fd, sync: true }) : null;
  const streams: pino.StreamEntry[] = [{ stream: main, level: 'trace' }];
  if (fileDest) streams.push({ stream: fileDest, level: 'trace' });

  const logger = pino(
    {
      level: opts.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label: string) => ({ level: label }) },
      redact: { paths: [...REDACT_PATHS], censor },
      onChild: (child: Logger) => {
        family.add(new WeakRef(child));
      },
    },
    pino.multistream(streams),
  );
  familyOf.set(logger, family);

  if (opts.file && opened.error !== null) {
    logger.warn({ file: opts.file, code: opened.error }, 'cannot open log file; logging to stdout only');
  }

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (!fileDest) return;
    await new Promise<void>((resolve) => {
      fileDest.once('close', () => resolve());
      fileDest.once('error', () => resolve());
      try {
        fileDest.end();
      } catch {
        try {
          if (opened.fd !== null) closeSync(opened.fd);
        } catch {
          // already closed
        }
        resolve();
      }
    });
  };
  return { logger, close };
}
