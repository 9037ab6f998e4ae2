// A hand-written Engine for the API tests: a mutable status literal plus a record of the commands,
// with the same WanError contract as the real engine (unknown link, link down unless force; per
// family when the status carries IPv6: activeIpv6 set and links with an `ipv6` object).
import type { Engine, EngineStatus, LinkStatus, SwitchFamily, SwitchOptions, SwitchOutcome } from '../../src/engine/types.js';
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
  switchCalls: Array<{ target: string; force: boolean; family?: SwitchFamily }> = [];
  autoCalls: boolean[] = [];
  /** When set, the next command rejects with it (e.g. WAN_ERR_SWITCH_FAILED or a plain Error). */
  failNext: Error | null = null;

  status(): EngineStatus {
    return this.current;
  }

  async switchTo(target: string, opts: SwitchOptions): Promise<SwitchOutcome> {
    this.switchCalls.push({ target, force: opts.force, ...(opts.family !== undefined ? { family: opts.family } : {}) });
    this.throwIfFailing();
    const family = opts.family ?? 'both';
    const has6 = this.current.activeIpv6 !== undefined;
    if (family === 'ipv6' && !has6) {
      throw new WanError('WAN_ERR_FAMILY_NOT_MANAGED', 'IPv6 is not managed: the config has no IPv6 ping_targets');
    }
    const link = this.current.links.find((l) => l.name === target);
    if (link === undefined) {
      throw new WanError('WAN_ERR_UNKNOWN_LINK', `unknown link "${target}"`, {
        valid: this.current.links.map((l) => l.name),
      });
    }
    if (family === 'ipv6') {
      const refused = this.refuse6(link, opts.force);
      if (this.current.activeIpv6 === target) return { result: 'already_active', link: target, ipv6: { active: target, result: 'already_active' } };
      if (refused !== null) throw new WanError(refused === 'down' ? 'WAN_ERR_LINK_DOWN' : 'WAN_ERR_NO_GATEWAY', `${target}: IPv6 ${refused}`);
      this.move6(target);
      return { result: 'switched', link: target, ipv6: { active: target, result: 'switched' } };
    }
    let result: SwitchOutcome['result'] = 'already_active';
    if (this.current.active !== target) {
      if (link.state === 'down' && !opts.force) throw new WanError('WAN_ERR_LINK_DOWN', `${target} is down`);
      if (link.gateway === null) throw new WanError('WAN_ERR_NO_GATEWAY', `${target} has no gateway`);
      this.current = {
        ...this.current,
        active: target,
        manualHold: target,
        switchCount: this.current.switchCount + 1,
        links: this.current.links.map((l) => ({ ...l, active: l.name === target })),
      };
      result = 'switched';
    }
    if (!has6) return { result, link: target };
    if (family === 'ipv4') return { result, link: target, ipv6: { active: this.current.activeIpv6 ?? null } };
    // both: IPv6 follows when it can, else says why.
    if (this.current.activeIpv6 === target) return { result, link: target, ipv6: { active: target, result: 'already_active' } };
    const refused = this.refuse6(link, opts.force);
    if (refused !== null) {
      return { result, link: target, ipv6: { active: this.current.activeIpv6 ?? null, result: 'not_moved', reason: `${target}: IPv6 ${refused}` } };
    }
    this.move6(target);
    return { result, link: target, ipv6: { active: target, result: 'switched' } };
  }

  private refuse6(link: LinkStatus, force: boolean): 'no gateway' | 'down' | null {
    if (link.ipv6 === undefined || link.ipv6.gateway === null) return 'no gateway';
    return link.ipv6.state === 'down' && !force ? 'down' : null;
  }

  private move6(target: string): void {
    this.current = {
      ...this.current,
      activeIpv6: target,
      links: this.current.links.map((l) => (l.ipv6 ? { ...l, ipv6: { ...l.ipv6, active: l.name === target } } : l)),
    };
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
