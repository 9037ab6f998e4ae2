// Rolling window figures: loss and mean RTT over the last N cycles, per target and aggregated.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  emptyWindow,
  figures,
  pushSample,
  resizeWindow,
  sampleOf,
  targetStats,
  type TargetWindow,
} from '../../../src/probe/window.js';

function windowOf(size: number, ...samples: Array<[number, number[]]>): TargetWindow {
  return samples.reduce((w, [sent, rtts]) => pushSample(w, sampleOf(sent, rtts)), emptyWindow(size));
}

describe('window', () => {
  it('has no figures before any cycle', () => {
    assert.deepEqual(targetStats('t', emptyWindow(5)), { target: 't', up: null, rttMs: null, lossPct: null });
  });

  it('computes loss over echoes and RTT over replies', () => {
    const w = windowOf(10, [1, [10]], [1, []], [1, [30]], [1, []]);
    assert.deepEqual(targetStats('t', w), { target: 't', up: false, rttMs: 20, lossPct: 50 });
  });

  it('counts every echo of a multi-echo cycle', () => {
    const w = windowOf(10, [3, [10, 20]], [3, [30]]);
    const s = targetStats('t', w);
    assert.equal(s.up, true);
    assert.equal(s.rttMs, 20);
    assert.equal(s.lossPct, 50);
  });

  it('keeps only the last N cycles', () => {
    const w = windowOf(2, [1, []], [1, []], [1, [4]], [1, [6]]);
    assert.equal(w.samples.length, 2);
    assert.deepEqual(targetStats('t', w), { target: 't', up: true, rttMs: 5, lossPct: 0 });
  });

  it('resizes keeping the newest samples', () => {
    const w = resizeWindow(windowOf(4, [1, []], [1, [2]], [1, [4]]), 2);
    assert.equal(w.size, 2);
    assert.deepEqual(figures([w]), { rttMs: 3, lossPct: 0 });
    assert.equal(emptyWindow(0).size, 1);
  });

  it('aggregates several targets weighing each echo the same', () => {
    const a = windowOf(5, [1, [10]], [1, [10]]);
    const b = windowOf(5, [1, []], [1, [40]]);
    assert.deepEqual(figures([a, b]), { rttMs: 20, lossPct: 25 });
    assert.deepEqual(figures([]), { rttMs: null, lossPct: null });
  });
});
