// Continuous probing of one link, dpinger-style: every `intervalMs` each target gets one echo,
// whatever became of the previous ones; outstanding echoes wait in a ring keyed by sequence
// number, and an echo not answered within `timeoutMs` (judged on the send and receive stamps, not
// on when a timer fired) counts as lost. Every resolved echo is reported as a sample; a "round" is
// one echo to each target sent in the same tick, judged with min_targets_up once all of its
// echoes are resolved, and rounds are reported in order.
//
// All targets of a round leave in the same tick (rather than staggered) so a total outage is
// known one timeout after the round was sent: failure_threshold rounds take
// (failure_threshold - 1) x interval + timeout from the first lost echo.
import type { Clock, TimerHandle } from '../clock.js';
import { echoIdentifier, freeSeq, matchEcho } from './echo-match.js';
import { ICMPV4_PROFILE, type IcmpProfile } from './icmp-profile.js';
import { methodOfKey, type MethodProber } from './method-prober.js';
import { errorCode } from './pinger.js';
import type { CycleResult, EchoResult, ProbeSocket } from './types.js';

/** One resolved echo. */
export interface ProbeRecord extends EchoResult {
  seq: number;
  round: number;
  /** Monotonic ms the echo left (the socket's stamp when it has one). */
  sentMs: number;
  /** The gateway echo (diagnostic) rather than a target's. */
  gateway: boolean;
}

/** One round: the original cycle's verdict shape plus its number and send time. */
export interface RoundResult extends CycleResult {
  round: number;
  sentMs: number;
}

export interface ContinuousProberSettings {
  intervalMs: number;
  timeoutMs: number;
  minTargetsUp: number;
}

export interface ContinuousProberOptions extends ContinuousProberSettings {
  socket: ProbeSocket;
  clock: Clock;
  /** ICMP echo identifier shared by the daemon's probers (uint16). */
  identifier: number;
  targets: string[];
  /** ICMP (default) or ICMPv6; the socket must be of the same family. */
  profile?: IcmpProfile;
  /** Targets left out of the round verdict (dead ones, see quality-window.ts). */
  ignored?: () => ReadonlySet<string>;
  onSample?: (r: ProbeRecord) => void;
  onRound?: (r: RoundResult) => void;
  /** First sequence number; tests pin it. */
  firstSeq?: number;
  /** Probes the targets of other methods (TCP, DNS, HTTP(S)), each aborted at timeoutMs; without it every target is pinged. */
  methods?: MethodProber;
}

interface Outstanding {
  round: number;
  dst: string;
  /** dst as replies spell it (RFC 5952 for IPv6). */
  match: string;
  gateway: boolean;
  sentMs: number;
  timer: TimerHandle | null;
}

interface Round {
  sentMs: number;
  gateway: string | null;
  targets: string[];
  /** Keyed by address; the gateway under GATEWAY_KEY. */
  results: Map<string, EchoResult>;
  expected: number;
}

const GATEWAY_KEY = '\u0000gateway';
export const TIMEOUT_ERROR = 'timeout';
export const CLOSED_ERROR = 'ECANCELED';

export class ContinuousProber {
  private readonly clock: Clock;
  private readonly socket: ProbeSocket;
  private readonly identifier: number;
  private readonly profile: IcmpProfile;
  private settings: ContinuousProberSettings;
  private targets: string[];
  private gateway: string | null = null;
  private nextSeq: number;
  /** The ring of outstanding echoes, keyed by sequence number. */
  private readonly outstanding = new Map<number, Outstanding>();
  private readonly rounds = new Map<number, Round>();
  private roundNo = 0;
  private nextToReport = 1;
  private tick: TimerHandle | null = null;
  private dueMs = 0;
  private running = false;
  private closed = false;

  constructor(private readonly opts: ContinuousProberOptions) {
    this.clock = opts.clock;
    this.socket = opts.socket;
    this.identifier = echoIdentifier(opts.identifier);
    this.profile = opts.profile ?? ICMPV4_PROFILE;
    this.settings = normalise(opts);
    this.targets = [...new Set(opts.targets)];
    this.nextSeq = (opts.firstSeq ?? 0) & 0xffff;
    this.socket.onMessage((icmp, src, rxMs) => this.onMessage(icmp, src, rxMs));
  }

  /** Echoes waiting for a reply or their timeout (leak checks). */
  get outstandingCount(): number {
    return this.outstanding.size;
  }

  /** Sends the first round now, then one every intervalMs (fixed rate, no drift). */
  start(): void {
    if (this.running || this.closed) return;
    this.running = true;
    this.dueMs = this.clock.nowMs();
    this.fire();
  }

  /** The gateway is probed beside the targets, for diagnostics only; null = not probed. */
  setGateway(gateway: string | null): void {
    this.gateway = gateway;
  }

  /** From the next round on; rounds already sent are judged on their own targets. */
  setTargets(targets: string[]): void {
    this.targets = [...new Set(targets)];
  }

  setOptions(opts: Partial<ContinuousProberSettings>): void {
    this.settings = normalise({ ...this.settings, ...opts });
  }

  /** Idempotent: stops sending, resolves what is outstanding as cancelled (no rounds reported), closes the socket. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.running = false;
    if (this.tick !== null) this.clock.clearTimer(this.tick);
    this.tick = null;
    for (const o of this.outstanding.values()) if (o.timer !== null) this.clock.clearTimer(o.timer);
    this.outstanding.clear();
    this.rounds.clear();
    this.socket.close();
    this.opts.methods?.close();
  }

  private fire(): void {
    this.tick = null;
    if (!this.running) return;
    this.sendRound();
    // Fixed rate: the next round is due one interval after this one was due, however late the
    // timer fired; a loop stalled for several intervals skips the rounds it missed.
    const now = this.clock.nowMs();
    this.dueMs += this.settings.intervalMs;
    if (this.dueMs < now) this.dueMs = now + this.settings.intervalMs - ((now - this.dueMs) % this.settings.intervalMs);
    this.tick = this.clock.setTimer(Math.max(0, this.dueMs - now), () => this.fire());
  }

  private sendRound(): void {
    const round = ++this.roundNo;
    const targets = [...this.targets];
    const r: Round = { sentMs: this.clock.nowMs(), gateway: this.gateway, targets, results: new Map(), expected: targets.length + (this.gateway === null ? 0 : 1) };
    this.rounds.set(round, r);
    if (this.gateway !== null) this.sendEcho(round, this.gateway, true);
    for (const t of targets) this.sendEcho(round, t, false);
    if (r.expected === 0) this.settleRounds();
  }

  private sendEcho(round: number, dst: string, gateway: boolean): void {
    const methods = this.opts.methods;
    if (!gateway && methods !== undefined && methodOfKey(dst) !== 'icmp') {
      // Paced like an echo: one probe per round; the method prober aborts it at the timeout.
      void methods.probe(dst, this.settings.timeoutMs).then((r) => this.resolve(round, dst, false, r.sentMs, { target: dst, ok: r.ok, rttMs: r.rttMs, error: r.error }, null));
      return;
    }
    const seq = this.takeSeq();
    if (seq === null) {
      this.resolve(round, dst, gateway, this.clock.nowMs(), { target: dst, ok: false, rttMs: null, error: 'EAGAIN' }, null);
      return;
    }
    const buf = this.profile.buildEchoRequest(this.identifier, seq);
    const o: Outstanding = { round, dst, match: this.profile.canonicalAddress(dst) ?? dst, gateway, sentMs: 0, timer: null };
    this.outstanding.set(seq, o);
    try {
      if (this.socket.sendStamped) {
        o.sentMs = this.socket.sendStamped(buf, dst);
      } else {
        // No socket stamp: the clock read right before the send is the closest we get.
        o.sentMs = this.clock.nowMs();
        this.socket.send(buf, dst).catch((e: unknown) => this.fail(seq, errorCode(e)));
      }
    } catch (e) {
      o.sentMs = this.clock.nowMs();
      this.fail(seq, errorCode(e));
      return;
    }
    if (!this.outstanding.has(seq)) return;
    const wait = Math.max(0, o.sentMs + this.settings.timeoutMs - this.clock.nowMs());
    o.timer = this.clock.setTimer(wait, () => this.fail(seq, TIMEOUT_ERROR));
  }

  /** Next free sequence number, wrapping at 2^16; null only if all 65536 are outstanding. */
  private takeSeq(): number | null {
    const seq = freeSeq(this.nextSeq, this.outstanding);
    if (seq !== null) this.nextSeq = (seq + 1) & 0xffff;
    return seq;
  }

  private fail(seq: number, error: string): void {
    const o = this.take(seq);
    if (o === null) return;
    this.resolve(o.round, o.dst, o.gateway, o.sentMs, { target: o.dst, ok: false, rttMs: null, error }, seq);
  }

  private take(seq: number): Outstanding | null {
    const o = this.outstanding.get(seq);
    if (o === undefined) return null;
    this.outstanding.delete(seq);
    if (o.timer !== null) this.clock.clearTimer(o.timer);
    return o;
  }

  private onMessage(icmp: Buffer, src: string, rxMs: number): void {
    if (this.closed || this.outstanding.size === 0) return;
    const parsed = this.profile.parse(icmp);
    if (!parsed.ok) return;
    const m = matchEcho(parsed.message, src, this.identifier, this.outstanding, this.profile);
    if (m === null) return;
    if (m.error !== null) {
      this.fail(m.seq, m.error);
      return;
    }
    const o = m.echo;
    this.take(m.seq);
    const rtt = Math.max(0, rxMs - o.sentMs);
    // Late by the stamps even if the timer has not fired yet (a busy loop): lost, as dpinger counts it.
    const result: EchoResult = rtt > this.settings.timeoutMs
      ? { target: o.dst, ok: false, rttMs: null, error: TIMEOUT_ERROR }
      : { target: o.dst, ok: true, rttMs: rtt, error: null };
    this.resolve(o.round, o.dst, o.gateway, o.sentMs, result, m.seq);
  }

  private resolve(round: number, dst: string, gateway: boolean, sentMs: number, result: EchoResult, seq: number | null): void {
    if (this.closed) return;
    this.opts.onSample?.({ ...result, seq: seq ?? -1, round, sentMs, gateway });
    const r = this.rounds.get(round);
    if (r === undefined) return;
    r.results.set(gateway ? GATEWAY_KEY : dst, result);
    if (r.results.size >= r.expected) this.settleRounds();
  }

  /** Reports finished rounds in order; a later round that finished first waits for its elders. */
  private settleRounds(): void {
    for (let r = this.rounds.get(this.nextToReport); r !== undefined && r.results.size >= r.expected; r = this.rounds.get(this.nextToReport)) {
      const no = this.nextToReport;
      this.rounds.delete(no);
      this.nextToReport += 1;
      this.opts.onRound?.(this.verdict(no, r));
    }
  }

  private verdict(no: number, r: Round): RoundResult {
    const targets = r.targets.map((t) => r.results.get(t) ?? { target: t, ok: false, rttMs: null, error: CLOSED_ERROR });
    const gateway = r.gateway === null ? null : r.results.get(GATEWAY_KEY) ?? null;
    const ignored = this.opts.ignored?.() ?? new Set<string>();
    const counted = targets.filter((t) => !ignored.has(t.target));
    // Dead targets are left out; never all of them (quality-window.ts needs a live one to call any dead).
    const judged = counted.length > 0 ? counted : targets;
    const targetsUp = judged.filter((t) => t.ok).length;
    const need = Math.min(this.settings.minTargetsUp, judged.length);
    return {
      round: no,
      sentMs: r.sentMs,
      gateway,
      targets,
      targetsUp,
      healthy: judged.length > 0 && targetsUp >= need,
      gatewayReachable: gateway !== null && gateway.ok,
    };
  }
}

function normalise(s: ContinuousProberSettings): ContinuousProberSettings {
  return {
    intervalMs: Math.max(10, s.intervalMs),
    timeoutMs: Math.max(1, s.timeoutMs),
    minTargetsUp: Math.max(0, Math.floor(s.minTargetsUp)),
  };
}
