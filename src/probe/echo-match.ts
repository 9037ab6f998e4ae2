// What the pinger (cycles) and the continuous prober share about outstanding echoes: which one an
// ICMP message answers, and the next free sequence number. A raw socket sees every ICMP on its
// device, so a reply counts only when identifier, sequence and source all agree; an ICMP error
// comes from a router on the path, not the target, so it is matched on the echo it quotes
// (RFC 792, RFC 4443 2.4(b)).
import { assertNever } from '../errors.js';
import type { IcmpMessage } from './icmp.js';
import type { IcmpProfile } from './icmp-profile.js';

/** An outstanding echo as far as matching goes: its target as replies spell it. */
export interface Matchable {
  /** profile.canonicalAddress(dst): RFC 5952 for IPv6. */
  match: string;
}

/** The echo `msg` answers: error null for an echo reply, the errno an ICMP error stands for otherwise. */
export interface EchoMatch<T> {
  seq: number;
  echo: T;
  error: string | null;
}

export function matchEcho<T extends Matchable>(msg: IcmpMessage, src: string, identifier: number,
  outstanding: ReadonlyMap<number, T>, profile: IcmpProfile): EchoMatch<T> | null {
  switch (msg.kind) {
    case 'echo-reply': {
      if (msg.id !== identifier) return null;
      const o = outstanding.get(msg.seq);
      if (o === undefined || o.match !== profile.canonicalAddress(src)) return null;
      return { seq: msg.seq, echo: o, error: null };
    }
    case 'error': {
      const q = msg.original;
      if (q === null || q.id !== identifier) return null;
      const o = outstanding.get(q.seq);
      if (o === undefined || o.match !== profile.canonicalAddress(q.dst)) return null;
      return { seq: q.seq, echo: o, error: profile.errorToErrno(msg.type, msg.code) };
    }
    case 'echo-request':
    case 'other':
      return null;
    default:
      return assertNever(msg);
  }
}

/** The ICMP echo identifier (one per daemon), checked: a uint16 or a RangeError. */
export function echoIdentifier(id: number): number {
  if (!Number.isInteger(id) || id < 0 || id > 0xffff) throw new RangeError(`identifier must be a uint16, got ${id}`);
  return id;
}

/** The first sequence number from `from` on (wrapping at 2^16) not in use; null only if all 65536 are. */
export function freeSeq(from: number, inUse: ReadonlyMap<number, unknown>): number | null {
  for (let tries = 0; tries <= 0xffff; tries++) {
    const seq = (from + tries) & 0xffff;
    if (!inUse.has(seq)) return seq;
  }
  return null;
}
