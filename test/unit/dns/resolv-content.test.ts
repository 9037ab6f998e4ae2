// The resolv file's content (issue 22, pure): the carrying links' servers, most preferred first,
// each once; the usable links' when no carrying link has any; nothing (null: leave the file) when
// no link has a server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolvContent, type ResolvLink } from '../../../src/dns/resolv-content.js';

const link = (name: string, carrying: boolean, servers: string[], usable = true): ResolvLink => ({ name, carrying, usable, servers });
const lines = (links: ResolvLink[]): string[] | null =>
  resolvContent(links)?.text.split('\n').filter((l) => l.startsWith('nameserver')) ?? null;

test('failover: the carrying link\'s servers only, both families', () => {
  assert.deepEqual(lines([link('fiber', true, ['198.51.100.53', '2001:db8::53']), link('cable', false, ['203.0.113.53'])]),
    ['nameserver 198.51.100.53', 'nameserver 2001:db8::53']);
  assert.deepEqual(lines([link('fiber', false, ['198.51.100.53']), link('cable', true, ['203.0.113.53'])]), ['nameserver 203.0.113.53']);
});

test('balancing: every carrying link\'s, in preference order, each server once', () => {
  const c = resolvContent([link('fiber', true, ['198.51.100.53', '198.18.0.53']), link('cable', true, ['203.0.113.53', '198.18.0.53']),
    link('lte', false, ['100.64.0.53'])]);
  assert.deepEqual(c?.servers, ['198.51.100.53', '198.18.0.53', '203.0.113.53']);
  assert.deepEqual(c?.links, ['fiber', 'cable']);
  assert.equal(c?.fallback, false);
  assert.match(c?.text ?? '', /^# Written by wan-failover .*fiber, cable/);
});

test('no carrying link has servers: the other usable links\', in preference order; a down link\'s never', () => {
  const c = resolvContent([link('fiber', true, []), link('cable', false, ['203.0.113.53'], false), link('lte', false, ['198.18.0.53'])]);
  assert.deepEqual(c?.servers, ['198.18.0.53']);
  assert.equal(c?.fallback, true);
});

test('no server anywhere: null (the file is left as it is, never emptied)', () => {
  assert.equal(resolvContent([link('fiber', true, []), link('cable', false, [])]), null);
  assert.equal(resolvContent([link('fiber', false, ['198.51.100.53'], false)]), null);
  assert.equal(resolvContent([]), null);
});
