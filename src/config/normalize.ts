// Pure: maps validated file values (seed key names, seconds) to the daemon's Config
// (camelCase, milliseconds, pino log level, ordered links).
import { parseLogLevel } from './formats.js';
import { splitTargets } from './links.js';
import type { Config, ConntrackFlushMode, LinkConfig, MqttConfig } from './types.js';
import { buildNotify } from './notify.js';
import { probeTargets } from './probe-target.js';

/** Targets of another method than ICMP, only when there are any (an ICMP-only config reads as before). */
const probeTargetsOf = (list: readonly unknown[]): Pick<Config, 'probeTargets'> => {
  const other = probeTargets(list).filter((t) => t.method !== 'icmp');
  return other.length > 0 ? { probeTargets: other } : {};
};

const notifyFrom = (values: Record<string, unknown>): Pick<Config, 'hooks' | 'webhooks'> => {
  const { hooks, webhooks } = buildNotify(values);
  return { hooks, webhooks };
};

const seconds = (v: unknown): number => Math.round((v as number) * 1000);

export function toConfig(values: Record<string, unknown>, links: LinkConfig[], sourcePath: string, mqtt: MqttConfig | null = null): Config {
  const logFile = values['log_file'];
  const targets = splitTargets(values['ping_targets'] as unknown[]);
  return {
    links,
    pingTargets: targets.v4,
    pingTargets6: targets.v6,
    ...probeTargetsOf(values['ping_targets'] as unknown[]),
    pingTimeoutMs: seconds(values['ping_timeout']),
    pingCount: values['ping_count'] as number,
    checkIntervalMs: seconds(values['check_interval']),
    failureThreshold: values['failure_threshold'] as number,
    recoveryThreshold: values['recovery_threshold'] as number,
    minSecondaryTimeMs: seconds(values['min_secondary_time']),
    minTargetsUp: values['min_targets_up'] as number,
    statsWindow: values['stats_window'] as number,
    gatewayStateDir: values['gateway_state_dir'] as string,
    stateDir: values['state_dir'] as string,
    apiHost: values['api_host'] as string,
    apiPort: values['api_port'] as number,
    // Unset is '' (the API stays off, warnings.ts says why).
    apiKey: typeof values['api_key'] === 'string' ? values['api_key'] : '',
    logFile: typeof logFile === 'string' && logFile !== '' ? logFile : null,
    logLevel: parseLogLevel(values['log_level']) ?? 'info',
    routeMetric: values['route_metric'] as number,
    routeProtocol: values['route_protocol'] as number,
    rulePriority: values['rule_priority'] as number,
    policyRulePriority: values['policy_rule_priority'] as number,
    replyRouting: values['reply_routing'] as boolean,
    rpFilterLoose: values['rp_filter_loose'] as boolean,
    routeMetric6: values['route_metric6'] as number,
    ipv6SetAcceptRa: values['ipv6_set_accept_ra'] as boolean,
    conntrackFlush: values['conntrack_flush'] as ConntrackFlushMode,
    metricsPublic: values['metrics_public'] as boolean,
    ...notifyFrom(values),
    sourcePath,
    ...(mqtt ? { mqtt } : {}),
  };
}
