// wanctl status: a "metered links" section with usage, cap, probing and last resort (issue 24).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderStatus } from '../../../src/cli/format-status.js';
import { makePainter } from '../../../src/cli/io.js';
import { asStatusJson, type StatusJson } from '../../../src/cli/status-json.js';
import { STATUS_FIXTURE } from './status-fixture.js';

const plain = makePainter(false);

test('a metered link gets its line; without one there is no section', () => {
  const base = asStatusJson(structuredClone(STATUS_FIXTURE)) as StatusJson;
  assert.ok(!renderStatus(base, plain).includes('metered links:'));
  const s = structuredClone(base);
  const links = s.links ?? [];
  Object.assign(links[1]!, { usage_mb: 10_050.5, cap_mb: 10_000, cap_pct: 100.5, period_start: '2026-03-01T00:00:00.000Z',
    probing: 'normal rate', last_resort: 'data cap reached: carries traffic only while every other link is down' });
  const lines = renderStatus(s, plain);
  const i = lines.indexOf('metered links:');
  assert.notEqual(i, -1, 'a "metered links:" block');
  assert.match(lines[i + 1]!, /10050\.5 MB of 10000 MB \(100\.5 %\) since 2026-03-01; normal rate; last resort: data cap reached/);
});
