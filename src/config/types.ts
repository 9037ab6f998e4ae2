// The validated, normalised configuration the rest of the daemon sees. Seed keys
// (primary/secondary, seconds as floats) are turned into this shape by src/config/.

import type { QualityThresholds } from '../probe/quality-judge.js';
import type { HookConfig, WebhookConfig } from './notify.js';
import type { ProbeTarget } from './probe-target.js';
import type { PolicyRuleConfig } from './policy-rules.js';

export type { HookConfig, WebhookConfig };

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** conntrack_flush: delete the old link's NAT entries at each switch (on_switch) or leave them (never). */
export type ConntrackFlushMode = 'on_switch' | 'never';

export interface LinkConfig {
  /** Stable id used by the API and the policy: "primary", "secondary", or a links[] name. */
  name: string;
  interface: string;
  /** Friendly label; defaults to `name`. */
  displayName: string;
  /** Static gateway for a WAN without DHCP; null = discover it. */
  gateway: string | null;
  /** Static IPv6 gateway (link-local or global); null or absent = discover it from RA routes. */
  gateway6?: string | null;
  /** Routing table that holds this link's own default route (for probing it while standby). */
  table: number;
  /** This link's conntrack_flush as written; null/absent = the global conntrack_flush. */
  conntrackFlush?: ConntrackFlushMode | null;
  /** Tier as written (1 = most preferred); absent = the link's position (1, 2, ...): pure failover. */
  tier?: number;
  /** Weight inside its tier as written (1-255); absent = 1. */
  weight?: number;
  /** `metered:` (issue 24, src/config/metered.ts); absent = not metered. */
  metered?: MeteredConfig;
  /** Static DNS servers (either family, IPv6 in RFC 5952 form; src/config/dns.ts); absent = the dhclient hook's. */
  dns?: string[];
}

/** The `balance:` section: each family's resilient nexthop group. */
export interface BalanceConfig {
  buckets: number;
  idleTimerS: number;
  unbalancedTimerS: number;
}

/** A metered link: probed sparingly while it carries no traffic, its usage counted per billing period. */
export interface MeteredConfig {
  standbyProbeIntervalMs: number;
  /** data_cap_mb in bytes (MB = 10^6 bytes); null = no cap. */
  dataCapBytes: number | null;
  /** 1-28: the billing period starts on this day of the month at local midnight. */
  capResetDay: number;
}

export interface Config {
  /** Ordered by preference: links[0] is the most preferred. Always at least two. */
  links: LinkConfig[];
  /** IPv4 targets only (the original's meaning); IPv6 ones are in pingTargets6. */
  pingTargets: string[];
  /** IPv6 targets from ping_targets (RFC 5952 text); always set by the loader, [] when none. */
  pingTargets6?: string[];
  /** ping_targets probed by TCP, DNS or HTTP(S) (probe-target.ts), by key; absent = ICMP only. */
  probeTargets?: ProbeTarget[];
  pingTimeoutMs: number;
  pingCount: number;
  checkIntervalMs: number;
  failureThreshold: number;
  recoveryThreshold: number;
  minSecondaryTimeMs: number;
  /** A cycle succeeds when at least this many targets answered (seed rule: 1). */
  minTargetsUp: number;
  /** Cycles kept for the rolling RTT/loss figures. */
  statsWindow: number;
  gatewayStateDir: string;
  /** state_dir: where the daemon keeps state across restarts (history, metered usage); always set by the loader. */
  stateDir?: string;
  apiHost: string;
  apiPort: number;
  apiKey: string;
  logFile: string | null;
  logLevel: LogLevel;
  /** Metric of the default route the daemon owns in the main table. */
  routeMetric: number;
  /** rtnetlink protocol number that tags the daemon's routes and rules. */
  routeProtocol: number;
  /** Priority of the `oif <iface> lookup <table>` rules. */
  rulePriority: number;
  /** Set rp_filter to loose (2) on the WAN interfaces at start. */
  rpFilterLoose: boolean;
  /** Metric of the daemon's IPv6 default route in main (1-1023, below RA routes at 1024); always set by the loader. */
  routeMetric6?: number;
  /** May set accept_ra to 2 on WANs with IPv6 forwarding on (else only warn); always set by the loader. */
  ipv6SetAcceptRa?: boolean;
  /** Global conntrack_flush (a link's own value wins); absent = on_switch. */
  conntrackFlush?: ConntrackFlushMode;
  // Optional so hand-built configs (tests, lab) need not list them; loadConfig always sets them.
  /** GET /metrics without the API key (default false). */
  metricsPublic?: boolean;
  /** Programs run on events (the only programs the daemon starts); default none. */
  hooks?: HookConfig[];
  webhooks?: WebhookConfig[];
  /** The `balance:` section; absent = its defaults (src/config/balance.ts). */
  balance?: BalanceConfig;
  /** Path of the file this config came from (for messages). */
  sourcePath: string;
  /** Home Assistant over MQTT (src/mqtt/); absent = off. */
  mqtt?: MqttConfig;
  /** probe_interval: continuous probing every this many ms per target; absent/null = the original cycles. */
  probeIntervalMs?: number | null;
  /** The `quality:` section (src/config/quality.ts); absent/null = only the consecutive-failure rule. */
  quality?: QualityConfig | null;
  /** The `vrrp:` section (src/config/vrrp.ts): the keepalived track file; absent/null = none. */
  vrrp?: VrrpConfig | null;
  /** The `rules:` section (src/config/policy-rules.ts), in config order; absent = none (only when written). */
  policyRules?: PolicyRuleConfig[];
  /** FIB priority (and table) of the first policy rule; the rules follow in config order. Always set by the loader. */
  policyRulePriority?: number;
  /** `from <link address> lookup <link table>` rules for every global address (src/routes/reply-rules-plan.ts). Always set by the loader. */
  replyRouting?: boolean;
  /** The `dns:` section (src/config/dns.ts); absent = no resolv file. */
  dns?: DnsConfig;
}

/** The `dns:` section: where the daemon keeps the carrying links' DNS servers (src/dns/); null = not written. */
export interface DnsConfig {
  resolvFile: string | null;
}

/** The `vrrp:` section: where the daemon keeps the weight keepalived tracks, and its values (src/vrrp/). */
export interface VrrpConfig {
  /** Absolute path; written atomically (write + rename) on every change of the weight. */
  trackFile: string;
  /** Written while every link is down (default -100). */
  downWeight: number;
  /** Added per down link; null = off. */
  perLinkWeight: number | null;
}

/** The `quality:` section: the link-quality thresholds over a time window, whose one owner is the
 * judge that applies them (src/probe/quality-judge.ts). */
export type QualityConfig = QualityThresholds;

/** The `mqtt:` section (src/config/mqtt.ts checks it). */
export interface MqttConfig {
  /** mqtt://host[:port] or mqtts://host[:port]. */
  url: string;
  /** PEM files for mqtts (null = system CAs, no client certificate). */
  ca: string | null;
  cert: string | null;
  key: string | null;
  username: string | null;
  /** Secret: never logged (src/log.ts redacts `password`). */
  password: string | null;
  /** null = wan-failover-<hostname>. */
  clientId: string | null;
  baseTopic: string;
  discoveryPrefix: string;
  discovery: boolean;
}
