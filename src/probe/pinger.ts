// One ICMP echo requester per link and address family: numbers probes, matches replies
// (identifier, sequence and source must all agree, since a raw socket sees every ICMP on its
// device) and times them out. The family's wire format comes from its IcmpProfile. It owns its
// ProbeSocket; time comes only from the Clock so tests can drive it by hand.
import type { Clock, TimerHandle } from '../clock.js';
import { assertNever } from '../errors.js';
import type { IcmpMessage } from './icmp.js';
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
    if (!Number.isInteger(opts.identifier) || opts.identifier < 0 || opts.identifier > 0xffff) {
      throw new RangeError(`identifier must be a uint16, got ${opts.identifier}`);
    }
    this.socket = opts.socket;
    this.clock = opts.clock;
    this.identifier = opts.identifier;
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
    for (let tries = 0; tries <= 0xffff; tries++) {
      const seq = this.nextSeq;
      this.nextSeq = (this.nextSeq + 1) & 0xffff;
      if (!this.pending.has(seq)) return seq;
    }
    return null;
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
    this.handle(parsed.message, src, rxMs);
  }

  private handle(msg: IcmpMessage, src: string, rxMs: number): void {
    switch (msg.kind) {
      case 'echo-reply': {
        if (msg.id !== this.identifier) return;
        const p = this.pending.get(msg.seq);
        if (p === undefined || p.match !== this.profile.canonicalAddress(src)) return;
        this.settle(msg.seq, { target: p.dst, ok: true, rttMs: Math.max(0, rxMs - p.sentMs), error: null });
        return;
      }
      case 'error': {
        // The error comes from a router on the path, not the target: match on the quoted datagram.
        const q = msg.original;
        if (q === null || q.id !== this.identifier) return;
        const p = this.pending.get(q.seq);
        if (p === undefined || p.match !== this.profile.canonicalAddress(q.dst)) return;
        this.settle(q.seq, failed(p.dst, this.profile.errorToErrno(msg.type, msg.code)));
        return;
      }
      case 'echo-request':
      case 'other':
        return;
      default:
        assertNever(msg);
    }
  }
}

function failed(target: string, error: string): EchoResult {
  return { target, ok: false, rttMs: null, error };
}
