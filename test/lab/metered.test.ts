// The real daemon with a metered backup in the namespace lab (issue 24): its standby probes put a
// fraction of an unmetered link's bytes on the ISP (counted there with nft), the failover onto it
// works and puts it back to the normal rate, and its usage survives a restart (state_dir) and a
// re-created interface, within 1 % of what its ISP counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trafficPeriodMs } from '../../src/config/timing.js';
import { deleteWan, recreateWan } from '../../lab/iface-churn.js';
import { startIspByteCounter, type ByteCount } from '../../lab/isp-byte-counter.js';
import { activeIface, notRoot, sleep, status, waitFor, withRig, type Rig } from './support.js';

const STANDBY_S = 4;
/** The daemon reads the byte counters every max(check_interval, 5 s) (config/timing.ts): one period and a margin. */
const COUNTERS_SETTLE_MS = trafficPeriodMs({ checkIntervalMs: 1000 }) + 1500;
const VOLUME = fileURLToPath(new URL('../../lab/udp-volume.js', import.meta.url));

/**
 * MB both ways between two ISP readings, as the daemon counts them: the ISP counts IP bytes, the
 * kernel counters the daemon reads count Ethernet frames, 14 bytes more per packet (veth has no FCS).
 */
function frameMbBetween(a: ByteCount, b: ByteCount): number {
  const packets = b.fromRouterPackets + b.toRouterPackets - a.fromRouterPackets - a.toRouterPackets;
  return (b.fromRouterBytes + b.toRouterBytes - a.fromRouterBytes - a.toRouterBytes + 14 * packets) / 1e6;
}

function meteredLinks(rig: Rig, metered: Record<string, unknown>): unknown[] {
  return rig.lab.links.map((l, i) => ({ name: l.iface, interface: l.iface, display_name: `ISP ${l.index}`, ...(i === 1 ? { metered } : {}) }));
}

test('a metered standby: few probe bytes, failover onto it, usage kept across a restart', { skip: notRoot, timeout: 150_000 }, async () => {
  const stateDir = await mkdtemp(join(tmpdir(), 'wf-metered-'));
  try {
    await withRig('met', async (rig) => {
      const cfg = { links: meteredLinks(rig, { standby_probe_interval: STANDBY_S, data_cap_mb: 1000 }), state_dir: stateDir };
      const d = await rig.start(cfg);
      await waitFor('metered link in standby', async () => (await status(rig, d)).links[1].probing === `standby, probed every ${STANDBY_S} s`);
      // The period starts at the first reading of its counters (housekeeping, every max(check_interval, 5 s)).
      await waitFor('the first usage reading', async () => typeof (await status(rig, d)).links[1].period_start === 'string');
      const st0 = await status(rig, d);
      assert.equal(st0.links[1].cap_mb, 1000);
      assert.equal(typeof st0.links[1].period_start, 'string');
      assert.equal('usage_mb' in st0.links[0], false, 'the unmetered link has no usage fields');

      // The same window on both ISPs: the unmetered primary vs the metered standby.
      const isp1 = await startIspByteCounter(rig.lab, 1);
      const isp2 = await startIspByteCounter(rig.lab, 2);
      await sleep(4 * STANDBY_S * 1000);
      const [a, b] = [await isp1.read(), await isp2.read()];
      const primaryBytes = a.fromRouterBytes + a.toRouterBytes;
      const meteredBytes = b.fromRouterBytes + b.toRouterBytes;
      assert.ok(b.fromRouterPackets > 0, 'the standby link is still probed');
      assert.ok(meteredBytes * 5 < primaryBytes, `standby probes: ${meteredBytes} B vs ${primaryBytes} B on the unmetered link`);
      assert.equal((await status(rig, d)).links[1].state, 'up', 'health keeps its meaning in standby');

      await rig.lab.fail(1, 'upstream');
      await waitFor('default route on the metered link', async () => (await activeIface(rig)) === rig.lab.links[1]!.iface);
      await waitFor('normal rate while it carries', async () => (await status(rig, d)).links[1].probing === 'normal rate');
      // Traffic through the metered link, counted in its ISP (frameMbBetween).
      await sleep(COUNTERS_SETTLE_MS);
      const u0 = (await status(rig, d)).links[1].usage_mb as number;
      const c0 = await isp2.read();
      await rig.lab.exec(rig.lab.routerNs, process.execPath, [VOLUME, rig.lab.targets[0]!, '9', '3500', '1472']);
      await sleep(COUNTERS_SETTLE_MS);
      const u1 = (await status(rig, d)).links[1].usage_mb as number;
      const c1 = await isp2.read();
      const ispMb = frameMbBetween(c0, c1);
      assert.ok(ispMb > 5, `the burst went through the metered link (${ispMb} MB in its ISP)`);
      assert.ok(Math.abs((u1 - u0) - ispMb) <= ispMb * 0.01 + 0.02, `usage ${u1 - u0} MB vs ${ispMb} MB counted in the ISP`);
      const before = u1;
      assert.equal(await d.stop('SIGTERM', 15_000), 0);
      const saved = JSON.parse(await readFile(join(stateDir, 'metered-usage.json'), 'utf8')) as { links: Record<string, { bytes: number }> };
      const savedBytes = saved.links[rig.lab.links[1]!.iface]!.bytes;
      assert.ok(Math.abs(savedBytes / 1e6 - before) <= 0.01 + before * 0.05, `saved at stop (${savedBytes} B, status said ${before} MB)`);

      const d2 = await rig.start(cfg);
      const after = (await status(rig, d2)).links[1].usage_mb as number;
      assert.ok(after >= savedBytes / 1e6 - 0.01, `usage kept across the restart (${after} MB after, ${savedBytes} B saved)`);

      // The interface re-created (new ifindex, counters from 0): the usage goes on from where it was.
      await waitFor('the restarted daemon on the metered link', async () => (await activeIface(rig)) === rig.lab.links[1]!.iface);
      await sleep(COUNTERS_SETTLE_MS);
      const u2 = (await status(rig, d2)).links[1].usage_mb as number;
      const c2 = await isp2.read();
      await deleteWan(rig.lab, 2);
      await recreateWan(rig.lab, 2);
      await waitFor('default route back on the re-created link', async () => (await activeIface(rig)) === rig.lab.links[1]!.iface);
      await rig.lab.exec(rig.lab.routerNs, process.execPath, [VOLUME, rig.lab.targets[0]!, '9', '3500', '1472']);
      await sleep(COUNTERS_SETTLE_MS);
      const u3 = (await status(rig, d2)).links[1].usage_mb as number;
      const c3 = await isp2.read();
      const isp3 = frameMbBetween(c2, c3);
      assert.ok(isp3 > 5, `the burst went through the re-created link (${isp3} MB)`);
      assert.ok(Math.abs((u3 - u2) - isp3) <= isp3 * 0.01 + 0.02, `usage across re-creation ${u3 - u2} MB vs ${isp3} MB in the ISP`);
      await isp1.remove();
      await isp2.remove();
    });
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
});

test('at the cap: last resort, 0 LAN packets on it while the other link is up, traffic when that one is down', { skip: notRoot, timeout: 120_000 }, async () => {
  await withRig('cap', async (rig) => {
    // A cap of 2 kB: the probes alone reach it within seconds.
    const d = await rig.start({ links: meteredLinks(rig, { standby_probe_interval: 1, data_cap_mb: 0.002 }) });
    await waitFor('cap reached', async () => typeof (await status(rig, d)).links[1].last_resort === 'string');
    const st = await status(rig, d);
    assert.match(st.links[1].last_resort, /data cap reached/);
    assert.ok(st.recent_events.some((e: { type: string }) => e.type === 'data_cap'));
    assert.equal(await activeIface(rig), rig.lab.links[0]!.iface);
    const lan = rig.lab.lan!;
    const burst = (): Promise<unknown> => rig.lab.exec(lan.ns, process.execPath, [VOLUME, rig.lab.targets[0]!, '9', '500', '1000']);
    const isp1 = await startIspByteCounter(rig.lab, 1);
    const isp2 = await startIspByteCounter(rig.lab, 2);
    await burst();
    await sleep(500);
    assert.ok((await isp1.read()).udpFromRouterPackets >= 400, 'the LAN burst left through the uncapped link');
    assert.equal((await isp2.read()).udpFromRouterPackets, 0, '0 LAN packets on the capped link while the other is up');

    await rig.lab.fail(1, 'upstream');
    await waitFor('the capped link carries while the other is down', async () => (await activeIface(rig)) === rig.lab.links[1]!.iface);
    await burst();
    await sleep(500);
    assert.ok((await isp2.read()).udpFromRouterPackets >= 400, 'it carries the LAN traffic while every other link is down');
    await rig.lab.heal(1);
    await waitFor('back on the uncapped link as soon as it is up', async () => (await activeIface(rig)) === rig.lab.links[0]!.iface);
    const back = d.logs.filter((l) => l.msg === 'default route switched').at(-1);
    assert.match(String(back?.reason ?? ''), /data cap \(last resort\)/);
  }, { lan: { nat: 'snat' } });
});
