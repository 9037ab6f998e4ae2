// Writes what the real daemon needs to run in the lab: a config file (JSON, which is valid YAML 1.2,
// so no YAML dependency here) and the dhclient hook's per-interface state files, so a standby WAN's
// gateway is discoverable just as on a real DHCP router.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lab } from './topology.js';
import { DEFAULT_API_PORT } from './agent-protocol.js';

export type DaemonConfig = Record<string, unknown>;

export interface DaemonFiles {
  dir: string;
  configPath: string;
  stateDir: string;
  logFile: string;
  apiPort: number;
  apiKey: string;
}

/** A sane config for the lab: fast checks so a demo fails over in seconds. Overrides win. */
export function labConfig(lab: Pick<Lab, 'links' | 'targets'>, overrides: DaemonConfig = {}): DaemonConfig {
  return {
    links: lab.links.map((l) => ({ name: l.iface, interface: l.iface, display_name: `ISP ${l.index}` })),
    ping_targets: [...lab.targets],
    ping_timeout: 0.5,
    ping_count: 1,
    check_interval: 1,
    failure_threshold: 3,
    recovery_threshold: 3,
    min_secondary_time: 5,
    api_host: '127.0.0.1',
    api_port: DEFAULT_API_PORT,
    api_key: randomBytes(16).toString('hex'),
    log_level: 'info',
    ...overrides,
  };
}

/** The dhclient exit hook's file format: {"gateway", "dhcp_server", "timestamp"}. */
export async function writeGatewayState(stateDir: string, iface: string, gateway: string): Promise<void> {
  const body = JSON.stringify({ gateway, dhcp_server: gateway, timestamp: new Date().toISOString() });
  await writeFile(join(stateDir, `${iface}.json`), body + '\n', { mode: 0o644 });
}

/**
 * Fills gateway_state_dir and log_file (inside `dir`) unless the caller set them, writes the
 * config and (unless a test brings its own DHCP client) one state file per lab link.
 */
export async function writeDaemonFiles(lab: Pick<Lab, 'links'>, config: DaemonConfig, dir: string, stateFiles = true): Promise<DaemonFiles> {
  const stateDir = typeof config.gateway_state_dir === 'string' ? config.gateway_state_dir : join(dir, 'state');
  const logFile = typeof config.log_file === 'string' ? config.log_file : join(dir, 'wan-failover.log');
  // state_dir too (history, metered usage): a lab daemon never writes the machine's /var/lib/wan-failover.
  const full: DaemonConfig = { ...config, gateway_state_dir: stateDir, state_dir: typeof config.state_dir === 'string' ? config.state_dir : stateDir, log_file: logFile };
  await mkdir(stateDir, { recursive: true });
  if (stateFiles) for (const l of lab.links) await writeGatewayState(stateDir, l.iface, l.gateway);
  const configPath = join(dir, 'config.yaml');
  // 0600: the file holds the API key.
  await writeFile(configPath, JSON.stringify(full, null, 2) + '\n', { mode: 0o600 });
  return {
    dir,
    configPath,
    stateDir,
    logFile,
    apiPort: typeof full.api_port === 'number' ? full.api_port : DEFAULT_API_PORT,
    apiKey: typeof full.api_key === 'string' ? full.api_key : '',
  };
}
