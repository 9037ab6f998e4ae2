// A manual switch whose link fails while its route goes in (issue 19, defect 3): the policy fails
// over meanwhile and the kernel ends elsewhere although every kernel change succeeded. The answer
// is an honest 409 WAN_ERR_SUPERSEDED naming the failover, not a 500 WAN_ERR_SWITCH_FAILED.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Daemon } from '../../../src/engine/daemon.js';
import type { DefaultRouteSpec } from '../../../src/netlink/types.js';
import { isWanError } from '../../../src/errors.js';
import { FakeClock, flushMicrotasks } from '../fake-clock.js';
import { defaultRoute, link, MemoryLog, MemoryNetlink, ScriptedProbers, testConfig } from './fakes.js';

/** Holds the first main-table route to `oif` until released. */
class GatedNetlink extends MemoryNetlink {
  gateOif: number | null = null;
  private release: (() => void) | null = null;
  override async replaceDefaultRoute(spec: DefaultRouteSpec): Promise<void> {
    if (spec.table === 254 && spec.oif === this.gateOif) {
      this.gateOif = null;
      await new Promise<void>((resolve) => { this.release = resolve; });
    }
    return super.replaceDefaultRoute(spec);
  }
  open(): void {
    this.release?.();
  }
}

test('the switched-to link fails while its route goes in: 409 WAN_ERR_SUPERSEDED by the failover, never a 500', async () => {
  const clock = new FakeClock();
  const nl = new GatedNetlink();
  nl.links = [link(11, 'wan1'), link(12, 'wan2')];
  nl.routes = [defaultRoute(11, '100.64.1.1'), defaultRoute(12, '100.64.2.1', 16, 254, 100)];
  const probers = new ScriptedProbers();
  const daemon = new Daemon({ config: testConfig({ routeProtocol: 201, failureThreshold: 1 }), netlink: nl, newProber: probers.factory,
    clock, log: new MemoryLog(), host: { readStateFile: async () => null, loosenRpFilter: async () => null } });
  await daemon.start();
  await clock.advanceAsync(1000);
  nl.gateOif = 12;
  const answer = daemon.switchTo('secondary', { force: false }).then(() => null, (e: unknown) => e);
  await flushMicrotasks();
  // While the route via wan2 is being written, wan2 stops answering: the policy moves back to wan1.
  probers.healthy.set('secondary', false);
  await clock.advanceAsync(1000);
  nl.open();
  for (let i = 0; i < 20; i++) await flushMicrotasks();
  const err = await answer;
  assert.ok(isWanError(err), String(err));
  assert.equal(err.code, 'WAN_ERR_SUPERSEDED', err.message);
  assert.equal(err.status, 409);
  assert.deepEqual(err.details['supersededBy'], { kind: 'failover', target: 'primary' });
  assert.equal(daemon.status().active, 'primary');
  await daemon.stop();
});
