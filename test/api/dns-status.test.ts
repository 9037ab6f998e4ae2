// The optional per-link `dns` and `dns_source` in GET /api/status (issue 22): the servers in use.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toLinkPayload } from '../../src/api/status-payload.js';
import { fakeLink } from './fake-engine.js';
import { auth, makeApp } from './helpers.js';

test('a link with servers reports them and their source; one without has no key', () => {
  const p = toLinkPayload(fakeLink({ name: 'wan1', dns: { servers: ['198.51.100.53', '2001:db8::53'], source: 'dhcp' } }));
  assert.deepEqual(p.dns, ['198.51.100.53', '2001:db8::53']);
  assert.equal(p.dns_source, 'dhcp');
  assert.equal('dns' in toLinkPayload(fakeLink({ name: 'wan2' })), false);
});

test('GET /api/status serves dns (the response schema keeps the keys)', async () => {
  const { app, engine } = await makeApp();
  try {
    engine.current.links[0] = { ...engine.current.links[0]!, dns: { servers: ['203.0.113.53'], source: 'static' } };
    const res = await app.inject({ method: 'GET', url: '/api/status', headers: auth });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { links: { dns?: unknown; dns_source?: unknown }[] };
    assert.deepEqual(body.links[0]!.dns, ['203.0.113.53']);
    assert.equal(body.links[0]!.dns_source, 'static');
    assert.equal(body.links[1]!.dns, undefined);
  } finally {
    await app.close();
  }
});
