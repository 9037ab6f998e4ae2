// No root needed: the demo's bounds, the explanation of each figure, the LAN outage and the
// 80-column layout of everything the demo prints from pure code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandLines, explainStep, lanOutage, renderLan, stepBound, wrap, WIDTH, type Echo, type Timing } from '../../lab/demo-figures.js';
import { LiveScreen } from '../../lab/live-screen.js';
import { renderConfig, renderStatus, renderSummary, timingOf } from '../../lab/demo-view.js';

const lab: Timing = { checkInterval: 1, pingTimeout: 0.5, failureThreshold: 3, recoveryThreshold: 3, minSecondaryTime: 5 };

test('stepBound: upstream (f-1)i+t .. fi+t, carrier at once, return (r-1)i .. ri', () => {
  assert.deepEqual(stepBound('upstream', lab), { loMs: 2500, hiMs: 3500, text: '2.5-3.5 s' });
  assert.deepEqual(stepBound('carrier', lab), { loMs: 0, hiMs: null, text: 'at once' });
  assert.deepEqual(stepBound('return', lab), { loMs: 2000, hiMs: 3000, text: '2-3 s' });
  assert.deepEqual(stepBound('return', lab, 6000), { loMs: 2000, hiMs: 3000, text: '2-3 s' }, 'min_secondary_time already over');
});

test('stepBound: a return still inside min_secondary_time is held until it ends', () => {
  // 1 s on the secondary at the heal: not before 4 s, at the first check after (5 s).
  assert.deepEqual(stepBound('return', lab, 1000), { loMs: 4000, hiMs: 5000, text: '4-5 s' });
});

test('explainStep: the figure split into time to the next check and whole check cycles', () => {
  assert.equal(explainStep('upstream', 3200, lab),
    '0.7 s until the next check, then 3 failed checks 1 s apart, the last one timing out after ping_timeout 0.5 s');
  assert.equal(explainStep('return', 2480, lab, 6000),
    '0.48 s until the first good check, then 2 more 1 s apart (recovery_threshold 3)');
  assert.match(explainStep('return', 3910, lab, 6000), /^1\.91 s until the first good check \(the first check after the heal still failed\)/,
    'a figure above the bound says why');
  assert.match(explainStep('carrier', 10, lab), /netlink link event/);
  assert.match(explainStep('return', 4500, lab, 1000), /^held by min_secondary_time: the route had been on the secondary 1 s of 5 s/);
});

test('lanOutage: longest silence from the last echo before the fault to the first after the switch, and the losses', () => {
  // 50 ms cadence; the fault at 1010; echoes 3..64 lost; seq 65 is the first after the switch.
  const echoes: Echo[] = [{ seq: 0, at: 900 }, { seq: 1, at: 950 }, { seq: 2, at: 1000 }, { seq: 65, at: 4250 }, { seq: 66, at: 4300 }];
  assert.deepEqual(lanOutage(echoes, 1010, echoes[3]!), { silentMs: 3250, lost: 62 });
  assert.equal(renderLan(lanOutage(echoes, 1010, echoes[3]!)), '3.25 s, 62 lost');
  const steady: Echo[] = [0, 1, 2, 3, 4].map((seq) => ({ seq, at: 1000 + seq * 50 }));
  assert.deepEqual(lanOutage(steady, 1060, steady[3]!), { silentMs: 50, lost: 0 });
  assert.equal(renderLan({ silentMs: 50, lost: 0 }), '0.05 s, none lost');
  assert.equal(lanOutage(steady, 1060, null), null, 'never resumed');
  assert.equal(renderLan(null), 'no echo came back');
  assert.equal(lanOutage(steady, 500, steady[0]!), null, 'no echo before the fault');
});

test('wrap: words to 80 columns, continuation lines indented', () => {
  const text = Array.from({ length: 40 }, (_, k) => `word${k}`).join(' ');
  const lines = wrap(text, '  first: ', '      ');
  assert.ok(lines.length > 1);
  assert.ok(lines.every((l) => l.length <= WIDTH), lines.join('\n'));
  assert.ok(lines[0]!.startsWith('  first: word0'));
  assert.ok(lines.slice(1).every((l) => l.startsWith('      word')));
  assert.equal(lines.join(' ').replace(/\s+/g, ' ').replace('first: ', '').trim(), text);
});

test('the demo config, live view and summary fit 80 columns', () => {
  const config = {
    links: [{ name: 'wan1', display_name: 'ISP 1' }, { name: 'wan2', display_name: 'ISP 2' }], ping_targets: ['198.51.100.1', '203.0.113.1'],
    check_interval: 1, ping_timeout: 0.5, ping_count: 1, failure_threshold: 3, recovery_threshold: 3, min_secondary_time: 5, stats_window: 3,
  };
  const status = {
    active_link: 'wan2', active_display_name: 'ISP 2', auto_enabled: true, all_down: true,
    links: [{ name: 'wan1', interface: 'wan1', state: 'degraded', healthy: false, gateway_reachable: true, carrier: false, rtt_ms: 1234.56, loss_pct: 100, consecutive_failures: 12 }],
  };
  const summary = renderSummary([
    { step: 'wan1 upstream outage', kind: 'upstream', expected: 'wan2', ms: 3200, lan: { silentMs: 3250, lost: 62 } },
    { step: 'wan1 upstream healed', kind: 'return', expected: 'wan1', ms: 2480, onSecondaryMs: 3100, lan: { silentMs: 50, lost: 0 } },
    { step: 'wan1 carrier loss', kind: 'carrier', expected: 'wan2', ms: 10, lan: null },
    { step: 'wan1 carrier back', kind: 'return', expected: 'wan1', ms: 3910, onSecondaryMs: 3050, lan: { silentMs: 50, lost: 0 } },
  ], timingOf(config));
  const all = [...renderConfig(config), ...renderStatus(status, 123_456, { kernelRoute: 'wan2', lossWindow: 3, failureThreshold: 3 }), ...summary];
  const wide = all.filter((l) => l.length > WIDTH);
  assert.deepEqual(wide, []);
  assert.ok(summary.some((l) => /wan1 upstream outage +wan2 +3\.20 s +2\.5-3\.5 s +3\.25 s, 62 lost/.test(l)), summary.join('\n'));
});

test('commandLines: a long command split with trailing backslashes, pasting back as the same words', () => {
  const words = ['ip', 'netns', 'exec', 'wflab-r', 'curl', '-s', '--oauth2-bearer', 'a'.repeat(32), 'http://127.0.0.1:8780/api/status'];
  const lines = commandLines('  API:', words);
  assert.ok(lines.length > 1);
  assert.ok(lines.every((l) => l.length <= WIDTH), lines.join('\n'));
  assert.ok(lines.slice(0, -1).every((l) => l.endsWith(' \\')));
  assert.ok(lines[0]!.startsWith('  API:              ip netns'));
  assert.equal(lines.map((l) => l.replace(/ \\$/, '')).join(' ').replace('  API:', '').split(/\s+/).filter((w) => w !== '').join(' '), words.join(' '));
  assert.deepEqual(commandLines('  heal:', ['npm', 'run']), ['  heal:             npm run']);
});

/** A fake terminal: what was written, in order. */
function fakeTty(): { out: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const out = { isTTY: true, write: (s: string) => { text += s; return true; } } as unknown as NodeJS.WriteStream;
  return { out, text: () => text };
}

test('LiveScreen on a TTY: a log line scrolls above the live block, which is redrawn under it', () => {
  const t = fakeTty();
  const screen = new LiveScreen(t.out);
  screen.view(['active: wan1', 'table wan1'], 'k1', 0);
  const before = t.text().length;
  screen.log('>>> fault');
  const after = t.text().slice(before);
  assert.ok(after.startsWith('\x1b[2A\x1b[0J>>> fault\n'), JSON.stringify(after));
  assert.ok(after.endsWith('active: wan1\ntable wan1\n'), 'the block is redrawn below the line');
});

test('LiveScreen on a TTY: a stale log line (the route moved) erases the block and does not redraw the old table', () => {
  const t = fakeTty();
  const screen = new LiveScreen(t.out);
  screen.view(['active: wan1', 'table wan1'], 'k1', 0);
  const before = t.text().length;
  screen.log('<<< default route on wan2', { stale: true });
  const after = t.text().slice(before);
  assert.equal(after, '\x1b[2A\x1b[0J<<< default route on wan2\n', 'no table showing wan1 under a line saying wan2');
  screen.log('    LAN host: ...');
  assert.equal(t.text().slice(before + after.length), '    LAN host: ...\n', 'nothing to redraw until a fresh view');
  screen.view(['active: wan2', 'table wan2'], 'k2', 1);
  assert.ok(t.text().endsWith('active: wan2\ntable wan2\n'));
});
