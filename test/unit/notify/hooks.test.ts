// Hooks with real programs (sh scripts in a temp dir): WAN_* environment and JSON on stdin, one at
// a time in event order, a timeout that kills the whole process group, exit status and output
// logged, a bounded queue that drops and says so, and only subscribed events.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SyncEventBus } from '../../../src/bus/event-bus.js';
import type { DaemonEvent } from '../../../src/bus/events.js';
import type { HookConfig } from '../../../src/config/notify.js';
import { spawnHook } from '../../../src/notify/hook-process.js';
import { HooksExtension } from '../../../src/notify/hooks-extension.js';
import { MemoryLog } from '../engine/fakes.js';
import { groupAlive, liveMembers } from '../../support/process-group.js';

const ALL = ['switch', 'link_down', 'link_up', 'all_down', 'degraded'] as const;

function script(dir: string, name: string, body: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

const switched = (from: string, to: string, reason: 'failover' | 'recovery', t: number): DaemonEvent => ({
  kind: 'switched', family: 'ipv4', reason, message: `Switched ${from} -> ${to}: ${reason}`, timeMs: t, applyMs: 1,
  from: { link: from, interface: from === 'primary' ? 'wan1' : 'wan2', addresses: [] },
  to: { link: to, interface: to === 'primary' ? 'wan1' : 'wan2', addresses: [] },
});

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wf-hooks-'));
  try { await fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('env, stdin JSON, event order, exit status and output logged', () => withDir(async (dir) => {
  const out = path.join(dir, 'out');
  const p = script(dir, 'h.sh', `printf '%s|%s|%s|%s|%s|%s|%s\\n' "$WAN_EVENT" "$WAN_LINK" "$WAN_INTERFACE" "$WAN_FROM" "$WAN_TO" "$WAN_REASON" "$WAN_TIME" >> ${out}\ncat >> ${out}.json\necho said-something\nexit 3`);
  const bus = new SyncEventBus({ warn: () => undefined });
  const log = new MemoryLog();
  const hooks: HookConfig[] = [{ path: p, args: [], events: [...ALL], timeoutMs: 5000 }];
  const ext = new HooksExtension({ bus, hooks, spawn: spawnHook, log });
  await ext.start();
  const t = Date.UTC(2025, 0, 2, 3, 4, 5);
  bus.publish(switched('primary', 'secondary', 'failover', t));
  bus.publish({ kind: 'link-state', link: 'primary', interface: 'wan1', family: 'ipv4', from: 'down', to: 'up', reason: 'probes pass', timeMs: t + 1 });
  bus.publish({ kind: 'probe-round', link: 'primary', family: 'ipv4', gateway: null, targets: [], healthy: true, timeMs: t }); // not a hook event
  bus.publish(switched('secondary', 'primary', 'recovery', t + 2));
  await ext.idle();
  await ext.stop();
  assert.deepEqual(readFileSync(out, 'utf8').trim().split('\n'), [
    'switch|secondary|wan2|primary|secondary|failover|2025-01-02T03:04:05.000Z',
    'link_up|primary|wan1|down|up|probes pass|2025-01-02T03:04:05.001Z',
    'switch|primary|wan1|secondary|primary|recovery|2025-01-02T03:04:05.002Z',
  ]);
  const stdin = readFileSync(`${out}.json`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; to: string });
  assert.deepEqual(stdin.map((e) => [e.event, e.to]), [['switch', 'secondary'], ['link_up', 'up'], ['switch', 'primary']]);
  assert.equal(log.lines.filter((l) => l.msg === 'hook failed' && (l.obj as { exitCode: number }).exitCode === 3).length, 3);
  assert.ok(log.lines.some((l) => l.level === 'debug' && l.msg === 'hook output' && (l.obj as { stdout: string }).stdout === 'said-something\n'));
}));

test('a hook past its timeout is killed with its children, logged, and the next one runs', () => withDir(async (dir) => {
  const marks = path.join(dir, 'marks');
  // The child `sleep` would keep the pipes open if only the shell were killed.
  const p = script(dir, 'slow.sh', `echo "start $WAN_TO" >> ${marks}\nsleep 30\necho "end $WAN_TO" >> ${marks}`);
  const bus = new SyncEventBus({ warn: () => undefined });
  const log = new MemoryLog();
  const ext = new HooksExtension({ bus, hooks: [{ path: p, args: [], events: ['switch'], timeoutMs: 300 }], spawn: spawnHook, log });
  await ext.start();
  bus.publish(switched('primary', 'secondary', 'failover', 1));
  bus.publish(switched('secondary', 'primary', 'recovery', 2));
  await ext.idle();
  await ext.stop();
  assert.deepEqual(readFileSync(marks, 'utf8').trim().split('\n'), ['start secondary', 'start primary']);
  const timeouts = log.lines.filter((l) => l.msg === 'hook timed out; killed');
  assert.equal(timeouts.length, 2);
  assert.equal(timeouts[0]!.level, 'warn');
}));

test('a missing program is logged as not started; hooks only hear their events', () => withDir(async (dir) => {
  const log = new MemoryLog();
  const bus = new SyncEventBus({ warn: () => undefined });
  const ran = path.join(dir, 'ran');
  const only = script(dir, 'down.sh', `echo "$WAN_EVENT" >> ${ran}`);
  const ext = new HooksExtension({ bus, spawn: spawnHook, log, hooks: [
    { path: path.join(dir, 'nope'), args: [], events: ['switch'], timeoutMs: 1000 },
    { path: only, args: [], events: ['link_down'], timeoutMs: 1000 },
  ] });
  await ext.start();
  bus.publish(switched('primary', 'secondary', 'failover', 1));
  bus.publish({ kind: 'link-state', link: 'primary', interface: 'wan1', family: 'ipv4', from: 'up', to: 'down', reason: 'carrier lost', timeMs: 3 });
  await ext.idle();
  await ext.stop();
  assert.ok(log.lines.some((l) => l.msg === 'hook could not be started' && (l.obj as { errno: string }).errno === 'ENOENT'));
  assert.equal(readFileSync(ran, 'utf8'), 'link_down\n');
}));

test('a flood overflows the bounded queue: extra events are dropped and logged once per streak', async () => {
  const bus = new SyncEventBus({ warn: () => undefined });
  const log = new MemoryLog();
  const started: string[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => { release = r; });
  const ext = new HooksExtension({ bus, log, queueLimit: 3, hooks: [{ path: '/bin/true', args: [], events: ['switch'], timeoutMs: 1000 }],
    spawn: async (run) => {
      started.push(run.env['WAN_TO']!);
      await gate;
      return { code: 0, signal: null, timedOut: false, spawnError: null, stdout: '', stderr: '', durationMs: 0 };
    } });
  await ext.start();
  bus.publish(switched('primary', 'secondary', 'failover', 1)); // queued, then taken by the runner
  await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 10; i += 1) bus.publish(switched('x', `t${i}`, 'failover', 2 + i));
  release();
  await ext.idle();
  await ext.stop();
  assert.deepEqual(started, ['secondary', 't0', 't1', 't2']);
  assert.equal(log.lines.filter((l) => l.msg === 'hook queue full; dropping events until it drains').length, 1);
  assert.ok(!existsSync('/nonexistent'));
});

test('a running hook that ignores SIGTERM is killed with its process group before stop() resolves (issue 19, defect 6)', () => withDir(async (dir) => {
  const pidFile = path.join(dir, 'pid');
  // The shell and its sleep both ignore SIGTERM (an ignored signal stays ignored across exec).
  const p = script(dir, 'stubborn.sh', `trap '' TERM\necho $$ > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile}\nsleep 30\nsleep 30`);
  const bus = new SyncEventBus({ warn: () => undefined });
  const log = new MemoryLog();
  const ext = new HooksExtension({ bus, hooks: [{ path: p, args: [], events: [...ALL], timeoutMs: 60_000 }], spawn: spawnHook, log, killGraceMs: 300 });
  await ext.start();
  bus.publish(switched('primary', 'secondary', 'failover', 1));
  for (let i = 0; i < 500 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 10));
  const pgid = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(pgid > 0 && liveMembers(pgid).length === 2, 'the hook and its sleep run');
  try {
    await ext.stop();
    assert.equal(await groupAlive(pgid), false, 'no process of the hook survives stop()');
    assert.ok(log.lines.some((l) => l.msg === 'hook killed: the daemon is stopping'), JSON.stringify(log.lines));
  } finally {
    if (liveMembers(pgid).length > 0) process.kill(-pgid, 'SIGKILL');
  }
}));
