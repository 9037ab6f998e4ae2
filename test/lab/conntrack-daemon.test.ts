// Issue 11 with the real daemon, SNAT variant (lab/lan.ts: LAN client, `snat to` per WAN, BCP38 in
// each ISP, UDP/TCP echo): after a failover and after the return, a LAN host's continuous UDP flow
// resumes by itself, a flow opened on the second link survives the return, an existing TCP
// connection ends in a reset (not a hang), new connections work, and entries not NATed to the link
// left (LAN-internal, NATed on the other link) are still there. Judged on the LAN client's echoes
// and on /proc/net/nf_conntrack, never on the daemon's own claims.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { epochNow, openLanClient, type LanClient } from '../../lab/lan.js';
import type { Lab } from '../../lab/topology.js';
import { activeIface, notRoot, waitFor, withRig, type Rig } from './support.js';

const BURST = fileURLToPath(new URL('../../lab/udp-burst.js', import.meta.url));
/** Destinations the router reaches through one WAN only (a /32 route), whatever the default route. */
const VIA = ['203.0.113.201', '203.0.113.202'] as const;
const SPORT = { lanInternal: 41005, viaWan1: 41001, viaWan2: 41002 } as const;

async function conntrackLines(lab: Lab): Promise<string[]> {
  return (await lab.exec(lab.routerNs, 'cat', ['/proc/net/nf_conntrack'])).stdout.split('\n');
}

async function hasEntry(lab: Lab, sport: number): Promise<boolean> {
  return (await conntrackLines(lab)).some((l) => l.includes(`sport=${sport} `));
}

/** One datagram from the LAN client with a fixed source port: one conntrack entry. */
async function datagram(lab: Lab, dst: string, sport: number): Promise<void> {
  await lab.exec(lab.lan!.ns, process.execPath, [BURST, '4', dst, '9', '1', String(sport)]);
}

async function prepare(lab: Lab): Promise<void> {
  // Unreplied UDP entries expire after 30 s; the test runs longer than that.
  await lab.exec(lab.routerNs, 'sysctl', ['-q', '-w', 'net.netfilter.nf_conntrack_udp_timeout=600']);
  for (const [i, dst] of VIA.entries()) {
    const l = lab.links[i]!;
    await lab.exec(lab.netNs, 'ip', ['addr', 'add', `${dst}/32`, 'dev', 'lo']);
    await lab.exec(lab.routerNs, 'ip', ['route', 'add', `${dst}/32`, 'via', l.gateway, 'dev', l.iface]);
  }
}

async function waitActive(rig: Rig, iface: string, timeoutMs: number): Promise<number> {
  await waitFor(`default route via ${iface}`, async () => (await activeIface(rig)) === iface, timeoutMs, 50);
  return epochNow();
}

test('SNAT: flows survive a failover and the return; TCP resets; nothing else is flushed', { skip: notRoot, timeout: 180_000 }, async () => {
  await withRig('ct', async (rig) => {
    const { lab } = rig;
    await prepare(lab);
    const d = await rig.start({ min_secondary_time: 3, recovery_threshold: 2 });
    let client: LanClient | null = null;
    try {
      client = await openLanClient(lab);
      await waitActive(rig, 'wan1', 20_000);
      const flowA = await client.startUdpFlow({ srcPort: 40000 });
      await flowA.waitForEcho(epochNow(), 5000);
      const tcpOld = await client.openTcp();
      await tcpOld.echo();
      await datagram(lab, lab.lan!.routerAddress, SPORT.lanInternal);
      await datagram(lab, VIA[0], SPORT.viaWan1);
      await datagram(lab, VIA[1], SPORT.viaWan2);
      for (const p of Object.values(SPORT)) assert.ok(await hasEntry(lab, p), `entry ${p} exists before`);

      // ---- failover to wan2
      await lab.fail(1, 'upstream');
      const onWan2 = await waitActive(rig, 'wan2', 30_000);
      await flowA.waitForEcho(onWan2, 5000); // resumed: the UDP flow is answered on wan2
      await assert.rejects(tcpOld.echo({ timeoutMs: 8000 }), /ECONNRESET|EPIPE/, 'the old TCP connection is reset, not hung');
      const tcpNew = await client.openTcp();
      await tcpNew.echo();
      const flowB = await client.startUdpFlow({ srcPort: 40001 });
      await flowB.waitForEcho(epochNow(), 5000);
      await waitFor('the flush log line', async () => d.logs.some((l) => l.msg === 'conntrack entries NATed to the old link flushed' && l.link === 'wan1'), 5000);
      assert.equal(await hasEntry(lab, SPORT.viaWan1), false, 'the entry NATed to wan1 was flushed');
      assert.ok(await hasEntry(lab, SPORT.lanInternal), 'the LAN-internal entry survived');
      assert.ok(await hasEntry(lab, SPORT.viaWan2), 'the entry NATed on wan2 survived');

      // ---- return to wan1
      await datagram(lab, VIA[0], SPORT.viaWan1); // NATed on wan1 (the other link now)
      await lab.heal(1);
      const onWan1 = await waitActive(rig, 'wan1', 60_000);
      await flowA.waitForEcho(onWan1, 5000); // resumed: the first UDP flow is answered again after the return
      await flowB.waitForEcho(onWan1, 5000); // resumed: the flow opened on wan2 survived the return
      await assert.rejects(tcpNew.echo({ timeoutMs: 8000 }), /ECONNRESET|EPIPE/, 'the TCP connection opened on wan2 is reset');
      const tcpBack = await client.openTcp();
      await tcpBack.echo();
      await waitFor('the second flush', async () => d.logs.some((l) => l.msg === 'conntrack entries NATed to the old link flushed' && l.link === 'wan2'), 5000);
      assert.equal(await hasEntry(lab, SPORT.viaWan2), false, 'the entry NATed to wan2 was flushed');
      assert.ok(await hasEntry(lab, SPORT.viaWan1), 'the entry NATed on wan1 survived the return');
      assert.ok(await hasEntry(lab, SPORT.lanInternal), 'the LAN-internal entry survived the return');
      const flushes = d.logs.filter((l) => l.msg === 'conntrack entries NATed to the old link flushed');
      assert.ok(flushes.every((l) => typeof l.entries === 'number' && (l.entries as number) >= 1), JSON.stringify(flushes));
      await flowA.stop();
      await flowB.stop();
    } finally {
      await client?.close();
    }
  }, { lan: { nat: 'snat' } });
});

// One failover (wan1 -> wan2) under a LAN host's continuous UDP flow, two ways: with `snat to` and
// no flush the flow stays dead (the flush is what fixes it); with masquerade the kernel re-NATs it
// and it resumes with the flush on.
const FAILOVER_CASES = [
  { name: 'conntrack_flush: never leaves the SNAT flow dead after a failover (the flush is what fixes it)',
    tag: 'ctn', nat: 'snat', config: { conntrack_flush: 'never' }, resumes: false },
  { name: 'masquerade: the UDP flow still resumes after a failover with the flush on',
    tag: 'ctm', nat: 'masquerade', config: {}, resumes: true },
] as const;

for (const c of FAILOVER_CASES) {
  test(c.name, { skip: notRoot, timeout: 120_000 }, async () => {
    await withRig(c.tag, async (rig) => {
      const { lab } = rig;
      await rig.start(c.config);
      let client: LanClient | null = null;
      try {
        client = await openLanClient(lab);
        await waitActive(rig, 'wan1', 20_000);
        const flow = await client.startUdpFlow();
        await flow.waitForEcho(epochNow(), 5000);
        await lab.fail(1, 'upstream');
        const onWan2 = await waitActive(rig, 'wan2', 30_000);
        if (c.resumes) await flow.waitForEcho(onWan2, 5000); // resumed on wan2 (a rejection fails the test)
        else await assert.rejects(flow.waitForEcho(onWan2 + 100, 2000), /no UDP echo/);
        await flow.stop();
      } finally {
        await client?.close();
      }
    }, { lan: { nat: c.nat } });
  });
}

// A restart during an outage: the old daemon left the default route on wan1 (kill -9), wan1 lost
// its carrier meanwhile, and the new daemon adopts that route and moves it to wan2 while it is still
// starting. wan1's NAT entries must be flushed then too: the conntrack extension is listening
// before the daemon starts, not after.
test('a restart during an outage: the switch made while starting flushes the dead link\'s NAT entries', { skip: notRoot, timeout: 120_000 }, async () => {
  await withRig('ctr', async (rig) => {
    const { lab } = rig;
    await prepare(lab);
    const first = await rig.start();
    await waitActive(rig, 'wan1', 20_000);
    await first.kill9();
    await datagram(lab, VIA[0], SPORT.viaWan1);
    await datagram(lab, VIA[1], SPORT.viaWan2);
    assert.ok(await hasEntry(lab, SPORT.viaWan1), 'an entry NATed to wan1 exists before the restart');
    await lab.fail(1, 'carrier');
    assert.equal(await activeIface(rig), 'wan1', 'the dead daemon left its route on wan1');

    const second = await rig.start();
    await waitActive(rig, 'wan2', 20_000);
    await waitFor('the flush log line', async () => second.logs.some((l) => l.msg === 'conntrack entries NATed to the old link flushed' && l.link === 'wan1'), 5000);
    assert.equal(await hasEntry(lab, SPORT.viaWan1), false, 'the entry NATed to wan1 was flushed');
    assert.ok(await hasEntry(lab, SPORT.viaWan2), 'the entry NATed on wan2 survived');
  }, { lan: { nat: 'snat' } });
});
