// `wanctl status|switch|auto`: talk to the running daemon over its REST API. Host, port and key
// come from the daemon's config file, so there is nothing extra to configure for wanctl.
import { SWITCH_FAMILIES, type SwitchFamily } from '../engine/types.js';
import { ApiError, apiBaseUrl, createApiClient, type ApiClient } from './api-client.js';
import { CliError, UsageError, expectPositionals, flag, parseCommand, str } from './args.js';
import { requireConfig } from './cli-config.js';
import { EXIT_OK, type CommandContext } from './command.js';
import { renderStatus } from './format-status.js';
import type { SwitchResponseJson } from './status-json.js';

export const CONFIG_OPTION = `  -c FILE       the daemon's config (default /etc/wan-failover/config.yaml): api host, port, key`;

export const STATUS_HELP = `usage: wanctl status [--json | --check] [-c FILE]

Shows the running daemon's view: active link, auto failover, per-link health, gateway
reachability, gateway, RTT, loss, carrier and throughput, then the recent events.

options:
  --json        the daemon's /api/status JSON as is
  --check       one line and exit 0 (a link carries traffic), 1 (all down) or 3 (no
                answer), for keepalived's vrrp_script (see 'wanctl status --check --help')
${CONFIG_OPTION}
  -h, --help    this help`;

export const SWITCH_HELP = `usage: wanctl switch LINK [--force] [--family ipv4|ipv6|both] [-c FILE]

Asks the daemon to move the default route to LINK (a link name such as primary or secondary)
and hold it there until that link fails or you switch again.

options:
  --force       switch even if the daemon judges LINK down
  --family F    which default route moves: ipv4, ipv6 or both (default both; the daemon
                decides on IPv4 and moves IPv6 along when it can, else says why)
${CONFIG_OPTION}
  -h, --help    this help`;

export const AUTO_HELP = `usage: wanctl auto on|off [-c FILE]

Enables or disables automatic failover in the running daemon.

options:
${CONFIG_OPTION}
  -h, --help    this help`;

export function clientFor(configPath: string | undefined): ApiClient {
  const cfg = requireConfig(configPath);
  return createApiClient({ baseUrl: apiBaseUrl(cfg.apiHost, cfg.apiPort), apiKey: cfg.apiKey });
}

/** API failures become one operator line with the server's own text (and the valid names, if sent). */
export async function viaApi<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ApiError) {
      const valid = e.valid && e.valid.length > 0 ? ` (valid: ${e.valid.join(', ')})` : '';
      throw new CliError(`${e.message}${valid}`);
    }
    throw e;
  }
}

export async function runStatus(argv: string[], ctx: CommandContext): Promise<number> {
  const p = parseCommand(argv, { json: { type: 'boolean' }, config: { type: 'string', short: 'c' } });
  if (flag(p, 'help')) {
    ctx.io.out(STATUS_HELP);
    return EXIT_OK;
  }
  expectPositionals(p, 0, 0, 'wanctl status [--json] [-c FILE]');
  const client = clientFor(str(p, 'config'));
  const status = await viaApi(() => client.status());
  if (flag(p, 'json')) ctx.io.out(JSON.stringify(status, null, 2));
  else for (const line of renderStatus(status, ctx.io.paint)) ctx.io.out(line);
  return EXIT_OK;
}

export function parseFamily(v: string | undefined): SwitchFamily | undefined {
  if (v === undefined) return undefined;
  const f = SWITCH_FAMILIES.find((x) => x === v.toLowerCase());
  if (f === undefined) throw new UsageError(`--family: expected ipv4, ipv6 or both, got '${v}'`);
  return f;
}

/** What a switch reply says, one line per family that the request touched. */
export function switchLines(res: SwitchResponseJson, link: string, family: SwitchFamily | undefined): string[] {
  if (family === 'ipv6') return [res.message ?? `switched IPv6 to ${res.active ?? link}`];
  const lines = [res.message ?? `switched to ${res.active ?? link}`];
  const on6 = res.active_ipv6 ?? 'none';
  if (res.ipv6_result === 'switched') lines.push(`IPv6: switched to ${on6}`);
  else if (res.ipv6_result === 'already_active') lines.push(`IPv6: already on ${on6}`);
  else if (res.ipv6_result === 'not_moved') lines.push(`IPv6 stays on ${on6}${res.ipv6_reason ? `: ${res.ipv6_reason}` : ''}`);
  return lines;
}

export async function runSwitch(argv: string[], ctx: CommandContext): Promise<number> {
  const p = parseCommand(argv, { force: { type: 'boolean' }, family: { type: 'string' }, config: { type: 'string', short: 'c' } });
  if (flag(p, 'help')) {
    ctx.io.out(SWITCH_HELP);
    return EXIT_OK;
  }
  const [link] = expectPositionals(p, 1, 1, 'wanctl switch LINK [--force] [--family ipv4|ipv6|both]');
  const family = parseFamily(str(p, 'family'));
  const client = clientFor(str(p, 'config'));
  const res = await viaApi(() => client.switchTo(link, flag(p, 'force'), family));
  for (const line of switchLines(res, link, family)) ctx.io.out(line);
  return EXIT_OK;
}

export function parseOnOff(v: string): boolean {
  const s = v.toLowerCase();
  if (s === 'on' || s === 'true' || s === 'enable' || s === '1') return true;
  if (s === 'off' || s === 'false' || s === 'disable' || s === '0') return false;
  throw new UsageError(`expected on or off, got '${v}'`);
}

export async function runAuto(argv: string[], ctx: CommandContext): Promise<number> {
  const p = parseCommand(argv, { config: { type: 'string', short: 'c' } });
  if (flag(p, 'help')) {
    ctx.io.out(AUTO_HELP);
    return EXIT_OK;
  }
  const [arg] = expectPositionals(p, 1, 1, 'wanctl auto on|off');
  const enabled = parseOnOff(arg);
  const client = clientFor(str(p, 'config'));
  const res = await viaApi(() => client.setAuto(enabled));
  ctx.io.out(`auto failover ${(res.auto_enabled ?? enabled) ? 'enabled' : 'disabled'}`);
  return EXIT_OK;
}
