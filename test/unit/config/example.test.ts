// config.example.yaml stays in step with the schema: it loads, and it mentions every key.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { loadConfig, parseConfig } from '../../../src/config/load.js';
import { LINK_ENTRY_KEYS, leafPaths } from '../../../src/config/schema.js';

const EXAMPLE = fileURLToPath(new URL('../../../../config.example.yaml', import.meta.url));

test('config.example.yaml loads', () => {
  const c = loadConfig(EXAMPLE);
  assert.deepEqual(c.links.map((l) => l.name), ['primary', 'secondary']);
});

test('config.example.yaml documents every key', () => {
  const text = readFileSync(EXAMPLE, 'utf8');
  const keys = new Set([...leafPaths().map((p) => p.split('.').at(-1) as string), ...LINK_ENTRY_KEYS]);
  for (const key of keys) assert.match(text, new RegExp(`^[#\\s-]*${key}:`, 'm'), key);
});

test('the commented links: example is valid once uncommented', () => {
  const lines = readFileSync(EXAMPLE, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('# links:'));
  const block: string[] = [];
  for (const l of lines.slice(start)) {
    if (!l.startsWith('#')) break;
    block.push(l.slice(2));
  }
  const c = parseConfig(block.join('\n'), EXAMPLE);
  assert.deepEqual(c.links.map((l) => l.name), ['fiber', 'cable', 'lte']);
});
