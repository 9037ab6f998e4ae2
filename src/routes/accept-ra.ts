// Router advertisements on a WAN with IPv6 forwarding on: the kernel only takes them when
// accept_ra is 2 (Documentation/networking/ip-sysctl.rst, accept_ra: "1 - Accept Router
// Advertisements if forwarding is disabled; 2 - Overrule forwarding behaviour"). A router has
// forwarding on, so with the default 1 the ISP's RA never installs an IPv6 default route and the
// daemon learns no IPv6 gateway. This reads (and, only when the config allows, sets) the sysctl
// per WAN; like rp_filter it is per network namespace, under /proc/sys.
import { readFile, writeFile } from 'node:fs/promises';

/** The two sysctls of one interface, behind a port so tests hand in a fake. */
export interface SysctlPort {
  read(path: string): Promise<string>;
  write(path: string, value: string): Promise<void>;
}

export const procSysctl: SysctlPort = {
  read: (path) => readFile(path, 'utf8'),
  write: (path, value) => writeFile(path, value),
};

export interface AcceptRaState { iface: string; acceptRa: number; forwarding: number }

export interface AcceptRaReport extends AcceptRaState {
  /** RAs are dropped by the kernel as things stand (after any change made). */
  dropsRa: boolean;
  /** accept_ra was set to 2 by us. */
  changed: boolean;
  /** What to tell the operator once, or null when all is well. */
  warning: string | null;
}

const path = (iface: string, key: 'accept_ra' | 'forwarding'): string => `/proc/sys/net/ipv6/conf/${iface}/${key}`;

/** Pure: does the kernel drop router advertisements on this interface? */
export function dropsRouterAdvertisements(s: { acceptRa: number; forwarding: number }): boolean {
  return s.acceptRa === 0 || (s.forwarding !== 0 && s.acceptRa !== 2);
}

/** Pure: the operator's warning for a state, naming the fix. */
export function acceptRaWarning(s: AcceptRaState): string | null {
  if (!dropsRouterAdvertisements(s)) return null;
  if (s.acceptRa === 0) {
    return `${s.iface}: accept_ra is 0, so the kernel ignores router advertisements and no IPv6 gateway is learned; ` +
      `set gateway6 for this link or net.ipv6.conf.${s.iface}.accept_ra=2`;
  }
  return `${s.iface}: IPv6 forwarding is on and accept_ra is ${s.acceptRa}, so the kernel ignores router advertisements ` +
    `(no IPv6 default route, no gateway learned); set net.ipv6.conf.${s.iface}.accept_ra=2 or ipv6_set_accept_ra: true`;
}

/** The interface's two sysctls, or null when it has no IPv6 (no such directory, IPv6 disabled). */
export async function readAcceptRa(iface: string, port: SysctlPort = procSysctl): Promise<AcceptRaState | null> {
  try {
    const acceptRa = Number((await port.read(path(iface, 'accept_ra'))).trim());
    const forwarding = Number((await port.read(path(iface, 'forwarding'))).trim());
    if (!Number.isInteger(acceptRa) || !Number.isInteger(forwarding)) return null;
    return { iface, acceptRa, forwarding };
  } catch {
    return null;
  }
}

/**
 * Checks one WAN; with `set` (config ipv6_set_accept_ra) and forwarding on, writes accept_ra=2.
 * accept_ra=0 is left alone even then: someone turned RAs off on purpose. Null when the
 * interface has no IPv6 sysctls. A failed write is reported in the warning, never thrown.
 */
export async function checkAcceptRa(iface: string, opts: { set: boolean }, port: SysctlPort = procSysctl): Promise<AcceptRaReport | null> {
  const s = await readAcceptRa(iface, port);
  if (s === null) return null;
  if (opts.set && s.forwarding !== 0 && s.acceptRa === 1) {
    try {
      await port.write(path(iface, 'accept_ra'), '2\n');
      const now = { ...s, acceptRa: 2 };
      return { ...now, dropsRa: false, changed: true, warning: null };
    } catch (e) {
      const why = e !== null && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : 'error';
      return { ...s, dropsRa: true, changed: false, warning: `${acceptRaWarning(s)} (setting it failed: ${why})` };
    }
  }
  return { ...s, dropsRa: dropsRouterAdvertisements(s), changed: false, warning: acceptRaWarning(s) };
}
