// PURE: a fixed-size ring of history points at one step (1 s or 60 s), in typed arrays so its
// memory is known up front: 4 B of slot time + 6 float32 fields + 1 state byte = 29 B per slot.
// A slot holds the point of step number floor(t / step); it is valid only while its stored step
// number matches, so gaps (no probe round in a second, a daemon that was stopped) need no filling.
import { NUMERIC_FIELDS, stateCode, stateOf, type HistorySample, type NumericField } from './sample.js';

export interface RingPoint extends HistorySample {
  /** Epoch ms of the start of the slot. */
  timeMs: number;
}

const NONE = 0xffffffff;

export class HistoryRing {
  /** Step number (epoch ms / stepMs) per slot; NONE = empty. */
  readonly steps: Uint32Array;
  readonly states: Uint8Array;
  readonly fields: Record<NumericField, Float32Array>;

  constructor(readonly capacity: number, readonly stepMs: number) {
    this.steps = new Uint32Array(capacity).fill(NONE);
    this.states = new Uint8Array(capacity);
    this.fields = Object.fromEntries(NUMERIC_FIELDS.map((f) => [f, new Float32Array(capacity)])) as Record<NumericField, Float32Array>;
  }

  /** Bytes of the typed arrays (the ring's whole payload). */
  byteLength(): number {
    return this.steps.byteLength + this.states.byteLength + NUMERIC_FIELDS.reduce((n, f) => n + this.fields[f].byteLength, 0);
  }

  /** Writes (or overwrites) the point of the slot holding timeMs. */
  put(timeMs: number, s: HistorySample): void {
    const step = Math.floor(timeMs / this.stepMs);
    const i = step % this.capacity;
    this.steps[i] = step;
    this.states[i] = stateCode(s.state);
    for (const f of NUMERIC_FIELDS) this.fields[f][i] = s[f] ?? Number.NaN;
  }

  /** Points from sinceMs (inclusive, by slot) up to nowMs, oldest first; slots older than the ring are gone. */
  read(sinceMs: number, nowMs: number): RingPoint[] {
    const last = Math.floor(nowMs / this.stepMs);
    const first = Math.max(Math.floor(sinceMs / this.stepMs), last - this.capacity + 1, 0);
    const out: RingPoint[] = [];
    for (let step = first; step <= last; step++) {
      const i = step % this.capacity;
      if (this.steps[i] !== step) continue;
      out.push(this.point(i, step));
    }
    return out;
  }

  private point(i: number, step: number): RingPoint {
    const num = (f: NumericField): number | null => {
      const v = this.fields[f][i]!;
      return Number.isNaN(v) ? null : v;
    };
    return {
      timeMs: step * this.stepMs, state: stateOf(this.states[i]!), share: num('share') ?? 0,
      rttMs: num('rttMs'), lossPct: num('lossPct'), jitterMs: num('jitterMs'), rxMbps: num('rxMbps'), txMbps: num('txMbps'),
    };
  }
}
