// Pure: the optional `mqtt:` section (Home Assistant over MQTT, see src/mqtt/). convict cannot hold a
// mapping inside one leaf (its overlay walks into it and throws), so load.ts takes the section out of
// the convict pass and this module checks it key by key, reporting problems like the schema does.
import { checkBoolean, checkPath, type Check } from './formats.js';
import { UNKNOWN_KEY, type ConfigProblem, isMapping } from './problems.js';
import type { MqttConfig } from './types.js';

export const MQTT_SECTION = 'mqtt';

/** Every key of the section and what it means (config.example.yaml and README say the same). */
export const MQTT_KEYS: Readonly<Record<string, string>> = {
  url: 'Broker URL, mqtt://host[:1883] or mqtts://host[:8883] (TLS). Required when the section is present.',
  ca: 'mqtts only: PEM file of the CA that signed the broker certificate (default: the system CAs).',
  cert: 'mqtts only: PEM client certificate (with key) for brokers that require one.',
  key: 'mqtts only: PEM private key of cert.',
  username: 'Broker user name.',
  password: 'Broker password (needs username); never logged.',
  client_id: 'MQTT client id; default wan-failover-<hostname>. Also names the Home Assistant device (node id).',
  base_topic: 'Topic prefix of the state and command topics (default wan-failover); one per daemon on a shared broker.',
  discovery_prefix: "Home Assistant's discovery prefix (default homeassistant).",
  discovery: 'Publish Home Assistant discovery configs (default true); false = state and command topics only.',
};

/** Defaults of the optional keys. */
export const MQTT_DEFAULTS = { baseTopic: 'wan-failover', discoveryPrefix: 'homeassistant', discovery: true } as const;

/** Values of these keys never appear in a problem (they would reach the log). */
const SECRET_KEYS: ReadonlySet<string> = new Set(['password']);
const REDACTED = '[REDACTED]';


/** mqtt:// or mqtts://, a host, an optional port, nothing else (credentials go in their own keys). */
export const checkMqttUrl: Check = (v) => {
  const expected = 'a broker URL mqtt://host[:port] or mqtts://host[:port] (no user, password or path)';
  if (typeof v !== 'string' || v.trim() === '') return expected;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return expected;
  }
  if (u.protocol !== 'mqtt:' && u.protocol !== 'mqtts:') return expected;
  if (u.hostname === '' || u.username !== '' || u.password !== '') return expected;
  if ((u.pathname !== '' && u.pathname !== '/') || u.search !== '' || u.hash !== '') return expected;
  return null;
};

/**
 * A topic prefix we publish under: MQTT 3.1.1 section 4.7 forbids the wildcards `+` and `#` in a
 * topic name; empty levels and a leading `$` (broker-reserved, 4.7.2) would make topics nobody expects.
 */
export const checkTopicPrefix: Check = (v) => {
  const expected = 'a topic prefix (levels separated by "/", no "+", "#", empty level or leading "$"; at most 128 characters)';
  if (typeof v !== 'string' || v.length === 0 || v.length > 128) return expected;
  if (/[+#\u0000]/.test(v) || v.startsWith('$') || v.split('/').some((level) => level === '')) return expected;
  return null;
};

/** Printable, no whitespace: brokers and their logs handle it; MQTT 5 allows up to 65535 bytes, we keep it short. */
export const checkClientId: Check = (v) =>
  typeof v === 'string' && /^[\x21-\x7e]{1,64}$/.test(v) ? null : 'a client id of 1-64 printable characters without spaces';

/** YAML reads `password: 123456` as a number; take it as the text the user wrote. */
const credential = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null);

export interface MqttResult {
  mqtt: MqttConfig | null;
  problems: ConfigProblem[];
}

/** `section` is the raw value of `mqtt:` (undefined when absent). Absent or empty = MQTT off. */
export function buildMqtt(section: unknown): MqttResult {
  if (section === undefined || section === null) return { mqtt: null, problems: [] };
  if (!isMapping(section)) {
    return { mqtt: null, problems: [{ key: MQTT_SECTION, value: section, expected: 'a mapping {url, username?, password?, client_id?, base_topic?, discovery_prefix?, discovery?, ca?, cert?, key?}' }] };
  }
  const problems: ConfigProblem[] = [];
  const problem = (key: string, expected: string): void => {
    problems.push({ key: `${MQTT_SECTION}.${key}`, value: SECRET_KEYS.has(key) ? REDACTED : section[key], expected,
      ...(expected === UNKNOWN_KEY ? { known: Object.keys(MQTT_KEYS) } : {}) });
  };
  for (const key of Object.keys(section)) if (!(key in MQTT_KEYS)) problem(key, UNKNOWN_KEY);
  const given = (key: string): boolean => section[key] !== undefined && section[key] !== null;
  const check = (key: string, fn: Check): void => {
    if (!given(key)) return;
    const expected = fn(section[key]);
    if (expected !== null) problem(key, expected);
  };

  if (!given('url')) problem('url', 'a broker URL mqtt://host[:port] or mqtts://host[:port] (required in the mqtt section)');
  else check('url', checkMqttUrl);
  for (const key of ['ca', 'cert', 'key']) check(key, checkPath);
  check('client_id', checkClientId);
  check('base_topic', checkTopicPrefix);
  check('discovery_prefix', checkTopicPrefix);
  check('discovery', checkBoolean);
  for (const key of ['username', 'password']) {
    if (given(key) && credential(section[key]) === null) problem(key, 'a non-empty string');
  }
  const tls = typeof section['url'] === 'string' && section['url'].startsWith('mqtts:');
  for (const key of ['ca', 'cert', 'key']) {
    if (given(key) && !tls) problem(key, 'only with an mqtts:// url (TLS)');
  }
  if (given('cert') !== given('key')) problem(given('cert') ? 'key' : 'cert', 'cert and key together (a client certificate needs its key)');
  // MQTT 3.1.1 section 3.1.2.9: a password without a user name is a protocol violation.
  if (given('password') && !given('username')) problem('username', 'a user name when password is set');
  // An unknown key alone is a warning (load.ts): the section still works.
  if (problems.some((p) => p.expected !== UNKNOWN_KEY)) return { mqtt: null, problems };

  const str = (key: string): string | null => (typeof section[key] === 'string' ? (section[key] as string) : null);
  return {
    mqtt: {
      url: section['url'] as string,
      ca: str('ca'),
      cert: str('cert'),
      key: str('key'),
      username: credential(section['username']),
      password: credential(section['password']),
      clientId: str('client_id'),
      baseTopic: str('base_topic') ?? MQTT_DEFAULTS.baseTopic,
      discoveryPrefix: str('discovery_prefix') ?? MQTT_DEFAULTS.discoveryPrefix,
      discovery: typeof section['discovery'] === 'boolean' ? section['discovery'] : MQTT_DEFAULTS.discovery,
    },
    problems,
  };
}
