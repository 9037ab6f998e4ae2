// Bench: delay from the default-route switch (the kernel's RTM_NEWROUTE, seen on netlink) to the new
// state on the MQTT broker (the retained `<base>/router/active` message Home Assistant's select and
// sensors read), with the real daemon in the lab and mosquitto in the router namespace. Also
// failover time with the broker frozen (SIGSTOP: it accepts TCP and answers nothing), to show that a
// broker never holds up failover. Part of `npm run bench`; alone: node dist/bench/mqtt-delay.js.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openAgent, type Agent } from '../lab/agent-client.js';
import { labConfig, startDaemon, type DaemonHandle } from '../lab/daemon-runner.js';
import { startBroker, type Broker } from '../lab/mosquitto.js';
import { watchBroker, type MqttWatch } from '../lab/mqtt-watch.js';
import { createLab, type Lab } from '../lab/topology.js';
import { routeMovedTo } from './route-events.js';
import { summary } from './stats.js';

const CFG = { check_interval: 1, ping_timeout: 0.5, ping_count: 1, failure_threshold: 3, recovery_threshold: 2, min_secondary_time: 2 };
const BASE = 'wfbench';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitActive(w: MqttWatch, link: string, timeoutMs: number): Promise<void> {
  await w.waitFor(`${link} active`, (m) => m.topic === `${BASE}/router/active` && m.payload === link && w.last(`${BASE}/router/active`)?.payload === link, timeoutMs);
}

interface Run { routeToMqttMs: number; faultToRouteMs: number; faultToMqttMs: number }

async function oneSwitch(lab: Lab, agent: Agent, w: MqttWatch): Promise<Run> {
  await waitActive(w, 'wan1', 30_000);
  await sleep(1500 + Math.random() * 1000); // land the fault anywhere in the probe cycle
  const mark = w.seen.length;
  const moved = routeMovedTo(agent, 'wan2', 20_000);
  await sleep(50);
  const t0 = performance.now();
  await lab.fail(1, 'upstream');
  const tRoute = await moved;
  const msg = await w.waitFor('active wan2 on the broker', (m) => m.topic === `${BASE}/router/active` && m.payload === 'wan2', 10_000, mark);
  await lab.heal(1);
  return { routeToMqttMs: msg.atMs - tRoute, faultToRouteMs: tRoute - t0, faultToMqttMs: msg.atMs - t0 };
}

export async function benchMqtt(runs: number): Promise<void> {
  const lab = await createLab({ prefix: `wfbq-${randomBytes(2).toString('hex')}` });
  let agent: Agent | null = null;
  let broker: Broker | null = null;
  let w: MqttWatch | null = null;
  let d: DaemonHandle | null = null;
  try {
    agent = await openAgent(lab.routerNs);
    broker = await startBroker({ ns: lab.routerNs });
    w = await watchBroker(broker.socketPath, [`${BASE}/router/#`]);
    const cfg = { ...CFG, mqtt: { url: broker.url, base_topic: BASE, client_id: 'wf-bench' } };
    d = await startDaemon(lab, labConfig(lab, cfg));
    await d.waitForLog((l) => l.msg === 'daemon ready', 20_000);
    console.log(`MQTT (mosquitto ${broker.url} in the router namespace; config ${JSON.stringify(cfg)}):`);
    const rs: Run[] = [];
    for (let i = 0; i < runs; i++) rs.push(await oneSwitch(lab, agent, w));
    // Both ends are read in this process: the kernel event as the lab agent relays it from the router
    // namespace (a few ms late), the MQTT message as the broker delivers it over its Unix socket. A
    // negative figure means the state reached the broker before the relayed route event reached us.
    console.log(`  switch (kernel RTM_NEWROUTE, relayed by the lab agent) -> state on the broker: ${summary(rs.map((r) => r.routeToMqttMs), 'ms', 1)}`
      + ' (aim: < 1000 ms; the REST YAML polls every 10 s, measured 6.6 s)');
    console.log(`  upstream loss -> state on the broker: ${summary(rs.map((r) => r.faultToMqttMs / 1000), 's', 2)}; -> kernel switch: ${summary(rs.map((r) => r.faultToRouteMs / 1000), 's', 2)}`);
    const normal = rs.map((r) => r.faultToRouteMs);
    // Frozen broker: the daemon's TCP writes sit in the socket buffer; failover must not notice.
    await waitActive(w, 'wan1', 45_000);
    broker.freeze();
    const frozen: number[] = [];
    const frozenRuns = Math.max(3, Math.ceil(runs / 2));
    for (let i = 0; i < frozenRuns; i++) {
      const moved = routeMovedTo(agent, 'wan2', 20_000);
      await sleep(1500 + Math.random() * 1000);
      const t0 = performance.now();
      await lab.fail(1, 'upstream');
      frozen.push((await moved) - t0);
      const back = routeMovedTo(agent, 'wan1', 45_000);
      await lab.heal(1);
      await back;
    }
    broker.thaw();
    const ci = CFG.check_interval, ft = CFG.failure_threshold, pt = CFG.ping_timeout;
    console.log(`  upstream loss -> switch, broker frozen (SIGSTOP): ${summary(frozen.map((x) => x / 1000), 's', 2)}`
      + ` vs broker up: ${summary(normal.map((x) => x / 1000), 's', 2)}`
      + ` (bound from config: ${((ft - 1) * ci + pt).toFixed(2)} .. ${(ft * ci + pt).toFixed(2)} s either way)`);
  } finally {
    broker?.thaw();
    await w?.close().catch(() => undefined);
    await d?.dispose().catch(() => undefined);
    await broker?.dispose().catch(() => undefined);
    await agent?.close().catch(() => undefined);
    await lab.destroy();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  void benchMqtt(Number(process.env.BENCH_RUNS ?? 7)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
