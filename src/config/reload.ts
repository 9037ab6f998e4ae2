// PURE: what a SIGHUP does with a new config, computed once, here. The schema says per key whether
// SIGHUP applies it in place or needs a restart (schema.ts, `reload`); this module maps each Config
// field to its key, diffs the running config against the new one, and returns the config the
// daemon runs on from now on: the live keys' new values, the restart keys' running ones. It also
// refuses a reload that would lose what the router runs on (issue 19, defect 7): a half-written
// file parses as all defaults, and those defaults would drop the API key, the links and the targets.
import { apiKeyProblem } from '../api/api-key.js';
import { WanError } from '../errors.js';
import { BALANCE_DEFAULTS, linkPlaces } from './balance.js';
import { SCHEMA, isSchemaLeaf, type ReloadMode, type SchemaLeaf, type SchemaTree } from './schema.js';
import type { Config } from './types.js';

/** The file key (schema or section) each Config field comes from; a new field must name its key. */
const FIELD_KEY: Readonly<Record<keyof Config, string>> = {
  links: 'links', pingTargets: 'ping_targets', pingTargets6: 'ping_targets', pingTimeoutMs: 'ping_timeout',
  pingCount: 'ping_count', checkIntervalMs: 'check_interval', failureThreshold: 'failure_threshold',
  recoveryThreshold: 'recovery_threshold', minSecondaryTimeMs: 'min_secondary_time', minTargetsUp: 'min_targets_up',
  statsWindow: 'stats_window', gatewayStateDir: 'gateway_state_dir', apiHost: 'api_host', apiPort: 'api_port',
  apiKey: 'api_key', logFile: 'log_file', logLevel: 'log_level', routeMetric: 'route_metric',
  routeProtocol: 'route_protocol', rulePriority: 'rule_priority', rpFilterLoose: 'rp_filter_loose',
  routeMetric6: 'route_metric6', ipv6SetAcceptRa: 'ipv6_set_accept_ra', conntrackFlush: 'conntrack_flush',
  metricsPublic: 'metrics_public', hooks: 'hooks', webhooks: 'webhooks', sourcePath: '(file)', mqtt: 'mqtt',
  probeIntervalMs: 'probe_interval', quality: 'quality', stateDir: 'state_dir', vrrp: 'vrrp', probeTargets: 'ping_targets', balance: 'balance',
  policyRules: 'rules', policyRulePriority: 'policy_rule_priority', replyRouting: 'reply_routing', dns: 'dns',
};

/**
 * The sections checked outside the convict schema (mqtt.ts, quality.ts, vrrp.ts) and the file path. The
 * MQTT client and the VRRP track-file extension are built once at start; the quality thresholds go to
 * the probers in place.
 */
const SECTION_RELOAD: Readonly<Record<string, ReloadMode>> = { mqtt: 'restart', quality: 'live', vrrp: 'restart', balance: 'live', rules: 'live', dns: 'live', '(file)': 'live' };

/** For 'live-same-mode' fields: the mode whose change needs a restart. */
const MODE: Partial<Record<keyof Config, (v: unknown) => unknown>> = {
  // Cycles vs continuous probing: another prober per link.
  probeIntervalMs: (v) => v === null || v === undefined,
  // IPv6 managed or not: the daemon's families (and their policies and probers) are fixed at start.
  pingTargets6: (v) => Array.isArray(v) && v.length > 0,
};

interface PartialReload { value: unknown; live: string[]; restart: string[] }

/**
 * Fields whose parts reload differently (issue 21). A link's `tier` and `weight` apply in place (the
 * group is replaced, moving only what must move), and so does its `dns` (the `to` rules and the
 * resolv file follow, issue 22); any other change of the links needs a restart.
 * `balance.buckets` needs a restart (the kernel keeps a resilient group's bucket count); the
 * balance timers apply in place.
 */
const PARTIAL: Partial<Record<keyof Config, (before: unknown, after: unknown) => PartialReload>> = {
  links: (before, after) => {
    const placeless = (v: unknown): string => JSON.stringify((v as Config['links']).map(({ tier: _t, weight: _w, dns: _d, ...rest }) => rest));
    return placeless(before) === placeless(after) ? { value: after, live: ['links'], restart: [] } : { value: before, live: [], restart: ['links'] };
  },
  balance: (before, after) => {
    const b = (before as Config['balance']) ?? BALANCE_DEFAULTS;
    const a = (after as Config['balance']) ?? BALANCE_DEFAULTS;
    return a.buckets === b.buckets ? { value: after, live: ['balance'], restart: [] }
      : { value: { ...a, buckets: b.buckets }, live: ['balance'], restart: ['balance.buckets'] };
  },
};

const STRICTNESS: readonly ReloadMode[] = ['live', 'live-same-mode', 'restart'];

/** A section's mode is its strictest leaf's (primary/secondary: restart). */
function treeMode(node: SchemaLeaf | SchemaTree): ReloadMode {
  if (isSchemaLeaf(node)) return node.reload;
  return Object.values(node).map(treeMode).reduce((a, b) => (STRICTNESS.indexOf(b) > STRICTNESS.indexOf(a) ? b : a), 'live');
}

/** The reload mode of a file key, from the schema. */
export function reloadMode(key: string): ReloadMode {
  const node: SchemaLeaf | SchemaTree | undefined = SCHEMA[key];
  if (node !== undefined) return treeMode(node);
  const section = SECTION_RELOAD[key];
  if (section !== undefined) return section;
  throw new Error(`config field without a reload mode: ${key}`);
}

export interface ReloadPlan {
  /** The config to run on now: the new live values, the running restart-only ones. */
  applied: Config;
  /** File keys whose new value is applied in place. */
  changed: string[];
  /** File keys whose new value waits for a restart (the running one stays). */
  needRestart: string[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Why this reload would make the router worse in a way a reload must not, or null. A file that
 * drops the API key, every link or every target is almost always a truncated or half-written one;
 * at start the same file means the original's defaults (drop-in), a restart applies it on purpose.
 */
export function reloadRefusal(running: Config, next: Config): string | null {
  if (apiKeyProblem(running.apiKey) === null && apiKeyProblem(next.apiKey) !== null) {
    return `it would remove the API key (${apiKeyProblem(next.apiKey)!.message}) and turn the REST API off`;
  }
  const ifaces = new Set(next.links.map((l) => l.interface));
  if (!running.links.some((l) => ifaces.has(l.interface))) {
    return `it would remove every link (${running.links.map((l) => l.interface).join(', ')} -> ${next.links.map((l) => l.interface).join(', ')})`;
  }
  const targets = new Set([...next.pingTargets, ...(next.pingTargets6 ?? [])]);
  const had = [...running.pingTargets, ...(running.pingTargets6 ?? [])];
  if (had.length > 0 && !had.some((t) => targets.has(t))) {
    return `it would remove every ping target (${had.join(', ')} -> ${[...targets].join(', ') || 'none'})`;
  }
  return null;
}

/** The one diff of two configs. Throws WAN_ERR_CONFIG (nothing applied) when reloadRefusal says no. */
export function planReload(running: Config, next: Config): ReloadPlan {
  const refusal = reloadRefusal(running, next);
  if (refusal !== null) {
    throw new WanError('WAN_ERR_CONFIG', `${next.sourcePath}: reload refused: ${refusal}; a half-written file? `
      + 'The running configuration is kept; restart the daemon to apply such a file on purpose', { file: next.sourcePath, refusal });
  }
  const applied: Record<string, unknown> = { ...next };
  const changed = new Set<string>();
  const needRestart = new Set<string>();
  for (const field of Object.keys(FIELD_KEY) as (keyof Config)[]) {
    const before = running[field];
    const after = next[field];
    if (same(before, after)) continue;
    const partial = PARTIAL[field];
    if (partial !== undefined) {
      const r = partial(before, after);
      applied[field] = r.value;
      r.live.forEach((k) => changed.add(k));
      r.restart.forEach((k) => needRestart.add(k));
      continue;
    }
    const key = FIELD_KEY[field];
    const mode = reloadMode(key);
    const modeOf = MODE[field];
    const live = mode === 'live' || (mode === 'live-same-mode' && (modeOf === undefined || modeOf(before) === modeOf(after)));
    if (live) {
      changed.add(key);
    } else {
      needRestart.add(key);
      if (before === undefined) delete applied[field];
      else applied[field] = before;
    }
  }
  // Rules naming a link (or tier) that only the restart brings wait for it too (issue 22).
  const links = applied['links'] as Config['links'];
  const rules = applied['policyRules'] as Config['policyRules'];
  if (changed.has('rules') && rules && !rulesFit(rules, links)) {
    changed.delete('rules');
    needRestart.add('rules');
    if (running.policyRules === undefined) delete applied['policyRules'];
    else applied['policyRules'] = running.policyRules;
  }
  return { applied: applied as unknown as Config, changed: [...changed], needRestart: [...needRestart] };
}

function rulesFit(rules: NonNullable<Config['policyRules']>, links: Config['links']): boolean {
  const names = new Set(links.map((l) => l.name));
  const tiers = new Set(linkPlaces(links).map((p) => p.tier));
  return rules.every((r) => (r.links.kind === 'ordered' ? r.links.names.every((n) => names.has(n)) : tiers.has(r.links.tier)));
}
