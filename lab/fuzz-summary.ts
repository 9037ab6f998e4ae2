// PURE: tallies the outcome of each fuzz request into the JSON summary the fuzz driver prints
// and the hardening test judges (status counts, non-JSON bodies, 5xx, connections that ended
// without an answer), keeping a few samples of anything suspicious for the report.
import type { FuzzCase, FuzzKind } from './fuzz-cases.js';
import type { Verdict } from './fuzz-response.js';

/** How one connection ended: an answer, a close/reset without one, our deadline, or no connect. */
export type Ending = 'answered' | 'closed' | 'reset' | 'timeout' | 'connect-error';

export interface Outcome {
  ending: Ending;
  status: number | null;
  verdict: Verdict | null;
  /** The answer's body was cut short (Content-Length not reached). */
  incomplete: boolean;
  errCode: string | null;
  /** The connection broke while the request was still being written (an early answer + close). */
  midWrite: boolean;
  /** First bytes received, for samples. */
  received: string;
}

export interface KindCounts {
  sent: number;
  answered: number;
  closed: number;
  reset: number;
  /** Of `reset`: broken while we were still writing (the daemon answered early and closed). */
  resetMidWrite: number;
  timeout: number;
}

export interface FuzzSample {
  kind: FuzzKind;
  request: string;
  response: string;
  errCode: string | null;
}

export interface FuzzSummary {
  seed: number;
  requested: number;
  sent: number;
  elapsedMs: number;
  answered: number;
  byStatus: Record<string, number>;
  byKind: Partial<Record<FuzzKind, KindCounts>>;
  byBody: Record<string, number>;
  /** Answers with a body that is not a JSON object/array. Must be 0. */
  nonJson: number;
  /** 5xx answers. Must be 0. */
  serverErrors: number;
  incomplete: number;
  /** Connections the daemon ended without any answer, split into clean closes and resets. */
  closedWithoutAnswer: number;
  resets: number;
  timeouts: number;
  /** Connects refused/failed: the daemon not listening (crashed?). */
  connectErrors: number;
  samples: FuzzSample[];
}

const MAX_SAMPLES = 12;

export function emptySummary(seed: number, requested: number): FuzzSummary {
  return {
    seed, requested, sent: 0, elapsedMs: 0, answered: 0, byStatus: {}, byKind: {}, byBody: {}, nonJson: 0, serverErrors: 0,
    incomplete: 0, closedWithoutAnswer: 0, resets: 0, timeouts: 0, connectErrors: 0, samples: [],
  };
}

function sample(s: FuzzSummary, c: FuzzCase, o: Outcome): void {
  if (s.samples.length >= MAX_SAMPLES) return;
  s.samples.push({ kind: c.kind, request: c.bytes.subarray(0, 300).toString('latin1'), response: o.received.slice(0, 300), errCode: o.errCode });
}

/** Adds one request's outcome to the summary (mutates it: the driver owns the only copy). */
export function tally(s: FuzzSummary, c: FuzzCase, o: Outcome): void {
  s.sent++;
  const k = (s.byKind[c.kind] ??= { sent: 0, answered: 0, closed: 0, reset: 0, resetMidWrite: 0, timeout: 0 });
  k.sent++;
  if (c.body !== null) s.byBody[c.body] = (s.byBody[c.body] ?? 0) + 1;
  switch (o.ending) {
    case 'answered': {
      s.answered++;
      k.answered++;
      const st = String(o.status);
      s.byStatus[st] = (s.byStatus[st] ?? 0) + 1;
      if (o.incomplete) s.incomplete++;
      if (o.verdict === 'non-json') s.nonJson++;
      if (o.status !== null && o.status >= 500) s.serverErrors++;
      if (o.verdict === 'non-json' || (o.status ?? 0) >= 500 || o.incomplete) sample(s, c, o);
      return;
    }
    case 'closed':
      s.closedWithoutAnswer++;
      k.closed++;
      if (c.kind === 'request') sample(s, c, o);
      return;
    case 'reset':
      s.resets++;
      k.reset++;
      if (o.midWrite) k.resetMidWrite++;
      else if (c.kind === 'request') sample(s, c, o);
      return;
    case 'timeout':
      s.timeouts++;
      k.timeout++;
      sample(s, c, o);
      return;
    case 'connect-error':
      s.connectErrors++;
      sample(s, c, o);
      return;
  }
}
