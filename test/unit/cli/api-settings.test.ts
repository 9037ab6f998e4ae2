// The light reader of api_host/api_port/api_key for `wanctl status --check`: the schema's defaults,
// JSON configs (valid YAML) as the lab writes them, and errors that name file and key.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readApiSettings } from '../../../src/cli/api-settings.js';

let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'wanctl-api-settings-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('readApiSettings', () => {
  test('the schema defaults when the keys are absent (api_key unset: empty)', () => {
    assert.deepEqual(readApiSettings(file('empty.yaml', 'log_level: INFO\n')), { host: '0.0.0.0', port: 8780, apiKey: '' });
  });

  test('the keys as written, in YAML and in JSON', () => {
    assert.deepEqual(readApiSettings(file('a.yaml', 'api_host: "127.0.0.1"\napi_port: 9000\napi_key: "k3y-k3y-k3y-k3y-k3y"\n')),
      { host: '127.0.0.1', port: 9000, apiKey: 'k3y-k3y-k3y-k3y-k3y' });
    assert.deepEqual(readApiSettings(file('a.json', JSON.stringify({ api_host: '::1', api_port: 8781, api_key: 'x'.repeat(32) }, null, 2))),
      { host: '::1', port: 8781, apiKey: 'x'.repeat(32) });
  });

  test('a bad value names file, key and value', () => {
    const p = file('bad.yaml', 'api_port: 70000\n');
    assert.throws(() => readApiSettings(p), (e: Error) => e.message === `${p}: api_port: got 70000, expected a TCP port (integer 1-65535)`);
  });

  test('bad YAML and a missing file name the file', () => {
    const p = file('broken.yaml', 'api_port: [\n');
    assert.throws(() => readApiSettings(p), (e: Error) => e.message.startsWith(`${p}: invalid YAML`));
    assert.throws(() => readApiSettings(join(dir, 'nope.yaml')), /nope\.yaml: cannot read config file \(ENOENT\)/);
  });
});
