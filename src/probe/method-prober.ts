// Runs the TCP, DNS and HTTP(S) probes of one link and family (issue 23) the way the Pinger runs
// echoes: probe(target, timeout) never rejects, and a probe still open at its timeout is aborted
// and counts as lost ("timeout"), in cycle and continuous mode alike. Targets are named by key
// (ping_targets' spelling, probe-target.ts); their specs are read at each probe, so a reload's
// new options apply from the next probe on.
import type { AddressFamily } from '../bus/events.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { ProbeMethod, ProbeTarget } from '../config/probe-target.js';
import { CLOSED_ERROR, TIMEOUT_ERROR, errorCode } from './pinger.js';
import type { LinkTransport } from './link-transport.js';
import { dnsAttempt, httpAttempt, probeReason, tcpAttempt, type ProbeAttempt } from './method-probes.js';
import type { EchoResult } from './types.js';

/** One resolved probe with the time it left, as the continuous prober records echoes. */
export interface MethodResult extends EchoResult {
  sentMs: number;
}

export interface MethodProberOptions {
  transport: LinkTransport;
  iface: string;
  family: AddressFamily;
  clock: Clock;
  /** The target behind a key; null = not a (known) target of another method. */
  spec(key: string): ProbeTarget | null;
}

/** The method a target key names: a URI's scheme, or ICMP for an address. */
export function methodOfKey(key: string): ProbeMethod {
  const m = /^([a-z]+):\/\//.exec(key);
  return m === null ? 'icmp' : (m[1] as ProbeMethod);
}

interface InFlight {
  key: string;
  sentMs: number;
  attempt: ProbeAttempt | null;
  timer: TimerHandle | null;
  finish: (r: MethodResult) => void;
}

export class MethodProber {
  private readonly inFlight = new Set<InFlight>();
  private closed = false;

  constructor(private readonly opts: MethodProberOptions) {}

  /** Probes still open (leak checks). */
  get pendingCount(): number {
    return this.inFlight.size;
  }

  probe(key: string, timeoutMs: number): Promise<MethodResult> {
    const { clock } = this.opts;
    const sentMs = clock.nowMs();
    const result = (ok: boolean, rttMs: number | null, error: string | null): MethodResult => ({ target: key, ok, rttMs, error, sentMs });
    if (this.closed) return Promise.resolve(result(false, null, CLOSED_ERROR));
    const spec = this.opts.spec(key);
    if (spec === null || spec.method === 'icmp') return Promise.resolve(result(false, null, 'EINVAL'));
    if (spec.family !== this.opts.family) return Promise.resolve(result(false, null, 'EAFNOSUPPORT'));
    return new Promise<MethodResult>((resolve) => {
      const f: InFlight = { key, sentMs, attempt: null, timer: null, finish: () => undefined };
      f.finish = (r) => {
        if (!this.inFlight.delete(f)) return;
        if (f.timer !== null) clock.clearTimer(f.timer);
        resolve(r);
      };
      this.inFlight.add(f);
      f.timer = clock.setTimer(Math.max(0, timeoutMs), () => {
        f.attempt?.abort();
        f.finish(result(false, null, TIMEOUT_ERROR));
      });
      try {
        f.attempt = this.start(spec);
      } catch (e) {
        f.finish(result(false, null, probeReason(errorCode(e))));
        return;
      }
      f.attempt.done.then((o) => {
        // Late by the measured time though the timer has not fired yet (a busy loop): lost, as echoes are.
        if (o.ok && o.rttMs !== null && o.rttMs > timeoutMs) f.finish(result(false, null, TIMEOUT_ERROR));
        else f.finish(result(o.ok, o.rttMs, o.error));
      }, (e: unknown) => f.finish(result(false, null, probeReason(errorCode(e)))));
    });
  }

  /** Aborts every open probe (they resolve as cancelled); idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const f of [...this.inFlight]) {
      f.attempt?.abort();
      f.finish({ target: f.key, ok: false, rttMs: null, error: CLOSED_ERROR, sentMs: f.sentMs });
    }
  }

  private start(t: ProbeTarget): ProbeAttempt {
    const ctx = { transport: this.opts.transport, iface: this.opts.iface, clock: this.opts.clock };
    if (t.method === 'tcp') return tcpAttempt(ctx, t);
    if (t.method === 'dns') return dnsAttempt(ctx, t);
    return httpAttempt(ctx, t);
  }
}
