// JSON schemas of GET /api/history and /api/events (validation, serialisation and the OpenAPI
// document share them, as schemas.ts does for the seed's endpoints).
const num = { type: ['number', 'null'] } as const;

export const historyQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    link: { type: 'string', minLength: 1, maxLength: 64, description: 'One link (default: every link).' },
    family: { type: 'string', enum: ['ipv4', 'ipv6'], description: 'Address family (default ipv4).' },
    since: { type: 'string', maxLength: 40, description: 'ISO-8601 start (default: 1 h ago at step 1, 7 d ago at step 60).' },
    step: { type: 'string', enum: ['1', '60'], description: 'Seconds per point: 1 (last hour) or 60 (last 7 days); default 1.' },
    api_key: { type: 'string', description: 'The seed\'s key parameter (prefer the bearer header).' },
  },
} as const;

export const historyPointSchema = {
  type: 'object',
  required: ['time', 'rtt_ms', 'loss_pct', 'jitter_ms', 'state', 'share', 'rx_mbps', 'tx_mbps'],
  properties: {
    time: { type: 'string', description: 'Start of the step, ISO-8601.' },
    rtt_ms: num, loss_pct: num, jitter_ms: num,
    state: { type: 'string', enum: ['up', 'degraded', 'down', 'unknown'], description: 'The worst state of the step.' },
    share: { type: 'number', description: 'Fraction of the family\'s traffic the link carried (1/0: the active link).' },
    rx_mbps: num, tx_mbps: num,
  },
} as const;

export const historyResponseSchema = {
  type: 'object',
  required: ['step_s', 'family', 'links'],
  properties: {
    step_s: { type: 'integer', enum: [1, 60] },
    family: { type: 'string', enum: ['ipv4', 'ipv6'] },
    links: { type: 'object', additionalProperties: { type: 'array', items: historyPointSchema } },
  },
} as const;

export const eventsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since: { type: 'string', maxLength: 40, description: 'ISO-8601 start (default: every kept event).' },
    api_key: { type: 'string', description: 'The seed\'s key parameter (prefer the bearer header).' },
  },
} as const;

export const historyEventSchema = {
  type: 'object',
  required: ['time', 'kind', 'link', 'family', 'message', 'figures'],
  properties: {
    time: { type: 'string' },
    kind: { type: 'string', enum: ['switch', 'state', 'carrier', 'all-down', 'auto', 'switch-failed'] },
    link: { type: ['string', 'null'] },
    family: { type: ['string', 'null'], enum: ['ipv4', 'ipv6', null] },
    message: { type: 'string', description: 'Why, with the figures that decided it.' },
    figures: { type: 'object', additionalProperties: true },
  },
} as const;

export const eventsResponseSchema = {
  type: 'object',
  required: ['events'],
  properties: { events: { type: 'array', items: historyEventSchema } },
} as const;
