// The MQTT password never reaches a log line, wherever an object carrying it is logged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../../src/log.js';

test('the mqtt password is redacted at every depth the config can appear', async () => {
  const chunks: string[] = [];
  const { logger, close } = createLogger({ level: 'info', file: null }, { write: (s: string) => void chunks.push(s) });
  logger.info({ password: 'pw-top' }, 'a');
  logger.info({ mqtt: { url: 'mqtt://b', password: 'pw-one' } }, 'b');
  logger.info({ config: { mqtt: { password: 'pw-two' } } }, 'c');
  logger.child({ extension: 'mqtt' }).info({ options: { password: 'pw-child' } }, 'd');
  await close();
  const text = chunks.join('');
  for (const secret of ['pw-top', 'pw-one', 'pw-two', 'pw-child']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
  assert.ok(text.includes('mqtt://b'), 'the broker URL is kept');
  assert.equal((text.match(/\[REDACTED\]/g) ?? []).length, 4);
});
