// The convict schema: every key the config file may hold, its default and its meaning.
// Keys and defaults follow the seed's config.yaml; formats are names from formats.ts.
import { ROUTE_METRIC6_DEFAULT } from './defaults.js';

/**
 * What SIGHUP does with a key (src/config/reload.ts applies it): 'live' = the running daemon takes
 * the new value in place; 'restart' = the running value stays until a restart (the reload says so);
 * 'live-same-mode' = in place, unless the change turns a mode on or off (probe_interval: cycles vs
 * continuous probing; ping_targets: IPv6 managed or not), which needs a restart.
 */
export type ReloadMode = 'live' | 'restart' | 'live-same-mode';

export interface SchemaLeaf {
  doc: string;
  format: string;
  default: unknown;
  reload: ReloadMode;
  nullable?: boolean;
  sensitive?: boolean;
}
export interface SchemaTree {
  [key: string]: SchemaLeaf | SchemaTree;
}

export function isSchemaLeaf(node: SchemaLeaf | SchemaTree): node is SchemaLeaf {
  return Object.prototype.hasOwnProperty.call(node, 'default');
}

function linkSchema(name: string, iface: string, role: string): SchemaTree {
  return {
    name: { doc: `Stable id of the ${role} link (API target, logs).`, reload: 'restart', format: 'wan-link-name', default: name },
    interface: { doc: `Network interface of the ${role} WAN.`, reload: 'restart', format: 'wan-ifname', default: iface },
    display_name: {
      doc: `Friendly label of the ${role} link (logs, API); falls back to name.`,
      reload: 'restart', format: 'wan-display-name',
      default: null,
      nullable: true,
    },
    gateway: {
      doc: `Static IPv4 gateway of the ${role} link; empty = discover it (netlink, dhclient state file).`,
      reload: 'restart', format: 'wan-ipv4',
      default: null,
      nullable: true,
    },
    table: {
      doc: `Routing table holding the ${role} link's own default route; empty = route_table_base + position.`,
      reload: 'restart', format: 'wan-table',
      default: null,
      nullable: true,
    },
    gateway6: {
      doc: `Static IPv6 gateway of the ${role} link (link-local is fine); empty = learn it from the kernel's IPv6 default routes (router advertisements).`,
      reload: 'restart', format: 'wan-ipv6-gateway',
      default: null,
      nullable: true,
    },
    conntrack_flush: {
      doc: `on_switch or never for flows NATed to the ${role} link when the default route leaves it; empty = the global conntrack_flush.`,
      reload: 'restart', format: 'wan-conntrack-flush',
      default: null,
      nullable: true,
    },
    tier: {
      doc: `Tier of the ${role} link (1 = most preferred): the first tier with an up link carries all traffic; empty = the link's position (pure failover).`,
      reload: 'live', format: 'wan-tier',
      default: null,
      nullable: true,
    },
    weight: {
      doc: `Weight of the ${role} link inside its tier (1-255): its share of new flows while the tier balances; empty = 1.`,
      reload: 'live', format: 'wan-weight',
      default: null,
      nullable: true,
    },
  };
}

export const SCHEMA: SchemaTree = {
  primary: linkSchema('primary', 'eth0', 'primary (preferred)'),
  secondary: linkSchema('secondary', 'eth1', 'secondary (backup)'),
  links: {
    doc: 'Ordered list of links {name, interface, display_name?, gateway?, table?}, most preferred first; replaces primary/secondary.',
    reload: 'restart', format: 'wan-link-list',
    default: null,
    nullable: true,
  },
  ping_targets: {
    doc: 'Hosts pinged through each link to judge internet reachability: IPv4 addresses judge IPv4, global IPv6 addresses judge IPv6 (each family on its own targets).',
    reload: 'live-same-mode', format: 'wan-target-list',
    default: ['8.8.8.8', '1.1.1.1', '9.9.9.9'],
  },
  ping_timeout: { doc: 'Seconds to wait for each echo reply.', reload: 'live', format: 'wan-probe-seconds', default: 1.5 },
  ping_count: { doc: 'Echo requests per target per cycle.', reload: 'live', format: 'wan-count', default: 1 },
  check_interval: { doc: 'Seconds between health check cycles.', reload: 'live', format: 'wan-probe-seconds', default: 3.0 },
  failure_threshold: {
    doc: 'Consecutive failed cycles before a link is declared down.',
    reload: 'live', format: 'wan-threshold',
    default: 3,
  },
  recovery_threshold: {
    doc: 'Consecutive good cycles before switching back to a more preferred link.',
    reload: 'live', format: 'wan-threshold',
    default: 5,
  },
  min_secondary_time: {
    doc: 'Minimum seconds to stay on a backup link before returning to a preferred one.',
    reload: 'live', format: 'wan-non-negative-seconds',
    default: 30.0,
  },
  min_targets_up: {
    doc: 'A cycle is good when at least this many targets answered.',
    reload: 'live', format: 'wan-targets-up',
    default: 1,
  },
  probe_interval: {
    doc: 'Seconds between probes to one target, probed continuously (dpinger-style); empty = the original check cycles.',
    reload: 'live-same-mode', format: 'wan-probe-interval',
    default: null,
    nullable: true,
  },
  stats_window: { doc: 'Cycles kept for the rolling RTT and loss figures.', reload: 'live', format: 'wan-stats-window', default: 20 },
  gateway_state_dir: {
    doc: 'Directory where the dhclient exit hook writes <interface>.json gateway files.',
    reload: 'live', format: 'wan-path',
    default: '/var/lib/wan-failover',
  },
  state_dir: {
    doc: 'Directory where the daemon keeps its state across restarts (history.bin, metered usage): the systemd unit\'s StateDirectory.',
    reload: 'restart',
    format: 'wan-path',
    default: '/var/lib/wan-failover',
  },
  api_host: { doc: 'Address the REST API listens on.', reload: 'live', format: 'wan-host', default: '0.0.0.0' },
  api_port: { doc: 'TCP port of the REST API.', reload: 'live', format: 'wan-port', default: 8780 },
  api_key: {
    doc: 'Bearer token for the REST API; while it is unset, empty, the placeholder or short, the API answers 503 (failover runs).',
    reload: 'live', format: 'wan-api-key',
    default: null,
    nullable: true,
    sensitive: true,
  },
  log_file: {
    doc: 'Log file (JSON lines) in addition to stdout; empty = stdout only.',
    reload: 'restart', format: 'wan-optional-path',
    default: '/var/log/wan-failover/wan-failover.log',
    nullable: true,
  },
  log_level: { doc: 'DEBUG, INFO, WARNING, ERROR, CRITICAL (case-insensitive) or a pino level.', reload: 'live', format: 'wan-log-level', default: 'INFO' },
  route_metric: {
    doc: 'Metric of the default route the daemon owns in the main table.',
    reload: 'restart', format: 'wan-metric',
    default: 0,
  },
  route_protocol: {
    doc: 'rtnetlink protocol number tagging the daemon routes and rules, so it only touches its own.',
    reload: 'restart', format: 'wan-protocol',
    default: 201,
  },
  route_table_base: {
    doc: 'Link i (0-based, preference order) uses table route_table_base + i unless it sets table.',
    reload: 'restart', format: 'wan-table-base',
    default: 1000,
  },
  rule_priority: {
    doc: 'Priority of the "oif <interface> lookup <table>" policy rules.',
    reload: 'restart', format: 'wan-rule-priority',
    default: 1000,
  },
  policy_rule_priority: {
    doc: 'FIB priority of the first policy rule of rules: (the rules follow in config order, each looking up the table of its own number); above rule_priority, below 32766 (main).',
    reload: 'live', format: 'wan-rule-priority',
    default: 2000,
  },
  reply_routing: {
    doc: 'For every global address of every link, a rule "from <address> lookup <that link\'s table>": what the router answers from a link\'s address leaves by that link (issue 22).',
    reload: 'live', format: 'wan-boolean',
    default: true,
  },
  rp_filter_loose: {
    doc: 'Set rp_filter to loose (2) on the WAN interfaces so replies on a standby link are not dropped.',
    reload: 'restart', format: 'wan-boolean',
    default: true,
  },
  route_metric6: {
    doc: 'Metric of the IPv6 default route the daemon owns in the main table: 1-1023, below the kernel\'s router-advertised routes (1024).',
    reload: 'restart', format: 'wan-metric6',
    default: ROUTE_METRIC6_DEFAULT,
  },
  ipv6_set_accept_ra: {
    doc: 'Set accept_ra to 2 on a WAN whose IPv6 forwarding is on (the kernel then still takes its router advertisements); false = only warn.',
    reload: 'restart', format: 'wan-boolean',
    default: false,
  },
  conntrack_flush: {
    doc: 'on_switch: when the default route leaves a link, delete the conntrack entries NATed to it so their flows re-NAT on the new link; never: leave them. A link may set its own.',
    reload: 'live', format: 'wan-conntrack-flush',
    default: 'on_switch',
  },
  metrics_public: {
    doc: 'Serve GET /metrics (Prometheus) without the API key; other endpoints still need it.',
    reload: 'restart', format: 'wan-boolean',
    default: false,
  },
  hooks: {
    doc: 'Programs run on events: a list of paths or {path, args?, events?, timeout?} (see src/config/notify.ts).',
    reload: 'restart', format: 'wan-notify-list',
    default: null,
    nullable: true,
  },
  webhooks: {
    doc: 'HTTP endpoints POSTed a JSON event: a list of {url, headers?, events?, timeout?, retries?}.',
    reload: 'restart', format: 'wan-notify-list',
    default: null,
    nullable: true,
  },
};

/** Keys allowed inside one links[] entry (the same as in primary/secondary); links.ts checks them. */
export const LINK_ENTRY_KEYS: readonly string[] = ['name', 'interface', 'display_name', 'gateway', 'table', 'conntrack_flush', 'gateway6', 'tier', 'weight', 'metered', 'dns'];

/** Dotted paths of all leaves, e.g. "primary.interface", "ping_timeout". */
export function leafPaths(tree: SchemaTree = SCHEMA, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, node] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isSchemaLeaf(node)) out.push(path);
    else out.push(...leafPaths(node, path));
  }
  return out;
}
