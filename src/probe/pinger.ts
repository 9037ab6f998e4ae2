// One ICMP echo requester per link and address family: numbers probes, matches replies
// (echo-match.ts) and times them out. The family's wire format comes from its IcmpProfile. It owns its
// ProbeSocket; time comes only from the Clock so tests can drive it by hand.
import type { Clock, TimerHandle } from '../clock.js';
import { echoIdentifier, freeSeq, matchEcho } from './echo-match.js';
import { ICMPV4_PROFILE, type IcmpProfile } from './icmp-profile.js';
import type { EchoResult, ProbeSocket } from './types.js';

export interface PingerOptions {
  socket: ProbeSocket;
  clock: Clock;
  /** ICMP echo identifier, one per daemon (uint16). */
  identifier: number;
  /** First sequence number to use; tests pin it, the daemon leaves it at 0. */
  firstSeq?: number;
  /** ICMP (default) or ICMPv6; the socket must be of the same family. */
  profile?: IcmpProfile;
}

interface Pending {
  dst: string;
  /** dst as replies spell it (RFC 5952 for IPv6). */
  match: string;
  sentMs: number;
  timer: TimerHandle;
  resolve: (r: EchoResult) => void;
}

/** Error reported for probes cut short by close(). */
export const CLOSED_ERROR = 'ECANCELED';
export const TIMEOUT_ERROR = 'timeout';

/** Pulls an errno-style code out of whatever a socket rejected with. */
export function errorCode(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const code = (e as { code: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
  }
  return 'EIO';
}

export class Pinger {
  private readonly socket: ProbeSocket;
  private readonly clock: Clock;
  private readonly identifier: number;
  private readonly profile: IcmpProfile;
  private nextSeq: number;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(opts: PingerOptions) {
    this.socket = opts.socket;
    this.clock = opts.clock;
    this.identifier = echoIdentifier(opts.identifier);
    this.profile = opts.profile ?? ICMPV4_PROFILE;
    this.nextSeq = (opts.firstSeq ?? 0) & 0xffff;
    this.socket.onMessage((icmp, src, rxMs) => this.onMessage(icmp, src, rxMs));
  }

  /** Number of echoes still waiting for a reply or a timeout (for leak checks). */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Sends one echo request; never rejects: failures come back as `{ ok: false, error }`. */
  ping(dst: string, timeoutMs: number): Promise<EchoResult> {
    if (this.closed) return Promise.resolve(failed(dst, CLOSED_ERROR));
    const match = this.profile.canonicalAddress(dst);
    // An address of the other family can never be sent on this socket.
    if (match === null) return Promise.resolve(failed(dst, 'EAFNOSUPPORT'));
    const seq = this.takeSeq();
    if (seq === null) return Promise.resolve(failed(dst, 'EAGAIN'));
    return new Promise<EchoResult>((resolve) => {
      const timer = this.clock.setTimer(Math.max(0, timeoutMs), () => this.settle(seq, failed(dst, TIMEOUT_ERROR)));
      this.pending.set(seq, { dst, match, sentMs: this.clock.nowMs(), timer, resolve });
      let sent: Promise<void>;
      try {
        sent = this.socket.send(this.profile.buildEchoRequest(this.identifier, seq), dst);
      } catch (e) {
        sent = Promise.reject(e);
      }
      sent.catch((e: unknown) => this.settle(seq, failed(dst, errorCode(e))));
    });
  }

  /** Stops listening for replies: every pending probe resolves as cancelled; closes the socket. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [seq, p] of [...this.pending]) this.settle(seq, failed(p.dst, CLOSED_ERROR));
    this.socket.close();
  }

  /** Next free sequence number, wrapping at 2^16; null only if all 65536 are in flight. */
  private takeSeq(): number | null {
    const seq = freeSeq(this.nextSeq, this.pending);
    if (seq !== null) this.nextSeq = (seq + 1) & 0xffff;
    return seq;
  }

  private settle(seq: number, result: EchoResult): void {
    const p = this.pending.get(seq);
    if (p === undefined) return;
    this.pending.delete(seq);
    this.clock.clearTimer(p.timer);
    p.resolve(result);
  }

  private onMessage(icmp: Buffer, src: string, rxMs: number): void {
    if (this.closed || this.pending.size === 0) return;
    const parsed = this.profile.parse(icmp);
    if (!parsed.ok) return;
    const m = matchEcho(parsed.message, src, this.identifier, this.pending, this.profile);
    if (m === null) return;
    const { dst, sentMs } = m.echo;
    this.settle(m.seq, m.error === null ? { target: dst, ok: true, rttMs: Math.max(0, rxMs - sentMs), error: null } : failed(dst, m.error));
  }
}

function failed(target: string, error: string): EchoResult {
  return { target, ok: false, rttMs: null, error };
}
