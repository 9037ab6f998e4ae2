// The reconciler: the one owner of what the daemon has put in the kernel. It diffs the planner's
// kernel objects against what it knows the kernel holds (its own acknowledged changes, corrected by
// notifications and dumps), applies the difference with NLM_F_REPLACE, one change at a time, and
// removes what is no longer wanted: an object it installed that the plan dropped, and every object
// of the daemon's protocol a dump shows that nothing desired claims (whatever an earlier run or an
// earlier config left; "the daemon owns what it tags"). The kinds (route, rule, ...) are rows of
// object-kinds.ts. A refused change is retried with exponential backoff (never a hot loop), logged
// once when a failure streak starts and once when it ends; each applied or failed change is reported.
import type { AddressFamily } from '../bus/events.js';
import type { Clock, TimerHandle } from '../clock.js';
import { describeError, errorCode } from '../errors.js';
import type { NetlinkPort, NetlinkSnapshot, RouteEntry } from '../netlink/types.js';
import type { KernelObject } from './desired.js';
import { kindOf, ownedInDump, removalOrder, type Stray } from './object-kinds.js';
import { MAIN_TABLE } from './plan.js';
import { familyOf } from '../family.js';

export interface ReconcilerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface Backoff { firstMs: number; maxMs: number }

/** rtnetlink changes: 100 ms doubling to 5 s (issue 9: never a hot loop, recover fast). */
export const ROUTE_BACKOFF: Backoff = { firstMs: 100, maxMs: 5_000 };

export interface ReconcilerHooks {
  applied(obj: KernelObject): void;
  failed(obj: KernelObject, error: unknown, attempts: number): void;
}

interface Failure { attempts: number; dueMs: number; error: string }

const specKey = (o: KernelObject): string => JSON.stringify(o.spec);

export class Reconciler {
  private desired = new Map<string, KernelObject>();
  /** key -> the object as the kernel holds it (acknowledged by the kernel, not contradicted since). */
  private readonly installed = new Map<string, KernelObject>();
  private readonly failures = new Map<string, Failure>();
  /** identity -> an object of ours in the kernel that nothing desired claims (removed in the next pass). */
  private readonly strays = new Map<string, Stray>();
  /** The last full dump (with our protocol): at the first plan, objects the kernel holds exactly are adopted. */
  private lastSnapshot: { snap: NetlinkSnapshot; own: number } | null = null;
  /** The first plan has arrived: before it, everything of ours would look unwanted. */
  private planned = false;
  /** Families the config manages: a main route of ours in another family has no successor to wait for. */
  private managed = new Set<AddressFamily>(['ipv4', 'ipv6']);
  private running: Promise<void> | null = null;
  private again = false;
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(private readonly netlink: NetlinkPort, private readonly clock: Clock, private readonly log: ReconcilerLog,
    private readonly hooks: ReconcilerHooks, private readonly backoff: Backoff = ROUTE_BACKOFF) {}

  /** Replaces the desired objects and brings the kernel up to date (asynchronously). */
  setDesired(objects: readonly KernelObject[], managed: readonly AddressFamily[] = ['ipv4', 'ipv6']): void {
    this.managed = new Set(managed);
    const next = new Map(objects.map((o) => [o.key, o]));
    // A change of what is wanted (another link, another gateway) is a new attempt, not a retry.
    for (const key of [...this.failures.keys()]) {
      const before = this.desired.get(key);
      const after = next.get(key);
      if (!key.startsWith('remove:') && (!after || !before || specKey(before) !== specKey(after))) this.failures.delete(key);
    }
    this.desired = next;
    // Only the first plan adopts from a dump: later, a dump may be older than our own last change.
    const first = !this.planned;
    this.planned = true;
    // What the plan dropped goes, unless a desired object takes its place in the kernel (same identity).
    for (const [key, o] of [...this.installed]) {
      if (next.has(key)) continue;
      this.installed.delete(key);
      const stray = kindOf(o).stray(o);
      this.strays.set(stray.identity, stray);
    }
    this.unclaimStrays();
    const last = this.lastSnapshot;
    if (first && last) {
      for (const o of next.values()) {
        const kind = kindOf(o);
        if (kind.adoptWhenEqual && !this.installed.has(o.key) && kind.inDump(last.snap, o, last.own)) {
          this.installed.set(o.key, o);
          this.hooks.applied(o);
        }
      }
    }
    this.kick();
  }

  /** The kernel lost objects (a route deleted by hand, flushed with an address): re-apply them. */
  forget(pred: (o: KernelObject) => boolean): void {
    let any = false;
    for (const [key, o] of this.installed) {
      if (pred(o)) { this.installed.delete(key); any = true; }
    }
    if (any) this.kick();
  }

  /** A fact changed that may make a refused change possible now: retry those at once. */
  retryNow(pred: (o: KernelObject) => boolean): void {
    let any = false;
    for (const [key, f] of this.failures) {
      const o = this.desired.get(key);
      if (o && pred(o)) { f.dueMs = 0; any = true; }
    }
    if (any) this.kick();
  }

  /** A routing notification: our own object deleted by someone else is re-applied. */
  onRouteDeleted(r: RouteEntry, ownProtocol: number): void {
    if (r.protocol !== ownProtocol || r.dst !== null && r.dstLength !== 0) return;
    const fam = familyOf(r.family);
    this.forget((o) => o.kind === 'route' && o.family === fam && o.spec.table === r.table
      && (r.table !== MAIN_TABLE || o.role === 'main'));
  }

  /**
   * A full dump is the truth: forget whatever the kernel does not hold any more, and note every
   * object of our protocol that nothing desired claims (at start: what an earlier run left).
   */
  verify(snap: NetlinkSnapshot, ownProtocol: number): void {
    this.lastSnapshot = { snap, own: ownProtocol };
    this.forget((o) => !kindOf(o).inDump(snap, o, ownProtocol));
    for (const s of ownedInDump(snap, ownProtocol)) this.strays.set(s.identity, s);
    this.unclaimStrays();
    if (this.strays.size > 0) this.kick();
  }

  /** Identities in the kernel that are ours and wanted by nobody (for tests and the log). */
  strayIdentities(): string[] {
    return [...this.strays.keys()];
  }

  private unclaimStrays(): void {
    if (this.strays.size === 0) return;
    for (const o of this.desired.values()) this.strays.delete(kindOf(o).identity(o));
  }

  /** Resolves when no change is being applied (backoff timers may still be pending). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops retrying; the kernel keeps what it has. */
  stop(): void {
    this.stopped = true;
    if (this.timer) this.clock.clearTimer(this.timer);
    this.timer = null;
  }

  /**
   * At stop: removes every object of ours except the main default route (it stays where it is), in
   * removal order (rules first: a rule pointing at an emptied table would send traffic into nothing).
   */
  async removeOwned(): Promise<void> {
    await this.idle();
    const all = new Map<string, Stray>();
    for (const o of [...this.desired.values(), ...this.installed.values()]) {
      if (o.role === 'main') continue;
      // A group or nexthop the main route still points at would take it along (the daemon makes the route plain first).
      if (this.mainUses(o)) continue;
      const s = kindOf(o).stray(o);
      all.set(s.identity, s);
    }
    for (const s of this.strays.values()) if (!keptAtStop(s)) all.set(s.identity, s);
    for (const s of [...all.values()].sort((a, b) => removalOrder(a) - removalOrder(b))) {
      try {
        await s.remove(this.netlink);
      } catch (err) {
        this.log.warn({ object: s.identity, ...s.describe, error: describeError(err) }, 'could not remove a kernel object of ours at stop');
      }
    }
    for (const [key, o] of [...this.installed]) if (o.role !== 'main') this.installed.delete(key);
    for (const [id, s] of [...this.strays]) if (!keptAtStop(s)) this.strays.delete(id);
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // A kick between the loop's last check and this callback must not be lost: run again.
    this.running = this.loop().finally(() => {
      this.running = null;
      if (this.again) this.kick();
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.pass();
    } while (this.again && !this.stopped);
    this.armTimer();
  }

  /**
   * One pass: the desired objects in plan order (per-link tables and rules, then the main routes),
   * then the strays in removal order, so a successor is in before what it replaces goes.
   */
  private async pass(): Promise<void> {
    const now = this.clock.nowMs();
    for (const o of this.desired.values()) {
      if (this.stopped) return;
      const have = this.installed.get(o.key);
      if (have && specKey(have) === specKey(o)) continue;
      const f = this.failures.get(o.key);
      if (f && f.dueMs > now) continue;
      try {
        await kindOf(o).apply(this.netlink, o);
      } catch (err) {
        this.onFailure(o, err);
        continue;
      }
      // The object may have been replaced meanwhile; what we installed is what we record.
      this.installed.set(o.key, o);
      if (f) this.log.info({ link: o.link, object: o.key, attempts: f.attempts + 1 }, 'kernel change applied after retries');
      this.failures.delete(o.key);
      this.hooks.applied(o);
    }
    if (this.planned) await this.removeStrays(now);
  }

  private async removeStrays(now: number): Promise<void> {
    for (const s of [...this.strays.values()].sort((a, b) => removalOrder(a) - removalOrder(b))) {
      if (this.stopped) return;
      if (s.successor !== null && this.managed.has(s.family) && !this.successorInstalled(s.successor)) continue;
      const key = `remove:${s.identity}`;
      const f = this.failures.get(key);
      if (f && f.dueMs > now) continue;
      try {
        await s.remove(this.netlink);
      } catch (err) {
        const attempts = (f?.attempts ?? 0) + 1;
        const delay = this.delayMs(attempts);
        this.failures.set(key, { attempts, dueMs: this.clock.nowMs() + delay, error: describeError(err) });
        if (!f) {
          this.log.warn({ object: s.identity, ...s.describe, errno: errorCode(err), error: describeError(err), retryMs: delay },
            'could not remove a kernel object of ours that the config does not want; retrying with backoff');
        }
        continue;
      }
      this.failures.delete(key);
      this.strays.delete(s.identity);
      this.log.info({ object: s.identity, ...s.describe }, 'removed a kernel object of ours that the config does not want');
    }
  }

  /** The installed main route of the object's family points at it (its group, or a member of its group). */
  private mainUses(o: KernelObject): boolean {
    if (o.kind !== 'group' && o.kind !== 'nexthop') return false;
    const main = [...this.installed.values()].find((m) => m.role === 'main' && m.family === o.family);
    if (!main || main.kind !== 'route' || main.spec.nhid === undefined) return false;
    if (o.kind === 'group') return main.spec.nhid === o.spec.id;
    return [...this.installed.values()].some((g) => g.kind === 'group' && g.spec.id === main.spec.nhid && g.spec.members.some((m) => m.id === o.spec.id));
  }

  private successorInstalled(key: string): boolean {
    const want = this.desired.get(key);
    const have = this.installed.get(key);
    return want !== undefined && have !== undefined && specKey(want) === specKey(have);
  }

  private delayMs(attempts: number): number {
    return Math.min(this.backoff.maxMs, this.backoff.firstMs * 2 ** Math.min(attempts - 1, 16));
  }

  private onFailure(o: KernelObject, err: unknown): void {
    const prev = this.failures.get(o.key);
    const attempts = (prev?.attempts ?? 0) + 1;
    const delay = this.delayMs(attempts);
    const error = describeError(err);
    this.failures.set(o.key, { attempts, dueMs: this.clock.nowMs() + delay, error });
    if (!prev) {
      this.log.warn({ link: o.link, object: o.key, errno: errorCode(err), error, retryMs: delay },
        o.role === 'main' ? 'could not set the default route; retrying with backoff'
          : o.role === 'policy' ? 'could not set a policy rule or its table; retrying with backoff'
          : 'could not set the per-link routing table; retrying with backoff');
    }
    this.hooks.failed(o, err, attempts);
  }

  private armTimer(): void {
    if (this.stopped) return;
    if (this.timer) this.clock.clearTimer(this.timer);
    this.timer = null;
    let next = Infinity;
    for (const [key, f] of this.failures) {
      if (this.desired.has(key) || (key.startsWith('remove:') && this.strays.has(key.slice('remove:'.length)))) next = Math.min(next, f.dueMs);
    }
    if (next === Infinity) return;
    this.timer = this.clock.setTimer(Math.max(0, next - this.clock.nowMs()), () => { this.timer = null; this.kick(); });
  }
}

/** At stop the main default route of ours stays where it is (and an earlier run's, waiting for its successor). */
function keptAtStop(s: Stray): boolean {
  return s.kind === 'route' && s.successor !== null;
}
