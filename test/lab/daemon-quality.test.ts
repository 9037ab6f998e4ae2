// The real daemon with continuous probing (probe_interval) and the quality rule in the namespace
// lab: partial loss (nft numgen, no netem in this kernel) fails over on the window's loss while
// every round still passes; total loss fails over on the round rule; status reports the figures.
// Timings are figures for bench/quality.ts, not assertions here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeIface, notRoot, status, switchedTo, switches, waitFor, withRig } from './support.js';

const QUALITY = { window: 5, loss_down_pct: 30, loss_up_pct: 10, degraded_loss_pct: 10 };

test('40 % random loss on the primary fails over on the quality rule; status says why', { skip: notRoot, timeout: 120_000 }, async () => {
  await withRig('qpl', async (rig) => {
    // failure_threshold is out of reach: only the quality rule can take the link down.
    const d = await rig.start({ probe_interval: 0.2, ping_timeout: 0.4, failure_threshold: 1000, quality: QUALITY });
    assert.equal(await activeIface(rig), 'wan1');
    await waitFor('quality judged', async () => (await status(rig, d)).primary.quality?.state === 'up', 20_000);
    await rig.lab.fail(1, 'upstream', { lossPct: 40 });
    await waitFor('failover on loss', async () => (await activeIface(rig)) === 'wan2', 60_000);
    const st = await status(rig, d);
    assert.equal(st.primary.state, 'down');
    // The verdict's figure is the window at the decision; loss_pct is the window now, which moved on.
    const decided = /^quality: loss ([\d.]+) % >= loss_down_pct 30$/.exec(String(st.primary.state_reason));
    assert.ok(decided !== null, `state_reason: ${st.primary.state_reason}`);
    assert.ok(Number(decided[1]) >= 30, `loss at the decision ${decided[1]}`);
    assert.ok(st.primary.loss_pct > 0, `the window still shows the loss: ${st.primary.loss_pct}`);
    assert.equal(st.primary.quality.window_s, 5);
    assert.equal(st.primary.targets.length, rig.lab.targets.length);
    assert.ok(st.primary.targets.some((t: { loss_pct: number | null }) => (t.loss_pct ?? 0) > 0),
      `a target shows the loss: ${JSON.stringify(st.primary.targets)}`);
    assert.match(String((await switchedTo(d, 'wan2')).reason), /is down/);
  });
});

test('total loss with probe_interval 0.2 fails over on the round rule', { skip: notRoot, timeout: 90_000 }, async () => {
  await withRig('qtl', async (rig) => {
    const d = await rig.start({ probe_interval: 0.2, ping_timeout: 0.4, failure_threshold: 3, quality: QUALITY });
    await rig.lab.fail(1, 'upstream');
    await waitFor('failover', async () => (await activeIface(rig)) === 'wan2', 20_000);
    const st = await status(rig, d);
    assert.equal(st.primary.state, 'down');
    assert.ok(st.primary.consecutive_failures >= 3);
    assert.equal(st.secondary.healthy, true);
  });
});

test('probe_interval without quality: rounds only, a dead target is reported and ignored', { skip: notRoot, timeout: 90_000 }, async () => {
  await withRig('qdt', async (rig) => {
    // min_targets_up = all targets: with one never answering, every round would fail without the dead-target rule.
    const targets = [...rig.lab.targets, '203.0.113.99'];
    const d = await rig.start({ probe_interval: 0.2, ping_timeout: 0.4, ping_targets: targets, min_targets_up: targets.length,
      failure_threshold: 3, quality: { window: 5 } });
    // deadAfterMs(5 s window) = 60 s; before that the link is down (min_targets_up not met).
    await waitFor('dead target logged', async () => d.logs.some((l) => String(l.msg).startsWith('probe target silent')), 80_000, 500);
    await waitFor('link up again', async () => (await status(rig, d)).primary.healthy === true, 10_000);
    const st = await status(rig, d);
    assert.equal(st.primary.targets.find((t: { target: string }) => t.target === '203.0.113.99').state, 'dead');
  });
});
