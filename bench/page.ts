// `npm run bench:page`: figures of the status page and the history (issue 26). Without root: the
// page's transfer size and the history's memory after a simulated 7 days at 4 links. As root, in
// the lab with the real daemon and headless Chromium (lab/cdp.ts): the first render, the time
// from the kernel's route change to the page showing the switch (median of 5), and the daemon's
// CPU with one page connected against none. A benchmark, never a pass/fail test.
import { randomBytes } from 'node:crypto';
import { build } from '../src/api/app.js';
import { SyncEventBus } from '../src/bus/event-bus.js';
import { systemClock } from '../src/clock.js';
import type { Engine } from '../src/engine/types.js';
import { HistoryExtension, type HistoryProvider } from '../src/history/history-extension.js';
import { encodeHistory } from '../src/history/persist.js';
import { HistoryStore } from '../src/history/store.js';
import { openAgent, type Agent } from '../lab/agent-client.js';
import { Browser, type Page } from '../lab/cdp.js';
import { labConfig, startDaemon, type DaemonHandle } from '../lab/daemon-runner.js';
import { createLab } from '../lab/topology.js';
import { cpuSeconds } from './proc.js';
import { routeMovedTo, waitActive } from './route-events.js';
import { summary } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CPU_S = Number(process.env.BENCH_PAGE_CPU_S ?? 20);
const CFG = { check_interval: 1, ping_timeout: 0.5, ping_count: 1, failure_threshold: 3, recovery_threshold: 2, min_secondary_time: 2 };
const ASSETS = ['/', '/page/app.js', '/page/charts.js', '/page/app.css', '/page/uPlot.iife.min.js', '/page/uPlot.min.css'];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function transferSize(): Promise<string> {
  const engine = { status: () => { throw new Error('no status'); } } as unknown as Engine;
  const history = new HistoryExtension({ bus: new SyncEventBus({ warn: () => undefined }), engine, clock: systemClock,
    log: { info: () => undefined, warn: () => undefined }, stateDir: null, links: () => [] });
  const app = await build({ engine, apiKey: randomBytes(16).toString('hex'), history });
  let gz = 0;
  let plain = 0;
  try {
    for (const url of ASSETS) {
      for (const enc of ['gzip', 'identity']) {
        const res = await app.inject({ url, headers: { 'accept-encoding': enc } });
        // The status line and the headers as they go on the wire, plus the body.
        const head = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length
          + Object.entries(res.headers).reduce((n, [k, v]) => n + `${k}: ${String(v)}\r\n`.length, 2);
        if (enc === 'gzip') gz += head + res.rawPayload.length;
        else plain += head + res.rawPayload.length;
      }
    }
  } finally {
    await app.close();
  }
  return `page transfer (${ASSETS.length} files, headers included): ${(gz / 1024).toFixed(1)} KiB gzip, ${(plain / 1024).toFixed(1)} KiB uncompressed (bound: 150 KiB)`;
}

async function historyMemory(): Promise<string[]> {
  const store = new HistoryStore();
  const links = ['wan1', 'wan2', 'wan3', 'wan4'];
  const t0 = Date.UTC(2026, 0, 1);
  const seconds = 7 * 24 * 3600;
  const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);
  gc();
  const heap0 = process.memoryUsage();
  const c0 = process.cpuUsage();
  for (let s = 0; s < seconds; s++) {
    for (const link of links) for (const family of ['ipv4', 'ipv6'] as const) {
      store.record(link, family, t0 + s * 1000, { rttMs: 10 + (s % 7), lossPct: s % 100 === 0 ? 50 : 0, jitterMs: 1, state: 'up',
        share: link === 'wan1' ? 1 : 0, rxMbps: 5, txMbps: 1 });
    }
  }
  const c1 = process.cpuUsage(c0);
  gc();
  const heap1 = process.memoryUsage();
  const records = seconds * links.length * 2;
  const e0 = performance.now();
  const file = encodeHistory(store, t0 + seconds * 1000);
  const e1 = performance.now();
  const api = await historyRequests(store, links, t0 + seconds * 1000);
  return [
    `history after a simulated 7 days (4 links x 2 families, 1 sample/s each = ${records} samples): rings ${(store.byteLength() / 1048576).toFixed(2)} MiB `
      + `(bound: 8 MiB); process growth after GC: ${((heap1.arrayBuffers - heap0.arrayBuffers) / 1048576).toFixed(2)} MiB array buffers, `
      + `${((heap1.heapUsed - heap0.heapUsed) / 1048576).toFixed(2)} MiB JS heap`,
    ...api,
    `  recording: ${(((c1.user + c1.system) / records)).toFixed(2)} µs CPU per sample; history.bin ${(file.length / 1048576).toFixed(2)} MiB, encoded in ${(e1 - e0).toFixed(0)} ms`,
  ];
}

/** GET /api/history over the full store: the largest answers the page asks for (7 d and 1 h, every link). */
async function historyRequests(store: HistoryStore, links: string[], nowMs: number): Promise<string[]> {
  const provider: HistoryProvider = {
    query: (family, step, sinceMs, link) => store.query(family, step, sinceMs, nowMs, link),
    eventsSince: (s) => store.eventsSince(s), links: () => links, subscribe: () => () => undefined,
  };
  const engine = { status: () => { throw new Error('no status'); } } as unknown as Engine;
  const key = randomBytes(16).toString('hex');
  const app = await build({ engine, apiKey: key, history: provider });
  const out: string[] = [];
  try {
    for (const [step, span, link] of [[60, 7 * 86400e3, undefined], [60, 7 * 86400e3, links[0]], [1, 3600e3, links[0]]] as const) {
      const url = `/api/history?step=${step}&since=${new Date(nowMs - span).toISOString()}${link ? `&link=${link}` : ''}`;
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < 5; i++) {
        const a = performance.now();
        const res = await app.inject({ url, headers: { authorization: `Bearer ${key}` } });
        times.push(performance.now() - a);
        bytes = res.rawPayload.length;
      }
      out.push(`  GET /api/history step=${step} over ${span / 3600e3} h, ${link ? 'one link (as the page asks)' : `${links.length} links`}: `
        + `${(bytes / 1048576).toFixed(2)} MiB JSON, ${summary(times, 'ms', 0)}`);
    }
  } finally {
    await app.close();
  }
  return out;
}

/** Epoch ms (performance.timeOrigin-based) when wan2 is shown carrying, after the next frame. */
const PAGE_SHOWS_WAN2 = `new Promise((resolve) => {
  const shown = () => document.querySelector('[data-link="wan2"]')?.dataset.carrying === 'true';
  const done = () => requestAnimationFrame(() => resolve(performance.timeOrigin + performance.now()));
  if (shown()) return done();
  const mo = new MutationObserver(() => { if (shown()) { mo.disconnect(); done(); } });
  mo.observe(document.getElementById('links'), { childList: true, subtree: true, attributes: true });
})`;

async function labFigures(): Promise<string[]> {
  const lab = await createLab({ prefix: `wfbp-${randomBytes(2).toString('hex')}` });
  let d: DaemonHandle | null = null;
  let agent: Agent | null = null;
  let browser: Browser | null = null;
  const out: string[] = [];
  try {
    agent = await openAgent(lab.routerNs);
    d = await startDaemon(lab, labConfig(lab, CFG));
    await d.waitForLog((l) => l.msg === 'daemon ready', 20_000);
    await waitActive(agent, 'wan1', 30_000);
    await sleep(5000); // past the start-up work
    const idle0 = cpuSeconds(d.pid);
    await sleep(CPU_S * 1000);
    const idle = cpuSeconds(d.pid) - idle0;

    browser = await Browser.launch(lab.routerNs);
    const page: Page = await browser.newPage();
    const url = `http://127.0.0.1:${d.apiPort}/`;
    await page.navigate(url);
    await page.eval(`sessionStorage.setItem('wan-failover-api-key', ${JSON.stringify(d.apiKey)})`);
    const renders: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.navigate(url);
      renders.push(await page.waitFor<number>('the first status', `performance.getEntriesByName('wf-first-status')[0]?.startTime`));
    }
    out.push(`first render (navigation start -> links on screen, key in sessionStorage, ${RUNS} loads): ${summary(renders, 'ms', 0)}`);

    await sleep(2000);
    const busy0 = cpuSeconds(d.pid);
    await sleep(CPU_S * 1000);
    const busy = cpuSeconds(d.pid) - busy0;
    const pct = (s: number): string => `${(s / CPU_S * 100).toFixed(2)} %`;
    const cpuLine = (after: number): string => `daemon CPU per ${CPU_S} s window: ${pct(idle)} of a core without a page, ${pct(busy)} with one page connected `
      + `(stream + history refresh every 15 s), ${pct(after)} after it closed (the spread of the two page-less windows is this machine's noise)`;

    const lags: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await waitActive(agent, 'wan1', 30_000);
      await page.waitFor('wan1 carrying on the page', `document.querySelector('[data-link="wan1"]')?.dataset.carrying === 'true'`);
      await sleep(1000 + Math.random() * 1000);
      const moved = routeMovedTo(agent, 'wan2', 20_000);
      const shown = page.eval<number>(PAGE_SHOWS_WAN2);
      await sleep(50);
      await lab.fail(1, 'carrier');
      const kernelEpoch = performance.timeOrigin + (await moved);
      lags.push((await shown) - kernelEpoch);
      await lab.heal(1);
    }
    out.push(`kernel route change -> page shows the switch (carrier loss on wan1, ${RUNS} runs): ${summary(lags, 'ms', 1)}`);
    await page.navigate('about:blank');
    await waitActive(agent, 'wan1', 30_000);
    await sleep(5000);
    const after0 = cpuSeconds(d.pid);
    await sleep(CPU_S * 1000);
    out.push(cpuLine(cpuSeconds(d.pid) - after0));
  } finally {
    await browser?.close().catch(() => undefined);
    await d?.dispose().catch(() => undefined);
    await agent?.close().catch(() => undefined);
    await lab.destroy();
  }
  return out;
}

async function main(): Promise<void> {
  console.log(`wan-failover page bench — config: ${JSON.stringify(CFG)}; load: whatever else runs on this machine (say so when quoting)`);
  console.log(await transferSize());
  for (const l of await historyMemory()) console.log(l);
  if (process.getuid?.() !== 0) {
    console.log('lab figures skipped: need root (network namespaces)');
    return;
  }
  for (const l of await labFigures()) console.log(l);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
