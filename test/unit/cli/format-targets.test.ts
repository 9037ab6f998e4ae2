// `wanctl status` shows each target's method and last failure reason once a target is probed by
// another method than ICMP (issue 23); an ICMP-only status has no such block.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderStatus } from '../../../src/cli/format-status.js';
import { targetLines } from '../../../src/cli/format-targets.js';
import { makePainter } from '../../../src/cli/io.js';
import type { StatusJson } from '../../../src/cli/status-json.js';
import { STATUS_FIXTURE } from './status-fixture.js';

const plain = makePainter(false);

test('no block for ICMP-only targets', () => {
  assert.deepEqual(targetLines(STATUS_FIXTURE, plain), []);
});

test('a block with method, answer and last failure reason per target', () => {
  const s: StatusJson = structuredClone(STATUS_FIXTURE);
  s.links![0]!.state_reason = '3 consecutive failed checks (http://198.51.100.7/generate_204: HTTP 302)';
  s.links![0]!.targets = [
    { target: '198.51.100.1', up: true, rtt_ms: 4, loss_pct: 0, method: 'icmp', last_error: null },
    { target: 'http://198.51.100.7/generate_204', up: false, rtt_ms: null, loss_pct: 100, method: 'http', last_error: 'HTTP 302' },
  ];
  const lines = targetLines(s, plain);
  assert.equal(lines[0], 'probe targets:');
  assert.ok(lines.some((l) => l.includes(s.links![0]!.name) && l.includes('HTTP 302')), lines.join('\n'));
  const row = lines.find((l) => l.includes('http://198.51.100.7/generate_204') && !l.includes('consecutive'));
  assert.match(row ?? '', /http\s+down\s+rtt -\s+HTTP 302/);
  assert.ok(renderStatus(s, plain).includes('probe targets:'));
});
