// PURE: the figures behind a link's state, per link and family: the current streak of probe
// rounds with the same outcome (failing or passing), its echoes and loss, its span in time and
// the last round's targets. A state change quotes them ("3 failed rounds; loss 100 % over 6.0 s").
import type { ProbeSample } from '../bus/events.js';

export interface StreakFigures {
  /** Outcome of the rounds of the streak. */
  healthy: boolean;
  rounds: number;
  echoes: number;
  lost: number;
  lossPct: number;
  /** First to last round of the streak, in seconds. */
  spanS: number;
  /** Mean RTT of the answered echoes of the streak, ms, or null. */
  rttMs: number | null;
  /** The last round: "198.51.100.1 timeout", "198.51.100.2 12.3 ms". */
  targets: string[];
}

interface Streak { healthy: boolean; rounds: number; echoes: number; lost: number; rttSum: number; firstMs: number; lastMs: number; last: ProbeSample[] }

const ms = (v: number): string => (v > 0 && v < 1 ? v.toPrecision(2) : v.toFixed(1));
const describe = (p: ProbeSample): string => (p.ok ? `${p.target} ${p.rttMs === null ? 'ok' : `${ms(p.rttMs)} ms`}` : `${p.target} ${p.error ?? 'failed'}`);

export class RoundStreaks {
  private readonly streaks = new Map<string, Streak>();

  round(key: string, healthy: boolean, samples: ProbeSample[], timeMs: number): void {
    let s = this.streaks.get(key);
    if (s === undefined || s.healthy !== healthy) {
      s = { healthy, rounds: 0, echoes: 0, lost: 0, rttSum: 0, firstMs: timeMs, lastMs: timeMs, last: [] };
      this.streaks.set(key, s);
    }
    s.rounds += 1;
    s.lastMs = timeMs;
    s.last = samples;
    for (const p of samples) {
      s.echoes += 1;
      if (p.ok) s.rttSum += p.rttMs ?? 0;
      else s.lost += 1;
    }
  }

  figures(key: string): StreakFigures | null {
    const s = this.streaks.get(key);
    if (s === undefined) return null;
    const answered = s.echoes - s.lost;
    return {
      healthy: s.healthy, rounds: s.rounds, echoes: s.echoes, lost: s.lost,
      lossPct: s.echoes > 0 ? Math.round((s.lost / s.echoes) * 1000) / 10 : 0,
      spanS: Math.round((s.lastMs - s.firstMs) / 100) / 10,
      rttMs: answered > 0 ? Math.round((s.rttSum / answered) * 1000) / 1000 : null,
      targets: s.last.map(describe),
    };
  }
}

/** "3 failed rounds; loss 100 % over 6.0 s; targets 198.51.100.1 timeout, 198.51.100.2 timeout". */
export function streakText(f: StreakFigures): string {
  const rounds = `${f.rounds} ${f.healthy ? 'passing' : 'failed'} round${f.rounds === 1 ? '' : 's'}`;
  const rtt = f.rttMs !== null ? `; rtt ${ms(f.rttMs)} ms` : '';
  const targets = f.targets.length > 0 ? `; targets ${f.targets.join(', ')}` : '';
  return `${rounds}; loss ${f.lossPct} % over ${f.spanS.toFixed(1)} s${rtt}${targets}`;
}
