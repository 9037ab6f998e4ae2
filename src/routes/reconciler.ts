// The reconciler: the one owner of what the daemon has put in the kernel. It diffs the planner's
// kernel objects against what it knows the kernel holds (its own acknowledged changes, corrected by
// notifications and dumps), applies the difference with NLM_F_REPLACE, one change at a time, and
// retries a refused change with exponential backoff (never a hot loop), logging once when a
// failure streak starts and once when it ends. It reports each applied or failed change back.
import type { Clock, TimerHandle } from '../clock.js';
import { describeError, errorCode } from '../errors.js';
import type { NetlinkPort, NetlinkSnapshot, RouteEntry, RuleEntry } from '../netlink/types.js';
import type { KernelObject } from './desired.js';
import { MAIN_TABLE } from './plan.js';

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
  private running: Promise<void> | null = null;
  private again = false;
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(private readonly netlink: NetlinkPort, private readonly clock: Clock, private readonly log: ReconcilerLog,
    private readonly hooks: ReconcilerHooks, private readonly backoff: Backoff = ROUTE_BACKOFF) {}

  /** Replaces the desired objects and brings the kernel up to date (asynchronously). */
  setDesired(objects: readonly KernelObject[]): void {
    const next = new Map(objects.map((o) => [o.key, o]));
    // A change of what is wanted (another link, another gateway) is a new attempt, not a retry.
    for (const key of [...this.failures.keys()]) {
      const before = this.desired.get(key);
      const after = next.get(key);
      if (!after || !before || specKey(before) !== specKey(after)) this.failures.delete(key);
    }
    this.desired = next;
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
    const fam = r.family === 'inet6' ? 'ipv6' : 'ipv4';
    this.forget((o) => o.kind === 'route' && o.family === fam && o.spec.table === r.table
      && (r.table !== MAIN_TABLE || o.role === 'main'));
  }

  /** A full dump is the truth: forget whatever the kernel does not hold any more. */
  verify(snap: NetlinkSnapshot, ownProtocol: number): void {
    this.forget((o) => (o.kind === 'route' ? !hasRoute(snap.routes, o, ownProtocol) : !hasRule(snap.rules, o)));
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

  /** At stop: removes the per-link tables and rules (the default route stays where it is). */
  async removeOwned(): Promise<void> {
    await this.idle();
    const own = [...this.desired.values(), ...this.installed.values()].filter((o) => o.role !== 'main');
    const seen = new Set<string>();
    // Rules first: a rule pointing at an emptied table would send traffic into nothing meanwhile.
    for (const o of [...own.filter((x) => x.kind === 'rule'), ...own.filter((x) => x.kind === 'route')]) {
      if (seen.has(o.key)) continue;
      seen.add(o.key);
      try {
        if (o.kind === 'rule') await this.netlink.deleteRule(o.spec);
        else await this.netlink.deleteDefaultRoute({ table: o.spec.table, metric: 0, protocol: o.spec.protocol, ...(o.spec.family ? { family: o.spec.family } : {}) });
      } catch (err) {
        this.log.warn({ link: o.link, object: o.key, error: describeError(err) }, 'could not remove the per-link routing table');
      }
      this.installed.delete(o.key);
    }
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => { this.running = null; });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.pass();
    } while (this.again && !this.stopped);
    this.armTimer();
  }

  /** One pass over the desired objects, in order: per-link tables and rules, then the main routes. */
  private async pass(): Promise<void> {
    const now = this.clock.nowMs();
    for (const o of this.desired.values()) {
      if (this.stopped) return;
      const have = this.installed.get(o.key);
      if (have && specKey(have) === specKey(o)) continue;
      const f = this.failures.get(o.key);
      if (f && f.dueMs > now) continue;
      try {
        if (o.kind === 'rule') await this.netlink.addRule(o.spec);
        else await this.netlink.replaceDefaultRoute(o.spec);
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
  }

  private onFailure(o: KernelObject, err: unknown): void {
    const prev = this.failures.get(o.key);
    const attempts = (prev?.attempts ?? 0) + 1;
    const delay = Math.min(this.backoff.maxMs, this.backoff.firstMs * 2 ** Math.min(attempts - 1, 16));
    const error = describeError(err);
    this.failures.set(o.key, { attempts, dueMs: this.clock.nowMs() + delay, error });
    if (!prev) {
      this.log.warn({ link: o.link, object: o.key, errno: errorCode(err), error, retryMs: delay },
        o.role === 'main' ? 'could not set the default route; retrying with backoff' : 'could not set the per-link routing table; retrying with backoff');
    }
    this.hooks.failed(o, err, attempts);
  }

  private armTimer(): void {
    if (this.stopped) return;
    if (this.timer) this.clock.clearTimer(this.timer);
    this.timer = null;
    let next = Infinity;
    for (const [key, f] of this.failures) if (this.desired.has(key)) next = Math.min(next, f.dueMs);
    if (next === Infinity) return;
    this.timer = this.clock.setTimer(Math.max(0, next - this.clock.nowMs()), () => { this.timer = null; this.kick(); });
  }
}

function hasRoute(routes: readonly RouteEntry[], o: Extract<KernelObject, { kind: 'route' }>, own: number): boolean {
  const fam = o.family === 'ipv6' ? 'inet6' : 'inet';
  return routes.some((r) => r.family === fam && r.table === o.spec.table && r.dst === null && r.protocol === own
    && r.oif === o.spec.oif && r.gateway === o.spec.gateway && (r.priority ?? 0) === o.spec.metric);
}

function hasRule(rules: readonly RuleEntry[], o: Extract<KernelObject, { kind: 'rule' }>): boolean {
  const fam = o.family === 'ipv6' ? 'inet6' : 'inet';
  return rules.some((r) => r.family === fam && r.table === o.spec.table && r.oifname === o.spec.oifname && r.priority === o.spec.priority);
}
