// Which gateway each link uses. A static `gateway:` in the config always wins. Otherwise the
// newest news wins between netlink (a route via the interface, remembered after the route is
// gone) and the dhclient state file: on a renewal dhclient may fail to add its route (ours holds
// that slot) while its state file already has the new gateway. Pure bookkeeping; the daemon feeds it.

export type GatewaySource = 'config' | 'netlink' | 'state_file';
type Learned = Exclude<GatewaySource, 'config'>;

interface Entry { config: string | null; netlink: string | null; stateFile: string | null; newest: Learned }

export interface Resolved { gateway: string | null; source: GatewaySource | null }

export class GatewayTracker {
  private readonly entries = new Map<string, Entry>();

  constructor(links: Array<{ name: string; gateway: string | null }>) {
    for (const l of links) this.entries.set(l.name, { config: l.gateway, netlink: null, stateFile: null, newest: 'netlink' });
  }

  /** Records what a source says now; returns true when the link's effective gateway changed. */
  set(link: string, source: Learned, gateway: string | null): boolean {
    const e = this.entries.get(link);
    if (!e) return false;
    const before = this.resolve(link).gateway;
    const old = source === 'netlink' ? e.netlink : e.stateFile;
    if (source === 'netlink') e.netlink = gateway; else e.stateFile = gateway;
    if (gateway !== null && gateway !== old) e.newest = source;
    return this.resolve(link).gateway !== before;
  }

  resolve(link: string): Resolved {
    const e = this.entries.get(link);
    if (!e) return { gateway: null, source: null };
    if (e.config) return { gateway: e.config, source: 'config' };
    const order: Learned[] = e.newest === 'netlink' ? ['netlink', 'state_file'] : ['state_file', 'netlink'];
    for (const s of order) {
      const gw = s === 'netlink' ? e.netlink : e.stateFile;
      if (gw) return { gateway: gw, source: s };
    }
    return { gateway: null, source: null };
  }
}
