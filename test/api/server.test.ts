// startApi: refuses a bad key before opening a socket; listens on loopback, serves, closes idempotently.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { startApi } from '../../src/api/server.js';
import { isWanError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { FakeEngine } from './fake-engine.js';
import { KEY } from './helpers.js';

const quiet = new Writable({ write: (_c, _e, cb) => cb() });

describe('startApi', () => {
  it('rejects the placeholder key with WAN_ERR_CONFIG', async () => {
    const { logger } = createLogger({ level: 'silent', file: null }, quiet);
    await assert.rejects(
      startApi({ engine: new FakeEngine(), apiKey: 'CHANGE_ME_TO_A_RANDOM_STRING', logger, host: '127.0.0.1', port: 0 }),
      (e: unknown) => isWanError(e) && e.code === 'WAN_ERR_CONFIG',
    );
  });

  it('serves on 127.0.0.1 and closes twice without error', async () => {
    const { logger } = createLogger({ level: 'silent', file: null }, quiet);
    const api = await startApi({ engine: new FakeEngine(), apiKey: KEY, logger, host: '127.0.0.1', port: 0 });
    try {
      assert.match(api.address, /^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${api.address}/api/health`, {
        headers: { authorization: `Bearer ${KEY}` },
        signal: AbortSignal.timeout(5000),
      });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { status: string }).status, 'ok');
      const denied = await fetch(`${api.address}/api/health`, { signal: AbortSignal.timeout(5000) });
      assert.equal(denied.status, 401);
    } finally {
      await api.close();
      await api.close();
    }
  });

  it('a busy port is a WAN_ERR_CONFIG naming api_port', async () => {
    const { logger } = createLogger({ level: 'silent', file: null }, quiet);
    const first = await startApi({ engine: new FakeEngine(), apiKey: KEY, logger, host: '127.0.0.1', port: 0 });
    try {
      const port = Number(new URL(first.address).port);
      await assert.rejects(
        startApi({ engine: new FakeEngine(), apiKey: KEY, logger, host: '127.0.0.1', port }),
        (e: unknown) => isWanError(e) && e.code === 'WAN_ERR_CONFIG' && e.details['key'] === 'api_port',
      );
    } finally {
      await first.close();
    }
  });

  it('malformed HTTP gets a JSON 400 and the connection is closed', async () => {
    const { logger } = createLogger({ level: 'silent', file: null }, quiet);
    const api = await startApi({ engine: new FakeEngine(), apiKey: KEY, logger, host: '127.0.0.1', port: 0 });
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const sock = connect(Number(new URL(api.address).port), '127.0.0.1');
        let data = '';
        const timer = setTimeout(() => {
          sock.destroy();
          reject(new Error('no answer within 5 s'));
        }, 5000);
        sock.on('data', (d) => (data += d.toString()));
        sock.on('close', () => {
          clearTimeout(timer);
          resolve(data);
        });
        sock.on('error', () => undefined);
        sock.write('GARBAGE / HTTP/9.9\r\n\r\n');
      });
      assert.match(reply, /^HTTP\/1\.1 400 /);
      const body = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
      assert.equal(body['success'], false);
      assert.equal(body['code'], 'WAN_ERR_BAD_REQUEST');
    } finally {
      await api.close();
    }
  });
});
