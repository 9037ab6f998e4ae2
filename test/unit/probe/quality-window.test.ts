// Quality figures and the verdict over scripted samples: loss, mean RTT, jitter (RFC 3550's
// |D|), the time window, dead targets, and the hysteresis of up/degraded/down. Latency and jitter
// faults are covered here because the lab kernel has no netem to make them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { QualityWindow, deadAfterMs, figuresOf, type QualitySample } from '../../../src/probe/quality-window.js';
import { judgeQuality, minSamples, type QualityState, type QualityThresholds } from '../../../src/probe/quality-judge.js';

const A = '203.0.113.10';
const B = '198.51.100.20';

const ok = (target: string, sentMs: number, rttMs: number): QualitySample => ({ target, sentMs, ok: true, rttMs });
const lost = (target: string, sentMs: number): QualitySample => ({ target, sentMs, ok: false, rttMs: null });

const T: QualityThresholds = {
  windowMs: 10_000, lossDownPct: 40, lossUpPct: 10, latencyDownMs: 800, latencyUpMs: 400,
  jitterDownMs: 100, jitterUpMs: 50, degradedLossPct: 10,
};

describe('quality figures', () => {
  it('loss, mean RTT and jitter as the mean absolute difference of consecutive replies', () => {
    const f = figuresOf([[ok(A, 0, 10), ok(A, 1, 30), lost(A, 2), ok(A, 3, 20)]]);
    assert.equal(f.samples, 4);
    assert.equal(f.lossPct, 25);
    assert.equal(f.rttMs, 20);
    // |30-10| and |20-30|: the lost echo between them does not break the pair.
    assert.equal(f.jitterMs, 15);
  });

  it('jitter is per target: pairs never span two targets', () => {
    const f = figuresOf([[ok(A, 0, 10), ok(A, 1, 10)], [ok(B, 0, 100), ok(B, 1, 100)]]);
    assert.equal(f.jitterMs, 0);
    assert.equal(f.rttMs, 55);
  });

  it('no samples: every figure null; no replies: 100 % loss and no RTT', () => {
    assert.deepEqual(figuresOf([[]]), { samples: 0, lossPct: null, rttMs: null, jitterMs: null });
    assert.deepEqual(figuresOf([[lost(A, 0), lost(A, 1)]]), { samples: 2, lossPct: 100, rttMs: null, jitterMs: null });
  });
});

describe('QualityWindow', () => {
  it('keeps only samples sent within the window, per target and for the link', () => {
    const w = new QualityWindow(1000);
    w.add(lost(A, 0));
    w.add(ok(A, 600, 10));
    w.add(ok(B, 700, 30));
    assert.equal(w.link(1000, [A, B]).lossPct, 100 / 3);
    // At 1500 the echo sent at 0 has left the window.
    assert.deepEqual(w.link(1500, [A, B]), { samples: 2, lossPct: 0, rttMs: 20, jitterMs: null });
    const [ta, tb] = w.targets(1500, [A, B]);
    assert.deepEqual([ta!.target, ta!.samples, tb!.rttMs], [A, 1, 30]);
  });

  it('sorts a sample resolved out of order into send order (jitter pairs stay in sequence)', () => {
    const w = new QualityWindow(10_000);
    w.add(ok(A, 200, 20));
    w.add(ok(A, 0, 10));
    w.add(ok(A, 400, 10));
    assert.equal(w.link(500, [A]).jitterMs, 10);
  });

  it('calls a target dead after deadAfterMs of silence while another answers, and leaves it out of the link', () => {
    const w = new QualityWindow(10_000);
    const after = deadAfterMs(10_000);
    assert.equal(after, 60_000);
    for (let t = 0; t <= after; t += 1000) {
      w.add(ok(A, t, 10));
      w.add(lost(B, t));
    }
    assert.deepEqual(w.deadTargets(after - 1), []);
    assert.deepEqual(w.deadTargets(after), [B]);
    assert.equal(w.link(after, [A, B]).lossPct, 0, 'the dead target does not count');
    assert.equal(w.targets(after, [A, B])[1]!.dead, true);
    // It answers again: alive at once.
    w.add(ok(B, after + 1000, 10));
    assert.deepEqual(w.deadTargets(after + 1000), []);
  });

  it('never calls targets dead when the whole link is silent (an outage, not a moved server)', () => {
    const w = new QualityWindow(10_000);
    for (let t = 0; t <= 120_000; t += 1000) {
      w.add(lost(A, t));
      w.add(lost(B, t));
    }
    assert.deepEqual(w.deadTargets(120_000), []);
    assert.equal(w.link(120_000, [A, B]).lossPct, 100);
  });

  it('drops the history of targets no longer configured', () => {
    const w = new QualityWindow(10_000);
    w.add(lost(A, 0));
    w.add(ok(B, 0, 5));
    w.setTargets([B]);
    assert.equal(w.link(100, [A, B]).lossPct, 0);
  });
});

/** Judges a sequence of figures, each from the state the previous left. */
function run(figs: Array<{ lossPct: number; rttMs?: number; jitterMs?: number }>, t = T): Array<[QualityState, string | null]> {
  let state: QualityState = 'unknown';
  return figs.map((f) => {
    const v = judgeQuality(state, { samples: 100, lossPct: f.lossPct, rttMs: f.rttMs ?? 20, jitterMs: f.jitterMs ?? 1 }, t, 10);
    state = v.state;
    return [v.state, v.check];
  });
}

describe('judgeQuality', () => {
  it('loss: down at loss_down_pct, back up only below loss_up_pct, degraded between', () => {
    assert.deepEqual(run([{ lossPct: 0 }, { lossPct: 39 }, { lossPct: 40 }, { lossPct: 20 }, { lossPct: 10 }, { lossPct: 9 }]), [
      ['up', null], ['degraded', 'loss'], ['down', 'loss'], ['down', 'loss'], ['down', 'loss'], ['up', null],
    ]);
  });

  it('degraded has its own hysteresis: left only below 0.75 x degraded_loss_pct', () => {
    assert.deepEqual(run([{ lossPct: 10 }, { lossPct: 8 }, { lossPct: 7.4 }, { lossPct: 9.9 }]).map((x) => x[0]),
      ['degraded', 'degraded', 'up', 'up']);
  });

  it('latency: down at latency_down_ms, back only below latency_up_ms', () => {
    assert.deepEqual(run([{ lossPct: 0, rttMs: 799 }, { lossPct: 0, rttMs: 800 }, { lossPct: 0, rttMs: 500 }, { lossPct: 0, rttMs: 399 }]), [
      ['up', null], ['down', 'latency'], ['down', 'latency'], ['up', null],
    ]);
  });

  it('jitter: down at jitter_down_ms, back only below jitter_up_ms', () => {
    assert.deepEqual(run([{ lossPct: 0, jitterMs: 100 }, { lossPct: 0, jitterMs: 60 }, { lossPct: 0, jitterMs: 49 }]), [
      ['down', 'jitter'], ['down', 'jitter'], ['up', null],
    ]);
  });

  it('a threshold of 0 switches its check off', () => {
    const off = { ...T, latencyDownMs: 0, jitterDownMs: 0, degradedLossPct: 0 };
    assert.deepEqual(run([{ lossPct: 20, rttMs: 5000, jitterMs: 5000 }], off), [['up', null]]);
  });

  it('says which threshold holds the state', () => {
    const v = judgeQuality('up', { samples: 50, lossPct: 45, rttMs: 20, jitterMs: 1 }, T, 10);
    assert.equal(v.reason, 'loss 45 % >= loss_down_pct 40');
  });

  it('judges nothing with too few probes in the window: unknown at first, the old state later', () => {
    const few = { samples: 3, lossPct: 100, rttMs: null, jitterMs: null };
    assert.equal(judgeQuality('unknown', few, T, 10).state, 'unknown');
    assert.equal(judgeQuality('up', few, T, 10).state, 'up');
    assert.equal(minSamples(10_000, 200, 2), 25);
  });
});
