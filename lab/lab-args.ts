// PURE: parses `npm run lab -- ...` arguments into a command, so lab-cli.ts only carries it out.
import { isFaultFamily, isFaultKind, type FaultFamily, type FaultKind } from './nft-rules.js';
import { DEFAULT_PREFIX, validatePrefix } from './lab-plan.js';

export type LabCommand =
  | { cmd: 'up'; links: number; daemon: boolean; ipv6?: true; balance?: true }
  | { cmd: 'down' }
  | { cmd: 'fail'; link: number; kind: FaultKind; lossPct?: number; family?: FaultFamily }
  | { cmd: 'heal'; link: number }
  | { cmd: 'help' };

/** A command and the lab it acts on (`--prefix NAME`, default wflab). */
export type LabArgs = LabCommand & { prefix: string };

export const LAB_USAGE = `usage: npm run lab [-- --keep] [--verbose]        play the demo story
       npm run lab -- up [--links N] [--no-daemon] [--ipv6] [--balance]
       npm run lab -- fail LINK upstream|gateway|carrier [--loss PCT]
                           [--family ipv4|ipv6|both]
       npm run lab -- heal LINK
       npm run lab -- down
       npm run lab -- balance [--verbose]
                           balancing live: three links 5:3:2, a LAN host's
                           flows, a link failing and healing
       npm run lab -- --pair [--script] [--nopreempt]
                           two routers with keepalived (VRRP), live
  Every command takes --prefix NAME: the lab's namespaces are NAME-r,
  NAME-isp1.., NAME-net (default ${DEFAULT_PREFIX}). LINK is 1..4 or wan1..wan4. A lab
  whose namespaces still hold processes is never rebuilt over: remove it with
  down, or use another --prefix.`;

export class LabUsageError extends Error {}

/** "2" or "wan2" -> 2. */
export function parseLinkArg(s: string | undefined): number {
  const m = /^(?:wan)?([1-9])$/.exec(s ?? '');
  if (m === null) throw new LabUsageError(`invalid LINK "${s ?? ''}": expected 1..4 or wan1..wan4`);
  return Number(m[1]);
}

function takeFlag(args: string[], name: string): boolean {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
}

function takeValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined) throw new LabUsageError(`${name}: missing value`);
  args.splice(i, 2);
  return v;
}

function intOption(args: string[], name: string, min: number, max: number): number | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v < min || v > max) throw new LabUsageError(`${name}: expected an integer ${min}..${max}`);
  args.splice(i, 2);
  return v;
}

/** Removes `--prefix NAME` from args; the default when absent. Throws LabUsageError when invalid. */
export function takePrefixOption(args: string[]): string {
  const i = args.indexOf('--prefix');
  if (i < 0) return DEFAULT_PREFIX;
  const v = args[i + 1] ?? '';
  try {
    validatePrefix(v);
  } catch (e) {
    throw new LabUsageError(`--prefix: ${(e as Error).message}`);
  }
  args.splice(i, 2);
  return v;
}

export function parseLabArgs(argv: readonly string[]): LabArgs {
  const args = [...argv];
  const prefix = takePrefixOption(args);
  return { ...parseCommand(args), prefix };
}

function parseCommand(args: string[]): LabCommand {
  const cmd = args.shift();
  switch (cmd) {
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      return { cmd: 'help' };
    case 'up': {
      const links = intOption(args, '--links', 2, 4) ?? 2;
      const daemon = !takeFlag(args, '--no-daemon');
      const ipv6 = takeFlag(args, '--ipv6');
      const balance = takeFlag(args, '--balance');
      if (args.length > 0) throw new LabUsageError(`up: unexpected argument "${args[0]}"`);
      return { cmd: 'up', links, daemon, ...(ipv6 ? { ipv6 } : {}), ...(balance ? { balance } : {}) };
    }
    case 'down':
      if (args.length > 0) throw new LabUsageError(`down: unexpected argument "${args[0]}"`);
      return { cmd: 'down' };
    case 'fail': {
      const lossPct = intOption(args, '--loss', 1, 100);
      const family = takeValue(args, '--family');
      if (family !== undefined && !isFaultFamily(family)) throw new LabUsageError(`--family: expected ipv4, ipv6 or both, got "${family}"`);
      const link = parseLinkArg(args[0]);
      const kind = args[1] ?? '';
      if (!isFaultKind(kind)) throw new LabUsageError(`fail: invalid kind "${kind}": expected upstream, gateway or carrier`);
      if (args.length > 2) throw new LabUsageError(`fail: unexpected argument "${args[2]}"`);
      if (lossPct !== undefined && kind === 'carrier') throw new LabUsageError('fail: --loss applies to upstream/gateway only');
      if (family !== undefined && family !== 'both' && kind === 'carrier') throw new LabUsageError('fail: a carrier fault hits both families');
      return { cmd: 'fail', link, kind, ...(lossPct === undefined ? {} : { lossPct }), ...(family === undefined ? {} : { family }) };
    }
    case 'heal':
      if (args.length !== 1) throw new LabUsageError('heal: expected exactly one LINK');
      return { cmd: 'heal', link: parseLinkArg(args[0]) };
    default:
      throw new LabUsageError(`unknown lab command "${cmd}": expected up, down, fail or heal`);
  }
}
