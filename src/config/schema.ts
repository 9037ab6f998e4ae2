// The convict schema: every key the config file may hold, its default and its meaning.
// Keys and defaults follow the seed's config.yaml; formats are names from formats.ts.

export interface SchemaLeaf {
  doc: string;
  format: string;
  default: unknown;
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
    name: { doc: `Stable id of the ${role} link (API target, logs).`, format: 'wan-link-name', default: name },
    interface: { doc: `Network interface of the ${role} WAN.`, format: 'wan-ifname', default: iface },
    display_name: {
      doc: `Friendly label of the ${role} link (logs, API); falls back to name.`,
      format: 'wan-display-name',
      default: null,
      nullable: true,
    },
    gateway: {
      doc: `Static IPv4 gateway of the ${role} link; empty = discover it (netlink, dhclient state file).`,
      format: 'wan-ipv4',
      default: null,
      nullable: true,
    },
    table: {
      doc: `Routing table holding the ${role} link's own default route; empty = route_table_base + position.`,
      format: 'wan-table',
      default: null,
      nullable: true,
    },
    gateway6: {
      doc: `Static IPv6 gateway of the ${role} link (link-local is fine); empty = learn it from the kernel's IPv6 default routes (router advertisements).`,
      format: 'wan-ipv6-gateway',
      default: null,
      nullable: true,
    },
    conntrack_flush: {
      doc: `on_switch or never for flows NATed to the ${role} link when the default route leaves it; empty = the global conntrack_flush.`,
      format: 'wan-conntrack-flush',
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
    format: 'wan-link-list',
    default: null,
    nullable: true,
  },
  ping_targets: {
    doc: 'Hosts pinged through each link to judge internet reachability: IPv4 addresses judge IPv4, global IPv6 addresses judge IPv6 (each family on its own targets).',
    format: 'wan-target-list',
    default: ['8.8.8.8', '1.1.1.1', '9.9.9.9'],
  },
  ping_timeout: { doc: 'Seconds to wait for each echo reply.', format: 'wan-positive-seconds', default: 1.5 },
  ping_count: { doc: 'Echo requests per target per cycle.', format: 'wan-count', default: 1 },
  check_interval: { doc: 'Seconds between health check cycles.', format: 'wan-positive-seconds', default: 3.0 },
  failure_threshold: {
    doc: 'Consecutive failed cycles before a link is declared down.',
    format: 'wan-threshold',
    default: 3,
  },
  recovery_threshold: {
    doc: 'Consecutive good cycles before switching back to a more preferred link.',
    format: 'wan-threshold',
    default: 5,
  },
  min_secondary_time: {
    doc: 'Minimum seconds to stay on a backup link before returning to a preferred one.',
    format: 'wan-non-negative-seconds',
    default: 30.0,
  },
  min_targets_up: {
    doc: 'A cycle is good when at least this many targets answered.',
    format: 'wan-targets-up',
    default: 1,
  },
  probe_interval: {
    doc: 'Seconds between probes to one target, probed continuously (dpinger-style); empty = the original check cycles.',
    format: 'wan-probe-interval',
    default: null,
    nullable: true,
  },
  stats_window: { doc: 'Cycles kept for the rolling RTT and loss figures.', format: 'wan-stats-window', default: 20 },
  gateway_state_dir: {
    doc: 'Directory where the dhclient exit hook writes <interface>.json gateway files.',
    format: 'wan-path',
    default: '/var/lib/wan-failover',
  },
  state_dir: {
    doc: 'Directory where the daemon keeps its state across restarts (metered links\' usage).',
    format: 'wan-path',
    default: '/var/lib/wan-failover',
  },
  api_host: { doc: 'Address the REST API listens on.', format: 'wan-host', default: '0.0.0.0' },
  api_port: { doc: 'TCP port of the REST API.', format: 'wan-port', default: 8780 },
  api_key: {
    doc: 'Bearer token for the REST API; while it is unset, empty, the placeholder or short, the API answers 503 (failover runs).',
    format: 'wan-api-key',
    default: null,
    nullable: true,
    sensitive: true,
  },
  log_file: {
    doc: 'Log file (JSON lines) in addition to stdout; empty = stdout only.',
    format: 'wan-optional-path',
    default: '/var/log/wan-failover/wan-failover.log',
    nullable: true,
  },
  log_level: { doc: 'DEBUG, INFO, WARNING, ERROR, CRITICAL (case-insensitive) or a pino level.', format: 'wan-log-level', default: 'INFO' },
  route_metric: {
    doc: 'Metric of the default route the daemon owns in the main table.',
    format: 'wan-metric',
    default: 0,
  },
  route_protocol: {
    doc: 'rtnetlink protocol number tagging the daemon routes and rules, so it only touches its own.',
    format: 'wan-protocol',
    default: 201,
  },
  route_table_base: {
    doc: 'Link i (0-based, preference order) uses table route_table_base + i unless it sets table.',
    format: 'wan-table-base',
    default: 1000,
  },
  rule_priority: {
    doc: 'Priority of the "oif <interface> lookup <table>" policy rules.',
    format: 'wan-rule-priority',
    default: 1000,
  },
  rp_filter_loose: {
    doc: 'Set rp_filter to loose (2) on the WAN interfaces so replies on a standby link are not dropped.',
    format: 'wan-boolean',
    default: true,
  },
  route_metric6: {
    doc: 'Metric of the IPv6 default route the daemon owns in the main table: 1-1023, below the kernel\'s router-advertised routes (1024).',
    format: 'wan-metric6',
    default: 1,
  },
  ipv6_set_accept_ra: {
    doc: 'Set accept_ra to 2 on a WAN whose IPv6 forwarding is on (the kernel then still takes its router advertisements); false = only warn.',
    format: 'wan-boolean',
    default: false,
  },
  conntrack_flush: {
    doc: 'on_switch: when the default route leaves a link, delete the conntrack entries NATed to it so their flows re-NAT on the new link; never: leave them. A link may set its own.',
    format: 'wan-conntrack-flush',
    default: 'on_switch',
  },
  metrics_public: {
    doc: 'Serve GET /metrics (Prometheus) without the API key; other endpoints still need it.',
    format: 'wan-boolean',
    default: false,
  },
  hooks: {
    doc: 'Programs run on events: a list of paths or {path, args?, events?, timeout?} (see src/config/notify.ts).',
    format: 'wan-notify-list',
    default: null,
    nullable: true,
  },
  webhooks: {
    doc: 'HTTP endpoints POSTed a JSON event: a list of {url, headers?, events?, timeout?, retries?}.',
    format: 'wan-notify-list',
    default: null,
    nullable: true,
  },
};

/** Keys allowed inside one links[] entry (the same as in primary/secondary); links.ts checks them. */
export const LINK_ENTRY_KEYS: readonly string[] = ['name', 'interface', 'display_name', 'gateway', 'table', 'conntrack_flush', 'gateway6', 'metered'];

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
