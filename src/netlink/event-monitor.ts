// The notification half of the rtnetlink adapter: the addon's monitor socket, datagram framing,
// coalesced resyncs and re-opening a socket that died. Decoding is injected: adapter.ts owns `netlink`.
import type { Clock, TimerHandle } from '../clock.js';
import type { NlMonitorHandle, NlMonitorOpen } from '../systemd/native.js';
import { createResyncCoalescer, type ResyncCoalescer } from './resync-coalescer.js';
import { splitDatagram } from './split-datagram.js';
import type { NetlinkEvent } from './types.js';

/**
 * linux/rtnetlink.h legacy RTMGRP_* bits (bit n-1 for RTNLGRP_n, so groups up to 32 fit in
 * nl_groups): links, and addresses and routes of both families. The daemon does not follow
 * rules (it re-reads them in its checks), so only `wanctl monitor` adds RULE_GROUPS.
 */
export const RTMGRP_LINK = 0x1;
export const RTMGRP_IPV4_IFADDR = 0x10;
export const RTMGRP_IPV4_ROUTE = 0x40;
/** RTNLGRP_IPV6_IFADDR = 9. */
export const RTMGRP_IPV6_IFADDR = 0x100;
/** RTNLGRP_IPV6_ROUTE = 11. */
export const RTMGRP_IPV6_ROUTE = 0x400;
export const MONITOR_GROUPS = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE;
/** RTNLGRP_IPV4_RULE = 8. */
export const RTMGRP_IPV4_RULE = 0x80;
/** RTNLGRP_IPV6_RULE = 19 (no legacy RTMGRP_ name; bit 18 all the same). */
export const RTMGRP_IPV6_RULE = 0x40000;
/** RTNLGRP_NEXTHOP (32): bit 31, as an unsigned mask (the addon reads a uint32); `wanctl monitor` only, with the rules. */
const RTMGRP_NEXTHOP = 2 ** 31;
export const RULE_GROUPS = RTMGRP_IPV4_RULE | RTMGRP_IPV6_RULE;

/** linux/netlink.h control messages that may reach a notification socket. */
const NLMSG_OVERRUN = 4;
const NLMSG_MIN_TYPE = 16;
/** Losses within this window become one resync (one dump for the consumer). */
export const RESYNC_WINDOW_MS = 200;
const REOPEN_DELAY_MS = 1000;
export const MAX_REOPENS = 10;

export interface EventMonitorDeps {
  open: NlMonitorOpen;
  clock: Clock;
  recvBufferBytes: number;
  /** Also policy-rule notifications of both families (default false). */
  rules?: boolean;
  /** One rtnetlink body -> event, null when not followed; throws when unparsable. */
  decode: (type: number, payload: Buffer) => NetlinkEvent | null;
  tap?: (type: number, payload: Buffer) => void;
  emit: (e: NetlinkEvent) => void;
}

export class EventMonitor {
  private handle: NlMonitorHandle | null = null;
  private running = false;
  private reopenTimer: TimerHandle | null = null;
  private reopens = 0;
  private readonly coalescer: ResyncCoalescer;

  constructor(private readonly deps: EventMonitorDeps) {
    this.coalescer = createResyncCoalescer(deps.clock, RESYNC_WINDOW_MS, (reason) => this.deps.emit({ kind: 'resync', reason }));
  }

  /** Opens the socket; throws (with the addon's errno `code`) when that fails. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.reopens = 0;
    try {
      this.open();
    } catch (e) {
      this.running = false;
      throw e;
    }
  }

  /** Idempotent. */
  stop(): void {
    this.running = false;
    if (this.reopenTimer) this.deps.clock.clearTimer(this.reopenTimer);
    this.reopenTimer = null;
    this.coalescer.cancel();
    const h = this.handle;
    this.handle = null;
    h?.close();
  }

  private open(): void {
    this.handle = this.deps.open(((MONITOR_GROUPS | (this.deps.rules === true ? RULE_GROUPS : 0)) >>> 0) + (this.deps.rules === true ? RTMGRP_NEXTHOP : 0), this.deps.recvBufferBytes,
      (datagram) => this.onDatagram(datagram), (code) => this.onError(code));
  }

  private onError(code: string): void {
    if (!this.running) return;
    // Everything but ECLOSED leaves the socket usable (ENOBUFS: the kernel dropped notifications).
    this.coalescer.note(code);
    if (code !== 'ECLOSED') return;
    this.handle = null;
    this.scheduleReopen();
  }

  // Attempts count per outage: a successful reopen resets the count, so a socket that dies again
  // much later gets its full MAX_REOPENS again. Giving up is said once, in the resync reason
  // that the consumer logs (engine/kernel-events.ts); the daemon then only sees dumps.
  private scheduleReopen(): void {
    if (!this.running || this.reopenTimer || this.reopens >= MAX_REOPENS) return;
    this.reopens++;
    this.reopenTimer = this.deps.clock.setTimer(REOPEN_DELAY_MS, () => {
      this.reopenTimer = null;
      if (!this.running || this.handle) return;
      try {
        this.open();
        this.reopens = 0;
        this.coalescer.note('notification socket reopened');
      } catch (e) {
        const failed = `reopen failed: ${codeOf(e)}`;
        if (this.reopens >= MAX_REOPENS) {
          this.coalescer.note(`${failed}; gave up reopening the notification socket after ${MAX_REOPENS} attempts: kernel changes are no longer followed`);
          return;
        }
        this.coalescer.note(failed);
        this.scheduleReopen();
      }
    });
  }

  private onDatagram(datagram: Buffer): void {
    if (!this.running) return;
    const { messages, malformed } = splitDatagram(datagram);
    for (const m of messages) {
      if (m.type === NLMSG_OVERRUN) {
        this.coalescer.note('overrun');
        continue;
      }
      if (m.type < NLMSG_MIN_TYPE) continue;
      this.deps.tap?.(m.type, m.payload);
      let event: NetlinkEvent | null;
      try {
        event = this.deps.decode(m.type, m.payload);
      } catch {
        this.coalescer.note(`unparsable notification type ${m.type}`);
        continue;
      }
      if (event) this.deps.emit(event);
    }
    if (malformed) this.coalescer.note('unparsable notification');
  }
}

function codeOf(e: unknown): string {
  const code = e !== null && typeof e === 'object' && 'code' in e ? (e as { code: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'unknown';
}
