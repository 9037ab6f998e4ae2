// JSON schemas of every request body and response of the API. Fastify validates bodies and
// serialises responses with them (unknown keys never leak out), and openapi.ts publishes them.
import { ERRORS } from '../errors.js';

const nullableString = { type: ['string', 'null'] } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const isoTime = { type: ['string', 'null'], format: 'date-time' } as const;

export const errorBodySchema = {
  type: 'object',
  description: 'Every error: never a stack trace.',
  required: ['success', 'error', 'code'],
  properties: {
    success: { type: 'boolean', enum: [false] },
    error: { type: 'string', description: 'Human-readable message.' },
    code: { type: 'string', enum: Object.keys(ERRORS), description: 'Stable WAN_ERR_* code.' },
    valid: { type: 'array', items: { type: 'string' }, description: 'Valid link names (unknown target).' },
    command: { type: 'integer', description: 'WAN_ERR_SUPERSEDED: the number of the command that did not run (a done command\'s number is in its X-Wan-Command header).' },
    superseded_by: {
      type: 'object',
      description: 'WAN_ERR_SUPERSEDED: the later command that won (it runs; the route ends where it asks).',
      properties: {
        command: { type: 'integer' },
        kind: { type: 'string', enum: ['switch', 'auto', 'failover'], description: 'failover: the policy moved the route while the switch went in.' },
        target: { type: ['string', 'null'] },
        family: { type: 'string', enum: ['ipv4', 'ipv6', 'both'] },
        force: { type: 'boolean' },
        enabled: { type: 'boolean' },
        source: { type: 'string', enum: ['api', 'wanctl', 'mqtt'] },
      },
    },
  },
} as const;

const targetSchema = {
  type: 'object',
  required: ['target', 'up', 'rtt_ms', 'loss_pct'],
  properties: {
    target: { type: 'string' },
    up: { type: ['boolean', 'null'] },
    rtt_ms: nullableNumber,
    loss_pct: nullableNumber,
    // Continuous probing (probe_interval) only: figures over the window and the target's own verdict.
    jitter_ms: { ...nullableNumber, description: 'Mean |RTT difference| of consecutive replies over the window (continuous probing).' },
    state: { type: ['string', 'null'], enum: ['up', 'degraded', 'down', 'dead', 'unknown', null],
      description: 'The target\'s quality verdict; dead = silent while the other targets answer, ignored for health.' },
    reason: { ...nullableString, description: 'Which threshold holds the state.' },
    method: { type: 'string', enum: ['icmp', 'tcp', 'dns', 'http', 'https'], description: 'How the target is probed (ping_targets: an address = icmp, else the URI scheme).' },
    last_error: { ...nullableString, description: 'Why the target\'s last probe failed: "timeout", "refused", an errno, "NXDOMAIN", "HTTP 302", "TLS <code>"; null when it answered.' },
  },
} as const;

const trafficSchema = {
  type: 'object',
  required: ['rx_mbps', 'tx_mbps', 'rx_mbps_avg', 'tx_mbps_avg'],
  properties: {
    rx_mbps: { type: 'number' },
    tx_mbps: { type: 'number' },
    rx_mbps_avg: { type: 'number', description: 'Rolling ~60 s average.' },
    tx_mbps_avg: { type: 'number', description: 'Rolling ~60 s average.' },
  },
} as const;

const linkProperties = {
  name: { type: 'string' },
  display_name: { type: 'string' },
  interface: { type: 'string' },
  gateway: nullableString,
  gateway_ip: { ...nullableString, description: 'Same as gateway (seed compatibility).' },
  healthy: { type: 'boolean', description: 'Internet reachable through this link; drives failover.' },
  gateway_reachable: { type: 'boolean', description: 'Gateway answers ping; diagnostic only.' },
  consecutive_failures: { type: 'integer' },
  consecutive_successes: { type: 'integer' },
  last_check: isoTime,
  traffic: trafficSchema,
  carrier: { type: ['boolean', 'null'] },
  state: { type: 'string', enum: ['up', 'degraded', 'down', 'unknown'], description: 'degraded: up, but the quality thresholds say poor (quality:).' },
  active: { type: 'boolean' },
  rtt_ms: nullableNumber,
  loss_pct: nullableNumber,
  gateway_source: { type: ['string', 'null'], enum: ['netlink', 'state_file', 'config', null] },
  targets: { type: 'array', items: targetSchema },
  gateway_stats: { ...targetSchema, type: ['object', 'null'] },
} as const;

/** Optional per-link keys (not in `required`). */
const optionalLinkProperties = {
  ipv6: {
    type: 'object',
    description: 'IPv6 of this link, judged on its own IPv6 targets (absent when no IPv6 target is configured).',
    properties: {
      gateway: nullableString,
      gateway_source: { type: ['string', 'null'], enum: ['netlink', 'state_file', 'config', null] },
      healthy: { type: 'boolean' },
      state: { type: 'string', enum: ['up', 'degraded', 'down', 'unknown'] },
      gateway_reachable: { type: 'boolean' },
      active: { type: 'boolean' },
      rtt_ms: nullableNumber,
      loss_pct: nullableNumber,
      targets: { type: 'array', items: targetSchema },
      carrying: { type: 'boolean', description: 'The kernel\'s IPv6 default route carries over this link.' },
      share: { type: 'number', description: 'This link\'s share of new IPv6 flows (0-1).' },
    },
  },
  tier: { type: 'integer', description: 'Tier of the link (1 = most preferred); default its position (pure failover).' },
  weight: { type: 'integer', description: 'Weight of the link inside its tier (1-255); default 1.' },
  carrying: { type: 'boolean', description: 'The kernel\'s IPv4 default route carries over this link (installed, not intended).' },
  share: { type: 'number', description: 'This link\'s share of new IPv4 flows (0-1): its fraction of the nexthop group\'s buckets (balancing), else its weight\'s share.' },
  dns: { type: 'array', items: { type: 'string' }, description: 'DNS servers of this link in use (static dns, else its DHCP leases\'), each reached only through this link; absent when it has none.' },
  dns_source: { type: 'string', enum: ['static', 'dhcp'], description: 'Where dns comes from: the link\'s static dns (wins) or the dhclient hook\'s state files.' },
  conntrack: {
    type: 'object',
    description: 'Conntrack entries NATed to this link, flushed when the default route left it (conntrack_flush); absent before the first flush.',
    required: ['entries', 'flushes', 'last_flush'],
    properties: { entries: { type: 'integer' }, flushes: { type: 'integer' }, last_flush: isoTime },
  },
  // Link quality (probe_interval / quality:): null without it.
  jitter_ms: { ...nullableNumber, description: 'Jitter over the window (continuous probing).' },
  state_reason: { ...nullableString, description: 'Why the link is in its state: which rule or threshold.' },
  // Metered links (metered:, issue 24); absent for an unmetered link.
  usage_mb: { type: 'number', description: 'Metered link: RX + TX in the billing period, MB (10^6 bytes).' },
  cap_mb: { ...nullableNumber, description: 'Metered link: data_cap_mb; null without a cap.' },
  cap_pct: { ...nullableNumber, description: 'Metered link: percent of the cap used; null without a cap.' },
  period_start: { ...isoTime, description: 'Metered link: start of the billing period (null before the link was first seen).' },
  probing: { type: 'string', description: 'Metered link: "standby, probed every N s" or "normal rate".' },
  last_resort: { ...nullableString, description: 'Metered link: why it carries traffic only while every other link is down (cap reached); null otherwise.' },
  quality: {
    type: ['object', 'null'],
    description: 'The quality verdict over the window (quality: section), independent of the round rule.',
    properties: {
      state: { type: 'string', enum: ['up', 'degraded', 'down', 'unknown'] },
      reason: nullableString,
      window_s: { type: 'number' },
      samples: { type: 'integer', description: 'Resolved probes in the window.' },
    },
  },
} as const;

export const linkSchema = {
  type: 'object',
  required: Object.keys(linkProperties),
  properties: { ...linkProperties, ...optionalLinkProperties },
} as const;

const nullableLinkSchema = { ...linkSchema, type: ['object', 'null'] } as const;

const eventSchema = {
  type: 'object',
  required: ['time', 'type', 'message', 'link'],
  properties: {
    time: { type: 'string', format: 'date-time' },
    type: { type: 'string' },
    message: { type: 'string' },
    link: nullableString,
  },
} as const;

const statusProperties = {
  active_link: nullableString,
  active_display_name: nullableString,
  active_interface: nullableString,
  active_gateway: nullableString,
  auto_enabled: { type: 'boolean' },
  manual_hold: { ...nullableString, description: 'Link held by a manual switch.' },
  all_down: { type: 'boolean' },
  primary: { ...nullableLinkSchema, description: 'links[0] (seed compatibility).' },
  secondary: { ...nullableLinkSchema, description: 'links[1] (seed compatibility).' },
  links: { type: 'array', items: linkSchema, description: 'Every link, in preference order.' },
  switch_count: { type: 'integer' },
  last_switch: isoTime,
  uptime_seconds: { type: 'integer' },
  recent_events: { type: 'array', items: eventSchema, description: 'Last 20 events, oldest first.' },
} as const;

/** Optional top-level keys (not in `required`): present only when IPv6 is managed (rules: only with a rules: section). */
const optionalStatusProperties = {
  active_link_ipv6: { ...nullableString, description: 'Link of the IPv6 default route (absent without IPv6 targets).' },
  active_interface_ipv6: nullableString,
  manual_hold_ipv6: { ...nullableString, description: 'Link the IPv6 default route is held on by a manual switch (family ipv6 or both); manual_hold is IPv4\'s.' },
  rules: {
    type: 'array', description: 'Policy rules (rules:, issue 22) in config order: the link carrying each one\'s traffic (absent without rules).',
    items: {
      type: 'object', required: ['name', 'family', 'link', 'state'],
      properties: {
        name: { type: 'string' },
        family: { type: 'string', enum: ['ipv4', 'ipv6'], description: 'The family of link and state (IPv4 unless the rule is IPv6 only); ipv6 tells IPv6\'s for a rule of both.' },
        link: { ...nullableString, description: 'The carrying link; fallback without a link of its own: the main route\'s; null: blackhole.' },
        state: { type: 'string', enum: ['preferred', 'fallback', 'blackhole'] },
        ipv6: { type: 'object', required: ['link', 'state'], properties: {
          link: nullableString, state: { type: 'string', enum: ['preferred', 'fallback', 'blackhole'] } } },
      },
    },
  },
} as const;

export const statusResponseSchema = {
  type: 'object',
  required: Object.keys(statusProperties),
  properties: { ...statusProperties, ...optionalStatusProperties },
} as const;

export const healthResponseSchema = {
  type: 'object',
  required: ['status', 'active_link', 'all_down', 'uptime_seconds'],
  properties: {
    status: { type: 'string', enum: ['ok'] },
    active_link: nullableString,
    all_down: { type: 'boolean' },
    uptime_seconds: { type: 'integer' },
  },
} as const;

export const switchBodySchema = {
  type: 'object',
  required: ['target'],
  properties: {
    target: { type: 'string', minLength: 1, maxLength: 64, description: 'Link name, e.g. "secondary".' },
    force: { type: 'boolean', description: 'Switch even if the link is judged down.' },
    family: {
      // No `default` keyword: ajv would write it into the body; the engine applies the default.
      type: 'string', enum: ['ipv4', 'ipv6', 'both'],
      description: 'Address family to move (issue 12). "both" (the default, and all an old client gets): '
        + 'IPv4 decides errors and the answer; IPv6 follows when it can (see ipv6_result). "ipv6" needs IPv6 ping_targets.',
    },
  },
} as const;

export const switchResponseSchema = {
  type: 'object',
  required: ['success', 'active'],
  properties: {
    success: { type: 'boolean', enum: [true] },
    active: { type: 'string', description: 'The link switched to (or already on), for the family asked: IPv4 for "both"/"ipv4", IPv6 for "ipv6".' },
    message: { type: 'string', description: 'Present when the link was already active ("Already on <name>", with " (IPv6)" for family "ipv6").' },
    // Additive, only when IPv6 is managed (IPv6 ping_targets): an IPv4-only daemon answers as the seed did.
    active_ipv6: { ...nullableString, description: 'Link of the IPv6 default route after the request.' },
    ipv6_result: {
      type: 'string', enum: ['switched', 'already_active', 'not_moved'],
      description: 'What the request did to IPv6 (absent for family "ipv4"); not_moved: IPv4 switched, IPv6 stayed (see ipv6_reason).',
    },
    ipv6_reason: { type: 'string', description: 'Why IPv6 did not follow a "both" switch.' },
  },
} as const;

export const autoBodySchema = {
  type: 'object',
  required: ['enabled'],
  properties: { enabled: { type: 'boolean' } },
} as const;

export const autoResponseSchema = {
  type: 'object',
  required: ['success', 'auto_enabled'],
  properties: { success: { type: 'boolean', enum: [true] }, auto_enabled: { type: 'boolean' } },
} as const;

export const openApiResponseSchema = { type: 'object', additionalProperties: true } as const;

/** Error bodies for every route: the error handler's replies are serialised with this too. */
export const errorResponses = { '4xx': errorBodySchema, '5xx': errorBodySchema } as const;
