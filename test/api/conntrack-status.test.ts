// The optional per-link `conntrack` totals in GET /api/status (src/conntrack/ flushes, totalled by the engine).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toLinkPayload } from '../../src/api/status-payload.js';
import { T0, fakeLink } from './fake-engine.js';
import { auth, makeApp } from './helpers.js';

test('a link with flushes reports entries, flushes and the last flush time; one without has no key', () => {
  const withCt = toLinkPayload(fakeLink({ name: 'wan1', conntrack: { entries: 42, flushes: 3, lastMs: T0 } }));
  assert.deepEqual(withCt.conntrack, { entries: 42, flushes: 3, last_flush: new Date(T0).toISOString() });
  assert.equal('conntrack' in toLinkPayload(fakeLink({ name: 'wan2' })), false);
});

test('GET /api/status serves the conntrack totals (the response schema keeps the key)', async () => {
  const { app, engine } = await makeApp();
  try {
    engine.current.links[0] = { ...engine.current.links[0]!, conntrack: { entries: 7, flushes: 1, lastMs: T0 } };
    const res = await app.inject({ method: 'GET', url: '/api/status', headers: auth });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { links: { conntrack?: unknown }[] };
    assert.deepEqual(body.links[0]!.conntrack, { entries: 7, flushes: 1, last_flush: new Date(T0).toISOString() });
    assert.equal(body.links[1]!.conntrack, undefined);
  } finally {
    await app.close();
  }
});
