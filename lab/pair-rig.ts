// The VRRP pair with everything running (issue 25): the pair lab, the real daemon on both routers
// (with a vrrp: track file) and the real keepalived on both, in one of the two health methods.
// Shared by the lab tests, the bench and `npm run lab -- --pair`; stop() ends every process by pid
// and removes the namespaces and temp dirs.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labConfig, startDaemon, type DaemonConfig, type DaemonHandle } from './daemon-runner.js';
import { keepalivedConf, type PairHealth } from './keepalived-conf.js';
import { startKeepalived, type KeepalivedHandle } from './keepalived.js';
import { createPair, type Pair } from './pair.js';
import { PAIR_LAN_PREFIX_LENGTH, PAIR_VRID, type RouterId } from './pair-plan.js';

export const WANCTL_JS = fileURLToPath(new URL('../src/cli/wanctl.js', import.meta.url));

/**
 * track_file: the daemon's file, weight 1 (its value is added to the priority: down_weight -100
 * takes A's 150 below B's 100). script: `wanctl status --check` every second, fall/rise 2; weight
 * -100 likewise, or 0 (a failing check is FAULT). The fault forms are what nopreempt needs: a
 * backup with nopreempt never takes over from a master that merely has a lower priority.
 */
export type HealthMethod = 'track_file' | 'track_file_fault' | 'script' | 'script_fault';

export interface PairRigOptions {
  prefix: string;
  health: HealthMethod;
  preempt: boolean;
  advertInt?: number;
  /** Daemon config overrides (both routers). */
  daemon?: DaemonConfig;
  onLog?: (router: RouterId, line: string) => void;
}

export interface PairRouter {
  id: RouterId;
  daemon: DaemonHandle;
  keepalived: KeepalivedHandle;
  dir: string;
  weightFile: string;
  /** The track file's content now (null: missing). */
  weight(): Promise<number | null>;
}

export interface PairRig {
  pair: Pair;
  a: PairRouter;
  b: PairRouter;
  advertInt: number;
  health: HealthMethod;
  preempt: boolean;
  /** Polls the address's holder every 100 ms until it is `want`; rejects after timeoutMs. */
  waitVip(want: RouterId, timeoutMs: number): Promise<void>;
  /** Holders seen by polling every 250 ms for windowMs (for "it stays" checks). */
  watchVip(windowMs: number): Promise<Array<RouterId | 'both' | null>>;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function health(method: HealthMethod, weightFile: string, configPath: string): PairHealth {
  if (method === 'track_file' || method === 'track_file_fault') return { kind: 'track_file', file: weightFile, weight: method === 'track_file' ? 1 : 0 };
  return { kind: 'script', command: `${process.execPath} ${WANCTL_JS} status --check -c ${configPath}`, intervalS: 1, timeoutS: 2, fall: 2, rise: 2,
    weight: method === 'script' ? -100 : 0 };
}

export async function startPairRig(o: PairRigOptions): Promise<PairRig> {
  const advertInt = o.advertInt ?? 1;
  const pair = await createPair({ prefix: o.prefix });
  const started: PairRouter[] = [];
  const dirs: string[] = [];
  const stop = async (): Promise<void> => {
    for (const r of started) await r.keepalived.stop().catch(() => undefined);
    for (const r of started) await r.daemon.stop().catch(() => undefined);
    await pair.destroy();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  };
  try {
    for (const r of pair.plan.routers) {
      const dir = await mkdtemp(join(tmpdir(), `${o.prefix}-${r.id}-`));
      dirs.push(dir);
      const weightFile = join(dir, 'vrrp-weight');
      const view = pair.router(r.id);
      const daemon = await startDaemon(view, labConfig(view, { ...o.daemon, vrrp: { track_file: weightFile } }), {
        dir, ...(o.onLog ? { onLog: (l) => o.onLog!(r.id, `daemon: ${String(l.msg)}`) } : {}),
      });
      await daemon.waitForLog((l) => l.msg === 'daemon ready', 20_000);
      const conf = keepalivedConf({ routerId: `${o.prefix}-${r.id}`, iface: r.lanIface, vrid: PAIR_VRID, priority: r.priority, advertInt,
        vip: pair.plan.vip, prefixLength: PAIR_LAN_PREFIX_LENGTH, preempt: o.preempt, health: health(o.health, weightFile, daemon.configPath) });
      const keepalived = await startKeepalived(pair, r.ns, dir, conf);
      const router: PairRouter = {
        id: r.id, daemon, keepalived, dir, weightFile,
        weight: async () => {
          const text = await readFile(weightFile, 'utf8').catch(() => null);
          return text === null ? null : Number(text.trim());
        },
      };
      started.push(router);
      // A first: with nopreempt the first master keeps the address, and the story starts on A.
      if (r.id === 'a') await keepalived.waitFor(/Entering MASTER STATE/, 15_000);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  const rig: PairRig = {
    pair, a: started[0]!, b: started[1]!, advertInt, health: o.health, preempt: o.preempt,
    async waitVip(want, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let last: RouterId | 'both' | null = null;
      while (Date.now() < deadline) {
        last = await pair.vipHolder();
        if (last === want) return;
        await sleep(100);
      }
      throw new Error(`the virtual address is not on ${want} within ${timeoutMs} ms (holder: ${last ?? 'none'})`);
    },
    async watchVip(windowMs) {
      const seen: Array<RouterId | 'both' | null> = [];
      const deadline = Date.now() + windowMs;
      while (Date.now() < deadline) {
        seen.push(await pair.vipHolder());
        await sleep(250);
      }
      return seen;
    },
    stop,
  };
  return rig;
}
