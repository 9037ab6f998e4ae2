// /api/status of a metered link (issue 24): usage_mb, cap_mb, cap_pct, period_start, probing and
// last_resort pass the response schema; an unmetered link has none of them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auth, makeApp } from './helpers.js';

describe('served /api/status with a metered link', () => {
  it('the metered fields pass the response schema; unmetered links have none', async () => {
    const { app, engine } = await makeApp();
    try {
      engine.current = { ...engine.current, links: engine.current.links.map((l, i) => (i === 1 ? { ...l, metered: {
        usageBytes: 7_512_345_678, capBytes: 10_000_000_000, usageMb: 7512.35, capMb: 10_000, capPct: 75.1,
        periodStartMs: Date.UTC(2026, 2, 1), probing: 'standby, probed every 60 s', lastResort: null } } : l)) };
      const body = (await app.inject({ method: 'GET', url: '/api/status', headers: auth })).json();
      const lte = body.links[1];
      assert.equal(lte.usage_mb, 7512.35);
      assert.equal(lte.cap_mb, 10_000);
      assert.equal(lte.cap_pct, 75.1);
      assert.equal(lte.period_start, '2026-03-01T00:00:00.000Z');
      assert.equal(lte.probing, 'standby, probed every 60 s');
      assert.equal(lte.last_resort, null);
      assert.equal('usage_mb' in body.links[0], false);
    } finally {
      await app.close();
    }
  });
});
