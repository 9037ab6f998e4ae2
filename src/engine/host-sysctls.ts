// The host sysctls the daemon sets or checks at start (moved out of the Daemon coordinator, issue
// 21): loose rp_filter on each WAN (standby probes get their replies), accept_ra on IPv6 WANs, and
// the L4 multipath hash while a tier balances. Each is logged when it changes something; a failure
// is a warning, never a stop: failover does not depend on them.
import type { AddressFamily } from '../bus/events.js';
import { balancing } from '../config/balance.js';
import type { Config } from '../config/types.js';
import { describeError } from '../errors.js';
import type { HostPort, LogPort } from './ports.js';

export class HostSysctls {
  constructor(private readonly host: HostPort, private readonly log: LogPort, private readonly cfg: () => Config,
    private readonly families: readonly AddressFamily[]) {}

  async atStart(): Promise<void> {
    for (const l of this.cfg().links) await this.loosenRpFilter(l.interface);
    await this.ensureMultipathHash();
    if (this.families.includes('ipv6')) for (const l of this.cfg().links) await this.checkAcceptRa(l.interface);
  }

  private async loosenRpFilter(iface: string): Promise<void> {
    if (!this.cfg().rpFilterLoose) return;
    try {
      const changed = await this.host.loosenRpFilter(iface);
      if (changed) this.log.info({ interface: iface, ...changed }, 'rp_filter set to loose so standby probes get their replies');
    } catch (err) {
      this.log.warn({ interface: iface, error: describeError(err) }, 'could not read or set rp_filter');
    }
  }

  /** Balancing spreads flows by their ports only with the L4 hash (src/routes/multipath-hash.ts); set and logged as rp_filter is. */
  async ensureMultipathHash(): Promise<void> {
    if (!balancing(this.cfg().links) || !this.host.setMultipathHash) return;
    try {
      for (const c of await this.host.setMultipathHash(this.families)) {
        this.log.info({ ...c }, 'fib_multipath_hash_policy set to 1 (L4) so a balancing tier spreads flows by port');
      }
    } catch (err) {
      this.log.warn({ error: describeError(err) }, 'could not read or set fib_multipath_hash_policy; flows spread by address only');
    }
  }

  /** With forwarding on, the kernel drops RAs unless accept_ra is 2: say so once per WAN (issue 12). */
  private async checkAcceptRa(iface: string): Promise<void> {
    if (!this.host.checkAcceptRa) return;
    try {
      const r = await this.host.checkAcceptRa(iface, this.cfg().ipv6SetAcceptRa ?? false);
      if (r?.changed) this.log.info({ interface: iface }, 'accept_ra set to 2 so router advertisements are accepted with forwarding on');
      else if (r?.warning) this.log.warn({ interface: iface, acceptRa: r.acceptRa, forwarding: r.forwarding }, r.warning);
    } catch (err) {
      this.log.warn({ interface: iface, error: describeError(err) }, 'could not read accept_ra');
    }
  }
}
