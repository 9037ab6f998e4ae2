// `npm run lab`: builds the namespace lab, runs the REAL daemon in it, shows a live view of its
// API, and plays a scripted outage story, measuring from each fault to the kernel route change.
// Bounded: every wait has a deadline and the whole story stays under two minutes.
import { performance } from 'node:perf_hooks';
import { createLab, LabInUseError, type Lab } from './topology.js';
import { startDaemon, startDetachedDaemon, labConfig, type DaemonConfig, type DaemonHandle } from './daemon-runner.js';
import { openAgent, type Agent } from './agent-client.js';
import { RouteWatch } from './route-watch.js';
import { openLanClient, type LanClient, type UdpFlow } from './lan.js';
import { LiveScreen } from './live-screen.js';
import { renderConfig, renderStatus, renderSummary, timingOf, viewKey, type StepResult, type ViewContext } from './demo-view.js';
import { labCommandLines, lanOutage, renderLan, wrap, type StepKind } from './demo-figures.js';
import { DEFAULT_PREFIX } from './lab-plan.js';
import { runDir } from './lab-cli.js';
import { LabUsageError, takePrefixOption } from './lab-args.js';
import { downCommand, prefixOption } from './lab-reuse.js';
import { daemonRunPreflight } from './preflight.js';

const READY_TIMEOUT_MS = 30_000;
const SWITCH_TIMEOUT_MS = 20_000;
/** Return to primary waits for recovery_threshold checks AND min_secondary_time (5 s in the lab). */
const RETURN_TIMEOUT_MS = 30_000;
const VIEW_EVERY_MS = 500;
/** After a failover the fault is held this long, so the live view shows the failed link (e.g. carrier:no). */
const HOLD_MS = 3000;

interface DemoOptions {
  keep: boolean;
  verbose: boolean;
  prefix: string;
}

function parseArgs(argv: readonly string[]): DemoOptions | string {
  const args = [...argv];
  let prefix: string;
  try {
    prefix = takePrefixOption(args);
  } catch (e) {
    if (e instanceof LabUsageError) return e.message;
    throw e;
  }
  const opts: DemoOptions = { keep: false, verbose: false, prefix };
  for (const a of args) {
    if (a === '--keep') opts.keep = true;
    else if (a === '--verbose' || a === '-v') opts.verbose = true;
    else return `unknown argument "${a}": expected --keep, --verbose or --prefix NAME (npm run lab -- help)`;
  }
  return opts;
}

interface LiveView {
  /** Stops polling, waits for a poll in flight, and draws one last view of the final state. */
  finish(): Promise<void>;
  /** Stops polling at once (error path); late answers are dropped. */
  stop(): void;
}

/**
 * Polls GET /api/status through the agent every 500 ms and at once on every kernel route change,
 * and feeds the live view; polls never overlap (one asked for during a poll runs right after it).
 */
function startLiveView(agent: Agent, daemon: DaemonHandle, screen: LiveScreen, watch: RouteWatch, ctx: ViewContext, t0: number): LiveView {
  let inFlight: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const once = async (): Promise<void> => {
    const headers = { authorization: `Bearer ${daemon.apiKey}` };
    try {
      const res = await agent.http('GET', '/api/status', { headers, port: daemon.apiPort, timeoutMs: 1000 });
      if (stopped) return;
      if (res.status !== 200) return screen.log(`  (api answered ${res.status})`);
      const status = JSON.parse(res.body) as Record<string, unknown>;
      const now = performance.now();
      const kernelRoute = watch.current.iface;
      screen.view(renderStatus(status, now - t0, { ...ctx, kernelRoute }), viewKey(status) + (kernelRoute ?? ''), now);
    } catch (e) {
      if (!stopped) screen.log(`  (status poll failed: ${e instanceof Error ? e.message : String(e)})`);
    }
  };
  const poll = (): void => {
    if (stopped) return;
    if (inFlight !== null) {
      again = true;
      return;
    }
    inFlight = once().finally(() => {
      inFlight = null;
      if (again) {
        again = false;
        poll();
      }
    });
  };
  const timer = setInterval(poll, VIEW_EVERY_MS);
  // The kernel event can come a moment before the daemon's status says so: poll now and once more shortly.
  let followUp: NodeJS.Timeout | null = null;
  const unsubscribe = watch.onChange(() => {
    poll();
    if (followUp !== null) clearTimeout(followUp);
    followUp = setTimeout(poll, 150);
  });
  poll();
  const stop = (): void => {
    clearInterval(timer);
    if (followUp !== null) clearTimeout(followUp);
    unsubscribe();
    again = false;
  };
  return {
    finish: async () => {
      stop();
      // Bounded: each poll times out after 1 s; at most the one in flight plus one queued.
      for (let i = 0; i < 3 && inFlight !== null; i++) await inFlight;
      await once();
      stopped = true;
    },
    stop: () => {
      stop();
      stopped = true;
    },
  };
}

/** How long the demo waits for the LAN flow's first echo before the story starts. */
const FLOW_START_MS = 5000;
/** How long a step waits for the LAN flow to come back after the switch. */
const FLOW_RESUME_MS = 3000;

interface StoryStep {
  /** Short, for the summary ("wan1 upstream outage"). */
  name: string;
  /** What happens, for the step's first line. */
  what: string;
  kind: StepKind;
  expect: string;
  timeoutMs: number;
  act: () => Promise<void>;
}

/**
 * One story step: act, then time how long until the kernel default route sits on `expect`; with a
 * LAN flow, also what the LAN host lived through from the fault to its first echo after the switch.
 * `lastSwitchAt`: when the route last moved (performance.now()), for min_secondary_time.
 */
async function step(screen: LiveScreen, watch: RouteWatch, flow: UdpFlow | null, s: StoryStep, lastSwitchAt: number): Promise<StepResult> {
  for (const line of wrap(`${s.what}; waiting for the default route on ${s.expect} (max ${s.timeoutMs / 1000} s)`, '>>> ')) screen.log(line);
  const start = performance.now();
  const base = { step: s.name, kind: s.kind, expected: s.expect, ...(s.kind === 'return' ? { onSecondaryMs: start - lastSwitchAt } : {}) };
  await s.act();
  let result: StepResult;
  try {
    const at = await watch.waitFor(s.expect, s.timeoutMs);
    const ms = Math.max(0, at - start);
    // The live table still shows the old route until the next poll: it is not redrawn under this line.
    screen.log(`<<< default route on ${s.expect} after ${(ms / 1000).toFixed(2)} s`, { stale: true });
    result = { ...base, ms };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    screen.log(`!!! ${error}`);
    return { ...base, ms: null, error };
  }
  if (flow !== null) {
    // Echo times are wall-clock (lan.ts epochNow()); the route watch's are performance.now().
    const switchAt = performance.timeOrigin + watch.current.atMs;
    const first = await flow.waitForEcho(switchAt, FLOW_RESUME_MS).catch(() => null);
    result.lan = lanOutage(flow.echoes, performance.timeOrigin + start, first);
    screen.log(`    LAN host: ${result.lan === null ? 'no echo came back' : `no answer for ${renderLan(result.lan)}`}`);
  }
  return result;
}

async function story(lab: Lab, screen: LiveScreen, watch: RouteWatch, flow: UdpFlow | null): Promise<StepResult[]> {
  const [w1, w2] = [lab.links[0]!.iface, lab.links[1]!.iface];
  const steps: StoryStep[] = [
    { name: `${w1} upstream outage`, what: `${w1} upstream outage (its ISP drops all forwarded traffic)`, kind: 'upstream',
      expect: w2, timeoutMs: SWITCH_TIMEOUT_MS, act: () => lab.fail(1, 'upstream') },
    { name: `${w1} upstream healed`, what: `${w1} upstream healed`, kind: 'return', expect: w1, timeoutMs: RETURN_TIMEOUT_MS,
      act: () => lab.heal(1) },
    { name: `${w1} carrier loss`, what: `${w1} carrier loss (its cable pulled)`, kind: 'carrier', expect: w2,
      timeoutMs: SWITCH_TIMEOUT_MS, act: () => lab.fail(1, 'carrier') },
    { name: `${w1} carrier back`, what: `${w1} carrier back`, kind: 'return', expect: w1, timeoutMs: RETURN_TIMEOUT_MS,
      act: () => lab.heal(1) },
  ];
  const results: StepResult[] = [];
  for (const s of steps) {
    const r = await step(screen, watch, flow, s, watch.current.atMs);
    results.push(r);
    if (s.kind !== 'return' && r.ms !== null) {
      screen.log(`    (${w1} stays broken ${HOLD_MS / 1000} s, so the live view shows it down)`);
      await new Promise((res) => setTimeout(res, HOLD_MS));
    }
  }
  return results;
}

async function keepLab(lab: Lab, daemon: DaemonHandle): Promise<void> {
  // The demo's daemon and echo server write to our pipes; hand over to detached ones that outlive us.
  await daemon.dispose();
  const { pid, files } = await startDetachedDaemon(lab, labConfig(lab), runDir(lab.prefix));
  await lab.keep();
  const out = [
    '',
    `lab kept: daemon pid ${pid}, config ${files.configPath}`,
    `  output ${files.dir}/daemon.out`,
    ...labCommandLines({ routerNs: lab.routerNs, configPath: files.configPath, apiKey: files.apiKey, apiPort: files.apiPort,
      prefixOpt: prefixOption(lab.prefix, DEFAULT_PREFIX), down: downCommand(lab.prefix, DEFAULT_PREFIX) }),
  ];
  for (const line of out) console.log(line);
}

export async function runDemo(argv: readonly string[]): Promise<number> {
  const opts = parseArgs(argv);
  if (typeof opts === 'string') {
    console.error(opts);
    return 2;
  }
  const refused = daemonRunPreflight('npm run lab needs root: it builds network namespaces (try: sudo npm run lab)');
  if (refused !== null) return refused;
  const screen = new LiveScreen();
  const t0 = performance.now();
  const prefix = opts.prefix;
  console.log(`building lab ${prefix} (router ${prefix}-r, 2 ISPs, internet ns) ...`);
  let lab: Lab;
  try {
    // With a LAN (masquerade NAT): the story also shows what a LAN host's UDP flow lives through.
    lab = await createLab({ prefix, links: 2, lan: {}, onNote: (n) => console.log(n) });
  } catch (e) {
    if (!(e instanceof LabInUseError)) throw e;
    console.error(`npm run lab: ${e.message}`);
    return 1;
  }
  let daemon: DaemonHandle | null = null;
  let agent: Agent | null = null;
  let view: LiveView | null = null;
  let lanClient: LanClient | null = null;
  let code = 1;
  let kept = false;
  try {
    // Loss in the live view covers the same checks as the health rule (failure_threshold).
    const base = labConfig(lab);
    const config: DaemonConfig = { ...base, stats_window: base.failure_threshold };
    for (const line of renderConfig(config)) console.log(line);
    daemon = await startDaemon(lab, config, {
      onLog: opts.verbose ? (l) => screen.log(`    daemon: ${JSON.stringify(l)}`) : undefined,
    });
    console.log(`daemon pid ${daemon.pid} in ${lab.routerNs}; waiting for 'daemon ready' ...`);
    await daemon.waitForLog((l) => l.msg === 'daemon ready', READY_TIMEOUT_MS);
    agent = await openAgent(lab.routerNs);
    const watch = new RouteWatch(agent);
    await watch.start();
    console.log(`daemon ready after ${((performance.now() - t0) / 1000).toFixed(1)} s; default route on ${watch.current.iface ?? 'nothing'}`);
    const ctx: ViewContext = {
      lossWindow: typeof config.stats_window === 'number' ? config.stats_window : undefined,
      failureThreshold: typeof config.failure_threshold === 'number' ? config.failure_threshold : undefined,
    };
    // Printed before the live view starts: plain console output would be erased by its redraws.
    lanClient = await openLanClient(lab);
    const flow = await lanClient.startUdpFlow({ maxMs: 300_000 });
    const lan = lab.lan!;
    for (const line of wrap(`LAN host ${lan.clientAddress} behind the router (${lan.nat} NAT): UDP to ` +
      `${lan.echoAddress}:${lan.echoPort} every 50 ms from port ${flow.srcPort}`, '', '  ')) console.log(line);
    // The story starts once the flow runs, so its first fault has echoes before it to measure from.
    await flow.waitForEcho(0, FLOW_START_MS);
    view = startLiveView(agent, daemon, screen, watch, ctx, t0);
    await new Promise((r) => setTimeout(r, VIEW_EVERY_MS));
    const results = await story(lab, screen, watch, flow);
    await flow.stop();
    await view.finish();
    view = null;
    screen.freeze();
    for (const line of renderSummary(results, timingOf(config))) console.log(line);
    // The kernel's route event can reach us before the daemon's log line about it: wait (bounded) for the lines.
    const logs = daemon.logs;
    const logged = (): number => logs.filter((l) => l.msg === 'default route switched').length;
    for (let i = 0; i < 50 && logged() < results.length; i++) await new Promise((r) => setTimeout(r, 100));
    const switches = logs.filter((l) => l.msg === 'default route switched');
    console.log(`daemon logged ${switches.length} route switches; story took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    code = results.every((r) => r.ms !== null) ? 0 : 1;
    watch.stop();
    await agent.close();
    agent = null;
    if (opts.keep) {
      await keepLab(lab, daemon);
      kept = true;
      return code;
    }
  } catch (e) {
    screen.freeze();
    console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
    code = 1;
  } finally {
    view?.stop();
    await lanClient?.close();
    await agent?.close();
    if (!kept) {
      await daemon?.dispose();
      await lab.destroy();
      console.log(`lab ${lab.prefix} torn down`);
    }
  }
  return code;
}
