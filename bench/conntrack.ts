// `npm run bench:conntrack` (root): the conntrack flush (src/conntrack/) against a real kernel in
// a NAT lab (lab/nat-lab.ts, `snat to`): how long deleting the entries NATed to a link takes with
// 10,000 unrelated entries present, how many go, and that the unrelated ones stay. Prints each
// figure with its setup and the bound. A benchmark, never a pass/fail test.
import { cpus, loadavg } from 'node:os';
import { createNatLab, type NatLab } from '../lab/nat-lab.js';
import { summary } from './stats.js';

const ROUNDS = Number(process.env.BENCH_CT_ROUNDS ?? 15);
const UNRELATED = Number(process.env.BENCH_CT_UNRELATED ?? 10_000);

interface Round { wallMs: number; cpuMs: number; deleted: number }

/** Entries of the router's table whose reply does not go to wan1 (a flush of wan1 must leave them). */
async function unrelatedCount(lab: NatLab): Promise<number> {
  const w1 = lab.wans[0];
  return (await lab.conntrackLines()).filter((l) => !l.includes(`dst=${w1.v4} `) && !l.includes('dst=2001:0db8:000a:0000:0000:0000:0000:0001 ')).length;
}

async function series(lab: NatLab, fam: 4 | 6, matching: number): Promise<string> {
  const w1 = lab.wans[0];
  const before = await unrelatedCount(lab);
  const rounds = await lab.driver(['bench', fam === 4 ? 'ipv4' : 'ipv6', fam === 4 ? w1.v4 : w1.v6,
    fam === 4 ? lab.routerLan4 : lab.routerLan6, fam === 4 ? w1.server4 : w1.server6, String(matching), String(ROUNDS + 1)]) as Round[];
  const touched = before - await unrelatedCount(lab);
  const [cold, ...warm] = rounds;
  const deleted = warm.map((r) => r.deleted);
  return `  IPv${fam}, ${String(matching).padStart(4)} entries NATed to wan1 per round: deleted ${Math.min(...deleted)}..${Math.max(...deleted)}, unrelated touched ${touched}\n`
    + `      flush wall ${summary(warm.map((r) => r.wallMs), 'ms', 2)}; first (cold code) ${cold!.wallMs.toFixed(2)} ms\n`;
}

async function main(): Promise<void> {
  const lab = await createNatLab('bench', 'snat');
  try {
    await lab.defaultVia(0);
    // Unreplied UDP entries live 30 s by default; the bench needs them for its whole run.
    await lab.exec(lab.router, 'sysctl', ['-q', '-w', 'net.netfilter.nf_conntrack_udp_timeout=600']);
    const { stdout: buckets } = await lab.exec(lab.router, 'cat', ['/proc/sys/net/netfilter/nf_conntrack_buckets']);
    process.stdout.write(`conntrack flush (NAT lab, \`snat to\`; kernel-filtered dump + one batched delete, open socket; ${ROUNDS} rounds per line)\n`);
    process.stdout.write(`  conntrack hash: ${buckets.trim()} buckets (the dump walks them all, whatever their content)\n`);
    process.stdout.write(` with no other entries:\n${await series(lab, 4, 0)}`);
    const [, w2] = lab.wans;
    const half = Math.floor(UNRELATED / 2);
    await lab.udp(lab.lan, 4, w2.server4, 10_000, half);
    await lab.udp(lab.lan, 4, lab.routerLan4, 10_000, UNRELATED - half);
    process.stdout.write(` with ${await unrelatedCount(lab)} unrelated entries (${half} NATed to wan2, ${UNRELATED - half} LAN-internal):\n`);
    for (const [fam, m] of [[4, 0], [4, 1], [4, 100], [4, 1000], [6, 100]] as const) process.stdout.write(await series(lab, fam, m));
    process.stdout.write(`  bound: well under 10 ms with ${UNRELATED} unrelated entries, none of them touched\n`
      + `  machine: ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} (wall times include waiting for a CPU; min is the least disturbed run)\n`);
  } finally {
    await lab.destroy();
  }
}

void main();
