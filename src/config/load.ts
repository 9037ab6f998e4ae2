// Entry point of src/config/: file -> YAML -> schema (convict) -> links and cross-key
// rules -> Config. Collects every problem and throws one WAN_ERR_CONFIG naming them all.
import { readFileSync } from 'node:fs';
import { applySchema } from './convict-adapter.js';
import { buildLinks, checkTargets } from './links.js';
import { toConfig } from './normalize.js';
import { buildMqtt, MQTT_SECTION } from './mqtt.js';
import { buildNotify } from './notify.js';
import { buildQuality, QUALITY_SECTION } from './quality.js';
import { FILE_KEY, configError, type ConfigProblem } from './problems.js';
import { crossKeyProblems } from './rules.js';
import { SCHEMA, isSchemaLeaf } from './schema.js';
import type { Config } from './types.js';
import { parseYaml } from './yaml-source.js';

export type { ConfigProblem } from './problems.js';

const LINK_SECTIONS = ['primary', 'secondary'] as const;

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function defaultTableBase(): number {
  const node = SCHEMA['route_table_base'];
  return node && isSchemaLeaf(node) ? (node.default as number) : 1000;
}

export function parseConfig(yamlText: string, sourcePath: string): Config {
  const parsed = parseYaml(yamlText);
  if (!parsed.ok) throw configError(sourcePath, parsed.problems);
  if (!isMapping(parsed.data)) {
    throw configError(sourcePath, [{ key: FILE_KEY, value: parsed.data, expected: 'not a YAML mapping of keys at the top level' }]);
  }
  const raw = parsed.data;
  const problems: ConfigProblem[] = [];

  // convict would silently replace a non-mapping link section; report it and let defaults stand in.
  const forSchema: Record<string, unknown> = { ...raw };
  for (const section of LINK_SECTIONS) {
    if (section in raw && !isMapping(raw[section])) {
      problems.push({ key: section, value: raw[section], expected: 'a mapping {name, interface, display_name?, gateway?, gateway6?, table?}' });
      delete forSchema[section];
    }
  }

  // A mapping inside a convict leaf crashes convict: the mqtt section is checked by mqtt.ts instead.
  delete forSchema[MQTT_SECTION];
  const mqtt = buildMqtt(raw[MQTT_SECTION]);
  problems.push(...mqtt.problems);

  delete forSchema[QUALITY_SECTION];

  const { values, problems: schemaProblems } = applySchema(forSchema);
  problems.push(...schemaProblems);
  const probeInterval = typeof values['probe_interval'] === 'number' && !schemaProblems.some((p) => p.key === 'probe_interval')
    ? values['probe_interval'] : null;
  const quality = buildQuality(raw[QUALITY_SECTION], probeInterval, raw['probe_interval'] !== undefined && raw['probe_interval'] !== null);
  problems.push(...quality.problems);
  problems.push(...checkTargets(values['ping_targets']));

  const badKeys = new Set(problems.map((p) => p.key.replace(/\[\d+\].*$/, '')));
  const base = badKeys.has('route_table_base') ? defaultTableBase() : (values['route_table_base'] as number);
  const { links, problems: linkProblems } = buildLinks(raw, values, base);
  problems.push(...linkProblems);
  problems.push(...crossKeyProblems(values, badKeys));
  problems.push(...buildNotify(values).problems);

  if (problems.length > 0) throw configError(sourcePath, problems);
  const config = toConfig(values, links, sourcePath, mqtt.mqtt);
  if (probeInterval !== null) config.probeIntervalMs = Math.round(probeInterval * 1000);
  if (quality.quality !== null) config.quality = quality.quality;
  return config;
}

export function loadConfig(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : 'cannot read file';
    throw configError(path, [{ key: FILE_KEY, value: undefined, expected: `cannot read config file: ${why} (${code})` }]);
  }
  return parseConfig(text, path);
}
