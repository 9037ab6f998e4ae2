// GET /api/status serialises a snapshot once: the same snapshot object gives the same bytes
// without being mapped again, and a new snapshot is served at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auth, makeApp } from './helpers.js';
import { fakeStatus } from './fake-engine.js';

test('the same engine snapshot is serialised once; a new snapshot is served at once', async () => {
  const { app, engine } = await makeApp();
  const snap = fakeStatus();
  let reads = 0;
  engine.status = () => { reads += 1; return snap; };
  const a = await app.inject({ method: 'GET', url: '/api/status', headers: auth });
  // Mutate the very object in place: a second request for the same object must serve the
  // serialisation cached for it, not map the (now different) object again.
  (snap as { switchCount: number }).switchCount += 7;
  const b = await app.inject({ method: 'GET', url: '/api/status', headers: auth });
  assert.equal(a.statusCode, 200);
  assert.equal(a.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal(b.body, a.body);
  assert.equal(reads, 2);
  // ...and a new object (the engine hands out a new object on change) is served at once.
  const next = { ...snap, switchCount: snap.switchCount + 7 };
  engine.status = () => next;
  const c = await app.inject({ method: 'GET', url: '/api/status', headers: auth });
  assert.equal(c.json().switch_count, next.switchCount);
  assert.notEqual(c.body, a.body);
  await app.close();
});
