// Unit tests of the API client with a hand-written fake fetch: headers, bodies, error lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, apiBaseUrl, createApiClient, networkReason, type FetchLike } from '../../../src/cli/api-client.js';
import { STATUS_FIXTURE } from './status-fixture.js';

interface Call { url: string; init: RequestInit }

function fakeFetch(status: number, body: unknown, calls: Call[]): FetchLike {
  return async (url, init) => {
    calls.push({ url, init });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  };
}

test('base URL: wildcard listeners are reached over loopback; v6 literals bracketed', () => {
  assert.equal(apiBaseUrl('0.0.0.0', 8780), 'http://127.0.0.1:8780');
  assert.equal(apiBaseUrl('198.51.100.7', 80), 'http://198.51.100.7:80');
  assert.equal(apiBaseUrl('::', 8780), 'http://[::1]:8780');
  assert.equal(apiBaseUrl('2001:db8::1', 8780), 'http://[2001:db8::1]:8780');
});

test('status sends the bearer key and returns the parsed body', async () => {
  const calls: Call[] = [];
  const c = createApiClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k'.repeat(32), fetchImpl: fakeFetch(200, STATUS_FIXTURE, calls) });
  const s = await c.status();
  assert.equal(s.active_link, 'secondary');
  assert.equal(calls[0].url, 'http://127.0.0.1:1/api/status');
  assert.equal(calls[0].init.method, 'GET');
  assert.equal((calls[0].init.headers as Record<string, string>).authorization, `Bearer ${'k'.repeat(32)}`);
});

test('switch and auto post the seed\'s bodies', async () => {
  const calls: Call[] = [];
  const c = createApiClient({ baseUrl: 'http://h', apiKey: 'k', fetchImpl: fakeFetch(200, { success: true, active: 'primary' }, calls) });
  await c.switchTo('primary', false);
  await c.switchTo('primary', true);
  await c.switchTo('primary', false, 'ipv6');
  await c.setAuto(false);
  assert.deepEqual(calls.map((x) => [x.url, x.init.method, JSON.parse(String(x.init.body))]), [
    ['http://h/api/switch', 'POST', { target: 'primary' }],
    ['http://h/api/switch', 'POST', { target: 'primary', force: true }],
    ['http://h/api/switch', 'POST', { target: 'primary', family: 'ipv6' }],
    ['http://h/api/auto', 'POST', { enabled: false }],
  ]);
  assert.equal((calls[0].init.headers as Record<string, string>)['content-type'], 'application/json');
});

test('an error response becomes ApiError with the server\'s text, code and valid names', async () => {
  const c = createApiClient({
    baseUrl: 'http://h', apiKey: 'k',
    fetchImpl: fakeFetch(400, { success: false, error: 'unknown link', code: 'WAN_ERR_UNKNOWN_LINK', valid: ['primary', 'secondary'] }, []),
  });
  const err = await c.switchTo('nope', false).catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.equal(err.message, 'unknown link');
  assert.equal(err.status, 400);
  assert.equal(err.code, 'WAN_ERR_UNKNOWN_LINK');
  assert.deepEqual(err.valid, ['primary', 'secondary']);
});

test('an error without a JSON body falls back to the HTTP status', async () => {
  const c = createApiClient({ baseUrl: 'http://h', apiKey: 'k', fetchImpl: fakeFetch(502, 'bad gateway', []) });
  const err = await c.status().catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.match(err.message, /^HTTP 502/);
});

test('an unreachable daemon names the URL and the errno', async () => {
  const refused: FetchLike = async () => {
    throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
  };
  const c = createApiClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k', fetchImpl: refused });
  const err = await c.status().catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.equal(err.status, null);
  assert.equal(err.message, 'cannot reach the daemon at http://127.0.0.1:9: ECONNREFUSED');
  assert.equal(networkReason(new DOMException('t', 'TimeoutError')), 'timed out');
});

test('a 200 that is not a status is refused', async () => {
  const c = createApiClient({ baseUrl: 'http://h', apiKey: 'k', fetchImpl: fakeFetch(200, { hello: 1 }, []) });
  await assert.rejects(c.status(), ApiError);
});
