// How wanctl finds the daemon's configuration: `-c FILE`, else the installed default path.
// Validation is the daemon's own loader, so wanctl and the daemon never disagree about a file.
import { describeError } from '../errors.js';
import { existsSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { CliError } from './args.js';
import { DEFAULT_CONFIG_PATH } from './cli-config-path.js';

export { DEFAULT_CONFIG_PATH };
/** The config's default route_protocol, used by `dump` when no config file exists. */
export const DEFAULT_ROUTE_PROTOCOL = 201;

function message(e: unknown): string {
  return describeError(e);
}

/** A config is required (status/switch/auto): failures are one CliError with the loader's text. */
export function requireConfig(path: string | undefined): Config {
  const file = path ?? DEFAULT_CONFIG_PATH;
  if (path === undefined && !existsSync(file)) {
    throw new CliError(`no config at ${file} (the default path; wanctl reads the daemon's api_host, api_port and api_key ` +
      `from it): give the daemon's config with -c FILE`);
  }
  try {
    return loadConfig(file);
  } catch (e) {
    throw new CliError(message(e));
  }
}

/**
 * A config is helpful but optional (dump/monitor only need route_protocol): an explicit -c must
 * load; a missing default file means defaults; a broken default file is a warning, not a failure.
 */
export function optionalRouteProtocol(path: string | undefined, warn: (line: string) => void): number {
  if (path !== undefined) return requireConfig(path).routeProtocol;
  if (!existsSync(DEFAULT_CONFIG_PATH)) return DEFAULT_ROUTE_PROTOCOL;
  try {
    return loadConfig(DEFAULT_CONFIG_PATH).routeProtocol;
  } catch (e) {
    warn(`wanctl: warning: ${message(e).split('\n')[0]}; assuming route_protocol ${DEFAULT_ROUTE_PROTOCOL}`);
    return DEFAULT_ROUTE_PROTOCOL;
  }
}
