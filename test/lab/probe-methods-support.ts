// Lab scaffolding of the probe-method tests (issue 23): the far ends of TCP, DNS and HTTP(S)
// probes (lab/probe-responder.ts) in a lab namespace, and nftables in an ISP namespace to drop one
// kind of traffic, play a captive portal, or count which link a probe left through. Every table is
// the test's own (wanlab_probe_*), inside the lab's own namespaces.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runInNs } from '../../lab/exec.js';
import type { ResponderListener } from '../../lab/probe-responder-spec.js';
import type { Lab } from '../../lab/topology.js';

export type { ResponderListener };

const RESPONDER_JS = fileURLToPath(new URL('../../lab/probe-responder.js', import.meta.url));


/** Starts the responder in `ns` (tracked by the lab, killed at its teardown); resolves once it listens. */
export function startResponder(lab: Lab, ns: string, listeners: ResponderListener[]): Promise<ChildProcess> {
  const child = lab.spawn(ns, process.execPath, [RESPONDER_JS, JSON.stringify(listeners)]);
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`probe responder not ready in 10 s: ${err}`)), 10_000);
    child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('"ready":true')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`probe responder exited (${code}): ${err}`));
    });
  });
}

/** Loads an nft script into `ns`; `table` is replaced if it exists. */
export async function nftTable(ns: string, table: string, body: string): Promise<void> {
  const script = [`table inet ${table} {}`, `delete table inet ${table}`, `table inet ${table} {`, body, '}', ''].join('\n');
  await runInNs(ns, 'nft', ['-f', '-'], { input: script });
}

/** Drops forwarded packets matching `match` (e.g. "meta l4proto icmp") in ISP namespace `ns`. */
export function dropForwarded(ns: string, match: string): Promise<void> {
  return nftTable(ns, 'wanlab_probe_drop', `  chain probe_fwd { type filter hook forward priority -5; policy accept; ${match} drop; }`);
}

/** Removes dropForwarded's rule again. */
export async function undoDrop(ns: string): Promise<void> {
  await runInNs(ns, 'nft', ['delete', 'table', 'inet', 'wanlab_probe_drop']).catch(() => undefined);
}

/** A captive portal in `ns`: HTTP to `target`:80 is redirected to this namespace's own port `to`. */
export function captivePortal(ns: string, target: string, to: number): Promise<void> {
  return nftTable(ns, 'wanlab_probe_portal', `  chain probe_pre { type nat hook prerouting priority dstnat; policy accept; ip daddr ${target} tcp dport 80 redirect to :${to}; }`);
}

/** Counts forwarded packets per named match in `ns` (named by the rule's comment). */
export function countForwarded(ns: string, counters: Record<string, string>): Promise<void> {
  const rules = Object.entries(counters).map(([name, match]) => `    ${match} counter comment "${name}"`);
  return nftTable(ns, 'wanlab_probe_count', ['  chain probe_fwd {', '    type filter hook forward priority -10; policy accept;', ...rules, '  }'].join('\n'));
}

/** The packet counts of countForwarded's rules, by name. */
export async function readCounters(ns: string): Promise<Record<string, number>> {
  const out = await runInNs(ns, 'nft', ['-j', 'list', 'table', 'inet', 'wanlab_probe_count']);
  const doc = JSON.parse(out.stdout) as { nftables: Array<{ rule?: { comment?: string; expr: Array<Record<string, { packets?: number }>> } }> };
  const counts: Record<string, number> = {};
  for (const item of doc.nftables) {
    const r = item.rule;
    if (r?.comment === undefined) continue;
    const c = r.expr.find((e) => e['counter'] !== undefined);
    counts[r.comment] = c?.['counter']?.packets ?? 0;
  }
  return counts;
}
