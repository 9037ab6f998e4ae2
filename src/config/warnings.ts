// PURE: what a config can run with but should be told about. The original daemon ran these
// configs without a word; we run them too (drop-in) and say what we made of them. Errors stay
// for configs that truly cannot work (problems.ts).
import { API_KEY_HOW_TO, apiKeyProblem } from '../api/api-key.js';
import type { HostInterfaces } from './host-interfaces.js';
import { closestKey } from './did-you-mean.js';
import { renderValue, UNKNOWN_KEY, type ConfigProblem, isMapping } from './problems.js';
import { effectivePeriodMs, failoverWindowMs } from './timing.js';
import type { LinkConfig } from './types.js';

export interface ConfigWarning {
  /** Key path in the file (`ping_timeout`, `links[1].interface`). */
  key: string;
  /** The value as read (secrets redacted), or the default used when the key was not set. */
  value: unknown;
  message: string;
  /** 'error': something in the file is refused (it runs without it; check-config exits 1). Default a warning. */
  severity?: 'error';
}

/** A key the file did not set, with the default the daemon uses instead (check-config lists them). */
export interface DefaultedKey {
  key: string;
  value: unknown;
}

const REDACTED = '[REDACTED]';
const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(3))} s`;

/** The original ignored keys it did not know; we do too, but name them (a typo shows up here). */
export function unknownKeyWarning(p: ConfigProblem): ConfigWarning {
  const name = p.key.slice(p.key.lastIndexOf('.') + 1);
  const near = p.known === undefined ? null : closestKey(name, p.known);
  const hint = near === null ? 'a typo?' : `did you mean \`${near}\`?`;
  return { key: p.key, value: p.value, message: `unknown key "${p.key}" ignored (${hint} the original daemon ignored it too)` };
}

export function isUnknownKey(p: ConfigProblem): boolean {
  return p.expected === UNKNOWN_KEY;
}

/** The original's keys (its config.example.yaml) whose defaults check-config reports when unset. */
const ORIGINAL_KEYS: readonly string[] = [
  'ping_targets', 'ping_timeout', 'ping_count', 'check_interval', 'failure_threshold', 'recovery_threshold',
  'min_secondary_time', 'gateway_state_dir', 'api_host', 'api_port', 'log_file', 'log_level',
];
const LINK_SECTIONS: ReadonlyArray<[section: string, position: number]> = [['primary', 0], ['secondary', 1]];

/**
 * Interfaces are the machine-specific defaults (eth0/eth1): using one silently is how a router
 * ends up probing an interface it does not have, so each is a warning.
 */
export function defaultedInterfaceWarnings(raw: Record<string, unknown>, links: readonly LinkConfig[]): ConfigWarning[] {
  if (raw['links'] !== undefined && raw['links'] !== null) return [];
  const out: ConfigWarning[] = [];
  for (const [section, i] of LINK_SECTIONS) {
    const s = raw[section];
    const link = links[i];
    if (link === undefined || (isMapping(s) && s['interface'] !== undefined)) continue;
    out.push({ key: `${section}.interface`, value: link.interface, message: `${section}.interface not set: using ${link.interface}` });
  }
  return out;
}

/** Every original key the file leaves out, with the default used (the original defaulted them too). */
export function defaultedKeys(raw: Record<string, unknown>, values: Record<string, unknown>): DefaultedKey[] {
  return ORIGINAL_KEYS.filter((k) => raw[k] === undefined).map((k) => ({ key: k, value: values[k] }));
}

/**
 * ping_timeout >= check_interval: the original ran it; we do, rounds never overlapping. The
 * message gives the effective period and the failover window it implies (timing.ts).
 */
export function timingWarnings(t: { checkIntervalMs: number; pingTimeoutMs: number; failureThreshold: number }): ConfigWarning[] {
  if (t.pingTimeoutMs < t.checkIntervalMs) return [];
  const period = effectivePeriodMs(t);
  const w = failoverWindowMs(t);
  return [{
    key: 'ping_timeout',
    value: t.pingTimeoutMs / 1000,
    message: `ping_timeout (${seconds(t.pingTimeoutMs)}) is not less than check_interval (${seconds(t.checkIntervalMs)}): `
      + 'probe rounds never overlap, so while a target does not answer each round starts right after the previous one ends; '
      + `effective check period max(check_interval, ping_timeout) = ${seconds(period)} plus a little housekeeping; `
      + `a link that stops answering is declared down ${seconds(w.minMs)} to ${seconds(w.maxMs)} after it fails `
      + `(failure_threshold ${t.failureThreshold})`,
  }];
}

/** A key that cannot guard the API turns the API off, never the daemon. The key is never echoed. */
export function apiKeyWarnings(rawKey: string | null | undefined): ConfigWarning[] {
  const p = apiKeyProblem(rawKey);
  if (p === null) return [];
  return [{
    key: 'api_key',
    value: rawKey === undefined ? undefined : REDACTED,
    message: `${p.message}: the REST API is off (every request gets 503 WAN_ERR_API_DISABLED) until a good key is set `
      + `and the daemon reloaded (systemctl reload wan-failover); failover runs without it. ${API_KEY_HOW_TO.charAt(0).toUpperCase()}${API_KEY_HOW_TO.slice(1)}`,
  }];
}

/** The unit (install/wan-failover.service) makes only this log directory writable (LogsDirectory=). */
export const UNIT_LOG_DIR = '/var/log/wan-failover/';

export function logFileWarnings(logFile: string | null): ConfigWarning[] {
  if (logFile === null || !logFile.startsWith('/var/log/') || logFile.startsWith(UNIT_LOG_DIR)) return [];
  return [{
    key: 'log_file',
    value: logFile,
    message: `log_file: ${logFile} is outside ${UNIT_LOG_DIR}, the only log directory the systemd unit can write `
      + `(ProtectSystem=strict); under systemd the daemon will log to the journal only. Use ${UNIT_LOG_DIR}wan-failover.log`,
  }];
}

const MAX_LISTED = 12;

/** Interfaces missing now are a warning: a PPP or USB modem appears later, and the daemon waits for it. */
export function missingInterfaceWarnings(raw: Record<string, unknown>, links: readonly LinkConfig[], host: HostInterfaces): ConfigWarning[] {
  const present = host.names();
  if (present === null) return [];
  const have = new Set(present);
  const listed = present.length > MAX_LISTED ? `${present.slice(0, MAX_LISTED).join(', ')}, ...` : present.join(', ');
  const fromList = raw['links'] !== undefined && raw['links'] !== null;
  return links.flatMap((l, i) => {
    if (have.has(l.interface)) return [];
    const key = fromList ? `links[${i}].interface` : `${i === 0 ? 'primary' : 'secondary'}.interface`;
    return [{
      key,
      value: l.interface,
      message: `${key}: ${renderValue(l.interface)} does not exist on this machine (present: ${listed || 'none'}); `
        + 'the daemon waits for it to appear',
    }];
  });
}

export function warningLine(file: string, w: ConfigWarning): string {
  return `${file}: ${w.severity ?? 'warning'}: ${w.message}`;
}
