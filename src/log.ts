// The only importer of `pino`: JSON log lines to stdout (or a test destination) and
// optionally a file, ISO time stamps, secrets redacted, level changeable at run time (SIGHUP).
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { pino } from 'pino';
import type { LogLevel } from './config/types.js';
import { WeakMemberSet } from './weak-set.js';

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
  /**
   * Reopens the log file by its path (SIGHUP: logrotate has moved it away), or opens it if it could
   * not be opened before. A failure keeps the old descriptor and is logged once.
   */
  reopen(): void;
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

// Children keep their own level in pino; remember them (weakly, swept) so setLevel() reaches every one.
const familyOf = new WeakMap<Logger, WeakMemberSet<Logger>>();

/** Changes the level of `logger` and of every child created from it (SIGHUP reload). */
export function setLevel(logger: Logger, level: LogLevel): void {
  logger.level = level;
  const family = familyOf.get(logger);
  if (!family) return;
  for (const child of family.live()) child.level = level;
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

type FileDestination = ReturnType<typeof pino.destination>;

/**
 * The log file, opened BY PATH so reopen() (SIGHUP after logrotate moved it) starts a new file.
 * A trial open first: sonic-boom reports a failed open only later, as an event.
 */
function openLogFile(file: string): { dest: FileDestination; error: null } | { dest: null; error: string } {
  try {
    makeParents(dirname(file));
    closeSync(openSync(file, 'a', 0o640));
    // Written synchronously: little volume, and lines before a crash must survive.
    const dest = pino.destination({ dest: file, sync: true, append: true, mkdir: false, mode: 0o640 });
    return { dest, error: null };
  } catch (e) {
    return { dest: null, error: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
}

export function createLogger(opts: LoggerOptions, destination?: LogDestination): LoggerHandle {
  const family = new WeakMemberSet<Logger>();
  const main: pino.DestinationStream = destination ?? pino.destination({ fd: 1, sync: true });
  const multi = pino.multistream([{ stream: main, level: 'trace' }]);

  const logger = pino(
    {
      level: opts.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label: string) => ({ level: label }) },
      redact: { paths: [...REDACT_PATHS], censor },
      onChild: (child: Logger) => {
        family.add(child);
      },
    },
    multi,
  );
  familyOf.set(logger, family);

  let fileDest: FileDestination | null = null;
  let failed: string | null = null;
  /** Opens the file if it is not open; logs a failure once per streak (stdout keeps everything). */
  const attach = (): void => {
    if (!opts.file || fileDest !== null) return;
    const opened = openLogFile(opts.file);
    if (opened.dest === null) {
      if (failed !== opened.error) logger.warn({ file: opts.file, code: opened.error }, 'cannot open log file; logging to stdout only');
      failed = opened.error;
      return;
    }
    fileDest = opened.dest;
    // A failed reopen keeps writing to the old descriptor; say so once per streak.
    fileDest.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? String(err);
      if (failed !== code) logger.warn({ file: opts.file, code }, 'cannot reopen log file; still writing to the old one');
      failed = code;
    });
    fileDest.on('ready', () => {
      if (failed !== null) logger.info({ file: opts.file }, 'log file open again');
      failed = null;
    });
    multi.add({ stream: fileDest, level: 'trace' });
    if (failed !== null) logger.info({ file: opts.file }, 'log file open again');
    failed = null;
  };
  attach();

  const reopen = (): void => {
    if (closed) return;
    if (fileDest === null) {
      attach();
      return;
    }
    try {
      fileDest.reopen();
    } catch (err) {
      logger.warn({ file: opts.file, err: (err as Error).message }, 'cannot reopen log file');
    }
  };

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    const dest = fileDest;
    if (dest === null) return;
    await new Promise<void>((resolve) => {
      dest.once('close', () => resolve());
      dest.once('error', () => resolve());
      try {
        dest.end();
      } catch {
        resolve();
      }
    });
  };
  return { logger, close, reopen };
}
