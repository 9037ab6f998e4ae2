// accept_ra vs forwarding per WAN, against a fake /proc/sys (no root).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptRaWarning, checkAcceptRa, dropsRouterAdvertisements, type SysctlPort } from '../../../src/routes/accept-ra.js';

function fakeSysctl(values: Record<string, string>, failWrite = false): SysctlPort & { writes: Array<[string, string]> } {
  const writes: Array<[string, string]> = [];
  return {
    writes,
    read: async (p) => {
      const v = values[p];
      if (v === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return v;
    },
    write: async (p, v) => {
      if (failWrite) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      writes.push([p, v]);
      values[p] = v;
    },
  };
}

const sys = (acceptRa: string, forwarding: string): Record<string, string> => ({
  '/proc/sys/net/ipv6/conf/wan0/accept_ra': `${acceptRa}\n`,
  '/proc/sys/net/ipv6/conf/wan0/forwarding': `${forwarding}\n`,
});

test('the kernel drops RAs with forwarding on unless accept_ra is 2, and always with 0', () => {
  assert.equal(dropsRouterAdvertisements({ acceptRa: 1, forwarding: 1 }), true);
  assert.equal(dropsRouterAdvertisements({ acceptRa: 2, forwarding: 1 }), false);
  assert.equal(dropsRouterAdvertisements({ acceptRa: 1, forwarding: 0 }), false);
  assert.equal(dropsRouterAdvertisements({ acceptRa: 0, forwarding: 0 }), true);
  assert.equal(acceptRaWarning({ iface: 'wan0', acceptRa: 2, forwarding: 1 }), null);
  assert.match(acceptRaWarning({ iface: 'wan0', acceptRa: 1, forwarding: 1 }) ?? '', /wan0.*accept_ra=2.*ipv6_set_accept_ra/);
});

test('forwarding on, accept_ra 1, not allowed to set: a warning, nothing written', async () => {
  const port = fakeSysctl(sys('1', '1'));
  const r = await checkAcceptRa('wan0', { set: false }, port);
  assert.deepEqual([r?.acceptRa, r?.forwarding, r?.dropsRa, r?.changed], [1, 1, true, false]);
  assert.match(r?.warning ?? '', /ignores router advertisements/);
  assert.deepEqual(port.writes, []);
});

test('allowed to set: accept_ra becomes 2, no warning', async () => {
  const port = fakeSysctl(sys('1', '1'));
  const r = await checkAcceptRa('wan0', { set: true }, port);
  assert.deepEqual(port.writes, [['/proc/sys/net/ipv6/conf/wan0/accept_ra', '2\n']]);
  assert.deepEqual([r?.acceptRa, r?.dropsRa, r?.changed, r?.warning], [2, false, true, null]);
});

test('accept_ra 0 is left alone even when allowed (turned off on purpose), with its own warning', async () => {
  const port = fakeSysctl(sys('0', '1'));
  const r = await checkAcceptRa('wan0', { set: true }, port);
  assert.deepEqual(port.writes, []);
  assert.match(r?.warning ?? '', /accept_ra is 0.*gateway6/);
});

test('a failed write keeps the warning and says why; no IPv6 sysctls means null', async () => {
  const r = await checkAcceptRa('wan0', { set: true }, fakeSysctl(sys('1', '1'), true));
  assert.equal(r?.changed, false);
  assert.match(r?.warning ?? '', /setting it failed: EACCES/);
  assert.equal(await checkAcceptRa('wan9', { set: true }, fakeSysctl(sys('1', '1'))), null);
});

test('forwarding off, accept_ra 1: all well', async () => {
  const r = await checkAcceptRa('wan0', { set: true }, fakeSysctl(sys('1', '0')));
  assert.deepEqual([r?.dropsRa, r?.changed, r?.warning], [false, false, null]);
});
