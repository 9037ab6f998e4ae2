// A set that holds its members weakly and sweeps out the collected ones as it grows. The logger
// remembers its children so setLevel() reaches them, and fastify makes a child logger per request:
// a plain Set of WeakRefs kept one dead ref per request until the next SIGHUP (an unbounded leak
// under API load). Sweeping when the set doubles keeps it at about twice the live members, at an
// amortised constant cost per add. (A FinalizationRegistry would also do, but its callbacks come at
// the engine's leisure; this is deterministic and testable.)
export type RefFactory<T extends object> = (value: T) => { deref(): T | undefined };

const MIN_SWEEP_AT = 256;

export class WeakMemberSet<T extends object> {
  private readonly refs = new Set<{ deref(): T | undefined }>();
  private sweepAt = MIN_SWEEP_AT;

  constructor(private readonly makeRef: RefFactory<T> = (v) => new WeakRef(v)) {}

  add(value: T): void {
    this.refs.add(this.makeRef(value));
    if (this.refs.size >= this.sweepAt) {
      this.sweep();
      this.sweepAt = Math.max(MIN_SWEEP_AT, this.refs.size * 2);
    }
  }

  /** The members still alive (the dead ones are dropped on the way). */
  *live(): IterableIterator<T> {
    for (const ref of this.refs) {
      const v = ref.deref();
      if (v === undefined) this.refs.delete(ref);
      else yield v;
    }
  }

  /** References held, dead or alive. */
  get size(): number {
    return this.refs.size;
  }

  private sweep(): void {
    for (const ref of this.refs) if (ref.deref() === undefined) this.refs.delete(ref);
  }
}
