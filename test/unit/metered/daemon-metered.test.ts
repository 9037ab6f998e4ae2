// The daemon with a metered backup (issue 24), on in-memory netlink, scripted probers and a fake
// clock: standby probing while the primary carries, the normal rate at once when the primary
// fails, the switch only after a fresh round of the metered link, usage across a restart, the cap.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Daemon } from '../../../src/engine/daemon.js';
import type { Config, LinkConfig } from '../../../src/config/types.js';
import type { ProberPort } from '../../../src/engine/ports.js';
import { memoryUsageStore, type UsageStore } from '../../../src/metered/usage-file.js';
import { toLinkPayload } from '../../../src/api/status-payload.js';
import { FakeClock } from '../fake-clock.js';
import { trafficPeriodMs } from '../../../src/config/timing.js';
import { defaultRoute, link, MemoryLog, MemoryNetlink, ScriptedProbers, testConfig } from '../engine/fakes.js';

const STANDBY_MS = 10_000;

function meteredConfig(capBytes: number | null = null): Config {
  const base = testConfig();
  const links: LinkConfig[] = [base.links[0]!, { ...base.links[1]!, metered: { standbyProbeIntervalMs: STANDBY_MS, dataCapBytes: capBytes, capResetDay: 1 } }];
  return { ...base, links };
}

/** Scripted probers that also count full rounds and single-target standby probes per link. */
class CountingProbers extends ScriptedProbers {
  full = new Map<string, number>();
  single = new Map<string, number>();
  counted = (link: LinkConfig): ProberPort => {
    const p = this.factory(link);
    const bump = (m: Map<string, number>): void => { m.set(link.name, (m.get(link.name) ?? 0) + 1); };
    return { ...p, runCycle: (gw) => { bump(this.full); return p.runCycle(gw); },
      runSingle: (_i) => { bump(this.single); return p.runCycle(null); } };
  };
}

async function setup(cfg: Config, store: UsageStore = memoryUsageStore()) {
  const clock = new FakeClock();
  const nl = new MemoryNetlink();
  nl.links = [link(11, 'wan1'), link(12, 'wan2')];
  nl.routes = [defaultRoute(11, '100.64.1.1'), defaultRoute(12, '100.64.2.1', 16, 254, 100)];
  const probers = new CountingProbers();
  const log = new MemoryLog();
  const daemon = new Daemon({ config: cfg, netlink: nl, newProber: probers.counted, clock, log, usageStore: store,
    host: { readStateFile: async () => null, loosenRpFilter: async () => null } });
  await daemon.start();
  return { clock, nl, probers, log, daemon };
}

const lte = (d: Daemon) => d.status().links[1]!;
/** The byte counters are read every max(check_interval, 5 s) (config/timing.ts). */
const SAMPLE_MS = trafficPeriodMs(meteredConfig());

describe('daemon with a metered backup', () => {
  it('standby: one single-target probe per standby_probe_interval while the primary carries', async () => {
    const { clock, probers, daemon } = await setup(meteredConfig());
    await clock.advanceAsync(2000); // the primary is judged up; the metered link goes to standby
    const full0 = probers.full.get('secondary') ?? 0;
    const single0 = probers.single.get('secondary') ?? 0;
    await clock.advanceAsync(60_000);
    assert.equal((probers.full.get('secondary') ?? 0) - full0, 0, 'no full round in standby');
    const singles = (probers.single.get('secondary') ?? 0) - single0;
    assert.ok(singles >= 5 && singles <= 7, `about 6 standby probes in 60 s, got ${singles}`);
    assert.ok((probers.full.get('primary') ?? 0) >= 60, 'the unmetered primary keeps its rate');
    assert.equal(lte(daemon).metered?.probing, 'standby, probed every 10 s');
    assert.equal(lte(daemon).state, 'up', 'health keeps its meaning');
    await daemon.stop();
  });

  it('the primary\'s first failed round puts the metered link back to full rounds at once', async () => {
    const { clock, probers, daemon } = await setup(meteredConfig());
    await clock.advanceAsync(5000);
    const full0 = probers.full.get('secondary') ?? 0;
    probers.healthy.set('primary', false);
    await clock.advanceAsync(1000); // one failed round of the primary
    await clock.advanceAsync(1);
    assert.ok((probers.full.get('secondary') ?? 0) > full0, 'a full round of the metered link right after');
    assert.equal(lte(daemon).metered?.probing, 'normal rate');
    await clock.advanceAsync(3000);
    assert.equal(daemon.status().active, 'secondary');
    await daemon.stop();
  });

  it('carrier loss: the switch waits for the metered link\'s fresh round, then goes', async () => {
    const { clock, nl, daemon } = await setup(meteredConfig());
    await clock.advanceAsync(5000);
    nl.emit({ kind: 'link', op: 'new', link: link(11, 'wan1', false) });
    await daemon.setAuto(true);
    assert.equal(daemon.status().active, 'primary', 'not onto a link known only from standby probes');
    await clock.advanceAsync(1);
    await daemon.setAuto(true);
    assert.equal(daemon.status().active, 'secondary');
    await daemon.stop();
  });

  it('usage: RX + TX counted, kept across a restart and an interface re-creation', async () => {
    const store = memoryUsageStore();
    const a = await setup(meteredConfig(), store);
    a.nl.links[1]!.stats!.rxBytes = 1000; // first sight: the baseline, not counted
    await a.clock.advanceAsync(SAMPLE_MS);
    a.nl.links[1]!.stats!.rxBytes = 3_001_000;
    a.nl.links[1]!.stats!.txBytes = 1_000_000;
    await a.clock.advanceAsync(SAMPLE_MS);
    assert.equal(lte(a.daemon).metered?.usageMb, 4);
    await a.daemon.stop();
    const b = await setup(meteredConfig(), store);
    b.nl.links[1] = link(12, 'wan2');
    b.nl.links[1].stats!.rxBytes = 500_000; // counters restarted (same boot, same ifindex: went backwards)
    await b.clock.advanceAsync(SAMPLE_MS);
    assert.equal(lte(b.daemon).metered?.usageMb, 4.5);
    const payload = toLinkPayload(lte(b.daemon));
    assert.equal(payload.usage_mb, 4.5);
    assert.equal(payload.cap_mb, null);
    assert.equal(typeof payload.period_start, 'string');
    await b.daemon.stop();
  });

  it('at the cap: data_cap events at 75/95/100 %, last resort, carries only while the primary is down', async () => {
    const { clock, nl, probers, daemon } = await setup(meteredConfig(1_000_000));
    const caps: number[] = [];
    daemon.bus.onKind('data-cap', (e) => caps.push(e.pct));
    await clock.advanceAsync(SAMPLE_MS);
    nl.links[1]!.stats!.rxBytes = 800_000;
    await clock.advanceAsync(SAMPLE_MS);
    nl.links[1]!.stats!.rxBytes = 960_000;
    await clock.advanceAsync(SAMPLE_MS);
    assert.deepEqual(caps, [75, 95]);
    assert.equal(lte(daemon).metered?.lastResort, null);
    probers.healthy.set('primary', false);
    await clock.advanceAsync(5000);
    assert.equal(daemon.status().active, 'secondary', 'under the cap it takes over');
    nl.links[1]!.stats!.rxBytes = 1_100_000;
    await clock.advanceAsync(1000);
    assert.deepEqual(caps, [75, 95, 100]);
    assert.match(lte(daemon).metered?.lastResort ?? '', /data cap reached/);
    assert.equal(daemon.status().active, 'secondary', 'the only link up: it carries');
    probers.healthy.set('primary', true);
    await clock.advanceAsync(2000);
    assert.equal(daemon.status().active, 'primary', 'back at once to the link under no cap');
    assert.ok(daemon.status().events.some((e) => e.type === 'data_cap'));
    await daemon.stop();
  });
});

describe('daemon with a metered backup and probe_interval', () => {
  it('continuous probing: no standby (the status says normal rate), the cap still counts', async () => {
    const cfg = { ...meteredConfig(1_000_000), probeIntervalMs: 200 };
    const { clock, daemon } = await setup(cfg);
    await clock.advanceAsync(5000);
    assert.equal(lte(daemon).metered?.probing, 'normal rate');
    assert.equal(lte(daemon).metered?.capMb, 1);
    await daemon.stop();
  });
});
