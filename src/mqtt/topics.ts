// Pure: where everything lives on the broker. State and command topics under base_topic, discovery
// configs under the discovery prefix (<prefix>/<component>/<node_id>/<object_id>/config, as Home
// Assistant's MQTT discovery documents it).
import { slugify, uniqueSlugs } from './slug.js';

export type Component = 'binary_sensor' | 'sensor' | 'select' | 'switch' | 'button';

export interface Topics {
  /** Retained online/offline; also the last will. */
  availability: string;
  /** Retained JSON state document of the router. */
  router: string;
  /** Retained name of the active link (the select's state: exactly one of its options). */
  active: string;
  /** Retained ISO 8601 time of the last switch; never published before the first one. */
  lastSwitch: string;
  /** Retained JSON state document of one link. */
  link(name: string): string;
  /** Commands. */
  setActive: string;
  setAuto: string;
  resumeAuto: string;
  /** Subscribed: every command topic. */
  commands: string;
  /** Home Assistant's birth and will ("online"/"offline"), not retained. */
  haStatus: string;
  /** Subscribed: our own retained discovery configs, to clear those of links no longer configured. */
  ownDiscovery: string;
  discovery(component: Component, objectId: string): string;
  /** node_id in discovery topics and unique ids. */
  node: string;
  /** Slug of a link (for topics and unique ids). */
  linkSlug(name: string): string;
}

export function buildTopics(baseTopic: string, discoveryPrefix: string, clientId: string, linkNames: readonly string[]): Topics {
  const node = slugify(clientId);
  const slugs = uniqueSlugs(linkNames);
  const linkSlug = (name: string): string => slugs.get(name) ?? slugify(name);
  const b = baseTopic;
  return {
    availability: `${b}/availability`,
    router: `${b}/router/state`,
    active: `${b}/router/active`,
    lastSwitch: `${b}/router/last_switch`,
    link: (name) => `${b}/link/${linkSlug(name)}/state`,
    setActive: `${b}/router/active/set`,
    setAuto: `${b}/router/auto/set`,
    resumeAuto: `${b}/router/resume_auto/set`,
    commands: `${b}/router/+/set`,
    haStatus: `${discoveryPrefix}/status`,
    ownDiscovery: `${discoveryPrefix}/+/${node}/+/config`,
    discovery: (component, objectId) => `${discoveryPrefix}/${component}/${node}/${objectId}/config`,
    node,
    linkSlug,
  };
}
