// PURE: parses `npm run lab -- ...` arguments into a command, so lab-cli.ts only carries it out.
import { isFaultKind, type FaultKind } from './nft-rules.js';

export type LabArgs =
  | { cmd: 'up'; links: number; daemon: boolean }
  | { cmd: 'down' }
  | { cmd: 'fail'; link: number; kind: FaultKind; lossPct?: number }
  | { cmd: 'heal'; link: number }
  | { cmd: 'help' };

export const LAB_USAGE = `usage: npm run lab [-- --keep] [--verbose]        play the demo story
       npm run lab -- up [--links N] [--no-daemon] | down | fail LINK upstream|gateway|carrier [--loss PCT] | heal LINK
  LINK is 1..4 or wan1..wan4. The lab's namespaces are wflab-r, wflab-isp1.., wflab-net.`;

export class LabUsageError extends Error {}

/** "2" or "wan2" -> 2. */
export function parseLinkArg(s: string | undefined): number {
  const m = /^(?:wan)?([1-9])$/.exec(s ?? '');
  if (m === null) throw new LabUsageError(`invalid LINK "${s ?? ''}": expected 1..4 or wan1..wan4`);
  return Number(m[1]);
}

function intOption(args: string[], name: string, min: number, max: number): number | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v < min || v > max) throw new LabUsageError(`${name}: expected an integer ${min}..${max}`);
  args.splice(i, 2);
  return v;
}

export function parseLabArgs(argv: readonly string[]): LabArgs {
  const args = [...argv];
  const cmd = args.shift();
  switch (cmd) {
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      return { cmd: 'help' };
    case 'up': {
      const links = intOption(args, '--links', 2, 4) ?? 2;
      const noDaemon = args.indexOf('--no-daemon');
      if (noDaemon >= 0) args.splice(noDaemon, 1);
      if (args.length > 0) throw new LabUsageError(`up: unexpected argument "${args[0]}"`);
      return { cmd: 'up', links, daemon: noDaemon < 0 };
    }
    case 'down':
      if (args.length > 0) throw new LabUsageError(`down: unexpected argument "${args[0]}"`);
      return { cmd: 'down' };
    case 'fail': {
      const lossPct = intOption(args, '--loss', 1, 100);
      const link = parseLinkArg(args[0]);
      const kind = args[1] ?? '';
      if (!isFaultKind(kind)) throw new LabUsageError(`fail: invalid kind "${kind}": expected upstream, gateway or carrier`);
      if (args.length > 2) throw new LabUsageError(`fail: unexpected argument "${args[2]}"`);
      if (lossPct !== undefined && kind === 'carrier') throw new LabUsageError('fail: --loss applies to upstream/gateway only');
      return lossPct === undefined ? { cmd: 'fail', link, kind } : { cmd: 'fail', link, kind, lossPct };
    }
    case 'heal':
      if (args.length !== 1) throw new LabUsageError('heal: expected exactly one LINK');
      return { cmd: 'heal', link: parseLinkArg(args[0]) };
    default:
      throw new LabUsageError(`unknown lab command "${cmd}": expected up, down, fail or heal`);
  }
}
