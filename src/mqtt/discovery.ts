// Pure: Home Assistant MQTT discovery configs, one retained message per entity, under
// <discovery_prefix>/<component>/<node_id>/<object_id>/config. Field names as Home Assistant's MQTT
// integration documents them (home-assistant.io/integrations/mqtt, sensor.mqtt, binary_sensor.mqtt,
// select.mqtt, switch.mqtt, button.mqtt); no abbreviations, so a reader can check them.
//
// One device for the router, the links as its entities ("Telekom RTT"), not one device per link
// tied by via_device: a WAN link is not hardware of its own, the select, switch and button act on
// the router as a whole, and a link that leaves the config then loses only its entities. A single
// device also keeps the rule "device.identifiers and device.name identical in every config" trivial.
import { uniqueSlugs } from './slug.js';
import type { Component, Topics } from './topics.js';

export interface DeviceInfo {
  /** Shown in Home Assistant; entity names never start with it (HA strips that and warns). */
  name: string;
  model: string;
  manufacturer: string;
  swVersion: string;
}

export interface DiscoveryLink {
  name: string;
  label: string;
  /** The engine reports jitter for links (link quality): add the jitter sensor. */
  hasJitter: boolean;
  /** A metered link (issue 24): add its data usage sensor. */
  metered?: boolean;
}

export type DiscoveryPayload = Record<string, unknown>;

export interface DiscoveryMessage {
  topic: string;
  component: Component;
  payload: DiscoveryPayload;
}

/** Home Assistant's binary_sensor payloads, exactly. */
export const ON = 'ON';
export const OFF = 'OFF';
export const ONLINE = 'online';
export const OFFLINE = 'offline';
export const PRESS = 'PRESS';
/** Home Assistant reads the template output "None" as "no value" (state unknown). */
const NONE = 'None';

export const LINK_STATES: readonly string[] = ['up', 'degraded', 'down', 'unknown'];

const boolTemplate = (field: string): string => `{{ '${ON}' if value_json.${field} else '${OFF}' }}`;
const nullableBoolTemplate = (field: string): string =>
  `{{ '${NONE}' if value_json.${field} is none else ('${ON}' if value_json.${field} else '${OFF}') }}`;
const valueTemplate = (field: string): string => `{{ value_json.${field} }}`;

interface Entity {
  component: Component;
  /** Unique per device: part of the topic, unique_id and object_id. */
  key: string;
  name: string;
  fields: DiscoveryPayload;
}

function linkEntities(link: DiscoveryLink, slug: string, topics: Topics): Entity[] {
  const state = topics.link(link.name);
  const l = link.label;
  const diag = { entity_category: 'diagnostic' };
  const rateSensor = (dir: string, field: string, avg: boolean): Entity => ({
    component: 'sensor',
    key: `${slug}_${field}`,
    name: `${l} ${dir}${avg ? ' average' : ''}`,
    fields: {
      state_topic: state, value_template: valueTemplate(field),
      device_class: 'data_rate', unit_of_measurement: 'Mbit/s', state_class: 'measurement', suggested_display_precision: 2,
      ...(avg ? diag : {}),
    },
  });
  const out: Entity[] = [
    {
      component: 'binary_sensor', key: `${slug}_connectivity`, name: `${l} connectivity`,
      fields: { state_topic: state, value_template: boolTemplate('healthy'), payload_on: ON, payload_off: OFF,
        device_class: 'connectivity', json_attributes_topic: state },
    },
    {
      component: 'binary_sensor', key: `${slug}_gateway`, name: `${l} gateway reachable`,
      fields: { state_topic: state, value_template: boolTemplate('gateway_reachable'), payload_on: ON, payload_off: OFF,
        device_class: 'connectivity', ...diag },
    },
    {
      component: 'binary_sensor', key: `${slug}_carrier`, name: `${l} carrier`,
      fields: { state_topic: state, value_template: nullableBoolTemplate('carrier'), payload_on: ON, payload_off: OFF,
        device_class: 'plug', icon: 'mdi:ethernet-cable', ...diag },
    },
    {
      component: 'sensor', key: `${slug}_rtt`, name: `${l} RTT`,
      fields: { state_topic: state, value_template: valueTemplate('rtt_ms'), device_class: 'duration', unit_of_measurement: 'ms',
        state_class: 'measurement', suggested_display_precision: 1, icon: 'mdi:timer-outline' },
    },
    {
      component: 'sensor', key: `${slug}_loss`, name: `${l} packet loss`,
      fields: { state_topic: state, value_template: valueTemplate('loss_pct'), unit_of_measurement: '%',
        state_class: 'measurement', suggested_display_precision: 0, icon: 'mdi:lan-disconnect' },
    },
  ];
  if (link.hasJitter) {
    out.push({
      component: 'sensor', key: `${slug}_jitter`, name: `${l} jitter`,
      fields: { state_topic: state, value_template: valueTemplate('jitter_ms'), device_class: 'duration', unit_of_measurement: 'ms',
        state_class: 'measurement', suggested_display_precision: 1, icon: 'mdi:chart-bell-curve', ...diag },
    });
  }
  if (link.metered) {
    // Usage in the billing period; cap, percentage, period start and probing as attributes.
    out.push({
      component: 'sensor', key: `${slug}_data_usage`, name: `${l} data usage`,
      fields: { state_topic: state, value_template: valueTemplate('usage_mb'), device_class: 'data_size', unit_of_measurement: 'MB',
        state_class: 'total_increasing', suggested_display_precision: 1, icon: 'mdi:counter', json_attributes_topic: state },
    });
  }
  out.push(
    rateSensor('RX', 'rx_mbps', false), rateSensor('TX', 'tx_mbps', false),
    rateSensor('RX', 'rx_mbps_avg', true), rateSensor('TX', 'tx_mbps_avg', true),
    {
      // Balancing (issue 21): whether the link carries traffic now, and its share of new flows.
      component: 'binary_sensor', key: `${slug}_carrying`, name: `${l} carrying`,
      fields: { state_topic: state, value_template: boolTemplate('carrying'), payload_on: ON, payload_off: OFF,
        icon: 'mdi:transit-connection-variant' },
    },
    {
      component: 'sensor', key: `${slug}_share`, name: `${l} share`,
      fields: { state_topic: state, value_template: valueTemplate('share_pct'), unit_of_measurement: '%',
        state_class: 'measurement', suggested_display_precision: 0, icon: 'mdi:chart-pie' },
    },
    {
      component: 'sensor', key: `${slug}_state`, name: `${l} state`,
      fields: { state_topic: state, value_template: valueTemplate('state'), device_class: 'enum', options: [...LINK_STATES], icon: 'mdi:wan' },
    },
  );
  return out;
}

function routerEntities(links: readonly DiscoveryLink[], topics: Topics, ipv6: boolean): Entity[] {
  const router = topics.router;
  // With IPv6 managed, each family has its own active link (a link can be up for one and not the
  // other); the IPv6 one is a sensor beside the IPv4 one, read from the same router document.
  const ipv6Entities: Entity[] = ipv6 ? [{
    component: 'sensor', key: 'active_link_ipv6', name: 'Active link (IPv6)',
    fields: { state_topic: router, value_template: valueTemplate('active_ipv6_label'), icon: 'mdi:router-network' },
  }] : [];
  return [
    ...ipv6Entities,
    {
      component: 'sensor', key: 'active_link', name: 'Active link',
      fields: { state_topic: router, value_template: valueTemplate('active_label'), json_attributes_topic: router, icon: 'mdi:router-network' },
    },
    {
      // Options are link names, as POST /api/switch takes them; the state topic carries exactly one.
      component: 'select', key: 'route_via', name: 'Route via',
      fields: { state_topic: topics.active, command_topic: topics.setActive, options: links.map((l) => l.name), icon: 'mdi:swap-horizontal' },
    },
    {
      component: 'switch', key: 'auto_failover', name: 'Automatic failover',
      fields: { state_topic: router, value_template: boolTemplate('auto'), command_topic: topics.setAuto,
        payload_on: ON, payload_off: OFF, state_on: ON, state_off: OFF, icon: 'mdi:autorenew' },
    },
    {
      component: 'button', key: 'resume_auto', name: 'Return to automatic choice',
      fields: { command_topic: topics.resumeAuto, payload_press: PRESS, icon: 'mdi:restore' },
    },
    {
      component: 'sensor', key: 'switch_count', name: 'Switch count',
      fields: { state_topic: router, value_template: valueTemplate('switch_count'), state_class: 'total_increasing',
        icon: 'mdi:counter', entity_category: 'diagnostic' },
    },
    {
      component: 'sensor', key: 'last_switch', name: 'Last switch',
      fields: { state_topic: topics.lastSwitch, device_class: 'timestamp', icon: 'mdi:clock-outline' },
    },
    {
      component: 'binary_sensor', key: 'all_links_down', name: 'All links down',
      fields: { state_topic: router, value_template: boolTemplate('all_down'), payload_on: ON, payload_off: OFF, device_class: 'problem' },
    },
  ];
}

/** Home Assistant strips a leading device name from an entity name and warns; never give it one. */
export function entityName(name: string, deviceName: string): string {
  return name.toLowerCase().startsWith(deviceName.toLowerCase()) ? `Link ${name}` : name;
}

/** A sensor per policy rule (issue 22): the link its traffic takes, from the router document. */
function ruleEntities(rules: readonly string[], topics: Topics): Entity[] {
  const slugs = uniqueSlugs(rules);
  return rules.map((name) => ({
    component: 'sensor', key: `rule_${slugs.get(name)!}`, name: `Rule ${name}`,
    fields: { state_topic: topics.router, icon: 'mdi:call-split',
      // The name is a JSON string literal inside the template: rule names hold no quotes (policy-rules.ts NAME).
      value_template: `{{ value_json.rules['${name}'] if value_json.rules is defined and value_json.rules['${name}'] is defined `
        + `and value_json.rules['${name}'] is not none else '${NONE}' }}` },
  }));
}

/** Every discovery config for the router and its links, in a stable order. */
export function discoveryMessages(device: DeviceInfo, links: readonly DiscoveryLink[], topics: Topics,
  opts: { ipv6?: boolean; rules?: readonly string[] } = {}): DiscoveryMessage[] {
  const deviceBlock = {
    identifiers: [topics.node],
    name: device.name,
    model: device.model,
    manufacturer: device.manufacturer,
    sw_version: device.swVersion,
  };
  const availability = [{ topic: topics.availability, payload_available: 'online', payload_not_available: 'offline' }];
  const entities = [...routerEntities(links, topics, opts.ipv6 === true), ...links.flatMap((l) => linkEntities(l, topics.linkSlug(l.name), topics)),
    ...ruleEntities(opts.rules ?? [], topics)];
  return entities.map((e) => {
    const uniqueId = `${topics.node}_${e.key}`;
    return {
      topic: topics.discovery(e.component, e.key),
      component: e.component,
      payload: {
        name: entityName(e.name, device.name),
        unique_id: uniqueId,
        object_id: uniqueId,
        ...e.fields,
        availability,
        availability_mode: 'all',
        device: deviceBlock,
        origin: { name: 'wan-failover', sw_version: device.swVersion },
      },
    };
  });
}
