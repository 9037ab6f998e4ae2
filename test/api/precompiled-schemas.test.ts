// The API runs on the validators and serializers compiled at build time (src/api/schema-compilers.ts,
// issue 20): building it loads neither ajv nor fast-json-stringify's compiler, and a schema-checked
// body and a schema-filtered response still behave as they did with the run-time compilers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { build } from '../../src/api/app.js';
import { FakeEngine } from './fake-engine.js';

const KEY = 'k'.repeat(32);
const loaded = (): string[] => Object.keys(createRequire(import.meta.url).cache)
  .filter((k) => /node_modules\/(ajv\/dist\/(ajv|core|compile)|@fastify\/ajv-compiler|fast-json-stringify\/index)/.test(k));

test('the built API loads no schema compiler (ajv, fast-json-stringify) and still validates and filters', async () => {
  const app = await build({ engine: new FakeEngine(), apiKey: KEY });
  try {
    assert.deepEqual(loaded(), [], 'no compiler module in the process');
    const auth = { authorization: `Bearer ${KEY}` };
    const bad = await app.inject({ method: 'POST', url: '/api/auto', headers: { ...auth, 'content-type': 'application/json' }, payload: { enabled: 'true' } });
    assert.equal(bad.statusCode, 400, 'a non-boolean `enabled` is refused by the precompiled validator');
    const st = await app.inject({ method: 'GET', url: '/api/health', headers: auth });
    assert.equal(st.statusCode, 200);
    assert.equal(typeof JSON.parse(st.body), 'object');
  } finally {
    await app.close();
  }
});
