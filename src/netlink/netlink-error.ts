// Turns kernel errnos (from NLMSG_ERROR acks or socket calls) into the project's WanError,
// keeping the symbolic errno so callers can tolerate EEXIST/ENOENT by name.
import { getSystemErrorName } from 'node:util';
import { WanError } from '../errors.js';

/** Kernel errno (positive or negative) -> 'EPERM' etc.; unknown numbers stay numeric text. */
export function errnoName(errno: number): string {
  const n = -Math.abs(errno);
  try {
    return getSystemErrorName(n);
  } catch {
    return `E${Math.abs(errno)}`;
  }
}

/** details: { errno: 'EPERM', errnoNumber: 1, op: 'replaceDefaultRoute', syscall? } */
export function netlinkError(op: string, errno: string, extra: Record<string, unknown> = {}, cause?: unknown): WanError {
  return new WanError('WAN_ERR_NETLINK', `netlink ${op} failed: ${errno}`, { errno, op, ...extra },
    cause === undefined ? undefined : { cause });
}

/** The errno name carried by a netlink WanError, or by a library/socket error object. */
export function errnoOf(e: unknown): string | null {
  if (e instanceof WanError) return typeof e.details.errno === 'string' ? e.details.errno : null;
  if (e !== null && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    return (e as { code: string }).code;
  }
  return null;
}

/** Wraps any thrown value from a socket call, keeping errno/syscall when the library set them. */
export function wrapSocketError(op: string, e: unknown): WanError {
  if (e instanceof WanError) return e;
  const code = errnoOf(e) ?? 'EUNKNOWN';
  const syscall = e !== null && typeof e === 'object' && 'syscall' in e ? String((e as { syscall: unknown }).syscall) : undefined;
  // The original error stays reachable as `cause` (ES2022), as fastify's errors keep theirs.
  return netlinkError(op, code, { ...(syscall ? { syscall } : {}) }, e);
}
