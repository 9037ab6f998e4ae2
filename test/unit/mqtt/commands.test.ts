import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommand } from '../../../src/mqtt/commands.js';
import { buildTopics } from '../../../src/mqtt/topics.js';

const t = buildTopics('wan-failover', 'homeassistant', 'gw', ['primary']);
const p = (topic: string, payload: string) => parseCommand(t, topic, Buffer.from(payload));

test('select: the payload is the link name; JSON takes target and force like POST /api/switch', () => {
  assert.deepEqual(p(t.setActive, 'secondary'), { kind: 'switch', target: 'secondary', force: false });
  assert.deepEqual(p(t.setActive, '{"target":"lte","force":true}'), { kind: 'switch', target: 'lte', force: true });
  assert.equal(p(t.setActive, '{"target":1}').kind, 'ignored');
  assert.equal(p(t.setActive, '{"target":"a","force":"yes"}').kind, 'ignored');
  // Issue 12: an optional family, as POST /api/switch takes it; a bad one is ignored with the reason.
  assert.deepEqual(p(t.setActive, '{"target":"lte","family":"ipv6"}'), { kind: 'switch', target: 'lte', force: false, family: 'ipv6' });
  assert.deepEqual(p(t.setActive, '{"target":"lte","family":"both","force":true}'), { kind: 'switch', target: 'lte', force: true, family: 'both' });
  assert.deepEqual(p(t.setActive, '{"target":"lte","family":"v6"}'), { kind: 'ignored', why: '"family" is not one of ipv4, ipv6, both' });
  assert.equal(p(t.setActive, '{oops').kind, 'ignored');
  assert.equal(p(t.setActive, '').kind, 'ignored');
  assert.equal(p(t.setActive, 'x'.repeat(2000)).kind, 'ignored');
});

test('auto switch: ON/OFF (case-insensitive, true/false too); anything else ignored', () => {
  assert.deepEqual(p(t.setAuto, 'ON'), { kind: 'auto', enabled: true });
  assert.deepEqual(p(t.setAuto, 'off'), { kind: 'auto', enabled: false });
  assert.deepEqual(p(t.setAuto, 'true'), { kind: 'auto', enabled: true });
  assert.equal(p(t.setAuto, 'maybe').kind, 'ignored');
});

test('the button resumes automatic choice; other topics are ignored', () => {
  assert.deepEqual(p(t.resumeAuto, 'PRESS'), { kind: 'resume-auto' });
  assert.equal(p('wan-failover/router/other/set', 'x').kind, 'ignored');
});
