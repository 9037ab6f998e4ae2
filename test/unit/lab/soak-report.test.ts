// No root: the soak report's verdict rules, resource trends, text and progress line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport, emptyFaultCounts, progressLine, renderReport, rssToleranceKiB, trend, type SoakFigures } from '../../../lab/soak-report.js';

function figures(over: Partial<SoakFigures> = {}): SoakFigures {
  return {
    seed: 7, minutes: 1, lab: 'wfs-test', durationMs: 60_123,
    bounds: { faultBoundMs: 5000, healthyBoundMs: 5000, maxAllDownMs: 10_000 },
    faults: { ...emptyFaultCounts(), upstream: 3, carrier: 1, heal: 4 },
    injectErrors: [], switches: 5, apiSwitchCount: 5, routeSamples: 240, routeFailures: 0, apiSamples: 60, apiFailures: 0,
    violationCount: 0, violations: [], rssKiB: [70_000, 72_000, 71_000], fds: [25, 27, 26],
    daemon: { pid: 1234, samePid: true, crashed: null, exitCode: 0 }, finalRoute: 'wan1',
    ...over,
  };
}

test('trend: first/last/min/max/delta and flat means growth within tolerance', () => {
  assert.deepEqual(trend([10, 15, 8, 12], 2), { first: 10, last: 12, min: 8, max: 15, delta: 2, tolerance: 2, flat: true, samples: 4 });
  assert.equal(trend([10, 13], 2).flat, false);
  assert.equal(trend([10, 1], 2).flat, true, 'shrinking is not a leak');
  assert.equal(trend([], 2).flat, false, 'no samples: nothing to call flat');
  assert.equal(rssToleranceKiB(50_000), 8192);
  assert.equal(rssToleranceKiB(200_000), 20_000);
});

test('a clean run passes and counts the faults', () => {
  const r = buildReport(figures());
  assert.equal(r.ok, true);
  assert.deepEqual(r.failures, []);
  assert.equal(r.faults_total, 4);
  assert.equal(r.duration_s, 60.1);
  assert.equal(r.rss_kib.flat, true);
  assert.equal(r.fds.max, 27);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, 'the report is plain JSON');
});

test('each failure reason fails the run; RSS growth alone does not', () => {
  const v = { atMs: 12_000, route: 'wan1', healthy: ['wan2'], state: ['wan1=upstream for 6.0s', 'wan2=ok for 30.0s'] };
  const cases: Array<[Partial<SoakFigures>, RegExp]> = [
    [{ violationCount: 3, violations: [v] }, /3 invariant violation/],
    [{ daemon: { pid: 1, samePid: true, crashed: 'pid 1 is gone', exitCode: null } }, /daemon crashed/],
    [{ daemon: { pid: 1, samePid: false, crashed: null, exitCode: 0 } }, /pid changed/],
    [{ apiFailures: 1 }, /API request/],
    [{ routeSamples: 0 }, /no route sample/],
    [{ injectErrors: ['fail wan1: nft: boom'] }, /fault injection/],
  ];
  for (const [over, why] of cases) {
    const r = buildReport(figures(over));
    assert.equal(r.ok, false);
    assert.match(r.failures.join('; '), why);
  }
  const grown = buildReport(figures({ rssKiB: [70_000, 200_000] }));
  assert.equal(grown.ok, true);
  assert.equal(grown.rss_kib.flat, false);
});

test('the text report names the verdict, the replay command and each violation', () => {
  const v = { atMs: 12_000, route: 'wan1', healthy: ['wan2'], state: ['wan1=upstream for 6.0s', 'wan2=ok for 30.0s'] };
  const lines = renderReport(buildReport(figures({ violationCount: 1, violations: [v] })));
  assert.match(lines[0]!, /^soak FAILED/);
  assert.match(lines[0]!, /--minutes 1 --seed 7/);
  assert.ok(lines.some((l) => l.includes('violation at +12.00 s: route on wan1')));
  assert.ok(lines.some((l) => l.includes('FAIL: 1 invariant violation')));
  assert.match(renderReport(buildReport(figures())).join('\n'), /soak PASSED[\s\S]*RSS: first 68\.4 MiB/);
});

test('progress line', () => {
  const line = progressLine({
    elapsedMs: 30_000, totalMs: 60_000, route: 'wan2', links: ['wan1:carrier', 'wan2:ok'], faults: 3, switches: 2,
    violations: 0, rssKiB: 71_680, fds: 26, apiFailures: 0,
  });
  assert.equal(line, '[  30s  50%] route wan2 | wan1:carrier wan2:ok | faults 3 switches 2 violations 0 api-fail 0 | rss 70.0 MiB fds 26');
});
