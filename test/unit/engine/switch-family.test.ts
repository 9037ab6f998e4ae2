// Manual switch per address family (issue 12) on a dual-stack daemon over in-memory netlink:
// "ipv6" moves only the IPv6 default route, "ipv4" only the IPv4 one, "both" (the default) moves
// IPv4 with the seed's errors and lets IPv6 follow when it can, saying so when it cannot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Daemon } from '../../../src/engine/daemon.js';
import type { Config } from '../../../src/config/types.js';
import type { AddressEntry } from '../../../src/netlink/types.js';
import { isWanError, type ErrorCode } from '../../../src/errors.js';
import { FakeClock } from '../fake-clock.js';
import { address, defaultRoute, link, MemoryLog, MemoryNetlink, ScriptedProbers, testConfig } from './fakes.js';

const PROTO = 201;
const RA = 9;

const config = (dual: boolean): Config => testConfig({ pingTargets6: dual ? ['2001:db8:ffff::10'] : [], routeMetric6: 512 });

const addr6 = (index: number, a: string): AddressEntry => ({ index, family: 'inet6', address: a, prefixLength: 64, label: null, scope: 0 });

/** Both links up in both families; IPv4 on wan1 (adopted), IPv6 settles on wan1 after the first round. */
async function setup(opts: { dual?: boolean; ra2?: boolean } = {}) {
  const clock = new FakeClock();
  const nl = new MemoryNetlink();
  nl.links = [link(11, 'wan1'), link(12, 'wan2')];
  nl.addresses = [address(11, '100.64.11.2'), address(12, '100.64.12.2'), addr6(11, '2001:db8:1::2'), addr6(12, '2001:db8:2::2')];
  nl.routes = [defaultRoute(11, '100.64.1.1'), defaultRoute(12, '100.64.2.1', 16, 254, 100),
    defaultRoute(11, 'fe80::1', RA, 254, 1024, 'inet6')];
  if (opts.ra2 ?? true) nl.routes.push(defaultRoute(12, 'fe80::2', RA, 254, 1024, 'inet6'));
  const probers = new ScriptedProbers();
  const daemon = new Daemon({
    config: config(opts.dual ?? true), netlink: nl, newProber: probers.factory, clock, log: new MemoryLog(),
    host: { readStateFile: async () => null, loosenRpFilter: async () => null },
  });
  await daemon.start();
  await clock.advanceAsync(1000);
  return { clock, nl, probers, daemon };
}

const mains = (nl: MemoryNetlink, family: 'inet' | 'inet6') =>
  nl.mainReplaces().filter((s) => (s.family ?? 'inet') === family);

const rejectsWith = (code: ErrorCode, text?: RegExp) => (e: unknown): boolean =>
  isWanError(e) && e.code === code && (text === undefined || text.test(e.message));

test('the dual-stack set-up: both families on wan1', async () => {
  const { nl, daemon } = await setup();
  assert.equal(daemon.status().active, 'primary');
  assert.equal(daemon.status().activeIpv6, 'primary');
  assert.deepEqual(mains(nl, 'inet6').at(-1), { family: 'inet6', table: 254, gateway: 'fe80::1', oif: 11, metric: 512, protocol: PROTO });
  await daemon.stop();
});

test('family ipv6 moves only the IPv6 default route', async () => {
  const { nl, daemon } = await setup();
  const v4Before = mains(nl, 'inet').length;
  assert.deepEqual(await daemon.switchTo('secondary', { force: false, family: 'ipv6' }),
    { result: 'switched', link: 'secondary', ipv6: { active: 'secondary', result: 'switched' } });
  assert.equal(daemon.status().activeIpv6, 'secondary');
  assert.equal(daemon.status().active, 'primary');
  assert.equal(daemon.status().manualHold, null, 'the IPv4 policy got no manual hold');
  assert.equal(daemon.status().manualHoldIpv6, 'secondary');
  assert.equal(mains(nl, 'inet').length, v4Before, 'no IPv4 main-route change');
  assert.deepEqual(mains(nl, 'inet6').at(-1), { family: 'inet6', table: 254, gateway: 'fe80::2', oif: 12, metric: 512, protocol: PROTO });
  assert.deepEqual(await daemon.switchTo('secondary', { force: false, family: 'ipv6' }),
    { result: 'already_active', link: 'secondary', ipv6: { active: 'secondary', result: 'already_active' } });
  await daemon.stop();
});

test('family ipv4 moves only the IPv4 default route', async () => {
  const { nl, daemon } = await setup();
  const v6Before = mains(nl, 'inet6').length;
  assert.deepEqual(await daemon.switchTo('secondary', { force: false, family: 'ipv4' }),
    { result: 'switched', link: 'secondary', ipv6: { active: 'primary' } });
  assert.equal(daemon.status().active, 'secondary');
  assert.equal(daemon.status().manualHold, 'secondary');
  assert.equal(daemon.status().manualHoldIpv6, null, 'the IPv6 policy got no manual hold');
  assert.equal(daemon.status().activeIpv6, 'primary');
  assert.equal(mains(nl, 'inet6').length, v6Before, 'no IPv6 main-route change');
  await daemon.stop();
});

test('no family = both: both routes move, the answer is IPv4\'s', async () => {
  const { nl, daemon } = await setup();
  assert.deepEqual(await daemon.switchTo('secondary', { force: false }),
    { result: 'switched', link: 'secondary', ipv6: { active: 'secondary', result: 'switched' } });
  assert.equal(mains(nl, 'inet').at(-1)!.oif, 12);
  assert.equal(mains(nl, 'inet6').at(-1)!.oif, 12);
  // IPv4 already there, IPv6 moved back by a family switch: "both" reports each.
  await daemon.switchTo('primary', { force: false, family: 'ipv6' });
  assert.deepEqual(await daemon.switchTo('secondary', { force: false, family: 'both' }),
    { result: 'already_active', link: 'secondary', ipv6: { active: 'secondary', result: 'switched' } });
  await daemon.stop();
});

test('both: IPv6 without a gateway on the target stays, IPv4 switches, no error', async () => {
  const { nl, daemon } = await setup({ ra2: false });
  const v6Before = mains(nl, 'inet6').length;
  const out = await daemon.switchTo('secondary', { force: false });
  assert.equal(out.result, 'switched');
  assert.equal(out.ipv6?.result, 'not_moved');
  assert.equal(out.ipv6?.active, 'primary');
  assert.match(out.ipv6?.reason ?? '', /Digi has no known IPv6 gateway/);
  assert.equal(daemon.status().active, 'secondary');
  assert.equal(daemon.status().activeIpv6, 'primary');
  assert.equal(daemon.status().manualHoldIpv6, null, 'IPv6 did not follow: no hold, it keeps choosing on its own');
  assert.equal(mains(nl, 'inet6').length, v6Before);
  await assert.rejects(daemon.switchTo('secondary', { force: true, family: 'ipv6' }), rejectsWith('WAN_ERR_NO_GATEWAY', /IPv6 gateway/));
  await daemon.stop();
});

test('both: IPv6 down on the target stays unless force; family ipv6 is refused with the IPv6 reason', async () => {
  const { clock, nl, probers, daemon } = await setup();
  probers.healthy6.set('secondary', false);
  await clock.advanceAsync(3000);
  assert.equal(daemon.status().links[1]!.ipv6?.state, 'down');
  assert.equal(daemon.status().links[1]!.state, 'up');
  await assert.rejects(daemon.switchTo('secondary', { force: false, family: 'ipv6' }), rejectsWith('WAN_ERR_LINK_DOWN', /down for IPv6/));
  const out = await daemon.switchTo('secondary', { force: false });
  assert.deepEqual({ result: out.result, v6: out.ipv6?.result, active6: out.ipv6?.active }, { result: 'switched', v6: 'not_moved', active6: 'primary' });
  assert.match(out.ipv6?.reason ?? '', /down for IPv6/);
  assert.equal(mains(nl, 'inet6').at(-1)!.oif, 11);
  // IPv4 is already there; force takes IPv6 along.
  const forced = await daemon.switchTo('secondary', { force: true });
  assert.deepEqual(forced, { result: 'already_active', link: 'secondary', ipv6: { active: 'secondary', result: 'switched' } });
  assert.equal(mains(nl, 'inet6').at(-1)!.oif, 12);
  await daemon.stop();
});

test('both: IPv4 decides the errors, and a refused switch moves nothing', async () => {
  const { clock, nl, probers, daemon } = await setup();
  probers.healthy.set('secondary', false);
  probers.healthy6.set('secondary', true);
  await clock.advanceAsync(3000);
  const before = nl.mainReplaces().length;
  await assert.rejects(daemon.switchTo('secondary', { force: false }), rejectsWith('WAN_ERR_LINK_DOWN', /^Digi is down; use --force \(wanctl switch\) or "force": true \(API\) to switch anyway$/));
  await assert.rejects(daemon.switchTo('nope', { force: false, family: 'ipv6' }), rejectsWith('WAN_ERR_UNKNOWN_LINK'));
  assert.equal(nl.mainReplaces().length, before);
  assert.equal(daemon.status().activeIpv6, 'primary');
  await daemon.stop();
});

test('family ipv6 on a daemon without IPv6 targets: a clear refusal; no family keeps the seed outcome', async () => {
  const { daemon } = await setup({ dual: false });
  await assert.rejects(daemon.switchTo('secondary', { force: false, family: 'ipv6' }),
    rejectsWith('WAN_ERR_FAMILY_NOT_MANAGED', /IPv6 is not managed.*ping_targets/));
  assert.equal('manualHoldIpv6' in daemon.status(), false);
  assert.deepEqual(await daemon.switchTo('secondary', { force: false }), { result: 'switched', link: 'secondary' });
  assert.deepEqual(await daemon.switchTo('secondary', { force: false, family: 'ipv4' }), { result: 'already_active', link: 'secondary' });
  await daemon.stop();
});
