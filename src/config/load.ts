// Entry point of src/config/: file -> YAML -> schema (convict) -> links and cross-key
// rules -> Config. Problems a config cannot run with are collected and thrown as one
// WAN_ERR_CONFIG naming them all; what it can run with but should be told comes back as warnings.
import { readFileSync } from 'node:fs';
import { applySchema } from './convict-adapter.js';
import { unknownInterfaces, type HostInterfaces } from './host-interfaces.js';
import { buildLinks, checkTargets } from './links.js';
import { toConfig } from './normalize.js';
import { buildMqtt, MQTT_SECTION } from './mqtt.js';
import { checkFileMode } from './file-mode.js';
import { buildNotify } from './notify.js';
import { buildQuality, QUALITY_SECTION } from './quality.js';
import { METERED_KEY, meteredIntervalProblems, meteredWarnings } from './metered.js';
import { buildVrrp, VRRP_SECTION } from './vrrp.js';
import { buildDns, DNS_SECTION, LINK_DNS_KEY } from './dns.js';
import { BALANCE_SECTION, buildBalance } from './balance.js';
import { RULES_SECTION, buildPolicyRules, rulePlacementProblems, unmanagedRuleWarnings } from './policy-rules.js';
import { FILE_KEY, configError, type ConfigProblem, isMapping } from './problems.js';
import { insecureTargetWarnings } from './probe-target.js';
import { crossKeyProblems } from './rules.js';
import { SCHEMA, isSchemaLeaf } from './schema.js';
import type { Config } from './types.js';
import {
  apiKeyWarnings, defaultedInterfaceWarnings, defaultedKeys, isUnknownKey, logFileWarnings, missingInterfaceWarnings,
  timingWarnings, unknownKeyWarning, warningLine, type ConfigWarning, type DefaultedKey,
} from './warnings.js';
import { parseYaml } from './yaml-source.js';
import type { WanError } from '../errors.js';

export type { ConfigProblem } from './problems.js';
export type { ConfigWarning, DefaultedKey } from './warnings.js';

/** A config that runs, what the daemon made of it, and which original keys took their default. */
export interface ConfigReport {
  config: Config;
  warnings: ConfigWarning[];
  defaulted: DefaultedKey[];
}

export interface LoadOptions {
  /** Interfaces of this machine, to warn about missing ones; default: not judged. */
  interfaces?: HostInterfaces;
}

const LINK_SECTIONS = ['primary', 'secondary'] as const;


const hasLinkList = (raw: Record<string, unknown>): boolean => raw['links'] !== undefined && raw['links'] !== null;

function defaultTableBase(): number {
  const node = SCHEMA['route_table_base'];
  return node && isSchemaLeaf(node) ? (node.default as number) : 1000;
}

export function parseConfigReport(yamlText: string, sourcePath: string, opts: LoadOptions = {}): ConfigReport {
  const parsed = parseYaml(yamlText);
  if (!parsed.ok) throw configError(sourcePath, parsed.problems);
  if (!isMapping(parsed.data)) {
    throw configError(sourcePath, [{ key: FILE_KEY, value: parsed.data, expected: 'not a YAML mapping of keys at the top level' }]);
  }
  const raw = parsed.data;
  const found: ConfigProblem[] = [];

  // convict would silently replace a non-mapping link section; report it and let defaults stand in.
  const forSchema: Record<string, unknown> = { ...raw };
  for (const section of LINK_SECTIONS) {
    if (section in raw && !isMapping(raw[section])) {
      found.push({ key: section, value: raw[section], expected: 'a mapping {name, interface, display_name?, gateway?, gateway6?, table?}' });
      delete forSchema[section];
    } else if (isMapping(raw[section]) && (METERED_KEY in raw[section] || LINK_DNS_KEY in raw[section])) {
      // links.ts checks metered and dns (a mapping or a list inside a convict leaf crashes convict).
      const { [METERED_KEY]: _metered, [LINK_DNS_KEY]: _dns, ...rest } = raw[section] as Record<string, unknown>;
      forSchema[section] = rest;
    }
  }

  // A mapping inside a convict leaf crashes convict: the mqtt section is checked by mqtt.ts instead.
  delete forSchema[MQTT_SECTION];
  const mqtt = buildMqtt(raw[MQTT_SECTION]);
  found.push(...mqtt.problems);

  delete forSchema[QUALITY_SECTION];
  delete forSchema[VRRP_SECTION];
  delete forSchema[DNS_SECTION];
  const dns = buildDns(raw[DNS_SECTION]);
  found.push(...dns.problems);
  const vrrp = buildVrrp(raw[VRRP_SECTION]);
  found.push(...vrrp.problems);
  delete forSchema[BALANCE_SECTION];
  delete forSchema[RULES_SECTION];
  const balance = buildBalance(raw[BALANCE_SECTION]);
  found.push(...balance.problems);

  const { values, problems: schemaProblems } = applySchema(forSchema);
  found.push(...schemaProblems);
  const probeInterval = typeof values['probe_interval'] === 'number' && !schemaProblems.some((p) => p.key === 'probe_interval')
    ? values['probe_interval'] : null;
  const quality = buildQuality(raw[QUALITY_SECTION], probeInterval, raw['probe_interval'] !== undefined && raw['probe_interval'] !== null);
  found.push(...quality.problems);
  found.push(...checkTargets(values['ping_targets']));

  const badKeys = new Set(found.filter((p) => !isUnknownKey(p)).map((p) => p.key.replace(/\[\d+\].*$/, '')));
  const base = badKeys.has('route_table_base') ? defaultTableBase() : (values['route_table_base'] as number);
  const { links, problems: linkProblems } = buildLinks(raw, values, base);
  found.push(...linkProblems);
  const paths = hasLinkList(raw) ? links.map((_, i) => `links[${i}]`) : [...LINK_SECTIONS];
  if (!badKeys.has('check_interval')) {
    found.push(...meteredIntervalProblems(links, paths, Math.round((values['check_interval'] as number) * 1000)));
  }
  found.push(...crossKeyProblems(values, badKeys));
  const policyRules = buildPolicyRules(raw[RULES_SECTION], links);
  found.push(...policyRules.problems);
  if (!badKeys.has('policy_rule_priority') && !badKeys.has('rule_priority')) {
    found.push(...rulePlacementProblems(policyRules.rules, values['policy_rule_priority'] as number, values['rule_priority'] as number,
      links.map((l) => l.table)));
  }
  found.push(...buildNotify(values).problems);

  // Unknown keys: the original ignored them, so they are warnings (they still name a typo).
  const problems = found.filter((p) => !isUnknownKey(p));
  const warnings: ConfigWarning[] = found.filter(isUnknownKey).map(unknownKeyWarning);
  if (problems.length > 0) throw refusal(sourcePath, problems, warnings);
  const config = toConfig(values, links, sourcePath, mqtt.mqtt);
  if (probeInterval !== null) config.probeIntervalMs = Math.round(probeInterval * 1000);
  if (quality.quality !== null) config.quality = quality.quality;
  if (vrrp.vrrp !== null) config.vrrp = vrrp.vrrp;
  // Only when written, so a config without them compares (and reloads) as before.
  if (dns.dns !== null) config.dns = dns.dns;
  if (raw[BALANCE_SECTION] !== undefined && raw[BALANCE_SECTION] !== null) config.balance = balance.balance;
  if (policyRules.rules.length > 0) config.policyRules = policyRules.rules;
  warnings.push(
    ...defaultedInterfaceWarnings(raw, links),
    ...missingInterfaceWarnings(raw, links, opts.interfaces ?? unknownInterfaces),
    ...timingWarnings(config),
    ...insecureTargetWarnings(config.probeTargets),
    ...meteredWarnings(config, paths),
    ...apiKeyWarnings(values['api_key'] as string | null),
    ...logFileWarnings(config.logFile),
    ...unmanagedRuleWarnings(policyRules.rules, (config.pingTargets6 ?? []).length > 0),
  );
  return { config, warnings, defaulted: defaultedKeys(raw, values) };
}

/** The errors, then the warnings found so far (an unknown key is often the typo behind an error). */
function refusal(path: string, problems: readonly ConfigProblem[], warnings: readonly ConfigWarning[]): WanError {
  const err = configError(path, problems);
  if (warnings.length === 0) return err;
  err.message += `\n${warnings.map((w) => warningLine(path, w)).join('\n')}`;
  err.details['warnings'] = warnings;
  return err;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : 'cannot read file';
    throw configError(path, [{ key: FILE_KEY, value: undefined, expected: `cannot read config file: ${why} (${code})` }]);
  }
}

export function loadConfigReport(path: string, opts: LoadOptions = {}): ConfigReport {
  const report = parseConfigReport(readText(path), path, opts);
  checkFileMode(path, report.config, report.warnings);
  return report;
}

/** The config alone, for callers that need no warnings (wanctl reading the API address). */
export function parseConfig(yamlText: string, sourcePath: string): Config {
  return parseConfigReport(yamlText, sourcePath).config;
}

export function loadConfig(path: string): Config {
  return loadConfigReport(path).config;
}
