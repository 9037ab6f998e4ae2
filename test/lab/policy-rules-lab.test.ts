// Root-only (issue 22): the real daemon's policy rules on the real kernel, answered by the kernel
// itself (`ip route get` with the same selectors, run in the lab's router namespace). Three links
// and a LAN; rules by source + protocol + port range, by incoming interface, by destination, by uid
// (the router's own traffic) and by fwmark resolve to their links; the preferred link failing moves
// a rule to its next listed link; with `fallback: blackhole` a LAN flow of that rule leaves by no
// other ISP (counted there by nft) while its link is down; a SIGHUP changes and removes rules in
// place; kill -9 and a restart add no duplicate; a clean stop removes every rule and table of ours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import type { NetlinkSnapshot } from '../../src/netlink/types.js';
import type { Rig } from './support.js';
import { notRoot, sleep, status, waitFor, withRig } from './support.js';

const PROTO = 201;
const LAN_CLIENT = '100.64.100.2';
const ECHO = '203.0.113.7';

const rules = (extra: Record<string, unknown>[] = []): Record<string, unknown>[] => [
  { name: 'voip', match: { src: `${LAN_CLIENT}/32`, proto: 'udp', dport: '5060-5061' }, links: ['wan2', 'wan1'] },
  { name: 'iptv', match: { iif: 'lan0', proto: 'udp', dport: 7 }, links: ['wan3'], fallback: 'blackhole' },
  { name: 'office', match: { dst: '198.18.200.0/24' }, links: ['wan3', 'wan2'] },
  { name: 'own', match: { uid: '4242-4243', proto: 'tcp', dport: 443 }, links: ['wan2'] },
  ...extra,
];
const MARKED = { name: 'marked', match: { fwmark: '0x100/0xf00' }, links: ['wan3'] };

/**
 * The kernel's answer: the interface a lookup leaves by, 'blackhole' (an IPv4 output lookup), 'rejected'
 * (a lookup that ends in a blackhole route where the kernel answers EINVAL: IPv4 forwarded, IPv6), or the error.
 */
async function routeGet(rig: Rig, args: string[], family: '-4' | '-6' = '-4'): Promise<string> {
  let text: string;
  try {
    const r = await rig.lab.exec(rig.lab.routerNs, 'ip', [family, 'route', 'get', ...args]);
    text = `${r.stdout}${r.stderr}`.trim();
  } catch (e) {
    text = `${(e as { stderr?: string }).stderr ?? String(e)}`.trim();
  }
  if (/^blackhole/.test(text)) return 'blackhole';
  if (/Invalid argument/.test(text)) return 'rejected';
  const dev = /\bdev (\S+)/.exec(text);
  return dev ? dev[1]! : `error: ${text}`;
}

/** Each check: what it asks the kernel, and the link it must answer. */
const LOOKUPS: Record<string, string[]> = {
  voip: ['198.18.1.1', 'from', LAN_CLIENT, 'iif', 'lan0', 'ipproto', 'udp', 'dport', '5061'],
  voipOtherPort: ['198.18.1.1', 'from', LAN_CLIENT, 'iif', 'lan0', 'ipproto', 'udp', 'dport', '5062'],
  iptv: [ECHO, 'from', LAN_CLIENT, 'iif', 'lan0', 'ipproto', 'udp', 'dport', '7'],
  office: ['198.18.200.9'],
  own: ['198.18.1.1', 'uid', '4243', 'ipproto', 'tcp', 'dport', '443'],
  ownOtherUid: ['198.18.1.1', 'uid', '4244', 'ipproto', 'tcp', 'dport', '443'],
  marked: ['198.18.1.1', 'mark', '0x1ff'],
  plain: ['198.18.1.1'],
};

async function answers(rig: Rig, names: string[], lookups: Record<string, string[]>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of names) out[n] = await routeGet(rig, lookups[n]!, lookups === LOOKUPS6 ? '-6' : '-4');
  return out;
}

async function until(rig: Rig, what: string, want: Record<string, string>, timeoutMs = 30_000, lookups = LOOKUPS): Promise<void> {
  let last: Record<string, string> = {};
  try {
    await waitFor(what, async () => {
      last = await answers(rig, Object.keys(want), lookups);
      return JSON.stringify(last) === JSON.stringify(want);
    }, timeoutMs, 300);
  } catch (e) {
    assert.deepEqual(last, want, `${what}: ${String(e)}`);
  }
}

/** IPv6 (output lookups: the LAN lab is IPv4 only). */
const LOOKUPS6: Record<string, string[]> = {
  web6: ['2001:db8:ff10::9'],
  drop6: ['2001:db8:ff20::9'],
  own6: ['2001:db8:ff00::1', 'uid', '4243', 'ipproto', 'tcp', 'dport', '443'],
  plain6: ['2001:db8:ff00::1'],
};

const ours = (snap: NetlinkSnapshot): string[] => snap.rules.filter((r) => r.protocol === PROTO && (r.priority ?? 0) >= 2000)
  .map((r) => `${r.family} ${r.priority} ${r.table}`).sort();
const ourTables = (snap: NetlinkSnapshot): string[] => snap.routes.filter((r) => r.protocol === PROTO && r.table >= 2000 && r.table < 3000)
  .map((r) => `${r.family} ${r.table} ${r.type === 6 ? 'blackhole' : snap.links.find((l) => l.index === r.oif)?.name}`).sort();

/** nft counters of UDP to the echo port in each ISP: what left the router by that ISP. */
async function countLeaks(rig: Rig): Promise<void> {
  for (const i of [1, 2, 3]) {
    await rig.lab.exec(rig.lab.ispNs(i), 'nft', ['add table inet rulelab']);
    await rig.lab.exec(rig.lab.ispNs(i), 'nft', ['add counter inet rulelab echo']);
    await rig.lab.exec(rig.lab.ispNs(i), 'nft', ['add chain inet rulelab pre { type filter hook prerouting priority -300 ; }']);
    await rig.lab.exec(rig.lab.ispNs(i), 'nft', [`add rule inet rulelab pre ip daddr ${ECHO} udp dport 7 counter name echo`]);
  }
}
async function leaked(rig: Rig): Promise<number[]> {
  const out: number[] = [];
  for (const i of [1, 2, 3]) {
    const r = await rig.lab.exec(rig.lab.ispNs(i), 'nft', ['-j', 'list', 'counter', 'inet', 'rulelab', 'echo']);
    const doc = JSON.parse(r.stdout) as { nftables: Array<{ counter?: { packets: number } }> };
    out.push(doc.nftables.find((x) => x.counter)?.counter?.packets ?? -1);
  }
  return out;
}
/** 20 datagrams from the LAN client to the echo service (the iptv rule's traffic), 20 ms apart. */
async function sendEcho(rig: Rig): Promise<void> {
  const js = `const s=require('node:dgram').createSocket('udp4');let n=0;const t=setInterval(()=>{s.send(Buffer.from('x'),7,'${ECHO}');if(++n>=20){clearInterval(t);setTimeout(()=>s.close(),50);}},20);`;
  await rig.lab.exec(rig.lab.lan!.ns, process.execPath, ['-e', js]);
}

test('policy rules on the real kernel: every selector resolves to its link, failover moves them, blackhole leaks nothing, SIGHUP, restart, stop', { skip: notRoot, timeout: 240_000 }, async () => {
  await withRig('rul', async (rig) => {
    const d = await rig.start({ rules: rules([MARKED]), recovery_threshold: 2, min_secondary_time: 2 });
    try {
      await countLeaks(rig);
      await until(rig, 'every rule on its preferred link', {
        voip: 'wan2', voipOtherPort: 'wan1', iptv: 'wan3', office: 'wan3', own: 'wan2', ownOtherUid: 'wan1', marked: 'wan3', plain: 'wan1',
      });
      assert.deepEqual(ours(await rig.agent.dump()), ['inet 2000 2000', 'inet 2001 2001', 'inet 2002 2002', 'inet 2003 2003', 'inet 2004 2004']);
      await sendEcho(rig);
      const before = await leaked(rig);
      assert.equal(before[0], 0, 'the iptv flow does not leave by ISP 1');
      assert.equal(before[1], 0, 'nor by ISP 2');
      assert.ok(before[2]! >= 20, `it leaves by ISP 3 (${before[2]})`);

      // wan3 fails upstream: office goes to its next link, iptv to its blackhole, marked falls back to main.
      await rig.lab.fail(3, 'upstream');
      await until(rig, 'wan3 down: rules moved', { office: 'wan2', iptv: 'rejected', marked: 'wan1', voip: 'wan2', plain: 'wan1' });
      assert.ok(ourTables(await rig.agent.dump()).includes('inet 2001 blackhole'), 'the iptv rule\'s table holds a blackhole route');
      const st = await status(rig, d);
      assert.deepEqual(st.rules.map((r: { name: string; link: string | null; state: string }) => `${r.name}:${r.link}:${r.state}`),
        ['voip:wan2:preferred', 'iptv:null:blackhole', 'office:wan2:fallback', 'own:wan2:preferred', 'marked:wan1:fallback']);
      await sendEcho(rig);
      const during = await leaked(rig);
      assert.deepEqual(during.slice(0, 2), [0, 0], 'with its link down not one packet of the blackhole rule left by another ISP');
      assert.equal(during[2], before[2], 'and none by its own dead link either (dropped at the router)');
      // The preferred link of voip fails too: it moves to its next listed one.
      await rig.lab.fail(2, 'upstream');
      await until(rig, 'wan2 down too', { voip: 'wan1', office: 'wan1', own: 'wan1' });
      await rig.lab.heal(2);
      await rig.lab.heal(3);
      await until(rig, 'healed: back on the preferred links', { voip: 'wan2', iptv: 'wan3', office: 'wan3', own: 'wan2', marked: 'wan3' }, 40_000);

      // SIGHUP: office gets another destination, marked is removed; both in place.
      const file = JSON.parse(await readFile(d.configPath, 'utf8')) as Record<string, unknown>;
      const changed = rules().map((r) => (r['name'] === 'office' ? { ...r, match: { dst: '198.18.201.0/24' } } : r));
      await writeFile(d.configPath, JSON.stringify({ ...file, rules: changed }));
      const from = d.logs.length;
      process.kill(d.pid, 'SIGHUP');
      await waitFor('reloaded', async () => d.logs.slice(from).some((l) => l.msg === 'configuration reloaded'), 10_000);
      LOOKUPS['office2'] = ['198.18.201.9'];
      await until(rig, 'after SIGHUP', { office: 'wan1', office2: 'wan3', marked: 'wan1', voip: 'wan2' });
      await waitFor('the removed rule is gone', async () => ours(await rig.agent.dump()).length === 4, 10_000);
      assert.deepEqual(ours(await rig.agent.dump()), ['inet 2000 2000', 'inet 2001 2001', 'inet 2002 2002', 'inet 2003 2003']);
      await waitFor('its table too', async () => !ourTables(await rig.agent.dump()).some((t) => t.startsWith('inet 2004 ')), 10_000);

      // kill -9 and a restart: the same rules, none twice.
      await d.kill9();
      const again = await rig.start(JSON.parse(await readFile(d.configPath, 'utf8')) as Record<string, unknown>);
      await until(rig, 'after a restart', { voip: 'wan2', iptv: 'wan3', office2: 'wan3', own: 'wan2' });
      await sleep(2000);
      assert.deepEqual(ours(await rig.agent.dump()), ['inet 2000 2000', 'inet 2001 2001', 'inet 2002 2002', 'inet 2003 2003']);
      assert.equal(await again.stop('SIGTERM'), 0);
      const snap = await rig.agent.dump();
      assert.deepEqual(ours(snap), [], 'stop removes every policy rule of ours');
      assert.deepEqual(ourTables(snap), [], 'and their tables');
      assert.equal(await routeGet(rig, LOOKUPS['iptv']!), 'wan1', 'the LAN flow takes the main route again');
    } finally {
      await d.dispose();
    }
  }, { links: 3, lan: {} });
});

test('IPv6 too: a prefix rule, a rule of both families (uid) and a blackhole rule, moved by failover; stop removes them', { skip: notRoot, timeout: 180_000 }, async () => {
  await withRig('rul6', async (rig) => {
    const d = await rig.start({
      ping_targets: [...rig.lab.targets, ...rig.lab.targets6], recovery_threshold: 2, min_secondary_time: 2,
      rules: [
        { name: 'web6', match: { dst: '2001:db8:ff10::/48' }, links: ['wan3', 'wan2'] },
        { name: 'drop6', match: { dst: '2001:db8:ff20::/48' }, links: ['wan3'], fallback: 'blackhole' },
        { name: 'own', match: { uid: 4243, proto: 'tcp', dport: 443 }, links: ['wan2'] },
      ],
    });
    try {
      await until(rig, 'IPv6 rules on their links', { web6: 'wan3', drop6: 'wan3', own6: 'wan2', plain6: 'wan1' }, 30_000, LOOKUPS6);
      await until(rig, 'the rule of both families in IPv4 too', { own: 'wan2' });
      assert.deepEqual(ours(await rig.agent.dump()), ['inet 2002 2002', 'inet6 2000 2000', 'inet6 2001 2001', 'inet6 2002 2002']);
      await rig.lab.fail(3, 'upstream', { family: 'both' });
      await until(rig, 'wan3 down', { web6: 'wan2', plain6: 'wan1' }, 30_000, LOOKUPS6);
      // The kernel answers a lookup that ends in an IPv6 blackhole route with EINVAL (the route's dst.error).
      assert.equal(await routeGet(rig, LOOKUPS6['drop6']!, '-6'), 'rejected', 'drop6 resolves to no link');
      assert.ok(ourTables(await rig.agent.dump()).includes('inet6 2001 blackhole'), 'drop6\'s table holds a blackhole route');
      await rig.lab.heal(3);
      await until(rig, 'healed', { web6: 'wan3', drop6: 'wan3' }, 40_000, LOOKUPS6);
      assert.equal(await d.stop('SIGTERM'), 0);
      const snap = await rig.agent.dump();
      assert.deepEqual(ours(snap), []);
      assert.deepEqual(ourTables(snap), []);
    } finally {
      await d.dispose();
    }
  }, { links: 3, ipv6: true });
});

/** A UDP echo on the router bound to one address (as a service answering from the address it was asked on). */
async function startEcho(rig: Rig, address: string, port: number): Promise<void> {
  const js = `const s=require('node:dgram').createSocket('udp4');s.on('message',(m,r)=>s.send(m,r.port,r.address));`
    + `s.bind(${port},'${address}',()=>console.log('ready'));setTimeout(()=>process.exit(0),120000);`;
  const child = rig.lab.spawn(rig.lab.routerNs, process.execPath, ['-e', js]);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('echo did not start')), 5000);
    child.stdout?.on('data', (b: Buffer) => { if (b.toString().includes('ready')) { clearTimeout(timer); resolve(); } });
  });
}

/** 10 requests from the internet (beyond the ISPs) to the router's address on one link; the number answered. */
async function askEcho(rig: Rig, address: string, port: number): Promise<number> {
  const js = `const s=require('node:dgram').createSocket('udp4');let got=0;s.on('message',()=>got++);let n=0;`
    + `const t=setInterval(()=>{s.send(Buffer.from('q'+n),${port},'${address}');if(++n>=10){clearInterval(t);setTimeout(()=>{console.log(got);s.close();},1000);}},50);`;
  const r = await rig.lab.exec(rig.lab.netNs, process.execPath, ['-e', js]);
  return Number(r.stdout.trim());
}

test('reply routing: a service on the router asked through the backup link answers through it (BCP38 in each ISP); with reply_routing false: not', { skip: notRoot, timeout: 120_000 }, async () => {
  await withRig('rpl', async (rig) => {
    const d = await rig.start({});
    try {
      const wan2 = rig.lab.links[1]!.address;
      await waitFor('the reply rule of wan2\'s address', async () => (await rig.agent.dump()).rules
        .some((r) => r.protocol === PROTO && r.src === wan2 && r.srcLength === 32), 20_000);
      assert.equal(await routeGet(rig, LOOKUPS['plain']!), 'wan1', 'the default route is on the primary');
      await startEcho(rig, wan2, 7777);
      const drops0 = await rig.lab.bcp38Drops(1);
      assert.equal(await askEcho(rig, wan2, 7777), 10, 'every request asked through the backup link is answered');
      assert.equal(await rig.lab.bcp38Drops(1), drops0, 'no answer went to the primary\'s ISP');

      const file = JSON.parse(await readFile(d.configPath, 'utf8')) as Record<string, unknown>;
      await writeFile(d.configPath, JSON.stringify({ ...file, reply_routing: false }));
      process.kill(d.pid, 'SIGHUP');
      await waitFor('the reply rules are gone', async () => !(await rig.agent.dump()).rules
        .some((r) => r.protocol === PROTO && r.src !== null), 10_000);
      assert.equal(await askEcho(rig, wan2, 7777), 0, 'without reply routing the answers leave by the primary and its ISP drops them');
      assert.ok(await rig.lab.bcp38Drops(1) >= drops0 + 10, 'dropped by ISP 1\'s BCP38 filter');
    } finally {
      await d.dispose();
    }
  }, { links: 2, lan: {} });
});
