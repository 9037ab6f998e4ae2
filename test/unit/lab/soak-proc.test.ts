// No root: /proc parsing for the soak's RSS, descriptor and identity samples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { parseStartTicks, parseVmRssKiB, readProc } from '../../../lab/soak-proc.js';

test('VmRSS from /proc/<pid>/status', () => {
  assert.equal(parseVmRssKiB('Name:\tnode\nVmPeak:\t 1000 kB\nVmRSS:\t   71234 kB\nThreads:\t11\n'), 71_234);
  assert.equal(parseVmRssKiB('Name:\tkthread\n'), null);
});

test('starttime from /proc/<pid>/stat, even with spaces and parentheses in the name', () => {
  const rest = Array.from({ length: 50 }, (_, i) => String(i + 3)); // field numbers 3..52
  assert.equal(parseStartTicks(`42 (node) ${rest.join(' ')}`), 22);
  assert.equal(parseStartTicks(`42 (a b) c)) ${rest.join(' ')}`), 22);
  assert.equal(parseStartTicks('garbage'), null);
});

test('readProc on this very process, and null for a pid that does not exist', () => {
  const me = readProc(process.pid);
  assert.ok(me !== null);
  // Against what this process knows of itself from elsewhere: Node's RSS (same kernel counter,
  // read moments apart) and its own descriptor table.
  const rssKiB = process.memoryUsage().rss / 1024;
  assert.ok(Math.abs(me.rssKiB - rssKiB) < rssKiB * 0.2, `VmRSS ${me.rssKiB} KiB vs memoryUsage ${Math.round(rssKiB)} KiB`);
  const fds = readdirSync('/proc/self/fd').length;
  assert.ok(Math.abs(me.fds - fds) <= 2, `fds ${me.fds} vs /proc/self/fd ${fds}`);
  // starttime is in clock ticks after boot: this process started after the machine did.
  assert.ok(me.startTicks > 0, `startTicks ${me.startTicks}`);
  assert.equal(readProc(process.pid, '/nonexistent-proc'), null);
});
