// Linux capability check: the daemon needs CAP_NET_ADMIN (routes, rp_filter) and CAP_NET_RAW
// (ICMP). Parsing is pure; checkCapabilities() is the one reader of /proc/self/status.
import { readFileSync } from 'node:fs';

/** Capability numbers from linux/capability.h. */
export const CAPABILITY_NUMBERS: Readonly<Record<string, number>> = Object.freeze({
  CAP_CHOWN: 0, CAP_DAC_OVERRIDE: 1, CAP_DAC_READ_SEARCH: 2, CAP_FOWNER: 3, CAP_FSETID: 4,
  CAP_KILL: 5, CAP_SETGID: 6, CAP_SETUID: 7, CAP_SETPCAP: 8, CAP_LINUX_IMMUTABLE: 9,
  CAP_NET_BIND_SERVICE: 10, CAP_NET_BROADCAST: 11, CAP_NET_ADMIN: 12, CAP_NET_RAW: 13,
  CAP_IPC_LOCK: 14, CAP_IPC_OWNER: 15, CAP_SYS_MODULE: 16, CAP_SYS_RAWIO: 17, CAP_SYS_CHROOT: 18,
  CAP_SYS_PTRACE: 19, CAP_SYS_PACCT: 20, CAP_SYS_ADMIN: 21, CAP_SYS_BOOT: 22, CAP_SYS_NICE: 23,
  CAP_SYS_RESOURCE: 24, CAP_SYS_TIME: 25, CAP_SYS_TTY_CONFIG: 26, CAP_MKNOD: 27, CAP_LEASE: 28,
  CAP_AUDIT_WRITE: 29, CAP_AUDIT_CONTROL: 30, CAP_SETFCAP: 31, CAP_MAC_OVERRIDE: 32,
  CAP_MAC_ADMIN: 33, CAP_SYSLOG: 34, CAP_WAKE_ALARM: 35, CAP_BLOCK_SUSPEND: 36, CAP_AUDIT_READ: 37,
  CAP_PERFMON: 38, CAP_BPF: 39, CAP_CHECKPOINT_RESTORE: 40,
});

export const REQUIRED_CAPABILITIES: readonly string[] = ['CAP_NET_ADMIN', 'CAP_NET_RAW'];

/** The effective capability mask from the text of /proc/<pid>/status. Throws if there is no CapEff line. */
export function parseCapEff(procStatusText: string): bigint {
  const m = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(procStatusText);
  if (!m) throw new Error('no CapEff line in process status');
  return BigInt(`0x${m[1]}`);
}

/** Names from `needed` whose bit is not set in `effective`, in the order given. Throws on an unknown name. */
export function missingCapabilities(
  effective: bigint,
  needed: readonly string[] = REQUIRED_CAPABILITIES,
): string[] {
  return needed.filter((name) => {
    const bit = CAPABILITY_NUMBERS[name];
    if (bit === undefined) throw new Error(`unknown capability: ${name}`);
    return (effective & (1n << BigInt(bit))) === 0n;
  });
}

/** Missing required capabilities of this process ([] = all present). */
export function checkCapabilities(
  needed: readonly string[] = REQUIRED_CAPABILITIES,
  readStatus: () => string = () => readFileSync('/proc/self/status', 'utf8'),
): string[] {
  return missingCapabilities(parseCapEff(readStatus()), needed);
}
