// A hand-written Engine for the API tests: a mutable status literal plus a record of the commands,
// with the same WanError contract as the real engine (unknown link, link down unless force).
import type { Engine, EngineStatus, LinkStatus, SwitchOutcome } from '../../src/engine/types.js';
import { WanError } from '../../src/errors.js';

export const T0 = Date.parse('2025-01-02T03:04:05.000Z');

export function fakeLink(over: Partial<LinkStatus> & { name: string }): LinkStatus {
  return {
    displayName: over.name,
    interface: 'eth0',
    gateway: '198.51.100.1',
    gatewaySource: 'netlink',
    healthy: true,
    gatewayReachable: true,
    consecutiveFailures: 0,
    consecutiveSuccesses: 12,
    lastCheckMs: T0 + 60_000,
    carrier: true,
    state: 'up',
    active: false,
    rttMs: 12.345,
    lossPct: 0,
    gatewayStats: { target: '198.51.100.1', up: true, rttMs: 1.2, lossPct: 0 },
    targets: [
      { target: '203.0.113.10', up: true, rttMs: 11.111, lossPct: 0 },
      { target: '203.0.113.20', up: true, rttMs: 13.5, lossPct: 10 },
    ],
    traffic: { rxMbps: 10.126, txMbps: 1.5, rxMbpsAvg: 8.25, txMbpsAvg: 1.25 },
    ...over,
  };
}

export function fakeStatus(): EngineStatus {
  return {
    active: 'primary',
    autoEnabled: true,
    manualHold: null,
    allDown: false,
    links: [
      fakeLink({ name: 'primary', displayName: 'Telekom', interface: 'eth0', active: true }),
      fakeLink({
        name: 'secondary',
        displayName: 'Digi',
        interface: 'eth1',
        gateway: null,
        gatewaySource: null,
        healthy: false,
        gatewayReachable: false,
        consecutiveFailures: 3,
        consecutiveSuccesses: 0,
        lastCheckMs: null,
        carrier: false,
        state: 'down',
        rttMs: null,
        lossPct: 100,
        gatewayStats: null,
        targets: [{ target: '203.0.113.10', up: false, rttMs: null, lossPct: 100 }],
      }),
    ],
    switchCount: 2,
    lastSwitchMs: T0 + 30_000,
    startedMs: T0,
    uptimeSeconds: 123.9,
    events: Array.from({ length: 25 }, (_, i) => ({
      timeMs: T0 + i * 1000,
      type: i === 0 ? ('start' as const) : ('switch' as const),
      message: `event ${i}`,
      link: i === 0 ? null : 'primary',
    })),
  };
}

export class FakeEngine implements Engine {
  current: EngineStatus = fakeStatus();
  switchCalls: Array<{ target: string; force: boolean }> = [];
  autoCalls: boolean[] = [];
  /** When set, the next command rejects with it (e.g. WAN_ERR_SWITCH_FAILED or a plain Error). */
  failNext: Error | null = null;

  status(): EngineStatus {
    return this.current;
  }

  async switchTo(target: string, opts: { force: boolean }): Promise<SwitchOutcome> {
    this.switchCalls.push({ target, force: opts.force });
    this.throwIfFailing();
    const link = this.current.links.find((l) => l.name === target);
    if (link === undefined) {
      throw new WanError('WAN_ERR_UNKNOWN_LINK', `unknown link "${target}"`, {
        valid: this.current.links.map((l) => l.name),
      });
    }
    if (this.current.active === target) return { result: 'already_active', link: target };
    if (link.state === 'down' && !opts.force) throw new WanError('WAN_ERR_LINK_DOWN', `${target} is down`);
    if (link.gateway === null) throw new WanError('WAN_ERR_NO_GATEWAY', `${target} has no gateway`);
    this.current = {
      ...this.current,
      active: target,
      manualHold: target,
      switchCount: this.current.switchCount + 1,
      links: this.current.links.map((l) => ({ ...l, active: l.name === target })),
    };
    return { result: 'switched', link: target };
  }

  async setAuto(enabled: boolean): Promise<void> {
    this.autoCalls.push(enabled);
    this.throwIfFailing();
    this.current = { ...this.current, autoEnabled: enabled };
  }

  private throwIfFailing(): void {
    const err = this.failNext;
    this.failNext = null;
    if (err !== null) throw err;
  }
}
