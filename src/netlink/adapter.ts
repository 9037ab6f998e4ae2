// The one owner of the npm `netlink` package: a request socket for dumps and route/rule changes,
// and the parser of notifications, which arrive on the addon's monitor socket (event-monitor.ts)
// because netlink@0.3.0's own one aborts the process on ENOBUFS. Decisions live in decode.ts/requests.ts.
// The package's modules by path, not its index: the index also loads the nl80211 (Wi-Fi), generic
// netlink and WireGuard structs, which the daemon never uses and which cost 5 MiB of RSS (issue 20).
import { FlagsGet, Protocol } from 'netlink/dist/constants.js';
import { createNetlink as createNetlinkSocket, type NetlinkSocket } from 'netlink/dist/netlink.js';
import * as rt from 'netlink/dist/rt/structs.js';
import { AttrStream, formatMessage, type NetlinkMessage } from 'netlink/dist/structs.js';
import { systemClock, type Clock } from '../clock.js';
import { loadNlMonitorOpen, type NlMonitorOpen } from '../systemd/native.js';
import { decodeAddress, decodeEvent, decodeLink, decodeRoute, decodeRule } from './decode.js';
import { EventMonitor } from './event-monitor.js';
import { familyNumber } from './ip-format.js';
import { errnoName, errnoOf, netlinkError, wrapSocketError } from './netlink-error.js';
import {
  NLM_F, addRuleRequest, deleteDefaultRouteRequest, deleteRouteRequest, deleteRuleRequest, replaceDefaultRouteRequest,
  type RouteRequest, type RuleRequest,
} from './requests.js';
import type {
  AddressEntry, DefaultRouteKey, DefaultRouteSpec, Family, LinkState, NetlinkEvent, NetlinkPort, NetlinkSnapshot, RouteEntry, RouteKey, RuleEntry, RuleKey, RuleSpec,
} from './types.js';
import { RTM, type WireMessage } from './wire-types.js';
import {
  RTM_NEXTHOP, decodeBucket, decodeNexthop, encodeBucketDump, encodeDeleteNexthop, encodeGroup, encodeNexthop, encodeNexthopDump,
  type BucketEntry, type GroupSpec, type NexthopEntry, type NexthopSpec,
} from './nexthop-codec.js';

export interface NetlinkOptions {
  /** SO_RCVBUF of the notification socket; tiny values force ENOBUFS in tests. The kernel caps it at rmem_max. */
  recvBufferBytes?: number;
  /** Upper bound for one request or dump (default 5000 ms). */
  requestTimeoutMs?: number;
  /** Only used to space out re-opening a notification socket the kernel closed. */
  clock?: Clock;
  /** Sees every raw rtnetlink body received (dumps and notifications): used to capture fixtures. */
  tap?: (source: 'dump' | 'event', type: number, payload: Buffer) => void;
  /** Subscribe to policy-rule notifications too (wanctl monitor); the daemon does not. */
  monitorRules?: boolean;
  /** Opens the notification socket; defaults to the project addon's nlMonitorOpen (a test seam). */
  openMonitor?: NlMonitorOpen;
  /** Opens the request socket; defaults to a NETLINK_ROUTE socket of the `netlink` package (a test seam). */
  openRequestSocket?: () => RequestSocket;
  /**
   * An asynchronous error of the request socket, once per streak (until a request succeeds again):
   * the socket is dropped, requests in flight fail (time out) and the callers' retries go to a fresh one.
   */
  onRequestSocketError?: (err: unknown) => void;
}

/** What the adapter uses of a netlink request socket (netlink's NetlinkSocket; tests hand in a fake). */
export interface RequestSocket {
  request(type: number, data: Uint8Array[], options: { flags: number; checkError: boolean; timeout: number }): Promise<[NetlinkMessage[], unknown]>;
  on(event: 'error', listener: (err: Error) => void): unknown;
  close(): void;
}

/** linux/netlink.h: the ack/error reply to a request. */
const NLMSG_ERROR = 2;
const DEFAULT_RECV_BUFFER_BYTES = 1 << 20;
/** Route and rule dumps, in this order: IPv4 first, as the daemon's consumers always read them. */
const DUMP_FAMILIES: readonly Family[] = ['inet', 'inet6'];

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

/** A notification: nexthop objects through the project's codec, the rest through the library. */
function decodeMonitored(type: number, payload: Buffer): NetlinkEvent | null {
  if (type === RTM_NEXTHOP.NEW || type === RTM_NEXTHOP.DEL) {
    const nexthop = decodeNexthop(payload);
    return nexthop ? { kind: 'nexthop', op: type === RTM_NEXTHOP.NEW ? 'new' : 'del', nexthop } : null;
  }
  return decodeEvent(type, parseRtMessage(type, payload));
}

export function createNetlink(opts: NetlinkOptions = {}): NetlinkPort {
  return new RtnlAdapter(opts);
}

class RtnlAdapter implements NetlinkPort {
  private requestSocket: RequestSocket | null = null;
  /** A request-socket error was reported and no request has succeeded since. */
  private socketErrorReported = false;
  private monitor: EventMonitor | null = null;
  private onEvent: ((e: NetlinkEvent) => void) | null = null;
  /** Tail of the serial request chain (see serial()). */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly clock: Clock;
  private readonly timeoutMs: number;

  constructor(private readonly opts: NetlinkOptions) {
    this.clock = opts.clock ?? systemClock;
    this.timeoutMs = opts.requestTimeoutMs ?? 5000;
  }

  async start(onEvent: (e: NetlinkEvent) => void): Promise<void> {
    if (this.onEvent) return;
    this.onEvent = onEvent;
    try {
      const monitor = new EventMonitor({
        open: this.opts.openMonitor ?? loadNlMonitorOpen(),
        clock: this.clock,
        recvBufferBytes: this.opts.recvBufferBytes ?? DEFAULT_RECV_BUFFER_BYTES,
        rules: this.opts.monitorRules === true,
        decode: (type, payload) => decodeMonitored(type, payload),
        tap: (type, payload) => this.opts.tap?.('event', type, payload),
        emit: (e) => this.emit(e),
      });
      monitor.start();
      this.monitor = monitor;
    } catch (e) {
      this.onEvent = null;
      throw wrapSocketError('start', e);
    }
  }

  async stop(): Promise<void> {
    this.onEvent = null;
    const mon = this.monitor;
    this.monitor = null;
    mon?.stop();
    const req = this.requestSocket;
    this.requestSocket = null;
    if (req) closeQuietly(req);
  }

  dump(): Promise<NetlinkSnapshot> {
    return this.serial(() => this.dumpAll());
  }

  private async dumpAll(): Promise<NetlinkSnapshot> {
    const links = await this.dumpLinks();
    // An address dump with family AF_UNSPEC already returns both families.
    const addresses = (await this.dumpKind('dump addresses', RTM.GETADDR, rt.formatAddressMessage, { kind: 'address', data: {}, attrs: {} }))
      .map((m) => (m.kind === 'address' ? decodeAddress(m) : null)).filter(notNull<AddressEntry>);
    // Routes and rules are dumped per family: AF_UNSPEC would also bring the multicast (ipmr,
    // ip6mr) and MPLS tables, which the daemon never reads.
    const routes: RouteEntry[] = [];
    const rules: RuleEntry[] = [];
    for (const family of DUMP_FAMILIES) {
      routes.push(...(await this.dumpKind(`dump ${family} routes`, RTM.GETROUTE, rt.formatRouteMessage, { kind: 'route', data: { family: familyNumber(family) }, attrs: {} }))
        .map((m) => (m.kind === 'route' ? decodeRoute(m) : null)).filter(notNull<RouteEntry>));
    }
    for (const family of DUMP_FAMILIES) {
      rules.push(...(await this.dumpKind(`dump ${family} rules`, RTM.GETRULE, rt.formatRuleMessage, { kind: 'rule', data: { family: familyNumber(family) }, attrs: {} }))
        .map((m) => (m.kind === 'rule' ? decodeRule(m) : null)).filter(notNull<RuleEntry>));
    }
    return { links, addresses, routes, rules, nexthops: await this.dumpNexthops() };
  }

  /** Nexthop objects through the project's codec (nexthop-codec.ts); a kernel without them answers EOPNOTSUPP/EINVAL: none. */
  private async dumpNexthops(): Promise<NexthopEntry[]> {
    let msgs: NetlinkMessage[];
    try {
      msgs = await this.request('dump nexthops', RTM_NEXTHOP.GET, FlagsGet.DUMP, [encodeNexthopDump()]);
    } catch (e) {
      if (['EOPNOTSUPP', 'EINVAL', 'EAFNOSUPPORT'].includes(errnoOf(e) ?? '')) return [];
      throw e;
    }
    const out: NexthopEntry[] = [];
    for (const m of msgs) {
      this.opts.tap?.('dump', m.type, m.data);
      if (m.type !== RTM_NEXTHOP.NEW) continue;
      const nh = decodeNexthop(m.data);
      if (nh) out.push(nh);
    }
    return out;
  }

  dumpBuckets(groupId: number): Promise<BucketEntry[]> {
    return this.serial(async () => {
      let msgs: NetlinkMessage[];
      try {
        msgs = await this.request('dump nexthop buckets', RTM_NEXTHOP.GET_BUCKET, FlagsGet.DUMP, [encodeBucketDump(groupId)]);
      } catch (e) {
        if (['ENOENT', 'EOPNOTSUPP', 'EINVAL'].includes(errnoOf(e) ?? '')) return [];
        throw e;
      }
      const out: BucketEntry[] = [];
      for (const m of msgs) {
        this.opts.tap?.('dump', m.type, m.data);
        const b = m.type === RTM_NEXTHOP.NEW_BUCKET ? decodeBucket(m.data) : null;
        if (b) out.push(b);
      }
      return out;
    });
  }

  async replaceNexthop(spec: NexthopSpec): Promise<void> {
    const body = build('replaceNexthop', () => encodeNexthop(spec));
    await this.serial(() => this.request('replaceNexthop', RTM_NEXTHOP.NEW, NLM_F.CREATE | NLM_F.REPLACE, [body]));
  }

  async replaceGroup(spec: GroupSpec): Promise<void> {
    const body = build('replaceGroup', () => encodeGroup(spec));
    await this.serial(() => this.request('replaceGroup', RTM_NEXTHOP.NEW, NLM_F.CREATE | NLM_F.REPLACE, [body]));
  }

  async deleteNexthop(id: number): Promise<void> {
    const body = build('deleteNexthop', () => encodeDeleteNexthop(id));
    try {
      await this.serial(() => this.request('deleteNexthop', RTM_NEXTHOP.DEL, 0, [body]));
    } catch (e) {
      if (errnoOf(e) !== 'ENOENT') throw e;
    }
  }

  getLinks(): Promise<LinkState[]> {
    return this.serial(() => this.dumpLinks());
  }

  private async dumpLinks(): Promise<LinkState[]> {
    const msgs = await this.dumpKind('dump links', RTM.GETLINK, rt.formatLinkMessage, { kind: 'link', data: {}, attrs: {} });
    return msgs.map((m) => (m.kind === 'link' ? decodeLink(m) : null)).filter(notNull<LinkState>);
  }

  async replaceDefaultRoute(spec: DefaultRouteSpec): Promise<void> {
    await this.sendRoute('replaceDefaultRoute', build('replaceDefaultRoute', () => replaceDefaultRouteRequest(spec)), []);
  }

  async deleteDefaultRoute(spec: DefaultRouteKey): Promise<void> {
    // A missing route answers ESRCH (fib_table_delete, ip6_route_del); ENOENT when the table itself is absent.
    await this.sendRoute('deleteDefaultRoute', build('deleteDefaultRoute', () => deleteDefaultRouteRequest(spec)), ['ESRCH', 'ENOENT']);
  }

  async deleteRoute(key: RouteKey): Promise<void> {
    await this.sendRoute('deleteRoute', build('deleteRoute', () => deleteRouteRequest(key)), ['ESRCH', 'ENOENT']);
  }

  async addRule(spec: RuleSpec): Promise<void> {
    await this.sendRule('addRule', build('addRule', () => addRuleRequest(spec)), ['EEXIST']);
  }

  async deleteRule(spec: RuleSpec | RuleKey): Promise<void> {
    await this.sendRule('deleteRule', build('deleteRule', () => deleteRuleRequest(spec)), ['ENOENT']);
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
      throw netlinkError(op, 'EINVAL', {}, e);
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
    let sock: RequestSocket;
    try {
      sock = this.openedRequestSocket();
    } catch (e) {
      throw wrapSocketError(op, e);
    }
    const msgs = await requestOn(sock, op, type, flags, body, this.timeoutMs);
    this.socketErrorReported = false;
    return msgs;
  }

  private openedRequestSocket(): RequestSocket {
    if (this.requestSocket) return this.requestSocket;
    const sock = (this.opts.openRequestSocket ?? openRouteRequestSocket)();
    // An 'error' event with no listener is thrown by EventEmitter and would crash the daemon. The
    // socket is dropped instead: what is in flight times out (a failed request like any other, which
    // the reconciler retries with its backoff) and the next request opens a fresh socket.
    sock.on('error', (err) => this.onRequestSocketError(sock, err));
    this.requestSocket = sock;
    return sock;
  }

  private onRequestSocketError(sock: RequestSocket, err: Error): void {
    if (this.requestSocket === sock) {
      this.requestSocket = null;
      closeQuietly(sock);
    }
    if (this.socketErrorReported) return;
    this.socketErrorReported = true;
    this.opts.onRequestSocketError?.(err);
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

/** A request the builders refuse (bad family, gateway, table, IPv6 metric 0) is EINVAL, like the kernel's own refusal. */
function build<T>(op: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    throw netlinkError(op, 'EINVAL', {}, e);
  }
}

function openRouteRequestSocket(): RequestSocket {
  return createNetlinkSocket(Protocol.ROUTE, { recvBufferSize: 0, sendBufferSize: 0 });
}

/**
 * One request and its reply on a request socket (checkError off: the errno is read here, so it
 * keeps its name): the reply messages, [] for a plain ack; NLMSG_ERROR with errno != 0 rejects
 * with a WAN_ERR_NETLINK WanError, a timeout with ETIMEDOUT.
 */
async function requestOn(sock: RequestSocket, op: string, type: number, flags: number, body: Uint8Array[], timeoutMs: number): Promise<NetlinkMessage[]> {
  let msgs: NetlinkMessage[];
  try {
    [msgs] = await sock.request(type, body, { flags, checkError: false, timeout: timeoutMs });
  } catch (e) {
    if (e instanceof Error && /timeout/i.test(e.message)) throw netlinkError(op, 'ETIMEDOUT');
    throw wrapSocketError(op, e);
  }
  const head = msgs[0];
  if (head && head.type === NLMSG_ERROR) {
    const errno = head.data.readInt32LE(0);
    if (errno !== 0) throw netlinkError(op, errnoName(errno), { errnoNumber: Math.abs(errno), syscall: 'sendmsg' });
    return [];
  }
  return msgs;
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

/** One reply message of a request on a plain request socket (body after the nlmsghdr). */
export interface RawReply {
  type: number;
  flags: number;
  data: Buffer;
}

/**
 * A request socket of another netlink protocol (NETLINK_NETFILTER for ctnetlink, src/conntrack/):
 * this file stays the one owner of the npm `netlink` package, the protocol codec lives with its user.
 */
export interface NetlinkRequester {
  /**
   * Sends one message with NLM_F_REQUEST|NLM_F_ACK added. Resolves with the replies (a dump's
   * parts without DONE; [] for a plain ack); an NLMSG_ERROR with errno != 0 rejects with a
   * WAN_ERR_NETLINK WanError whose details.errno names it (ENOENT, EOPNOTSUPP, ...).
   */
  request(op: string, type: number, flags: number, body: Buffer, timeoutMs: number): Promise<RawReply[]>;
  /**
   * Sends the bodies as messages of one type in one datagram: NLM_F_REQUEST on each, NLM_F_ACK on the
   * last only. The kernel handles a datagram's messages in order inside sendmsg (netlink_rcv_skb acks
   * a message on error or when asked), so once the last ack is in, every error of the batch is too.
   * Resolves with the errno name of each failed message by index (empty: all succeeded).
   */
  requestBatch(op: string, type: number, bodies: readonly Buffer[], timeoutMs: number): Promise<Map<number, string>>;
  /** Idempotent. */
  close(): void;
}

/** linux/netlink.h request flags. */
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;

/** Opens the socket now, so a kernel without the protocol fails here (EPROTONOSUPPORT) with a WanError. */
export function createRequester(protocol: number, opts: { recvBufferBytes?: number } = {}): NetlinkRequester {
  let sock: NetlinkSocket | null;
  try {
    sock = createNetlinkSocket(protocol, { recvBufferSize: opts.recvBufferBytes ?? 0, sendBufferSize: 0 });
  } catch (e) {
    throw wrapSocketError('socket', e);
  }
  // An asynchronous socket error (ENOBUFS) must not become an unhandled 'error' event that kills the
  // daemon; requests in flight then time out and the caller treats that as a failed flush.
  sock.on('error', () => undefined);
  return {
    async request(op, type, flags, body, timeoutMs) {
      if (!sock) throw netlinkError(op, 'EBADF');
      const msgs = await requestOn(sock, op, type, flags, [body], timeoutMs);
      return msgs.map((m) => ({ type: m.type, flags: m.flags, data: m.data }));
    },
    requestBatch(op, type, bodies, timeoutMs) {
      const s = sock;
      if (!s) return Promise.reject(netlinkError(op, 'EBADF'));
      if (bodies.length === 0) return Promise.resolve(new Map());
      const port = s.address().port;
      const seqs = bodies.map(() => s.generateSeq());
      const indexOf = new Map(seqs.map((q, i) => [q, i]));
      const lastSeq = seqs[seqs.length - 1]!;
      const frames: Uint8Array[] = [];
      bodies.forEach((body, i) => {
        const flags = NLM_F_REQUEST | (i === bodies.length - 1 ? NLM_F_ACK : 0);
        frames.push(...formatMessage({ type, flags, seq: seqs[i]!, port, data: body }));
        // netlink(7): each message of a datagram starts 4-byte aligned (NLMSG_ALIGN).
        if (body.length % 4 !== 0) frames.push(Buffer.alloc(4 - (body.length % 4)));
      });
      return new Promise<Map<number, string>>((resolve, reject) => {
        const errors = new Map<number, string>();
        let timer: NodeJS.Timeout | undefined;
        const done = (err: Error | null): void => {
          clearTimeout(timer);
          s.off('message', onMessage);
          if (err) reject(err);
          else resolve(errors);
        };
        const onMessage = (msgs: NetlinkMessage[]): void => {
          for (const m of msgs) {
            const i = indexOf.get(m.seq);
            if (i === undefined || m.type !== NLMSG_ERROR) continue;
            const errno = m.data.readInt32LE(0);
            if (errno !== 0) errors.set(i, errnoName(errno));
            if (m.seq === lastSeq) done(null);
          }
        };
        timer = setTimeout(() => done(netlinkError(op, 'ETIMEDOUT')), timeoutMs);
        s.on('message', onMessage);
        s.socket.send(frames, {}, (err) => { if (err) done(wrapSocketError(op, err)); });
      });
    },
    close() {
      const s = sock;
      sock = null;
      if (s) closeQuietly(s);
    },
  };
}
