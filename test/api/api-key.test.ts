// validateApiKey: the placeholder, empty and short keys are refused with advice; good keys pass.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MIN_API_KEY_LENGTH, PLACEHOLDER_API_KEY, validateApiKey } from '../../src/api/api-key.js';
import { build } from '../../src/api/app.js';
import { isWanError } from '../../src/errors.js';
import { FakeEngine } from './fake-engine.js';

function rejection(key: string): { code: string; message: string; details: Record<string, unknown> } {
  try {
    validateApiKey(key);
  } catch (e) {
    assert.ok(isWanError(e));
    return { code: e.code, message: e.message, details: e.details };
  }
  assert.fail(`key of length ${key.length} was accepted`);
}

describe('validateApiKey', () => {
  const bad: Array<[string, string, string]> = [
    ['the seed placeholder', PLACEHOLDER_API_KEY, 'placeholder'],
    ['the placeholder with spaces', ` ${PLACEHOLDER_API_KEY} `, 'placeholder'],
    ['empty', '', 'empty'],
    ['whitespace only', '   ', 'empty'],
    ['15 characters', 'abcdefghijklmno', 'too_short'],
    ['3 characters', 'zq7', 'too_short'],
  ];
  for (const [name, key, problem] of bad) {
    it(`refuses ${name}`, () => {
      const r = rejection(key);
      assert.equal(r.code, 'WAN_ERR_CONFIG');
      assert.equal(r.details['problem'], problem);
      assert.equal(r.details['key'], 'api_key');
      assert.match(r.message, /openssl rand -hex 32/);
      assert.match(r.message, /randomBytes\(32\)/);
      if (key.trim() !== '' && key.trim() !== PLACEHOLDER_API_KEY) assert.ok(!r.message.includes(key));
    });
  }

  it(`accepts ${MIN_API_KEY_LENGTH} characters and a 64-hex key`, () => {
    validateApiKey('a'.repeat(MIN_API_KEY_LENGTH));
    validateApiKey('0123456789abcdef'.repeat(4));
  });
});

describe('build() refuses a bad key too', () => {
  it('empty key -> WAN_ERR_CONFIG before any route exists', async () => {
    await assert.rejects(build({ engine: new FakeEngine(), apiKey: '' }), (e: unknown) => isWanError(e) && e.code === 'WAN_ERR_CONFIG');
  });
});
