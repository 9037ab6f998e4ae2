// Root-only: the daemon runner and the in-namespace agent against the REAL daemon: it becomes
// ready, its API answers through the agent (and refuses a missing key), an upstream outage on
// wan1 moves the kernel default route to wan2, and SIGTERM ends it cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createLab } from '../../lab/topology.js';
import { startDaemon, labConfig, DAEMON_MAIN, type DaemonHandle } from '../../lab/daemon-runner.js';
import { openAgent, type Agent } from '../../lab/agent-client.js';
import { RouteWatch } from '../../lab/route-watch.js';
import { run } from '../../lab/exec.js';

const skip =
  process.getuid?.() !== 0 ? 'needs root (network namespaces)' : !existsSync(DAEMON_MAIN) ? `daemon not built (${DAEMON_MAIN})` : false;

test('lab daemon: ready, API via agent, failover seen in the kernel, clean stop', { skip, timeout: 60_000 }, async (t) => {
  const prefix = `wfl-${randomBytes(3).toString('hex')}`;
  const lab = await createLab({ prefix });
  let daemon: DaemonHandle | null = null;
  let agent: Agent | null = null;
  try {
    daemon = await startDaemon(lab, labConfig(lab));
    const d = daemon;
    await d.waitForLog((l) => l.msg === 'daemon ready', 20_000);
    agent = await openAgent(lab.routerNs);
    const a = agent;

    await t.test('the config written is the one the daemon runs with', () => {
      assert.ok(existsSync(d.configPath));
      assert.ok(existsSync(`${d.stateDir}/wan2.json`));
      assert.match(d.apiKey, /^[0-9a-f]{32}$/);
    });

    await t.test('GET /api/status through the agent, with and without the key', async () => {
      const ok = await a.http('GET', '/api/status', { headers: { authorization: `Bearer ${d.apiKey}` }, port: d.apiPort });
      assert.equal(ok.status, 200);
      const body = JSON.parse(ok.body) as { active_link: string; links: { name: string }[] };
      assert.equal(body.active_link, 'wan1');
      assert.deepEqual(body.links.map((l) => l.name), ['wan1', 'wan2']);
      const denied = await a.http('GET', '/api/status', { port: d.apiPort });
      assert.equal(denied.status, 401);
    });

    await t.test('upstream outage on wan1: default route moves to wan2 and the daemon says why', async () => {
      const watch = new RouteWatch(a);
      await watch.start();
      assert.equal(watch.current.iface, 'wan1');
      await lab.fail(1, 'upstream');
      await watch.waitFor('wan2', 20_000);
      const line = await d.waitForLog((l) => l.msg === 'default route switched', 5000);
      assert.equal(line.from, 'wan1');
      assert.equal(line.to, 'wan2');
      const routes = await a.defaultRoutes();
      assert.equal(routes[0]?.gateway, '100.64.2.1');
      watch.stop();
    });

    await t.test('SIGTERM stops the daemon with exit code 0', async () => {
      assert.equal(await d.stop('SIGTERM', 10_000), 0);
      assert.equal(d.exitCode, 0);
    });
  } finally {
    await agent?.close();
    await daemon?.dispose();
    await lab.destroy();
  }
  const left = (await run('ip', ['netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith(`${prefix}-`));
  assert.deepEqual(left, []);
});
