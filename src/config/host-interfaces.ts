// Which network interfaces exist on this machine, for check-config's "interface not found"
// warnings. A port, so tests hand in a list instead of reading the host's /sys.
import { readdirSync } from 'node:fs';

export interface HostInterfaces {
  /** Interface names present now, or null when they cannot be read (then nothing is judged). */
  names(): string[] | null;
}

/** sysfs-rules(7): /sys/class/net holds one entry per interface of this network namespace. */
export const sysClassNet: HostInterfaces = {
  names(): string[] | null {
    try {
      return readdirSync('/sys/class/net');
    } catch {
      return null;
    }
  },
};

/** For callers that must not judge interfaces (e.g. a config read for its API address). */
export const unknownInterfaces: HostInterfaces = { names: () => null };
