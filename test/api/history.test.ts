// GET /api/history, /api/events, /api/stream and the status page's assets, over a real history
// extension fed through the bus (fastify inject; the stream over a real socket).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build } from '../../src/api/app.js';
import { SyncEventBus } from '../../src/bus/event-bus.js';
import { systemClock } from '../../src/clock.js';
import { HistoryExtension } from '../../src/history/history-extension.js';
import { MAX_STREAMS } from '../../src/api/history-routes.js';
import { FakeEngine } from './fake-engine.js';
import { auth, KEY } from './helpers.js';

const quiet = { info: () => undefined, warn: () => undefined };

async function rig() {
  const engine = new FakeEngine();
  const bus = new SyncEventBus(quiet);
  const history = new HistoryExtension({ bus, engine, clock: systemClock, log: quiet, stateDir: null, links: () => ['primary', 'secondary'] });
  await history.start();
  const now = Date.now();
  for (const link of ['primary', 'secondary']) {
    bus.publish({ kind: 'probe-round', link, family: 'ipv4', gateway: null, targets: [], healthy: link === 'primary', timeMs: now - 2000 });
  }
  bus.publish({ kind: 'link-state', link: 'secondary', interface: 'eth1', family: 'ipv4', from: 'up', to: 'down', reason: 'carrier lost', timeMs: now - 1000 });
  const app = await build({ engine, apiKey: KEY, history });
  return { app, bus, history, engine, close: async () => { await app.close(); await history.stop(); } };
}

test('GET /api/history answers the points of every link in the documented shape', async () => {
  const r = await rig();
  try {
    const res = await r.app.inject({ url: '/api/history?family=ipv4&step=1', headers: auth });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.step_s, 1);
    assert.deepEqual(Object.keys(body.links), ['primary', 'secondary']);
    const p = body.links.primary[0];
    assert.deepEqual(Object.keys(p).sort(), ['jitter_ms', 'loss_pct', 'rtt_ms', 'rx_mbps', 'share', 'state', 'time', 'tx_mbps']);
    assert.equal(p.share, 1);
    assert.equal(p.rtt_ms, 12.35);
    assert.equal(body.links.secondary[0].state, 'down');
    assert.equal(body.links.secondary[0].share, 0);
    const one = (await r.app.inject({ url: '/api/history?link=secondary&step=60', headers: auth })).json();
    assert.equal(one.step_s, 60);
    assert.deepEqual(Object.keys(one.links), ['secondary']);
    assert.equal(one.links.secondary.length, 1);
    const later = (await r.app.inject({ url: `/api/history?since=${new Date(Date.now() + 60_000).toISOString()}`, headers: auth })).json();
    assert.deepEqual(later.links, { primary: [], secondary: [] });
  } finally {
    await r.close();
  }
});

test('bad history and events parameters are a 400 with a JSON error', async () => {
  const r = await rig();
  try {
    for (const q of ['family=ipv5', 'step=5', 'since=yesterday', 'link=nope']) {
      const res = await r.app.inject({ url: `/api/history?${q}`, headers: auth });
      assert.equal(res.statusCode, 400, q);
      assert.equal(res.json().success, false, q);
      assert.match(res.json().code, /^WAN_ERR_/, q);
    }
    assert.deepEqual((await r.app.inject({ url: '/api/history?link=nope', headers: auth })).json().valid, ['primary', 'secondary']);
    assert.equal((await r.app.inject({ url: '/api/events?since=soon', headers: auth })).statusCode, 400);
  } finally {
    await r.close();
  }
});

test('GET /api/events lists the state changes with their reasons', async () => {
  const r = await rig();
  try {
    const res = await r.app.inject({ url: '/api/events?since=2020-01-01T00:00:00Z', headers: auth });
    assert.equal(res.statusCode, 200);
    const [e] = res.json().events;
    assert.equal(e.kind, 'state');
    assert.equal(e.link, 'secondary');
    assert.match(e.message, /^secondary ipv4 down: carrier lost; 1 failed round; loss 0 % over 0\.0 s/);
    assert.equal(e.figures.reason, 'carrier lost');
  } finally {
    await r.close();
  }
});

test('the data routes need the key; the page and its assets do not', async () => {
  const r = await rig();
  try {
    for (const url of ['/api/history', '/api/events', '/api/stream']) assert.equal((await r.app.inject({ url })).statusCode, 401, url);
    const page = await r.app.inject({ url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /<label for="key">API key<\/label>/);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    for (const f of ['app.js', 'charts.js', 'app.css', 'uPlot.iife.min.js', 'uPlot.min.css']) {
      assert.equal((await r.app.inject({ url: `/page/${f}` })).statusCode, 200, f);
    }
    assert.equal((await r.app.inject({ url: '/page/nothing.js' })).statusCode, 404);
  } finally {
    await r.close();
  }
});

test('the page and its assets transfer at most 150 KiB gzipped, headers included', async () => {
  const r = await rig();
  try {
    let total = 0;
    for (const url of ['/', '/page/app.js', '/page/charts.js', '/page/app.css', '/page/uPlot.iife.min.js', '/page/uPlot.min.css']) {
      const res = await r.app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate' } });
      assert.equal(res.headers['content-encoding'], 'gzip', url);
      const head = Object.entries(res.headers).reduce((n, [k, v]) => n + k.length + String(v).length + 4, 20);
      total += head + res.rawPayload.length;
      const again = await r.app.inject({ url, headers: { 'if-none-match': String(res.headers.etag) } });
      assert.equal(again.statusCode, 304, url);
    }
    assert.ok(total <= 150 * 1024, `${total} bytes`);
  } finally {
    await r.close();
  }
});

test('the OpenAPI document describes the history routes', async () => {
  const r = await rig();
  try {
    const doc = (await r.app.inject({ url: '/api/openapi.json', headers: auth })).json();
    for (const p of ['/api/history', '/api/events', '/api/stream']) assert.ok(doc.paths[p]?.get, p);
    assert.deepEqual(doc.paths['/api/history'].get.parameters.map((p: { name: string }) => p.name), ['link', 'family', 'since', 'step']);
  } finally {
    await r.close();
  }
});

test('GET /api/stream sends the status at once and each event as it happens', async () => {
  const r = await rig();
  const address = await r.app.listen({ host: '127.0.0.1', port: 0 });
  const ac = new AbortController();
  try {
    const res = await fetch(`${address}/api/stream`, { headers: auth, signal: ac.signal });
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get('content-type')), /^text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const until = async (re: RegExp): Promise<void> => {
      for (let i = 0; i < 50 && !re.test(text); i++) text += (await reader.read()).value ?? '';
    };
    await until(/event: status\ndata: .*\n\n/);
    assert.match(text, /"active_link":"primary"/);
    r.bus.publish({ kind: 'auto', enabled: false, timeMs: Date.now() });
    await until(/event: event\n/);
    assert.match(text, /event: event\ndata: \{[^\n]*"message":"automatic failover disabled"/);
  } finally {
    ac.abort();
    await r.close();
  }
});

test('GET /api/stream refuses more open streams than its bound with a 503 JSON error', async () => {
  const engine = new FakeEngine();
  const bus = new SyncEventBus(quiet);
  const history = new HistoryExtension({ bus, engine, clock: systemClock, log: quiet, stateDir: null, links: () => ['primary'] });
  await history.start();
  const app = await build({ engine, apiKey: KEY, history });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const ac = new AbortController();
  try {
    const streams = [];
    for (let i = 0; i < MAX_STREAMS; i++) {
      const res = await fetch(`${address}/api/stream`, { headers: auth, signal: ac.signal });
      assert.equal(res.status, 200);
      streams.push(res);
    }
    const over = await fetch(`${address}/api/stream`, { headers: auth, signal: ac.signal });
    assert.equal(over.status, 503);
    assert.equal((await over.json() as { code: string }).code, 'WAN_ERR_BUSY');
  } finally {
    ac.abort();
    await app.close();
    await history.stop();
  }
});
