// Root-only: wanctl against a real kernel, inside its own namespaces (prefix wfc-). dump shows a
// veth, its routes and rules with ours marked; monitor sees a route appear; probe gets replies
// through the veth and none through a blocked, a downed or the wrong interface.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { run, runInNs } from '../../lab/exec.js';

const WANCTL = fileURLToPath(new URL('../../src/cli/wanctl.js', import.meta.url));
const notRoot = process.getuid?.() !== 0;
const SKIP = notRoot ? 'needs root: builds network namespaces' : false;

const tag = randomBytes(3).toString('hex');
const NS_R = `wfc-${tag}-r`; // "router": runs wanctl
const NS_P = `wfc-${tag}-p`; // peer: answers pings
const IF_R = 'wfcr0';
const IF_P = 'wfcp0';
const ADDR_R = '198.51.100.2';
const ADDR_P = '198.51.100.1';

interface Run { code: number; stdout: string; stderr: string }

/** wanctl inside the router namespace; bounded, never rejects, so exit codes can be asserted. */
function wanctlInNs(args: string[], timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', NS_R, process.execPath, WANCTL, ...args],
      { timeout: timeoutMs, killSignal: 'SIGKILL', env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      });
  });
}

async function destroy(): Promise<void> {
  for (const ns of [NS_R, NS_P]) await run('ip', ['netns', 'del', ns]).catch(() => undefined);
}

async function build(): Promise<void> {
  for (const ns of [NS_R, NS_P]) {
    await run('ip', ['netns', 'add', ns]);
    await runInNs(ns, 'ip', ['link', 'set', 'lo', 'up']);
  }
  // Created inside the router namespace with its peer moved straight into the peer namespace:
  // neither end ever exists in the host's namespace.
  await runInNs(NS_R, 'ip', ['link', 'add', IF_R, 'type', 'veth', 'peer', 'name', IF_P, 'netns', NS_P]);
  await runInNs(NS_R, 'ip', ['addr', 'add', `${ADDR_R}/24`, 'dev', IF_R]);
  await runInNs(NS_P, 'ip', ['addr', 'add', `${ADDR_P}/24`, 'dev', IF_P]);
  await runInNs(NS_R, 'ip', ['link', 'set', IF_R, 'up']);
  await runInNs(NS_P, 'ip', ['link', 'set', IF_P, 'up']);
  // One route tagged with the daemon's protocol (201) in main, one foreign in a table of its own.
  await runInNs(NS_R, 'ip', ['route', 'add', '203.0.113.0/24', 'via', ADDR_P, 'dev', IF_R, 'proto', '201', 'metric', '7']);
  await runInNs(NS_R, 'ip', ['route', 'add', 'default', 'via', ADDR_P, 'dev', IF_R, 'table', '1001', 'proto', 'static']);
  await runInNs(NS_R, 'ip', ['rule', 'add', 'oif', IF_R, 'lookup', '1001', 'priority', '1000', 'protocol', '201']);
}

interface RouteJson { family: string; table: number; dst: string | null; dstLength: number; gateway: string | null; dev: string | null;
  priority: number | null; protocol: number; protocolName: string; tableName: string; ours: boolean }

describe('wanctl in a namespace', { skip: SKIP, timeout: 120_000 }, () => {
  before(async () => {
    await destroy();
    try {
      await build();
    } catch (e) {
      await destroy();
      throw e;
    }
  });
  after(destroy);

  test('dump routes --json shows the veth route, ours marked by protocol', async () => {
    const r = await wanctlInNs(['dump', 'routes', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { routeProtocol: number; routes: RouteJson[] };
    assert.equal(j.routeProtocol, 201);
    const ours = j.routes.find((x) => x.dst === '203.0.113.0');
    assert.ok(ours, r.stdout);
    assert.deepEqual(
      { len: ours.dstLength, gw: ours.gateway, dev: ours.dev, metric: ours.priority, table: ours.tableName, proto: ours.protocolName, ours: ours.ours },
      { len: 24, gw: ADDR_P, dev: IF_R, metric: 7, table: 'main', proto: 'wan-failover', ours: true });
    const foreign = j.routes.find((x) => x.table === 1001 && x.dst === null);
    assert.ok(foreign, 'the default route of table 1001 is listed');
    assert.equal(foreign.protocolName, 'static');
    assert.equal(foreign.ours, false);
    const connected = j.routes.find((x) => x.dst === '198.51.100.0' && x.table === 254);
    assert.equal(connected?.protocolName, 'kernel');
  });

  test('dump links and rules --json: the veth with carrier, our rule marked', async () => {
    const r = await wanctlInNs(['dump', 'all', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as {
      links: Array<{ name: string; carrier: boolean; mtu: number | null }>;
      addresses: Array<{ dev: string | null; address: string }>;
      rules: Array<{ priority: number | null; oifname: string | null; table: number; ours: boolean }>;
    };
    const veth = j.links.find((l) => l.name === IF_R);
    assert.equal(veth?.carrier, true);
    assert.equal(veth?.mtu, 1500);
    assert.ok(j.addresses.some((a) => a.dev === IF_R && a.address === ADDR_R));
    const rule = j.rules.find((x) => x.priority === 1000);
    assert.deepEqual(rule && { oif: rule.oifname, table: rule.table, ours: rule.ours }, { oif: IF_R, table: 1001, ours: true });
  });

  test('dump routes for people: aligned, ours marked, no colour without a TTY', async () => {
    const r = await wanctlInNs(['dump', 'routes']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^TABLE\s+FAMILY\s+DST\s+VIA\s+DEV\s+METRIC\s+PROTO\s+SCOPE\s+TYPE\s+SRC\s+OURS$/);
    const ours = lines.find((l) => l.includes('203.0.113.0/24'));
    assert.match(ours ?? '', /^main\s+inet\s+203\.0\.113\.0\/24\s+198\.51\.100\.1\s+wfcr0\s+7\s+wan-failover\s.*\*$/);
    assert.equal(lines[1].indexOf('main'), 0);
    assert.doesNotMatch(r.stdout, /\u001b\[/);
  });

  test('monitor --json sees an IPv4 route, an IPv6 route and an IPv6 rule added meanwhile and stops cleanly on Ctrl-C', async () => {
    // Unrelated notifications (e.g. IPv6 state changes on the fresh veth) may come first, so the
    // test reads lines until the route shows up, then interrupts; --timeout bounds it regardless.
    const child = spawn('ip', ['netns', 'exec', NS_R, process.execPath, WANCTL, 'monitor', '--json', '--timeout', '15'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const routeSeen = new Promise<void>((resolve) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('"203.0.113.128"') && out.includes('"2001:db8:99::"') && out.includes('"priority":1001')) resolve();
      });
      void exited.then(() => resolve());
    });
    try {
      await new Promise<void>((resolve) => {
        child.stderr.on('data', (c: Buffer) => {
          err += c.toString();
          if (err.includes('monitoring')) resolve();
        });
        void exited.then(() => resolve());
      });
      await runInNs(NS_R, 'ip', ['route', 'add', '203.0.113.128/25', 'via', ADDR_P, 'dev', IF_R, 'proto', '201']);
      await runInNs(NS_R, 'ip', ['-6', 'route', 'add', '2001:db8:99::/64', 'dev', IF_R, 'proto', '201']);
      await runInNs(NS_R, 'ip', ['-6', 'rule', 'add', 'oif', IF_R, 'lookup', '1002', 'priority', '1001', 'protocol', '201']);
      await routeSeen;
      // `ip netns exec` execs in place: this pid is wanctl itself.
      child.kill('SIGINT');
      assert.equal(await exited, 0, err);
    } finally {
      clearTimeout(killer);
    }
    const events = out.trim().split('\n').map((l) => JSON.parse(l) as {
      time: string; kind: string; op: string; route?: RouteJson; rule?: { family: string; priority: number; oifname: string; table: number; ours: boolean };
    });
    const ev6 = events.find((e) => e.kind === 'route' && e.route?.dst === '2001:db8:99::');
    assert.deepEqual(ev6 && [ev6.op, ev6.route?.family, ev6.route?.ours, ev6.route?.dev], ['new', 'inet6', true, IF_R], out);
    const rule6 = events.find((e) => e.kind === 'rule' && e.rule?.priority === 1001);
    assert.deepEqual(rule6 && [rule6.op, rule6.rule?.family, rule6.rule?.oifname, rule6.rule?.table, rule6.rule?.ours], ['new', 'inet6', IF_R, 1002, true], out);
    const ev = events.find((e) => e.kind === 'route' && e.route?.dst === '203.0.113.128');
    assert.ok(ev, out);
    assert.equal(ev.op, 'new');
    assert.equal(ev.route?.ours, true);
    assert.equal(ev.route?.dev, IF_R);
    assert.ok(!Number.isNaN(Date.parse(ev.time)));
  });

  test('monitor --count and --timeout bound it without Ctrl-C', async () => {
    const r = await wanctlInNs(['monitor', '--json', '--count', '1000', '--timeout', '0.5']);
    assert.equal(r.code, 0, r.stderr);
  });

  test('probe through the veth gets replies with RTTs and a summary', async () => {
    const r = await wanctlInNs(['probe', IF_R, ADDR_P, '-c', '3', '-i', '0.2', '-W', '2']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal((r.stdout.match(/^reply from 198\.51\.100\.1 via wfcr0: seq=\d time=\d+\.\d{3} ms$/gm) ?? []).length, 3, r.stdout);
    assert.match(r.stdout, /^3 sent, 3 received, 0% loss$/m);
    assert.match(r.stdout, /^rtt min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms$/m);
  });

  test('probe of a tcp:// URI through the veth: the peer\'s RST is an answer; bound elsewhere nothing comes back', async () => {
    // Nothing listens on the peer's port 9: its kernel answers the SYN with an RST, the host is there.
    const r = await wanctlInNs(['probe', IF_R, `tcp://${ADDR_P}:9`, '-c', '2', '-i', '0.2', '-W', '1']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal((r.stdout.match(/^reply from tcp:\/\/198\.51\.100\.1:9 via wfcr0: seq=\d time=\d+\.\d{3} ms$/gm) ?? []).length, 2, r.stdout);
    const lo = await wanctlInNs(['probe', 'lo', `tcp://${ADDR_P}:9`, '-c', '1', '-W', '0.5']);
    assert.equal(lo.code, 1, lo.stdout + lo.stderr);
    assert.match(lo.stdout, /^1 sent, 0 received, 100% loss$/m);
  });

  test('probe bound to another interface gets nothing back (SO_BINDTODEVICE)', async () => {
    const r = await wanctlInNs(['probe', 'lo', ADDR_P, '-c', '2', '-i', '0.2', '-W', '0.5']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^2 sent, 0 received, 100% loss$/m);
  });

  test('probe through a blocked path: no replies, exit 1', async () => {
    await runInNs(NS_P, 'nft', ['add', 'table', 'inet', 'wfc']);
    await runInNs(NS_P, 'nft', ['add', 'chain', 'inet', 'wfc', 'in', '{ type filter hook input priority 0; }']);
    await runInNs(NS_P, 'nft', ['add', 'rule', 'inet', 'wfc', 'in', 'icmp', 'type', 'echo-request', 'drop']);
    try {
      const r = await wanctlInNs(['probe', IF_R, ADDR_P, '-c', '2', '-i', '0.2', '-W', '0.5']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /^no reply from 198\.51\.100\.1 via wfcr0: seq=1 timeout$/m);
      assert.match(r.stdout, /^2 sent, 0 received, 100% loss$/m);
    } finally {
      await runInNs(NS_P, 'nft', ['delete', 'table', 'inet', 'wfc']);
    }
  });

  test('probe through a downed link: no replies, exit 1; carrier shows off in dump', async () => {
    await runInNs(NS_P, 'ip', ['link', 'set', IF_P, 'down']);
    try {
      const d = await wanctlInNs(['dump', 'links', '--json']);
      const links = (JSON.parse(d.stdout) as { links: Array<{ name: string; carrier: boolean }> }).links;
      assert.equal(links.find((l) => l.name === IF_R)?.carrier, false);
      const r = await wanctlInNs(['probe', IF_R, ADDR_P, '-c', '2', '-i', '0.2', '-W', '0.5']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /^2 sent, 0 received, 100% loss$/m);
    } finally {
      await runInNs(NS_P, 'ip', ['link', 'set', IF_P, 'up']);
    }
  });

  test('probe on an interface that does not exist: exit 1, one line', async () => {
    const r = await wanctlInNs(['probe', 'wfcnope0', ADDR_P, '-c', '1']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^wanctl probe: /);
  });
});
