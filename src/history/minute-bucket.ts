// PURE: the downsampling from seconds to minutes. A minute's figures are the means of the
// seconds measured in it (NaN seconds do not count), its state the worst state seen, its share
// the mean share: the minute ring keeps what a graph of 7 days needs, in 1/60 of the points.
import { NUMERIC_FIELDS, stateCode, stateOf, type HistorySample, type NumericField } from './sample.js';

export class MinuteBucket {
  private minute: number | null = null;
  private readonly sums = new Float64Array(NUMERIC_FIELDS.length);
  private readonly counts = new Uint32Array(NUMERIC_FIELDS.length);
  private worst = 0;

  /**
   * Adds a second's sample and answers the mean of its minute so far, which the minute ring
   * stores in that minute's slot (overwritten until the minute ends): reads and saves always
   * see the open minute. A sample of another minute starts a new mean.
   */
  add(timeMs: number, s: HistorySample): { timeMs: number; sample: HistorySample } {
    const minute = Math.floor(timeMs / 60_000);
    if (this.minute !== minute) this.reset(minute);
    NUMERIC_FIELDS.forEach((f, k) => {
      const v = s[f];
      if (v === null || Number.isNaN(v)) return;
      this.sums[k]! += v;
      this.counts[k]! += 1;
    });
    this.worst = Math.max(this.worst, stateCode(s.state));
    return this.peek()!;
  }

  /** The open minute so far (for reads and for a save at stop), or null when empty. */
  peek(): { timeMs: number; sample: HistorySample } | null {
    if (this.minute === null) return null;
    const mean = (f: NumericField): number | null => {
      const k = NUMERIC_FIELDS.indexOf(f);
      return this.counts[k]! > 0 ? this.sums[k]! / this.counts[k]! : null;
    };
    return {
      timeMs: this.minute * 60_000,
      sample: { rttMs: mean('rttMs'), lossPct: mean('lossPct'), jitterMs: mean('jitterMs'), state: stateOf(this.worst),
        share: mean('share') ?? 0, rxMbps: mean('rxMbps'), txMbps: mean('txMbps') },
    };
  }

  private reset(minute: number): void {
    this.minute = minute;
    this.sums.fill(0);
    this.counts.fill(0);
    this.worst = 0;
  }
}
