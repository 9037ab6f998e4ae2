// No root: the soak invariant as a pure function over timelines of faults and observed routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundsFor, findViolations, judge, InvariantTracker, type FaultMark, type RouteSample } from '../../../lab/soak-invariant.js';

const B = boundsFor({ failureThreshold: 3, recoveryThreshold: 3, checkIntervalMs: 1000, pingTimeoutMs: 500 });
const LINKS = ['wan1', 'wan2'];
const UP = { kind: 'upstream', lossPct: null } as const;

const routeEvery = (fromMs: number, toMs: number, iface: string | null, stepMs = 250): RouteSample[] => {
  const out: RouteSample[] = [];
  for (let t = fromMs; t <= toMs; t += stepMs) out.push({ atMs: t, iface });
  return out;
};

test('bounds: threshold x interval + ping timeout + 1.5 s margin', () => {
  assert.deepEqual(B, { faultBoundMs: 5000, healthyBoundMs: 5000 });
  assert.deepEqual(boundsFor({ failureThreshold: 2, recoveryThreshold: 5, checkIntervalMs: 2000, pingTimeoutMs: 1000 }, 0), {
    faultBoundMs: 5000, healthyBoundMs: 11_000,
  });
});

test('a failover within the bound is no violation', () => {
  const marks: FaultMark[] = [{ atMs: 10_000, link: 'wan1', fault: UP }];
  const samples = [...routeEvery(0, 14_000, 'wan1'), ...routeEvery(14_250, 30_000, 'wan2')];
  assert.deepEqual(findViolations(LINKS, 0, marks, samples, B), []);
});

test('staying on a hard-failed link past the bound while the other is healthy is a violation, with state and route', () => {
  const marks: FaultMark[] = [{ atMs: 10_000, link: 'wan1', fault: UP }];
  const v = findViolations(LINKS, 0, marks, routeEvery(0, 16_000, 'wan1'), B);
  assert.equal(v.length, 4, 'samples at 15.25, 15.5, 15.75, 16 s');
  assert.equal(v[0]!.atMs, 15_250);
  assert.equal(v[0]!.route, 'wan1');
  assert.deepEqual(v[0]!.healthy, ['wan2']);
  assert.deepEqual(v[0]!.state, ['wan1=upstream for 5.3s', 'wan2=ok for 15.3s']);
});

test('no default route at all while a link is healthy is a violation; before the bound it is not', () => {
  assert.equal(judge([{ link: 'wan1', fault: null, sinceMs: 0 }, { link: 'wan2', fault: null, sinceMs: 0 }], { atMs: 4000, iface: null }, B), null);
  const v = judge([{ link: 'wan1', fault: null, sinceMs: 0 }, { link: 'wan2', fault: null, sinceMs: 0 }], { atMs: 6000, iface: null }, B);
  assert.equal(v?.route, null);
  assert.deepEqual(v?.healthy, ['wan1', 'wan2']);
});

test('a freshly healed link is not yet "healthy": staying on the failed link is allowed until it has been clean past the bound', () => {
  const marks: FaultMark[] = [
    { atMs: 1000, link: 'wan2', fault: { kind: 'gateway', lossPct: null } },
    { atMs: 2000, link: 'wan1', fault: { kind: 'carrier', lossPct: null } },
    { atMs: 20_000, link: 'wan2', fault: null },
  ];
  const stay = findViolations(LINKS, 0, marks, routeEvery(0, 25_000, 'wan1'), B);
  assert.deepEqual(stay, [], 'wan2 healed at 20 s is only healthy after 25 s');
  const late = findViolations(LINKS, 0, marks, routeEvery(0, 26_000, 'wan1'), B);
  assert.ok(late.length > 0 && late[0]!.atMs > 25_000);
});

test('both links hard down: the route may stay anywhere', () => {
  const marks: FaultMark[] = [
    { atMs: 1000, link: 'wan1', fault: UP },
    { atMs: 1000, link: 'wan2', fault: { kind: 'carrier', lossPct: null } },
  ];
  assert.deepEqual(findViolations(LINKS, 0, marks, routeEvery(0, 60_000, 'wan1'), B), []);
});

test('partial loss on the active link never demands a switch; a partially lossy link is not "healthy" either', () => {
  const partial: FaultMark[] = [{ atMs: 1000, link: 'wan1', fault: { kind: 'upstream', lossPct: 50 } }];
  assert.deepEqual(findViolations(LINKS, 0, partial, routeEvery(0, 60_000, 'wan1'), B), []);
  const otherPartial: FaultMark[] = [
    { atMs: 0, link: 'wan2', fault: { kind: 'gateway', lossPct: 40 } },
    { atMs: 1000, link: 'wan1', fault: UP },
  ];
  assert.deepEqual(findViolations(LINKS, 0, otherPartial, routeEvery(0, 60_000, 'wan1'), B), []);
});

test('the route on the healthy standby while the other link is down is fine; a route on an unknown device counts as no route', () => {
  const marks: FaultMark[] = [{ atMs: 1000, link: 'wan1', fault: UP }];
  assert.deepEqual(findViolations(LINKS, 0, marks, routeEvery(0, 60_000, 'wan2'), B), []);
  const v = judge([{ link: 'wan1', fault: null, sinceMs: 0 }], { atMs: 10_000, iface: 'eth9' }, B);
  assert.equal(v?.route, 'eth9');
});

test('the tracker counts every violating sample but keeps only the first few', () => {
  const t = new InvariantTracker(LINKS, 0, B, 2);
  t.mark({ atMs: 0, link: 'wan1', fault: UP });
  for (let i = 0; i < 5; i++) t.check({ atMs: 10_000 + i * 250, iface: 'wan1' });
  assert.equal(t.violationCount, 5);
  assert.equal(t.violations.length, 2);
  t.mark({ atMs: 11_500, link: 'wan1', fault: null });
  assert.equal(t.check({ atMs: 11_750, iface: 'wan1' }), null, 'healed: the route on wan1 is fine again');
  assert.deepEqual(t.conditions().map((c) => c.link), LINKS);
});
