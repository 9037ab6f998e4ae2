// fib_multipath_hash_policy: L3 (0) becomes L4 (1) in each managed family; an operator's other
// choice is left alone; what changed is reported (the daemon logs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureL4MultipathHash } from '../../../src/routes/multipath-hash.js';

function port(values: Record<string, string>) {
  const writes: Array<[string, string]> = [];
  return { writes, read: async (p: string) => values[p] ?? '0\n', write: async (p: string, v: string) => { writes.push([p, v]); } };
}

test('L3 becomes L4 in both families; 2 (L3 inner) is the operator\'s and stays', async () => {
  const p = port({ '/proc/sys/net/ipv4/fib_multipath_hash_policy': '0\n', '/proc/sys/net/ipv6/fib_multipath_hash_policy': '2\n' });
  assert.deepEqual(await ensureL4MultipathHash(['ipv4', 'ipv6'], p), [{ family: 'ipv4', from: 0, to: 1 }]);
  assert.deepEqual(p.writes, [['/proc/sys/net/ipv4/fib_multipath_hash_policy', '1\n']]);
});

test('only the managed families are touched', async () => {
  const p = port({});
  await ensureL4MultipathHash(['ipv4'], p);
  assert.deepEqual(p.writes.map((w) => w[0]), ['/proc/sys/net/ipv4/fib_multipath_hash_policy']);
});
