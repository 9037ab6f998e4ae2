// The one owner of the npm `netlink` package: a request socket for dumps and route/rule
// changes, and a notification socket turned into NetlinkEvents. Decisions live in decode.ts/requests.ts.
import {
  AttrStream, FlagsGet, Protocol, RawNetlinkSocket, createNetlink as createNetlinkSocket, parseMessages, rt,
  type NetlinkMessage, type NetlinkSocket,
} from 'netlink';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { decodeAddress, decodeEvent, decodeLink, decodeRoute, decodeRule } from './decode.js';
import { AF_INET } from './ip-format.js';
import { errnoName, errnoOf, netlinkError, wrapSocketError } from './netlink-error.js';
import {
  addRuleRequest, deleteDefaultRouteRequest, deleteRuleRequest, replaceDefaultRouteRequest,
  type RouteRequest, type RuleRequest,
} from './requests.js';
import type {
  AddressEntry, DefaultRouteSpec, LinkState, NetlinkEvent, NetlinkPort, NetlinkSnapshot, RouteEntry, RuleEntry, RuleSpec,
} from './types.js';
import { RTM, type WireMessage } from './wire-types.js';

export interface NetlinkOptions {
  /** SO_RCVBUF of the notification socket; tiny values force ENOBUFS in tests. The kernel caps it at rmem_max. */
  recvBufferBytes?: number;
  /** Upper bound for one request or dump (default 5000 ms). */
  requestTimeoutMs?: number;
  /** Only used to space out re-opening a notification socket the kernel closed. */
  clock?: Clock;
  /** Sees every raw rtnetlink body received (dumps and notifications): used to capture fixtures. */
  tap?: (source: 'dump' | 'event', type: number, payload: Buffer) => void;
}

/** linux/netlink.h control messages that may reach a notification socket. */
const NLMSG_ERROR = 2;
const NLMSG_OVERRUN = 4;
const NLMSG_MIN_TYPE = 16;
const REOPEN_DELAY_MS = 1000;
const MAX_REOPENS = 10;
/** The library calls this group mask MulticastGroups; IPv4 rules are not an event kind, so not subscribed. */
const GROUPS = [rt.MulticastGroups.LINK, rt.MulticastGroups.IPV4_IFADDR, rt.MulticastGroups.IPV4_ROUTE];

/** Library parse of one rtnetlink body (nlmsg type + payload) into the decoders' input shape. */
export function parseRtMessage(type: number, payload: Buffer): WireMessage {
  const m = rt.parseMessage(type, payload);
  switch (m.kind) {
    case 'link': case 'address': case 'route': case 'rule':
      return m as WireMessage;
    default:
      return { kind: 'other' };
  }
}

export function createNetlink(opts: NetlinkOptions = {}): NetlinkPort {
  return new RtnlAdapter(opts);
}

class RtnlAdapter implements NetlinkPort {
  private requestSocket: NetlinkSocket | null = null;
  private monitor: RawNetlinkSocket | null = null;
  private onEvent: ((e: NetlinkEvent) => void) | null = null;
  /** Tail of the serial request chain (see serial()). */
  private queue: Promise<unknown> = Promise.resolve();
  private reopenTimer: TimerHandle | null = null;
  private reopens = 0;
  private readonly clock: Clock;
  private readonly timeoutMs: number;

  constructor(private readonly opts: NetlinkOptions) {
    this.clock = opts.clock ?? systemClock;
    this.timeoutMs = opts.requestTimeoutMs ?? 5000;
  }

  async start(onEvent: (e: NetlinkEvent) => void): Promise<void> {
    if (this.onEvent) return;
    this.onEvent = onEvent;
    this.reopens = 0;
    try {
      this.openMonitor();
    } catch (e) {
      this.onEvent = null;
      throw wrapSocketError('start', e);
    }
  }

  async stop(): Promise<void> {
    this.onEvent = null;
    if (this.reopenTimer) this.clock.clearTimer(this.reopenTimer);
    this.reopenTimer = null;
    const mon = this.monitor;
    this.monitor = null;
    if (mon) closeQuietly(mon);
    const req = this.requestSocket;
    this.requestSocket = null;
    if (req) closeQuietly(req);
  }

  dump(): Promise<NetlinkSnapshot> {
    return this.serial(() => this.dumpAll());
  }

  private async dumpAll(): Promise<NetlinkSnapshot> {
    const links = await this.dumpLinks();
    const addresses = (await this.dumpKind('dump addresses', RTM.GETADDR, rt.formatAddressMessage, { kind: 'address', data: {}, attrs: {} }))
      .map((m) => (m.kind === 'address' ? decodeAddress(m) : null)).filter(notNull<AddressEntry>);
    const routes = (await this.dumpKind('dump routes', RTM.GETROUTE, rt.formatRouteMessage, { kind: 'route', data: { family: AF_INET }, attrs: {} }))
      .map((m) => (m.kind === 'route' ? decodeRoute(m) : null)).filter(notNull<RouteEntry>);
    const rules = (await this.dumpKind('dump rules', RTM.GETRULE, rt.formatRuleMessage, { kind: 'rule', data: { family: AF_INET }, attrs: {} }))
      .map((m) => (m.kind === 'rule' ? decodeRule(m) : null)).filter(notNull<RuleEntry>);
    return { links, addresses, routes, rules };
  }

  getLinks(): Promise<LinkState[]> {
    return this.serial(() => this.dumpLinks());
  }

  private async dumpLinks(): Promise<LinkState[]> {
    const msgs = await this.dumpKind('dump links', RTM.GETLINK, rt.formatLinkMessage, { kind: 'link', data: {}, attrs: {} });
    return msgs.map((m) => (m.kind === 'link' ? decodeLink(m) : null)).filter(notNull<LinkState>);
  }

  async replaceDefaultRoute(spec: DefaultRouteSpec): Promise<void> {
    await this.sendRoute('replaceDefaultRoute', replaceDefaultRouteRequest(spec), []);
  }

  async deleteDefaultRoute(spec: { table: number; metric: number; protocol?: number }): Promise<void> {
    // A missing route answers ESRCH from fib_table_delete; ENOENT when the table itself is absent.
    await this.sendRoute('deleteDefaultRoute', deleteDefaultRouteRequest(spec), ['ESRCH', 'ENOENT']);
  }

  async addRule(spec: RuleSpec): Promise<void> {
    await this.sendRule('addRule', addRuleRequest(spec), ['EEXIST']);
  }

  async deleteRule(spec: RuleSpec): Promise<void> {
    await this.sendRule('deleteRule', deleteRuleRequest(spec), ['ENOENT']);
  }

  private sendRoute(op: string, req: RouteRequest, tolerated: string[]): Promise<unknown> {
    return this.change(op, req.type, req.flags, tolerated, (out) => rt.formatRouteMessage({ kind: 'route', data: req.data, attrs: req.attrs }, out));
  }

  private sendRule(op: string, req: RuleRequest, tolerated: string[]): Promise<unknown> {
    return this.change(op, req.type, req.flags, tolerated, (out) => rt.formatRuleMessage({ kind: 'rule', data: req.data, attrs: req.attrs }, out));
  }

  private async change(op: string, type: number, flags: number, tolerated: string[], format: (out: AttrStream) => void): Promise<void> {
    const out = new AttrStream();
    try {
      format(out);
    } catch (e) {
      throw netlinkError(op, 'EINVAL', { cause: e instanceof Error ? e.message : String(e) });
    }
    try {
      await this.serial(() => this.request(op, type, flags, out.bufs));
    } catch (e) {
      if (tolerated.includes(errnoOf(e) ?? '')) return;
      throw e;
    }
  }

  private async dumpKind<T>(op: string, type: number, format: (x: T, out: AttrStream) => void, body: T): Promise<WireMessage[]> {
    const out = new AttrStream();
    format(body, out);
    const msgs = await this.request(op, type, FlagsGet.DUMP, out.bufs);
    const parsed: WireMessage[] = [];
    for (const m of msgs) {
      this.opts.tap?.('dump', m.type, m.data);
      try {
        parsed.push(parseRtMessage(m.type, m.data));
      } catch {
        // One unparsable entry (an attribute the library cannot read) must not hide the rest.
      }
    }
    return parsed;
  }

  /** Netlink allows one dump at a time per socket (EBUSY otherwise), and a snapshot should not interleave with changes. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** One request on the request socket; NLMSG_ERROR with errno != 0 becomes a WanError. */
  private async request(op: string, type: number, flags: number, body: Uint8Array[]): Promise<NetlinkMessage[]> {
    let msgs: NetlinkMessage[];
    try {
      const sock = this.requestSocket ?? (this.requestSocket = createNetlinkSocket(Protocol.ROUTE, { recvBufferSize: 0, sendBufferSize: 0 }));
      [msgs] = await sock.request(type, body, { flags, checkError: false, timeout: this.timeoutMs });
    } catch (e) {
      if (e instanceof Error && /timeout/i.test(e.message)) throw netlinkError(op, 'ETIMEDOUT');
      throw wrapSocketError(op, e);
    }
    const first = msgs[0];
    if (first && first.type === NLMSG_ERROR) {
      const errno = first.data.readInt32LE(0);
      if (errno !== 0) throw netlinkError(op, errnoName(errno), { errnoNumber: Math.abs(errno), syscall: 'sendmsg' });
      return [];
    }
    return msgs;
  }

  private openMonitor(): void {
    const sock = new RawNetlinkSocket(Protocol.ROUTE, { recvBufferSize: this.opts.recvBufferBytes ?? 1 << 20, sendBufferSize: 0 });
    try {
      for (const g of GROUPS) sock.addMembership(g);
    } catch (e) {
      closeQuietly(sock);
      throw e;
    }
    sock.on('message', (buf) => this.onNotification(buf));
    sock.on('truncatedMessage', () => this.resync('truncated notification'));
    // ENOBUFS: the kernel dropped notifications for us, the socket itself stays usable.
    sock.on('error', (err) => this.resync(err.code ?? 'socket error'));
    sock.on('close', () => {
      if (this.monitor !== sock) return;
      this.monitor = null;
      this.resync('notification socket closed');
      this.scheduleReopen();
    });
    this.monitor = sock;
  }

  private scheduleReopen(): void {
    if (!this.onEvent || this.reopenTimer || this.reopens >= MAX_REOPENS) return;
    this.reopens++;
    this.reopenTimer = this.clock.setTimer(REOPEN_DELAY_MS, () => {
      this.reopenTimer = null;
      if (!this.onEvent || this.monitor) return;
      try {
        this.openMonitor();
        this.resync('notification socket reopened');
      } catch (e) {
        this.resync(`reopen failed: ${errnoOf(e) ?? 'unknown'}`);
        this.scheduleReopen();
      }
    });
  }

  private onNotification(buf: Buffer): void {
    let msgs: NetlinkMessage[];
    try {
      msgs = parseMessages(buf);
    } catch {
      return this.resync('unparsable notification');
    }
    for (const m of msgs) {
      if (m.type === NLMSG_OVERRUN) { this.resync('overrun'); continue; }
      if (m.type < NLMSG_MIN_TYPE) continue;
      this.opts.tap?.('event', m.type, m.data);
      let event: NetlinkEvent | null;
      try {
        event = decodeEvent(m.type, parseRtMessage(m.type, m.data));
      } catch {
        this.resync(`unparsable notification type ${m.type}`);
        continue;
      }
      if (event) this.emit(event);
    }
  }

  private resync(reason: string): void {
    this.emit({ kind: 'resync', reason });
  }

  private emit(e: NetlinkEvent): void {
    const cb = this.onEvent;
    if (!cb) return;
    try {
      cb(e);
    } catch {
      // A throwing consumer must not kill the socket's receive loop; the consumer logs its own errors.
    }
  }
}

function closeQuietly(s: { close(): void }): void {
  try {
    s.close();
  } catch {
    // Already closed: stop() is idempotent.
  }
}

function notNull<T>(x: T | null): x is T {
  return x !== null;
}
