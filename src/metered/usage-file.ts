// The metered links' usage on disk: one JSON file in state_dir, read once at start and replaced
// atomically (write to a temporary file, then rename(2) over the old one), so a crash or power cut
// leaves the old file or the new one, never half of one. The boot id tells the counters of this
// boot from the last one's (proc(5): /proc/sys/kernel/random/boot_id).
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAP_LEVELS, type LinkUsage } from './usage.js';

export const USAGE_FILE = 'metered-usage.json';
const BOOT_ID = '/proc/sys/kernel/random/boot_id';

export interface UsageStore {
  /** The saved usage per link name; {} when there is none yet. Throws on an unreadable or corrupt file. */
  load(): Record<string, LinkUsage>;
  save(usage: Readonly<Record<string, LinkUsage>>): Promise<void>;
  /** Changes with every boot: the kernel's counters restarted. */
  bootId(): string;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** One saved link, or null when the entry is not one the daemon wrote. */
export function parseLinkUsage(v: unknown): LinkUsage | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const notified = o['notifiedPct'];
  if (!isNum(o['periodStartMs']) || !isNum(o['bytes'])) return null;
  if (notified !== 0 && !CAP_LEVELS.includes(notified as (typeof CAP_LEVELS)[number])) return null;
  const last = o['last'] as Record<string, unknown> | null | undefined;
  const okLast = last === null || (typeof last === 'object' && last !== undefined && typeof last['epoch'] === 'string'
    && isNum(last['rxBytes']) && isNum(last['txBytes']));
  if (!okLast) return null;
  return { periodStartMs: o['periodStartMs'], bytes: o['bytes'], notifiedPct: notified as LinkUsage['notifiedPct'],
    last: last === null ? null : { epoch: last['epoch'] as string, rxBytes: last['rxBytes'] as number, txBytes: last['txBytes'] as number } };
}

export function fileUsageStore(dir: string): UsageStore {
  const path = join(dir, USAGE_FILE);
  let boot: string | null = null;
  return {
    load() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
        throw new Error(`cannot read ${path}`, { cause: err });
      }
      const data = JSON.parse(text) as { links?: Record<string, unknown> };
      const out: Record<string, LinkUsage> = {};
      for (const [name, v] of Object.entries(data.links ?? {})) {
        const u = parseLinkUsage(v);
        if (u !== null) out[name] = u;
      }
      return out;
    },
    async save(usage) {
      await mkdir(dir, { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify({ version: 1, links: usage })}\n`, { mode: 0o644 });
      await rename(tmp, path);
    },
    bootId() {
      if (boot === null) {
        try {
          boot = readFileSync(BOOT_ID, 'utf8').trim();
        } catch {
          boot = 'unknown-boot';
        }
      }
      return boot;
    },
  };
}

/** In memory, for tests and for a daemon without a state_dir it may write. */
export function memoryUsageStore(bootId = 'boot'): UsageStore & { saved: Record<string, LinkUsage> | null; saves: number } {
  const s = {
    saved: null as Record<string, LinkUsage> | null,
    saves: 0,
    load: (): Record<string, LinkUsage> => (s.saved === null ? {} : JSON.parse(JSON.stringify(s.saved)) as Record<string, LinkUsage>),
    save: async (u: Readonly<Record<string, LinkUsage>>): Promise<void> => {
      s.saved = JSON.parse(JSON.stringify(u)) as Record<string, LinkUsage>;
      s.saves += 1;
    },
    bootId: (): string => bootId,
  };
  return s;
}
