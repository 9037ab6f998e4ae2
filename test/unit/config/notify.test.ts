// hooks:, webhooks:, metrics_public: defaults, both hook forms, webhook entries, and clear errors
// that name the key and never echo a header value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig, parseConfigReport } from '../../../src/config/load.js';
import { configProblems, keysOf } from './helpers.js';

test('absent: no hooks, no webhooks, metrics need the key', () => {
  const c = parseConfig('log_level: info\n', 'x.yaml');
  assert.deepEqual(c.hooks, []);
  assert.deepEqual(c.webhooks, []);
  assert.equal(c.metricsPublic, false);
});

test('hooks: a bare path (all events, 10 s) and a mapping with args, events and timeout', () => {
  const c = parseConfig([
    'metrics_public: true',
    'hooks:',
    '  - /usr/local/bin/notify.sh',
    '  - path: /etc/wan-failover/hooks/switch',
    '    args: [--quiet]',
    '    events: [switch, all_down]',
    '    timeout: 2.5',
  ].join('\n'), 'x.yaml');
  assert.equal(c.metricsPublic, true);
  assert.deepEqual(c.hooks, [
    { path: '/usr/local/bin/notify.sh', args: [], events: ['switch', 'link_down', 'link_up', 'all_down', 'degraded', 'data_cap', 'rule'], timeoutMs: 10_000 },
    { path: '/etc/wan-failover/hooks/switch', args: ['--quiet'], events: ['switch', 'all_down'], timeoutMs: 2500 },
  ]);
});

test('webhooks: url, headers, events, timeout, retries, fields', () => {
  const c = parseConfig([
    'webhooks:',
    '  - url: https://ntfy.example/',
    '    headers: {Authorization: "Bearer s3cret"}',
    '    fields: {topic: wan, priority: 4}',
    '  - url: http://127.0.0.1:9/hook',
    '    events: [switch]',
    '    timeout: 1',
    '    retries: 0',
  ].join('\n'), 'x.yaml');
  assert.deepEqual(c.webhooks, [
    { url: 'https://ntfy.example/', headers: { Authorization: 'Bearer s3cret' }, events: ['switch', 'link_down', 'link_up', 'all_down', 'degraded', 'data_cap', 'rule'],
      timeoutMs: 5000, retries: 3, fields: { topic: 'wan', priority: 4 } },
    { url: 'http://127.0.0.1:9/hook', headers: {}, events: ['switch'], timeoutMs: 1000, retries: 0, fields: {} },
  ]);
});

test('bad entries name their key; header values are never echoed', () => {
  const { error, problems } = configProblems(() => parseConfig([
    'hooks:',
    '  - relative/path.sh',
    '  - {path: /bin/true, events: [reboot], timeout: -1, shell: yes}',
    'webhooks:',
    '  - url: ftp://example.org/',
    '  - {url: "https://x.example/", headers: {X-Token: "abc\\ndef-SECRET"}, retries: 99}',
    '  - not-a-mapping',
    'metrics_public: "yes"',
  ].join('\n'), 'x.yaml'));
  assert.deepEqual(keysOf(problems).sort(), [
    'hooks[0]', 'hooks[1].events', 'hooks[1].timeout', 'metrics_public',
    'webhooks[0].url', 'webhooks[1].headers.X-Token', 'webhooks[1].retries', 'webhooks[2]',
  ].sort());
  assert.ok(!error.message.includes('SECRET'), error.message);
  assert.match(error.message, /hooks\[1\]\.events: .*expected a list of events from: switch, link_down, link_up, all_down, degraded/);
});

test('an unknown key in an entry is a warning (as everywhere); the entry still runs', () => {
  const r = parseConfigReport('hooks:\n  - {path: /bin/true, shell: yes}\n', 'x.yaml');
  assert.ok(r.warnings.some((w) => w.key === 'hooks[0].shell'));
  assert.equal(r.config.hooks?.length, 1);
});

test('hooks: not a list is refused', () => {
  const { problems } = configProblems(() => parseConfig('hooks: /bin/true\n', 'x.yaml'));
  assert.deepEqual(keysOf(problems), ['hooks']);
});

test('the commented hooks: and webhooks: examples in config.example.yaml are valid once uncommented', async () => {
  const { readFileSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const lines = readFileSync(fileURLToPath(new URL('../../../../config.example.yaml', import.meta.url)), 'utf8').split('\n');
  const block = (key: string): string[] => {
    const start = lines.findIndex((l) => l.startsWith(`# ${key}:`));
    const out: string[] = [];
    for (const l of lines.slice(start)) {
      if (!l.startsWith('#')) break;
      if (out.length > 0 && !l.startsWith('#  ')) break;
      out.push(l.slice(2));
    }
    return out;
  };
  const c = parseConfig([...block('hooks'), ...block('webhooks')].join('\n'), 'example');
  assert.equal(c.hooks?.length, 2);
  assert.equal(c.webhooks?.length, 2);
  assert.deepEqual(c.webhooks?.[0]?.fields, { topic: 'my-router-wan' });
});
