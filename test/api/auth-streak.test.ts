// Failed API logins log once per streak (issue 19, defect 5): 1,000 bad keys give one warn line,
// and the streak's end (60 s without a failure) one line with the count; each request's own line
// is debug. The key itself is never logged.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { build } from '../../src/api/app.js';
import { createLogger } from '../../src/log.js';
import { FakeClock } from '../unit/fake-clock.js';
import { FakeEngine } from './fake-engine.js';
import { KEY } from './helpers.js';

test('1,000 failed logins: one warn when the streak begins, one with the count when it ends', async () => {
  const chunks: string[] = [];
  const sink = new Writable({ write(c: Buffer, _e, cb) { chunks.push(c.toString()); cb(); } });
  const { logger } = createLogger({ level: 'info', file: null }, sink);
  const clock = new FakeClock();
  const app = await build({ engine: new FakeEngine(), apiKey: KEY, logger, clock });
  const lines = (): Array<Record<string, unknown>> => chunks.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  try {
    for (let i = 0; i < 1000; i++) {
      const res = await app.inject({ method: 'GET', url: i % 2 ? '/api/status' : '/api/status?api_key=wrong-key-0123456789abcdef',
        headers: i % 2 ? { authorization: `Bearer ${KEY}x` } : {} });
      assert.equal(res.statusCode, 401);
      clock.advance(10);
    }
    const good = await app.inject({ method: 'GET', url: '/api/status', headers: { authorization: `Bearer ${KEY}` } });
    assert.equal(good.statusCode, 200);
    assert.deepEqual(lines().map((l) => l['msg']), ['api authentication failed'], 'one line for 1,000 failures (info level and up)');
    assert.equal(lines()[0]!['level'], 'warn');
    assert.equal(typeof lines()[0]!['ip'], 'string');
    clock.advance(60_000);
    const end = lines().filter((l) => l['msg'] === 'api authentication failures: streak ended');
    assert.equal(end.length, 1);
    assert.equal(end[0]!['count'], 1000);
    const again = await app.inject({ method: 'GET', url: '/api/health', headers: { authorization: 'Bearer nope' } });
    assert.equal(again.statusCode, 401);
    assert.equal(lines().filter((l) => l['msg'] === 'api authentication failed').length, 2, 'a new streak is logged again');
  } finally {
    await app.close();
  }
  assert.equal(clock.pendingTimers, 0, 'closing the API leaves no streak timer');
  assert.ok(!chunks.join('').includes(KEY), 'the key is never logged');
});
