// GET /metrics: Prometheus text with the API key (header or ?api_key), 401 without it, public
// when metrics_public is set (and then only /metrics is public); absent without a provider.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build } from '../../src/api/app.js';
import type { MetricsProvider } from '../../src/metrics/metrics-extension.js';
import { FakeEngine } from './fake-engine.js';
import { auth, KEY } from './helpers.js';

function provider(isPublic: boolean): MetricsProvider & { scrapes: number } {
  return {
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
    public: isPublic,
    scrapes: 0,
    async render() {
      this.scrapes += 1;
      return '# HELP wan_failover_up x\n# TYPE wan_failover_up gauge\nwan_failover_up 1\n';
    },
  };
}

test('with the key: 200, Prometheus content type, the rendered text', async () => {
  const metrics = provider(false);
  const app = await build({ engine: new FakeEngine(), apiKey: KEY, metrics });
  const r = await app.inject({ method: 'GET', url: '/metrics', headers: auth });
  assert.equal(r.statusCode, 200);
  assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  assert.match(r.body, /^wan_failover_up 1$/m);
  const q = await app.inject({ method: 'GET', url: `/metrics?api_key=${KEY}` });
  assert.equal(q.statusCode, 200);
  await app.close();
});

test('without the key: 401 JSON error and no render', async () => {
  const metrics = provider(false);
  const app = await build({ engine: new FakeEngine(), apiKey: KEY, metrics });
  const r = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(r.statusCode, 401);
  assert.equal(typeof r.json().error, 'string');
  assert.equal(metrics.scrapes, 0);
  await app.close();
});

test('metrics_public: /metrics needs no key, /api/status still does', async () => {
  const app = await build({ engine: new FakeEngine(), apiKey: KEY, metrics: provider(true) });
  assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 200);
  assert.equal((await app.inject({ method: 'GET', url: '/api/status' })).statusCode, 401);
  await app.close();
});

test('no provider: /metrics is an authenticated 404', async () => {
  const app = await build({ engine: new FakeEngine(), apiKey: KEY });
  assert.equal((await app.inject({ method: 'GET', url: '/metrics', headers: auth })).statusCode, 404);
  assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
  await app.close();
});
