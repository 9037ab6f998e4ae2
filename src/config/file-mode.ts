// Who may read and write the config file (issue 19, defect 9). A config holding secrets (api_key,
// the MQTT password, webhook headers) or hooks (programs the daemon runs as root) that group or
// others may read or write gets a warning, as ssh warns about a private key that is too open; hooks
// from a file (or a directory) someone other than root or the daemon's user may write are refused:
// whoever can write them can run any program as the daemon. Refused means the daemon runs without
// its hooks and says so as an error (failover comes first, as with an unusable api_key), and
// `--check` / `wanctl check-config` exit 1.
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from './types.js';
import type { ConfigWarning } from './warnings.js';

export interface FileOwner {
  /** st_mode (permission and sticky bits are what count). */
  mode: number;
  uid: number;
}

const octal = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

/** PURE: the config's secrets by key (never their values). */
export function secretKeys(config: Config): string[] {
  const keys: string[] = [];
  if (config.apiKey !== '') keys.push('api_key');
  if ((config.mqtt?.password ?? null) !== null) keys.push('mqtt.password');
  (config.webhooks ?? []).forEach((w, i) => { if (Object.keys(w.headers).length > 0) keys.push(`webhooks[${i}].headers`); });
  return keys;
}

/** PURE: why someone other than root or `euid` may change what `what` holds, or null. */
function writableByOthers(what: string, f: FileOwner, euid: number, isDir: boolean): string | null {
  if (f.uid !== 0 && f.uid !== euid) return `${what} is owned by uid ${f.uid}, not root`;
  // A sticky directory (/tmp) lets only a file's owner replace it.
  if ((f.mode & 0o022) !== 0 && !(isDir && (f.mode & 0o1000) !== 0)) return `${what} is writable by ${(f.mode & 0o002) ? 'everyone' : 'its group'} (mode ${octal(f.mode)})`;
  return null;
}

export interface ModeVerdict {
  warnings: ConfigWarning[];
  /** Set: the hooks are refused for this reason. */
  hooksRefused: string | null;
}

/** PURE: the verdict on a config file's modes, given what it holds. */
export function judgeFileMode(file: string, f: FileOwner, dir: FileOwner | null, holds: { secrets: string[]; hooks: number }, euid: number): ModeVerdict {
  const warnings: ConfigWarning[] = [];
  let hooksRefused: string | null = null;
  if (holds.hooks > 0) {
    hooksRefused = writableByOthers(file, f, euid, false) ?? (dir ? writableByOthers(`its directory ${dirname(file)}`, dir, euid, true) : null);
    if (hooksRefused !== null) {
      warnings.push({ key: 'hooks', value: octal(f.mode), severity: 'error',
        message: `hooks refused: ${hooksRefused}, so others could make the daemon run any program; the daemon runs without its `
          + `${holds.hooks} hook${holds.hooks > 1 ? 's' : ''} until that is fixed (chown root ${file} && chmod 600 ${file}) and it is restarted` });
    }
  }
  const what = [...holds.secrets, ...(holds.hooks > 0 ? ['hooks (programs run as root)'] : [])];
  if (what.length > 0 && (f.mode & 0o077) !== 0) {
    const who = (f.mode & 0o007) !== 0 ? 'others' : 'its group';
    warnings.push({ key: '(file)', value: octal(f.mode),
      message: `${file} is readable or writable by ${who} (mode ${octal(f.mode)}) and holds ${what.join(', ')}: chmod 600 ${file}` });
  }
  return { warnings, hooksRefused };
}

function owner(path: string): FileOwner | null {
  try {
    const s = statSync(path);
    return { mode: s.mode, uid: s.uid };
  } catch {
    return null;
  }
}

/** The file's verdict applied to its config: warnings added, refused hooks removed. */
export function checkFileMode(path: string, config: Config, warnings: ConfigWarning[], euid = process.geteuid?.() ?? 0): void {
  const f = owner(path);
  if (f === null) return;
  const v = judgeFileMode(path, f, owner(dirname(path)), { secrets: secretKeys(config), hooks: (config.hooks ?? []).length }, euid);
  warnings.push(...v.warnings);
  if (v.hooksRefused !== null) config.hooks = [];
}
