// Root-only: the LAN lab itself (lan.ts), without the daemon. A LAN client's UDP flow and TCP
// connection reach the echo service through NAT; BCP38 drops un-NATed traffic; and moving the
// default route by hand reproduces what issue 11 measured: a masqueraded UDP flow resumes on the
// new link, an SNATed one does not (its packets keep the old address and ISP 2 drops them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createLab, type Lab } from '../../lab/topology.js';
import { openLanClient, epochNow, type LanClient } from '../../lab/lan.js';
import type { NatStyle } from '../../lab/nat-rules.js';

const notRoot = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : false;

async function moveDefault(lab: Lab, i: number): Promise<void> {
  const l = lab.links[i - 1]!;
  await lab.exec(lab.routerNs, 'ip', ['route', 'replace', 'default', 'via', l.gateway, 'dev', l.iface]);
}

async function conntrack(lab: Lab): Promise<string> {
  return (await lab.exec(lab.routerNs, 'cat', ['/proc/net/nf_conntrack'])).stdout;
}

async function withLanLab(nat: NatStyle, fn: (lab: Lab, client: LanClient) => Promise<void>): Promise<void> {
  const lab = await createLab({ prefix: `wfn-${randomBytes(3).toString('hex')}`, lan: { nat } });
  let client: LanClient | null = null;
  try {
    client = await openLanClient(lab);
    await fn(lab, client);
  } finally {
    await client?.close();
    await lab.destroy();
  }
}

test('LAN lab, masquerade: flows work, BCP38 drops what is not NATed, a UDP flow follows the route', { skip: notRoot, timeout: 60_000 }, async () => {
  await withLanLab('masquerade', async (lab, client) => {
    assert.equal(lab.lan?.nat, 'masquerade');
    assert.ok(!lab.targets.includes(lab.lan!.echoAddress), 'the echo service is not a probe target');
    const flow = await client.startUdpFlow();
    await flow.waitForEcho(epochNow(), 5000);
    const tcp = await client.openTcp();
    assert.equal(typeof (await tcp.echo()), 'number');
    assert.match(await conntrack(lab), /src=100\.64\.100\.2 dst=203\.0\.113\.7 sport=40000 dport=7 src=203\.0\.113\.7 dst=100\.64\.1\.2/);
    assert.equal(await lab.bcp38Drops(1), 0);

    await moveDefault(lab, 2);
    const moved = epochNow();
    const echo = await flow.waitForEcho(moved, 5000);
    assert.ok(echo.at > moved);
    assert.match(await conntrack(lab), /sport=40000 dport=7 src=203\.0\.113\.7 dst=100\.64\.2\.2/, 're-NATed on wan2');
    assert.equal(await lab.bcp38Drops(2), 0);

    await lab.setNat('none');
    await assert.rejects(client.openTcp({ timeoutMs: 1500 }));
    assert.ok((await lab.bcp38Drops(2)) > 0, 'ISP 2 dropped the un-NATed LAN source');
    await flow.stop();
  });
});

test('LAN lab, snat: after a route move the UDP flow stays dead and ISP 2 drops it (the bug issue 11 fixes)', { skip: notRoot, timeout: 60_000 }, async () => {
  await withLanLab('snat', async (lab, client) => {
    assert.equal(lab.lan?.nat, 'snat');
    const flow = await client.startUdpFlow();
    await flow.waitForEcho(epochNow(), 5000);
    await moveDefault(lab, 2);
    const moved = epochNow();
    await assert.rejects(flow.waitForEcho(moved + 100, 1500), /no UDP echo/);
    assert.ok((await lab.bcp38Drops(2)) > 5, 'its packets leave wan2 with wan1\'s address');
    assert.match(await conntrack(lab), /sport=40000 dport=7 src=203\.0\.113\.7 dst=100\.64\.1\.2/, 'still NATed to wan1');
    // A new flow (another source port) is NATed on wan2 and works.
    const fresh = await client.startUdpFlow({ srcPort: 40001 });
    await fresh.waitForEcho(epochNow(), 5000);
    await fresh.stop();
    await flow.stop();
  });
});
