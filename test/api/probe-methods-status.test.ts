// /api/status per target `method` and `last_error` (issue 23): mapped, and kept by the response
// schema (a key missing from it would be dropped by the serializer).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toLinkPayload } from '../../src/api/status-payload.js';
import { fakeLink } from './fake-engine.js';
import { auth, makeApp } from './helpers.js';

const TARGETS = [
  { target: '198.51.100.1', up: true, rttMs: 5, lossPct: 0, method: 'icmp' as const, lastError: null },
  { target: 'http://198.51.100.7/generate_204', up: false, rttMs: null, lossPct: 100, method: 'http' as const, lastError: 'HTTP 302' },
];

describe('probe methods in /api/status', () => {
  it('each target carries its method and last failure reason', () => {
    const p = toLinkPayload(fakeLink({ name: 'primary', targets: TARGETS }));
    assert.deepEqual(p.targets.map((t) => [t.target, t.method, t.last_error]), [
      ['198.51.100.1', 'icmp', null], ['http://198.51.100.7/generate_204', 'http', 'HTTP 302'],
    ]);
  });

  it('the served JSON keeps them', async () => {
    const { app, engine } = await makeApp();
    try {
      engine.current = { ...engine.current, links: engine.current.links.map((l, i) => (i === 0 ? { ...l, targets: TARGETS, stateReason: '3 consecutive failed checks (http://198.51.100.7/generate_204: HTTP 302)' } : l)) };
      const body = (await app.inject({ method: 'GET', url: '/api/status', headers: auth })).json();
      assert.deepEqual(body.links[0].targets[1], { target: 'http://198.51.100.7/generate_204', up: false, rtt_ms: null, loss_pct: 100, method: 'http', last_error: 'HTTP 302' });
      assert.match(body.links[0].state_reason, /HTTP 302/);
    } finally {
      await app.close();
    }
  });
});
