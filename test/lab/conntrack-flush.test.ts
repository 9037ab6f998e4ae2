// The conntrack flush module alone against a real kernel: a NAT lab (lab/nat-lab.ts) with one
// labelled entry of each kind, the flush run inside the router namespace (lab/conntrack-driver.ts),
// and /proc/net/nf_conntrack as the independent judge of what is left.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createNatLab, type NatLab, type NatStyle } from '../../lab/nat-lab.js';
import type { FlushResult } from '../../src/conntrack/flush-nat.js';
import { FLOWS, makeFlows, presentFlows, sendUdp } from './conntrack-flows.js';
import { notRoot } from './support.js';

async function flush(lab: NatLab, family: 'ipv4' | 'ipv6', addresses: string[]): Promise<FlushResult> {
  return await lab.driver(['flush', family, ...addresses]) as FlushResult;
}

const all = FLOWS.map((f) => f.sport);
const without = (...ports: number[]): number[] => all.filter((p) => !ports.includes(p));

async function withNatLab(tag: string, style: NatStyle, fn: (lab: NatLab) => Promise<void>): Promise<void> {
  const lab = await createNatLab(tag, style);
  try {
    await lab.defaultVia(0);
    await fn(lab);
  } finally {
    await lab.destroy();
  }
}

for (const style of ['snat', 'masquerade'] as const) {
  test(`${style}: leaving wan1 deletes exactly its NATed entries, per family; the rest stays`, { skip: notRoot, timeout: 120_000 }, async () => {
    await withNatLab(style === 'snat' ? 'fs' : 'fm', style, async (lab) => {
      await makeFlows(lab);
      assert.deepEqual(await presentFlows(lab), all, 'every labelled entry exists before');
      const [w1] = lab.wans;

      const v4 = await flush(lab, 'ipv4', [w1.v4]);
      assert.equal(v4.deleted, 1);
      assert.deepEqual(await presentFlows(lab), without(41001));

      const v6 = await flush(lab, 'ipv6', [w1.v6]);
      assert.equal(v6.deleted, 1);
      assert.deepEqual(await presentFlows(lab), without(41001, 41002),
        'left: NATed on wan2, LAN-internal, and the router own sockets on the wan1 address');

      const again = await flush(lab, 'ipv4', [w1.v4]);
      assert.equal(again.deleted, 0, 'a second flush finds nothing');
    });
  });
}

test('leaving wan2 deletes its entries and not wan1 ones; unrelated entries are untouched', { skip: notRoot, timeout: 120_000 }, async () => {
  await withNatLab('f2', 'snat', async (lab) => {
    await makeFlows(lab);
    const [w1, w2] = lab.wans;
    // 300 unrelated entries: LAN-internal (to the router) and NATed to wan1.
    await sendUdp(lab, lab.lan, 4, lab.routerLan4, 20000, 150);
    await sendUdp(lab, lab.lan, 4, w1.server4, 20000, 150);
    const before = (await lab.conntrackLines()).length;
    const r = await flush(lab, 'ipv4', [w2.v4]);
    assert.equal(r.deleted, 1);
    assert.deepEqual(await presentFlows(lab), without(41003));
    assert.equal((await lab.conntrackLines()).length, before - 1, 'only one entry went');
  });
});
