// Root-only: builds a real 2-WAN lab and checks reachability through each WAN, that each fault
// kind breaks exactly what it should, that heal restores it, and that destroy leaves no namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createLab, LabInUseError, type Lab } from '../../lab/topology.js';
import { run, runInNs, terminate } from '../../lab/exec.js';

const notRoot = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : false;

async function pings(lab: Lab, iface: string, dst: string): Promise<boolean> {
  // -c1 -W1: one probe, one second at most; bounded by run()'s timeout too.
  return runInNs(lab.routerNs, 'ping', ['-n', '-q', '-c1', '-W1', '-I', iface, dst], { timeoutMs: 5000 }).then(
    () => true,
    () => false,
  );
}

/**
 * `ping -I wanI` binds to the device, and with only wan1's default route in main the kernel would
 * treat every target on wan2 as on-link. Give each WAN its own table for the test's pings (tables
 * 50+I, priority 50), as the daemon does with its own tables; the lab itself stays DHCP-like.
 */
async function addPingRoutes(lab: Lab): Promise<void> {
  for (const l of lab.links) {
    const table = String(50 + l.index);
    await runInNs(lab.routerNs, 'ip', ['route', 'add', 'default', 'via', l.gateway, 'dev', l.iface, 'table', table]);
    await runInNs(lab.routerNs, 'ip', ['rule', 'add', 'oif', l.iface, 'lookup', table, 'priority', '50']);
  }
}

async function hasNoCarrier(lab: Lab, iface: string): Promise<boolean> {
  const { stdout } = await runInNs(lab.routerNs, 'ip', ['link', 'show', 'dev', iface]);
  return stdout.includes('NO-CARRIER');
}

async function namespaces(): Promise<string> {
  return (await run('ip', ['netns', 'list'])).stdout;
}

test('lab topology: reachability, faults, heal, destroy', { skip: notRoot, timeout: 60_000 }, async (t) => {
  const prefix = `wfl-${randomBytes(3).toString('hex')}`;
  const lab = await createLab({ prefix, links: 2 });
  try {
    await t.test('namespaces and the DHCP-like default route exist', async () => {
      const list = await namespaces();
      for (const ns of [lab.routerNs, lab.netNs, lab.ispNs(1), lab.ispNs(2)]) assert.ok(list.includes(ns), ns);
      const { stdout } = await runInNs(lab.routerNs, 'ip', ['route', 'show', 'default']);
      assert.match(stdout, /default via 100\.64\.1\.1 dev wan1 proto dhcp/);
    });

    await addPingRoutes(lab);

    await t.test('router reaches both targets and gateways through each WAN', async () => {
      for (const l of lab.links) {
        assert.equal(await pings(lab, l.iface, l.gateway), true, `${l.iface} -> ${l.gateway}`);
        for (const target of lab.targets) assert.equal(await pings(lab, l.iface, target), true, `${l.iface} -> ${target}`);
      }
    });

    await t.test('upstream fault: gateway answers, targets do not; other link unaffected', async () => {
      await lab.fail(1, 'upstream');
      assert.equal(await pings(lab, 'wan1', lab.links[0]!.gateway), true);
      assert.equal(await pings(lab, 'wan1', lab.targets[0]!), false);
      assert.equal(await pings(lab, 'wan2', lab.targets[0]!), true);
      await lab.heal(1);
      assert.equal(await pings(lab, 'wan1', lab.targets[0]!), true);
    });

    await t.test('partial upstream loss installs a numgen rule; heal removes the table', async () => {
      await lab.fail(1, 'upstream', { lossPct: 30 });
      const { stdout } = await runInNs(lab.ispNs(1), 'nft', ['list', 'ruleset']);
      assert.match(stdout, /numgen random mod 100 < 30 drop/);
      await lab.heal(1);
      const after = await runInNs(lab.ispNs(1), 'nft', ['list', 'ruleset']);
      assert.equal(after.stdout.includes('numgen'), false);
    });

    await t.test('gateway fault: neither gateway nor targets answer', async () => {
      await lab.fail(2, 'gateway');
      assert.equal(await pings(lab, 'wan2', lab.links[1]!.gateway), false);
      assert.equal(await pings(lab, 'wan2', lab.targets[1]!), false);
      assert.equal(await pings(lab, 'wan1', lab.targets[1]!), true);
      await lab.heal(2);
      assert.equal(await pings(lab, 'wan2', lab.links[1]!.gateway), true);
      assert.equal(await pings(lab, 'wan2', lab.targets[1]!), true);
    });

    await t.test('carrier fault: wan1 reports NO-CARRIER; heal brings it back', async () => {
      await lab.fail(1, 'carrier');
      assert.equal(await hasNoCarrier(lab, 'wan1'), true);
      assert.equal(await hasNoCarrier(lab, 'wan2'), false);
      await lab.heal(1);
      // Carrier comes back asynchronously after `link set up`: poll, bounded to 20 x 100 ms.
      let back = false;
      for (let i = 0; i < 20 && !back; i++) {
        back = !(await hasNoCarrier(lab, 'wan1'));
        if (!back) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(back, true);
      // Routes come back with the link; a ping may need one retry while neighbours resolve.
      assert.equal((await pings(lab, 'wan1', lab.targets[0]!)) || (await pings(lab, 'wan1', lab.targets[0]!)), true);
    });

    await t.test('changeGateway moves the ISP address', async () => {
      await lab.changeGateway(2, '100.64.2.254');
      assert.equal(lab.links[1]!.gateway, '100.64.2.254');
      assert.equal(await pings(lab, 'wan2', '100.64.2.254'), true);
      assert.equal(await pings(lab, 'wan2', '100.64.2.1'), false);
      await lab.changeGateway(2, '100.64.2.1');
      assert.equal(await pings(lab, 'wan2', lab.targets[0]!), true);
    });
  } finally {
    await lab.destroy();
    await lab.destroy(); // idempotent
  }
  const left = (await namespaces()).split('\n').filter((l) => l.startsWith(`${prefix}-`));
  assert.deepEqual(left, []);
});

test('same prefix: a lab in use is refused and left intact; a stale one is removed with a note', { skip: notRoot, timeout: 60_000 }, async () => {
  const prefix = `wfl-${randomBytes(3).toString('hex')}`;
  const first = await createLab({ prefix, links: 1 });
  let second: Lab | null = null;
  try {
    const sleeper = first.spawn(first.routerNs, 'sleep', ['30']);
    await new Promise((r) => setTimeout(r, 200));
    const notes: string[] = [];
    await assert.rejects(createLab({ prefix, links: 1, onNote: (n) => notes.push(n) }), (e: unknown) => {
      assert.ok(e instanceof LabInUseError);
      assert.match(e.message, /in use/);
      assert.match(e.message, new RegExp(`npm run lab -- down --prefix ${prefix}`));
      assert.match(e.message, /sleep in /);
      return true;
    });
    assert.equal(notes.length, 0);
    assert.ok((await namespaces()).includes(`${prefix}-r`), 'the lab in use is still there');
    assert.equal(sleeper.exitCode, null, 'and its process still runs');

    await terminate(sleeper, 'SIGTERM', 2000);
    second = await createLab({ prefix, links: 1, onNote: (n) => notes.push(n) });
    assert.equal(notes.length, 1);
    assert.match(notes[0] ?? '', new RegExp(`stale lab "${prefix}"`));
    assert.ok((await namespaces()).includes(`${prefix}-r`));
  } finally {
    await (second ?? first).destroy();
    if (second !== null) first.detach();
  }
  const left = (await namespaces()).split('\n').filter((l) => l.startsWith(`${prefix}-`));
  assert.deepEqual(left, []);
});
