// Root-only (issue 22, DNS that follows the link): the real daemon in the lab, each ISP with a DNS
// server address of its own. The `to <server>` rules are in the router namespace's kernel (both
// families), a datagram to ISP 2's server sent by the router while the default route is on ISP 1
// is counted in ISP 2 and not in ISP 1 (nft counters in the ISPs), the resolv file holds the
// carrying link's servers and follows a failover and the recovery, a SIGHUP moves a rule, a restart
// after kill -9 adds none twice, and stop removes the rules.
// Second test: the whole DHCP chain, dnsmasq's dns-server option -> dhclient -> the exit hook's
// state file -> the daemon's rule and status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientLog, startDhcpClient, startDhcpServer, stateFileDns, stopDhcpClient, writeClientFiles, type DhcpClientFiles } from '../../lab/dhcp.js';
import { terminate } from '../../lab/exec.js';
import type { NetlinkSnapshot } from '../../src/netlink/types.js';
import type { Rig } from './support.js';
import { notRoot, sleep, status, waitFor, withRig } from './support.js';

const PROTO = 201;
/** One DNS server per ISP, on the ISP namespace's loopback (documentation ranges only). */
const DNS1 = '198.51.100.101';
const DNS2 = '203.0.113.102';
const DNS1_6 = '2001:db8:ff53::1';
const DNS2_6 = '2001:db8:ff53::2';

const toRules = (snap: NetlinkSnapshot): string[] => snap.rules.filter((r) => r.protocol === PROTO && r.dst !== null)
  .map((r) => `${r.family} ${r.priority} to ${r.dst}/${r.dstLength} lookup ${r.table}`).sort();

/** nft counters in each ISP of UDP to port 53 of each server: what left the router by that ISP. */
async function countDns(rig: Rig): Promise<void> {
  for (const i of [1, 2]) {
    const ns = rig.lab.ispNs(i);
    await rig.lab.exec(ns, 'nft', ['add table inet dnslab']);
    await rig.lab.exec(ns, 'nft', ['add chain inet dnslab pre { type filter hook prerouting priority -300 ; }']);
    for (const [name, addr] of [['d1', DNS1], ['d2', DNS2]] as const) {
      await rig.lab.exec(ns, 'nft', [`add counter inet dnslab ${name}`]);
      await rig.lab.exec(ns, 'nft', [`add rule inet dnslab pre ip daddr ${addr} udp dport 53 counter name ${name}`]);
    }
  }
}
async function counted(rig: Rig, name: 'd1' | 'd2'): Promise<number[]> {
  const out: number[] = [];
  for (const i of [1, 2]) {
    const r = await rig.lab.exec(rig.lab.ispNs(i), 'nft', ['-j', 'list', 'counter', 'inet', 'dnslab', name]);
    const doc = JSON.parse(r.stdout) as { nftables: Array<{ counter?: { packets: number } }> };
    out.push(doc.nftables.find((x) => x.counter)?.counter?.packets ?? -1);
  }
  return out;
}
/** 10 DNS-sized datagrams from the router itself (as its resolver would send them), 20 ms apart. */
async function query(rig: Rig, server: string): Promise<void> {
  const js = `const s=require('node:dgram').createSocket('udp4');let n=0;const t=setInterval(()=>{s.send(Buffer.alloc(40),53,'${server}');`
    + `if(++n>=10){clearInterval(t);setTimeout(()=>s.close(),50);}},20);`;
  await rig.lab.exec(rig.lab.routerNs, process.execPath, ['-e', js]);
}

const nameservers = async (file: string): Promise<string[]> => (existsSync(file) ? (await readFile(file, 'utf8')) : '')
  .split('\n').filter((l) => l.startsWith('nameserver ')).map((l) => l.slice('nameserver '.length));

async function fileHolds(file: string, want: string[], what: string): Promise<void> {
  let last: string[] = [];
  await waitFor(what, async () => { last = await nameservers(file); return JSON.stringify(last) === JSON.stringify(want); }, 30_000, 100)
    .catch((e: Error) => assert.deepEqual(last, want, `${what}: ${e.message}`));
}

test('DNS follows the link: to-rules in the kernel (both families), queries leave by their ISP, the resolv file follows failover and recovery', { skip: notRoot, timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wfd-dns-'));
  const resolv = join(dir, 'resolv.conf');
  try {
    await withRig('dns', async (rig) => {
      const { lab } = rig;
      await lab.exec(lab.ispNs(1), 'ip', ['addr', 'add', `${DNS1}/32`, 'dev', 'lo']);
      await lab.exec(lab.ispNs(2), 'ip', ['addr', 'add', `${DNS2}/32`, 'dev', 'lo']);
      const d = await rig.start({
        links: lab.links.map((l, i) => ({ name: l.iface, interface: l.iface, display_name: `ISP ${l.index}`,
          dns: i === 0 ? [DNS1, DNS1_6] : [DNS2, DNS2_6] })),
        ping_targets: [...lab.targets, ...lab.targets6], recovery_threshold: 2, min_secondary_time: 2,
        dns: { resolv_file: resolv },
      });
      try {
        // (a) the rules, in the router namespace's kernel, at rule_priority (1000), tagged with our protocol.
        await waitFor('the to-rules', async () => toRules(await rig.agent.dump()).length === 4, 20_000);
        assert.deepEqual(toRules(await rig.agent.dump()), [
          `inet 1000 to ${DNS1}/32 lookup 1000`, `inet 1000 to ${DNS2}/32 lookup 1001`,
          `inet6 1000 to ${DNS1_6}/128 lookup 1000`, `inet6 1000 to ${DNS2_6}/128 lookup 1001`,
        ]);
        const st = await status(rig, d);
        assert.deepEqual(st.links.map((l: { dns?: string[]; dns_source?: string }) => `${l.dns?.join(',')} ${l.dns_source}`),
          [`${DNS1},${DNS1_6} static`, `${DNS2},${DNS2_6} static`]);
        assert.equal(st.active_link, 'wan1');

        // (b) the router's own queries: ISP 2's server through ISP 2 although the default route is on ISP 1.
        await countDns(rig);
        await query(rig, DNS2);
        await query(rig, DNS1);
        const toDns2 = await counted(rig, 'd2');
        const toDns1 = await counted(rig, 'd1');
        assert.equal(toDns2[0], 0, 'no query to ISP 2\'s server left by ISP 1');
        assert.ok(toDns2[1]! >= 10, `they left by ISP 2 (${toDns2[1]})`);
        assert.ok(toDns1[0]! >= 10, `ISP 1's server through ISP 1 (${toDns1[0]})`);
        assert.equal(toDns1[1], 0, 'and not by ISP 2');

        // (c) the resolv file: the carrying link's servers, following a failover and the recovery.
        await fileHolds(resolv, [DNS1, DNS1_6], 'the resolv file holds link 1\'s servers');
        await lab.fail(1, 'upstream', { family: 'both' });
        await fileHolds(resolv, [DNS2, DNS2_6], 'after the failover: link 2\'s');
        await lab.heal(1);
        await fileHolds(resolv, [DNS1, DNS1_6], 'after the recovery: link 1\'s again');

        // SIGHUP: link 2's server changes in place; its old rule goes, the new one comes.
        const file = JSON.parse(await readFile(d.configPath, 'utf8')) as { links: Array<Record<string, unknown>> };
        file.links[1]!['dns'] = ['203.0.113.103'];
        await writeFile(d.configPath, JSON.stringify(file));
        process.kill(d.pid, 'SIGHUP');
        await waitFor('the reloaded server\'s rule', async () => {
          const r = toRules(await rig.agent.dump());
          return r.includes('inet 1000 to 203.0.113.103/32 lookup 1001') && !r.some((x) => x.includes(DNS2));
        }, 10_000);
        const reloaded = [`inet 1000 to ${DNS1}/32 lookup 1000`, 'inet 1000 to 203.0.113.103/32 lookup 1001', `inet6 1000 to ${DNS1_6}/128 lookup 1000`];
        assert.deepEqual(toRules(await rig.agent.dump()), reloaded);

        // kill -9 and a restart: the same rules adopted, none twice.
        await d.kill9();
        const again = await rig.start(JSON.parse(await readFile(d.configPath, 'utf8')) as Record<string, unknown>);
        await sleep(3000);
        assert.deepEqual(toRules(await rig.agent.dump()), reloaded, 'after a restart: no duplicate');
        assert.equal(await again.stop('SIGTERM'), 0);
        assert.deepEqual(toRules(await rig.agent.dump()), [], 'stop removes every to-rule');
        assert.deepEqual(await nameservers(resolv), [DNS1, DNS1_6], 'the file stays as it was at stop');
      } finally {
        await d.dispose();
      }
    }, { links: 2, ipv6: true });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

function dhcpSkip(): string | false {
  if (notRoot) return notRoot;
  for (const cmd of ['dnsmasq', 'dhclient']) {
    try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore', timeout: 5000 }); } catch {
      return `${cmd} not installed (apt-get install -y dnsmasq-base isc-dhcp-client)`;
    }
  }
  return false;
}

test('a lease\'s DNS servers reach the daemon through the exit hook: the state file\'s dns, the to-rule, the status', { skip: dhcpSkip(), timeout: 150_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wfd-dnsdhcp-'));
  let server: ChildProcess | null = null;
  let client: ChildProcess | null = null;
  const files: DhcpClientFiles = { dir, iface: 'wan2', stateDir: join(dir, 'state') };
  try {
    await withRig('dnsd', async (rig) => {
      const { lab } = rig;
      await lab.exec(lab.routerNs, 'ip', ['-4', 'addr', 'flush', 'dev', 'wan2']);
      // Our own -sf script (lab/dhcp.ts): dhclient never touches the machine's /etc/resolv.conf.
      await writeClientFiles(files, { applyRoutes: false });
      server = await startDhcpServer(lab.ispNs(2), 'cpe2', dir, { rangeStart: '100.64.2.10', rangeEnd: '100.64.2.20', router: '100.64.2.1',
        dns: [DNS2, '198.18.2.53'] });
      client = startDhcpClient(lab.routerNs, files);
      await waitFor('the hook\'s dns list', async () => JSON.stringify(stateFileDns(files.stateDir, 'wan2')) === JSON.stringify([DNS2, '198.18.2.53']), 40_000)
        .catch((e: Error) => { throw new Error(`${e.message}\n${clientLog(files)}`); });
      const d = await rig.start({ gateway_state_dir: files.stateDir, dns: { resolv_file: join(dir, 'resolv.conf') } }, { stateFiles: false });
      try {
        await waitFor('the lease\'s to-rules', async () => toRules(await rig.agent.dump()).length === 2, 20_000);
        assert.deepEqual(toRules(await rig.agent.dump()), [`inet 1000 to 198.18.2.53/32 lookup 1001`, `inet 1000 to ${DNS2}/32 lookup 1001`]);
        const st = await status(rig, d);
        assert.deepEqual(st.links[1].dns, [DNS2, '198.18.2.53']);
        assert.equal(st.links[1].dns_source, 'dhcp');
        // wan1 has no server: the resolv file falls back to the usable link 2's (never an empty file).
        await fileHolds(join(dir, 'resolv.conf'), [DNS2, '198.18.2.53'], 'the fallback: link 2\'s servers');
        // The lease goes (dhclient -x: STOP): the hook removes the file, the rules go.
        await stopDhcpClient(lab.routerNs, files, client);
        client = null;
        await waitFor('the rules gone with the lease', async () => toRules(await rig.agent.dump()).length === 0, 20_000);
      } finally {
        await d.dispose();
      }
    });
  } finally {
    if (client) await terminate(client);
    if (server) await terminate(server);
    await rm(dir, { recursive: true, force: true });
  }
});
