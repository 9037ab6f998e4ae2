// `npm run bench:rules` (root): policy rules (issue 22) on the real kernel. The real daemon in a lab of
// three WANs and a LAN with 20 rules mixing every match key (src + proto + dport, iif + proto + sport
// + dport, dst, uid + proto + dport, fwmark/mask), each checked by the kernel's own answer (`ip route
// get` with the same selectors in the router namespace). Figures:
//   - rules resolving to their preferred link (bound: 20 of 20);
//   - wan1 (every rule's preferred link, and the main route's) fails upstream: rules resolving to
//     their next link, the main route or their blackhole (bound: 20 of 20); the time from the fault
//     to the last rule table's change and to the main route's, from the netlink notifications
//     (bound: the detection window + 0.1 s; the rule tables in the main route's turn);
//   - after the heal: back on the preferred links (bound: 20 of 20).
// A benchmark, never a pass/fail test; figures measured under whatever load the machine has.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { createLab, type Lab } from '../lab/topology.js';
import { openAgent, type Agent } from '../lab/agent-client.js';
import { labConfig, startDaemon, type DaemonHandle } from '../lab/daemon-runner.js';
import type { NetlinkEvent } from '../src/netlink/types.js';

const CFG = { check_interval: 1, ping_timeout: 0.5, ping_count: 1, failure_threshold: 3, recovery_threshold: 2, min_secondary_time: 2 };
const PROTO = 201;
const CLIENT = '100.64.100.2';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Case { rule: Record<string, unknown>; lookup: string[]; after: string }

/** Rule i: kind i % 5 picks its match keys; all prefer wan1 (the main route's link); even rules fall to wan3, odd ones to a blackhole or the main route (wan2). */
function cases(): Case[] {
  return Array.from({ length: 20 }, (_, i) => {
    const kinds: Array<[Record<string, unknown>, string[]]> = [
      [{ src: `${CLIENT}/32`, proto: 'udp', dport: 10000 + i }, ['198.18.1.1', 'from', CLIENT, 'iif', 'lan0', 'ipproto', 'udp', 'dport', String(10000 + i)]],
      [{ iif: 'lan0', proto: 'tcp', sport: `${20000 + i}-${20000 + i + 1}`, dport: 443 },
        ['198.18.1.1', 'from', CLIENT, 'iif', 'lan0', 'ipproto', 'tcp', 'sport', String(20000 + i), 'dport', '443']],
      [{ dst: `198.18.${100 + i}.0/24` }, [`198.18.${100 + i}.9`]],
      [{ uid: `${5000 + i}`, proto: 'tcp', dport: 80 }, ['198.18.1.1', 'uid', String(5000 + i), 'ipproto', 'tcp', 'dport', '80']],
      [{ fwmark: `0x${(i + 1).toString(16)}00/0xff00` }, ['198.18.1.1', 'mark', `0x${(i + 1).toString(16)}00`]],
    ];
    const [match, lookup] = kinds[i % 5]!;
    const even = i % 2 === 0;
    const blackhole = i % 4 === 1;
    return {
      rule: { name: `r${i}`, match, links: even ? ['wan1', 'wan3'] : ['wan1'], ...(blackhole ? { fallback: 'blackhole' } : {}) },
      lookup,
      // A lookup into a blackhole route: EINVAL for a forwarded one, `blackhole` for a local one.
      after: even ? 'wan3' : blackhole ? 'dropped' : 'wan2',
    };
  });
}

async function answer(lab: Lab, args: string[]): Promise<string> {
  let text: string;
  try {
    const r = await lab.exec(lab.routerNs, 'ip', ['-4', 'route', 'get', ...args]);
    text = r.stdout;
  } catch (e) {
    text = String((e as { stderr?: string }).stderr ?? e);
  }
  if (/^blackhole|Invalid argument/.test(text.trim()) || text.includes('Invalid argument')) return 'dropped';
  return /\bdev (\S+)/.exec(text)?.[1] ?? `error: ${text.trim()}`;
}

async function score(lab: Lab, list: readonly Case[], want: (c: Case) => string): Promise<{ ok: number; wrong: string[] }> {
  const got = await Promise.all(list.map((c) => answer(lab, c.lookup)));
  const wrong = list.flatMap((c, i) => (got[i] === want(c) ? [] : [`${String(c.rule['name'])}: ${got[i]} (want ${want(c)})`]));
  return { ok: list.length - wrong.length, wrong };
}

async function main(): Promise<void> {
  const lab = await createLab({ prefix: `wfbr-${randomBytes(2).toString('hex')}`, links: 3, lan: {} });
  let d: DaemonHandle | null = null;
  let agent: Agent | null = null;
  try {
    agent = await openAgent(lab.routerNs);
    const list = cases();
    const cfg = labConfig(lab, { ...CFG, rules: list.map((c) => c.rule) });
    console.log(`config: ${JSON.stringify(CFG)}, 20 rules (src+proto+dport, iif+proto+sport+dport, dst, uid+proto+dport, fwmark/mask), ` +
      'even ones links [wan1, wan3], odd ones [wan1] with fallback blackhole (r1, r5, ...) or balance (r3, r7, ...)');
    console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (shared machine: figures measured under load)`);
    d = await startDaemon(lab, cfg);
    await d.waitForLog((l) => l.msg === 'daemon ready', 20_000);
    await sleep(5000);
    const first = await score(lab, list, () => 'wan1');
    console.log(`resolving to their preferred link: ${first.ok} of 20 (bound 20)${first.wrong.length ? `; wrong: ${first.wrong.join(', ')}` : ''}`);

    const tableMoves = new Map<number, number>();
    let mainMoved = NaN;
    const stop = await agent.onEvent((e: NetlinkEvent) => {
      if (e.kind !== 'route' || e.route.protocol !== PROTO || e.route.dst !== null) return;
      // A replace (another link, a blackhole) or a delete (balance: the table empties).
      if (e.route.table >= 2000 && e.route.table < 2020) tableMoves.set(e.route.table, performance.now());
      if (e.route.table === 254 && e.op === 'new' && Number.isNaN(mainMoved)) mainMoved = performance.now();
    });
    await sleep(200 + Math.random() * 1000);
    const t0 = performance.now();
    await lab.fail(1, 'upstream');
    let after = { ok: 0, wrong: [] as string[] };
    for (let i = 0; i < 100 && after.ok < 20; i++) {
      await sleep(200);
      if (tableMoves.size >= 20) after = await score(lab, list, (c) => c.after);
    }
    stop();
    const window = `${((CFG.failure_threshold - 1) * CFG.check_interval + CFG.ping_timeout).toFixed(1)}..${(CFG.failure_threshold * CFG.check_interval + CFG.ping_timeout).toFixed(1)} s`;
    const last = Math.max(...tableMoves.values());
    console.log(`wan1 fails upstream: resolving to their next link / main route / blackhole: ${after.ok} of 20 (bound 20)` +
      `${after.wrong.length ? `; wrong: ${after.wrong.join(', ')}` : ''}`);
    const firstTable = Math.min(...tableMoves.values());
    console.log(`  ${tableMoves.size} of 20 rule tables changed (10 to wan3, 5 to a blackhole, 5 emptied), the last ` +
      `${((last - t0) / 1000).toFixed(3)} s after the fault (bound: detection window ${window} + 0.1 s); the main route moved at ` +
      `${((mainMoved - t0) / 1000).toFixed(3)} s; first to last rule table ${(last - firstTable).toFixed(1)} ms, ` +
      `main route to last rule table ${(last - mainMoved).toFixed(1)} ms`);
    await lab.heal(1);
    let healed = { ok: 0, wrong: [] as string[] };
    for (let i = 0; i < 100 && healed.ok < 20; i++) {
      await sleep(300);
      healed = await score(lab, list, () => 'wan1');
    }
    console.log(`after the heal: ${healed.ok} of 20 on their preferred link again (bound 20)`);
  } finally {
    await d?.dispose().catch(() => undefined);
    await agent?.close().catch(() => undefined);
    await lab.destroy();
  }
}

await main();
