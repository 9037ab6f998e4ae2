// Failed API logins (401) are an input that repeats: a scanner or a client with an old key sends
// thousands. The first of a streak is logged at warn with who and what; the rest are counted, and
// when 60 s pass without one the count is logged (issue 19, defect 5). Each request's own line
// stays at debug. No key material is logged: the URL is redacted (requestLogFields) and headers
// never are.
import type { Clock } from '../clock.js';
import { Streak } from '../log-streak.js';

export interface AuthFailure {
  ip: string;
  method: string;
  url: string;
}

interface WarnLog {
  warn(obj: object, msg: string): void;
}

export const AUTH_STREAK_QUIET_MS = 60_000;

export function authFailureStreak(log: WarnLog, clock: Clock, quietMs = AUTH_STREAK_QUIET_MS): Streak<AuthFailure> {
  return new Streak<AuthFailure>({
    began: (f) => log.warn({ ...f, next: `further failures are counted, not logged, until ${Math.round(quietMs / 1000)} s pass without one` },
      'api authentication failed'),
    ended: (count, last) => { if (count > 1) log.warn({ count, lastIp: last.ip }, 'api authentication failures: streak ended'); },
  }, { clock, quietMs });
}
