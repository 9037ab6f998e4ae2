// Which gateway each link uses, from three sources in order of trust: a static `gateway:` in
// the config, the last one netlink showed on the interface (remembered after the route is
// gone), and the dhclient state file. Pure bookkeeping; the daemon feeds it.

export type GatewaySource = 'config' | 'netlink' | 'state_file';

interface Entry { config: string | null; netlink: string | null; stateFile: string | null }

export interface Resolved { gateway: string | null; source: GatewaySource | null }

export class GatewayTracker {
  private readonly entries = new Map<string, Entry>();

  constructor(links: Array<{ name: string; gateway: string | null }>) {
    for (const l of links) this.entries.set(l.name, { config: l.gateway, netlink: null, stateFile: null });
  }

  /** Returns true when the link's effective gateway changed. */
  set(link: string, source: Exclude<GatewaySource, 'config'>, gateway: string | null): boolean {
    const e = this.entries.get(link);
    if (!e) return false;
    const before = this.resolve(link).gateway;
    if (source === 'netlink') e.netlink = gateway; else e.stateFile = gateway;
    return this.resolve(link).gateway !== before;
  }

  resolve(link: string): Resolved {
    const e = this.entries.get(link);
    if (!e) return { gateway: null, source: null };
    if (e.config) return { gateway: e.config, source: 'config' };
    if (e.netlink) return { gateway: e.netlink, source: 'netlink' };
    if (e.stateFile) return { gateway: e.stateFile, source: 'state_file' };
    return { gateway: null, source: null };
  }
}
