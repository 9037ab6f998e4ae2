// Which links the kernel's default route carries, per family, from what the reconciler reports as
// installed ("carrying" is installed, not intended): the main route's own link, or, when it points
// at a nexthop group (nhid), the group's members. A change becomes one `carrying` bus event with
// who started and stopped carrying and the new shares (the conntrack flush acts on `stopped`).
import type { AddressFamily, DaemonEvent, SwitchEnd } from '../bus/events.js';
import type { BucketEntry } from '../netlink/types.js';
import { groupId, leadOf, nexthopId, shares, type Carrier, type KernelObject } from '../routes/desired.js';

export interface CarryingDeps {
  publish(e: DaemonEvent): void;
  end(link: string, family: AddressFamily): SwitchEnd;
  wallMs(): number;
}

type Main = Extract<KernelObject, { kind: 'route' }>;
type Group = Extract<KernelObject, { kind: 'group' }>;

export class CarryingTracker {
  private readonly mains = new Map<AddressFamily, Main>();
  private readonly groups = new Map<AddressFamily, Group>();
  private readonly current = new Map<AddressFamily, readonly Carrier[]>();
  /** Buckets per carrying link as last read from the kernel's group (RTM_GETNEXTHOPBUCKET). */
  private readonly buckets = new Map<AddressFamily, Map<string, number>>();
  /** A read of the groups' buckets in flight (one at a time). */
  private bucketRead: Promise<void> | null = null;

  constructor(private readonly deps: CarryingDeps) {}

  /** At start: what the kernel already carries (adopted), so a restart publishes no change. */
  seed(family: AddressFamily, carriers: readonly Carrier[]): void {
    this.current.set(family, carriers);
  }

  of(family: AddressFamily): readonly Carrier[] {
    return this.current.get(family) ?? [];
  }

  lead(family: AddressFamily): string | null {
    return leadOf(this.of(family));
  }

  /**
   * The link's share of the family's new flows: its fraction of the group's buckets as last read
   * (a returning link takes buckets only as they fall idle), else its weight over the carriers'.
   */
  share(family: AddressFamily, link: string): number {
    const b = this.buckets.get(family);
    const total = b ? [...b.values()].reduce((x, y) => x + y, 0) : 0;
    if (b && total > 0) return (b.get(link) ?? 0) / total;
    return shares(this.of(family)).get(link) ?? 0;
  }

  /** Reads each family's group buckets (RTM_GETNEXTHOPBUCKET) and counts them per link; one read at a time. */
  readBuckets(dump: (groupId: number) => Promise<BucketEntry[]>, links: ReadonlyArray<{ name: string }>, protocol: number,
    families: readonly AddressFamily[], done: () => void, failed: (err: unknown) => void): void {
    if (this.bucketRead) return;
    this.bucketRead = (async () => {
      for (const family of families) {
        const ids = new Map(links.map((l, i) => [nexthopId(protocol, i, family), l.name]));
        const counts = new Map<string, number>();
        for (const b of await dump(groupId(protocol, family))) {
          const link = ids.get(b.nexthopId);
          if (link !== undefined) counts.set(link, (counts.get(link) ?? 0) + 1);
        }
        this.setBuckets(family, counts);
      }
      done();
    })().catch(failed).finally(() => { this.bucketRead = null; });
  }

  /** Bucket counts per link of the family's group, read after a change and periodically. */
  setBuckets(family: AddressFamily, counts: Map<string, number>): void {
    // Only the links that carry now: a read that raced a group replace must not resurrect a leaver.
    const carrying = new Set(this.of(family).map((c) => c.link));
    this.buckets.set(family, new Map([...counts].filter(([l]) => carrying.has(l))));
  }

  /** An object the reconciler applied; true when it is a main route or group (the carrying set may have moved). */
  applied(o: KernelObject): boolean {
    if (o.kind === 'group' && o.role === 'group') this.groups.set(o.family, o);
    else if (o.kind === 'route' && o.role === 'main') this.mains.set(o.family, o);
    else return false;
    const next = this.compute(o.family);
    if (next === null) return true;
    const before = this.of(o.family);
    this.current.set(o.family, next);
    // The bucket counts were of the group before this change: shares follow the weights until the next read.
    if (o.kind === 'group') this.buckets.delete(o.family);
    const same = before.length === next.length && before.every((c, i) => c.link === next[i]!.link && c.weight === next[i]!.weight);
    if (!same) {
      const was = new Set(before.map((c) => c.link));
      const now = new Set(next.map((c) => c.link));
      this.deps.publish({ kind: 'carrying', family: o.family,
        started: next.filter((c) => !was.has(c.link)).map((c) => this.deps.end(c.link, o.family)),
        stopped: before.filter((c) => !now.has(c.link)).map((c) => this.deps.end(c.link, o.family)),
        shares: Object.fromEntries(shares(next)), timeMs: this.deps.wallMs() });
    }
    return true;
  }

  /** null: not known yet (the route points at a group whose members were not reported). */
  private compute(family: AddressFamily): readonly Carrier[] | null {
    const main = this.mains.get(family);
    if (!main) return null;
    if (main.spec.nhid === undefined) return main.carriers ?? [{ link: main.link, weight: 1 }];
    const g = this.groups.get(family);
    return g && g.spec.id === main.spec.nhid ? g.carriers : null;
  }
}
