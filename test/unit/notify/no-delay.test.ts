// The real Daemon (in-memory netlink, scripted probers, fake clock) with a hook that sleeps and a
// webhook server on 127.0.0.1 that never answers: the failover switch happens on the same probe
// cycle as without them, and a manual switch right after completes while both still hang.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { systemClock } from '../../../src/clock.js';
import type { Config } from '../../../src/config/types.js';
import { Daemon } from '../../../src/engine/daemon.js';
import { spawnHook } from '../../../src/notify/hook-process.js';
import { HooksExtension } from '../../../src/notify/hooks-extension.js';
import { fetchPost } from '../../../src/notify/webhook-post.js';
import { WebhooksExtension } from '../../../src/notify/webhooks-extension.js';
import { FakeClock } from '../fake-clock.js';
import { defaultRoute, link, MemoryLog, MemoryNetlink, ScriptedProbers, testConfig } from '../engine/fakes.js';

const config: Config = testConfig();

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Fake ms of probing until the default route leaves wan1, with or without hooks and webhooks. */
async function scenario(withNotify: boolean, dir: string, url: string) {
  const clock = new FakeClock();
  const nl = new MemoryNetlink();
  nl.links = [link(11, 'wan1'), link(12, 'wan2')];
  nl.routes = [defaultRoute(11, '100.64.1.1'), defaultRoute(12, '100.64.2.1', 16, 254, 100)];
  const probers = new ScriptedProbers();
  const log = new MemoryLog();
  const daemon = new Daemon({ config, netlink: nl, newProber: probers.factory, clock, log,
    host: { readStateFile: async () => null, loosenRpFilter: async () => null } });
  const marks = path.join(dir, 'marks');
  const sleeper = path.join(dir, 'sleeper.sh');
  writeFileSync(sleeper, `#!/bin/sh\necho "start $WAN_EVENT $WAN_TO" >> ${marks}\nsleep 30\necho "end $WAN_TO" >> ${marks}\n`);
  chmodSync(sleeper, 0o755);
  const hooks = new HooksExtension({ bus: daemon.bus, spawn: spawnHook, log,
    hooks: withNotify ? [{ path: sleeper, args: [], events: ['switch'], timeoutMs: 1500 }] : [] });
  const webhooks = new WebhooksExtension({ bus: daemon.bus, post: fetchPost, clock: systemClock, log,
    webhooks: withNotify ? [{ url, headers: {}, events: ['switch'], timeoutMs: 1500, retries: 0, fields: {} }] : [] });
  await hooks.start();
  await webhooks.start();
  await daemon.start();
  probers.healthy.set('primary', false);
  let fakeMs = 0;
  while (daemon.status().active === 'primary' && fakeMs < 10_000) {
    await clock.advanceAsync(100);
    fakeMs += 100;
  }
  return { daemon, nl, hooks, webhooks, log, marks, fakeMs };
}

test('a sleeping hook and a silent webhook never delay a switch', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wf-nodelay-'));
  const pending: ServerResponse[] = [];
  const srv = createServer((_req, res) => { pending.push(res); }); // never answers
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`;
  try {
    const base = await scenario(false, dir, url);
    assert.equal(base.daemon.status().active, 'secondary');
    await base.daemon.stop();

    const run = await scenario(true, dir, url);
    assert.equal(run.daemon.status().active, 'secondary');
    assert.equal(run.fakeMs, base.fakeMs, 'the failover took as many probe cycles as without hooks and webhooks');
    // Both outputs heard about it and hang: the hook sleeps, the server holds the request.
    await until('the hook to start', () => existsSync(run.marks) && readFileSync(run.marks, 'utf8').includes('start'));
    await until('the webhook request', () => pending.length >= 1);
    // A second switch while both still hang completes at once (the API's await resolves).
    const outcome = await run.daemon.switchTo('primary', { force: true });
    assert.deepEqual(outcome, { result: 'switched', link: 'primary' });
    assert.equal(run.nl.mainReplaces().at(-1)!.oif, 11);
    assert.ok(!readFileSync(run.marks, 'utf8').includes('end'), 'the first hook is still sleeping');
    assert.equal(pending.length >= 1 && pending.every((r) => !r.writableEnded), true, 'no webhook answered');
    // Then the timeouts end them, and say so.
    await run.hooks.idle();
    await run.webhooks.idle();
    assert.ok(run.log.lines.some((l) => l.msg === 'hook timed out; killed'));
    assert.ok(run.log.lines.some((l) => l.msg === 'webhook delivery failed; giving up on this event' && (l.obj as { error: string }).error === 'timeout'));
    await run.hooks.stop();
    await run.webhooks.stop();
    await run.daemon.stop();
  } finally {
    srv.closeAllConnections();
    srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
