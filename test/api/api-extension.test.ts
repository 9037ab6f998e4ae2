// The API never stops failover: without a usable key it answers every request 503
// WAN_ERR_API_DISABLED with the reason (one loud log line); a failed bind is retried by the
// ExtensionHost with backoff; a reload with a good key brings the full API back.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { ApiExtension, API_EXTENSION, type ApiSettings } from '../../src/api/api-extension.js';
import { buildDisabled } from '../../src/api/app.js';
import type { RunningApi, StartApiOptions } from '../../src/api/server.js';
import { ExtensionHost } from '../../src/bus/extension-host.js';
import { WanError } from '../../src/errors.js';
import { createLogger, type Logger } from '../../src/log.js';
import { FakeClock, flushMicrotasks } from '../unit/fake-clock.js';
import { FakeEngine } from './fake-engine.js';
import { KEY } from './helpers.js';

type Line = Record<string, unknown>;

function logger(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const out = new Writable({ write: (c: Buffer, _e, cb) => { for (const l of c.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Line); cb(); } });
  return { logger: createLogger({ level: 'info', file: null }, out).logger, lines };
}

const settings = (apiKey: string, port = 0): ApiSettings => ({ host: '127.0.0.1', port, apiKey, configPath: '/etc/wan-failover/config.yaml' });

describe('disabled API (no usable key)', () => {
  it('answers every request, any method, path, body or auth, with 503 WAN_ERR_API_DISABLED and the reason', async () => {
    const app = await buildDisabled({ reason: 'API disabled: api_key is still the example placeholder' });
    try {
      const reqs = [
        { method: 'GET' as const, url: '/api/status' },
        { method: 'GET' as const, url: '/api/health?api_key=CHANGE_ME_TO_A_RANDOM_STRING' },
        { method: 'POST' as const, url: '/api/switch', payload: '{"target":"secondary"}', headers: { 'content-type': 'application/json' } },
        { method: 'POST' as const, url: '/api/auto', payload: 'x', headers: { 'content-type': 'text/plain' } },
        { method: 'DELETE' as const, url: '/nope' },
      ];
      for (const r of reqs) {
        const res = await app.inject(r);
        assert.equal(res.statusCode, 503, `${r.method} ${r.url}`);
        assert.match(res.headers['content-type'] as string, /^application\/json/);
        const body = res.json() as Line;
        assert.equal(body['code'], 'WAN_ERR_API_DISABLED');
        assert.equal(body['success'], false);
        assert.match(String(body['error']), /example placeholder/);
      }
    } finally {
      await app.close();
    }
  });

  it('the extension serves it on a real socket, logs one loud line, and its note names the reason', async () => {
    const { logger: log, lines } = logger();
    const ext = new ApiExtension({ engine: new FakeEngine(), logger: log, version: 't' }, settings('CHANGE_ME_TO_A_RANDOM_STRING'));
    await ext.start();
    try {
      const res = await fetch(`${ext.address()}/api/status`, { headers: { authorization: 'Bearer CHANGE_ME_TO_A_RANDOM_STRING' }, signal: AbortSignal.timeout(5000) });
      assert.equal(res.status, 503);
      const body = (await res.json()) as Line;
      assert.equal(body['code'], 'WAN_ERR_API_DISABLED');
      assert.match(String(body['error']), /set a good api_key in \/etc\/wan-failover\/config\.yaml and reload/);
      const loud = lines.filter((l) => l['level'] === 'error' && /API DISABLED/.test(String(l['msg'])));
      assert.equal(loud.length, 1);
      assert.equal(ext.statusNote(), 'API off: api_key is still the example placeholder');
      // A restart with the same reason (e.g. a reload that changed something else) stays quiet.
      await ext.stop();
      await ext.start();
      assert.equal(lines.filter((l) => /API DISABLED/.test(String(l['msg']))).length, 1);
    } finally {
      await ext.stop();
    }
  });

  for (const [name, key, re] of [['empty', '', /not set/], ['short', 'abc', /too short \(3 characters/]] as const) {
    it(`${name} key: disabled, the key never in the reason`, () => {
      const { logger: log } = logger();
      const ext = new ApiExtension({ engine: new FakeEngine(), logger: log, version: 't' }, settings(key));
      assert.match(ext.disabledReason() ?? '', re);
      if (key !== '') assert.ok(!(ext.disabledReason() ?? '').includes(`${key} `));
    });
  }
});

describe('reload: a good key brings the full API back', () => {
  it('update() reports the change; restart through the host serves the real API', async () => {
    const { logger: log } = logger();
    const notes: Array<string | null> = [];
    let ext: ApiExtension | null = null;
    ext = new ApiExtension({ engine: new FakeEngine(), logger: log, version: 't', onNoteChange: () => notes.push(ext?.statusNote() ?? null) }, settings(''));
    const host = new ExtensionHost(new FakeClock(), log);
    host.add(ext);
    await host.start();
    try {
      assert.equal((await fetch(`${ext.address()}/api/health`, { signal: AbortSignal.timeout(5000) })).status, 503);
      assert.equal(ext.update(settings('')), false, 'nothing changed');
      assert.equal(ext.update(settings(KEY)), true);
      await host.restart(API_EXTENSION);
      const res = await fetch(`${ext.address()}/api/health`, { headers: { authorization: `Bearer ${KEY}` }, signal: AbortSignal.timeout(5000) });
      assert.equal(res.status, 200);
      assert.equal(ext.statusNote(), null);
      assert.equal(notes.at(-1), null, 'the note change was announced');
    } finally {
      await host.stop();
    }
  });
});

describe('a bind that fails: failover does not wait, the host retries with backoff', () => {
  it('EADDRINUSE on a real port: start rejects with the errno, the note says so', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const { logger: log } = logger();
    const ext = new ApiExtension({ engine: new FakeEngine(), logger: log, version: 't' }, settings(KEY, port));
    try {
      await assert.rejects(ext.start(), /EADDRINUSE/);
      assert.equal(ext.statusNote(), 'API not listening (EADDRINUSE), retrying');
    } finally {
      await new Promise((r) => blocker.close(r));
      await ext.stop();
    }
  });

  it('retries on the backoff schedule, one error line per streak, and clears the note on success', async () => {
    const clock = new FakeClock();
    const { logger: log, lines } = logger();
    let attempts = 0;
    const listen = async (_o: StartApiOptions): Promise<RunningApi> => {
      attempts += 1;
      if (attempts < 3) {
        const cause = Object.assign(new Error('listen EADDRNOTAVAIL: address not available 192.0.2.1:8780'), { code: 'EADDRNOTAVAIL' });
        throw new WanError('WAN_ERR_CONFIG', 'API cannot listen on 192.0.2.1:8780: EADDRNOTAVAIL', {}, { cause });
      }
      return { address: 'http://192.0.2.1:8780', close: async () => undefined };
    };
    const ext = new ApiExtension({ engine: new FakeEngine(), logger: log, version: 't', listen }, settings(KEY));
    const host = new ExtensionHost(clock, log, { firstMs: 1000, maxMs: 60_000 });
    host.add(ext);
    await host.start();
    assert.equal(attempts, 1);
    assert.equal(ext.statusNote(), 'API not listening (EADDRNOTAVAIL), retrying');
    await clock.advance(999);
    assert.equal(attempts, 1, 'no hot loop: nothing before the first backoff');
    await clock.advance(1);
    await flushMicrotasks();
    assert.equal(attempts, 2);
    await clock.advance(2000);
    await flushMicrotasks();
    assert.equal(attempts, 3);
    assert.equal(host.running(API_EXTENSION), true);
    assert.equal(ext.statusNote(), null);
    assert.equal(lines.filter((l) => l['msg'] === 'extension failed to start; retrying with backoff').length, 1);
    await host.stop();
  });
});
