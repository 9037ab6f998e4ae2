// A checker of discovery payloads against the configuration variables Home Assistant's MQTT
// integration documents per platform (home-assistant.io/integrations/sensor.mqtt, binary_sensor.mqtt,
// select.mqtt, switch.mqtt, button.mqtt, and "MQTT discovery" in integrations/mqtt), as of 2023.12.
// Full key names only (no abbreviations). Returns the problems; [] = valid.

const COMMON = ['availability', 'availability_mode', 'device', 'entity_category', 'icon', 'name', 'object_id', 'origin', 'unique_id',
  'json_attributes_topic', 'json_attributes_template', 'enabled_by_default', 'qos', 'encoding'];

const BY_PLATFORM: Readonly<Record<string, { allowed: string[]; required: string[] }>> = {
  sensor: { allowed: [...COMMON, 'state_topic', 'value_template', 'device_class', 'state_class', 'unit_of_measurement',
    'suggested_display_precision', 'options', 'expire_after', 'force_update', 'last_reset_value_template'], required: ['state_topic'] },
  binary_sensor: { allowed: [...COMMON, 'state_topic', 'value_template', 'device_class', 'payload_on', 'payload_off', 'expire_after',
    'force_update', 'off_delay'], required: ['state_topic'] },
  select: { allowed: [...COMMON, 'state_topic', 'value_template', 'command_topic', 'command_template', 'options', 'optimistic', 'retain'],
    required: ['command_topic', 'options'] },
  switch: { allowed: [...COMMON, 'state_topic', 'value_template', 'command_topic', 'payload_on', 'payload_off', 'state_on', 'state_off',
    'device_class', 'optimistic', 'retain'], required: ['command_topic'] },
  button: { allowed: [...COMMON, 'command_topic', 'command_template', 'payload_press', 'device_class', 'retain'], required: ['command_topic'] },
};

const DEVICE_KEYS = ['identifiers', 'connections', 'name', 'model', 'manufacturer', 'sw_version', 'hw_version', 'via_device',
  'suggested_area', 'configuration_url'];
const SENSOR_DEVICE_CLASSES = ['duration', 'data_rate', 'timestamp', 'enum', 'data_size'];
const BINARY_DEVICE_CLASSES = ['connectivity', 'plug', 'problem'];
const ENTITY_CATEGORIES = ['diagnostic', 'config'];

export function haProblems(platform: string, p: Record<string, unknown>): string[] {
  const spec = BY_PLATFORM[platform];
  if (!spec) return [`unknown platform ${platform}`];
  const out: string[] = [];
  for (const k of Object.keys(p)) if (!spec.allowed.includes(k)) out.push(`${platform}: undocumented key ${k}`);
  for (const k of [...spec.required, 'unique_id', 'name', 'device', 'availability']) if (p[k] === undefined) out.push(`${platform}: missing ${k}`);
  const dev = p['device'] as Record<string, unknown> | undefined;
  if (dev) {
    for (const k of Object.keys(dev)) if (!DEVICE_KEYS.includes(k)) out.push(`device: undocumented key ${k}`);
    if (!Array.isArray(dev['identifiers']) || dev['identifiers'].length === 0) out.push('device: identifiers must be a non-empty list');
    if (typeof dev['name'] !== 'string') out.push('device: name missing');
  }
  const av = p['availability'];
  if (!Array.isArray(av) || av.some((a) => typeof (a as Record<string, unknown>)['topic'] !== 'string')) out.push('availability: a list of {topic, ...}');
  if (p['entity_category'] !== undefined && !ENTITY_CATEGORIES.includes(p['entity_category'] as string)) out.push('entity_category invalid');
  if (platform === 'sensor' && p['entity_category'] === 'config') out.push('sensor: entity_category config is refused (diagnostic only)');
  if (platform === 'sensor' && p['device_class'] !== undefined && !SENSOR_DEVICE_CLASSES.includes(p['device_class'] as string)) out.push(`sensor: device_class ${String(p['device_class'])}`);
  if (platform === 'binary_sensor' && p['device_class'] !== undefined && !BINARY_DEVICE_CLASSES.includes(p['device_class'] as string)) out.push(`binary_sensor: device_class ${String(p['device_class'])}`);
  if (p['device_class'] === 'enum' && !Array.isArray(p['options'])) out.push('enum sensor without options');
  if (p['device_class'] === 'data_rate' && p['unit_of_measurement'] !== 'Mbit/s') out.push('data_rate unit must be Mbit/s');
  // data_size: HA's units include B, kB, MB, GB (sensor device classes, home-assistant.io/integrations/sensor).
  if (p['device_class'] === 'data_size' && !['B', 'kB', 'MB', 'GB'].includes(p['unit_of_measurement'] as string)) out.push('data_size unit must be a byte unit');
  if (p['device_class'] === 'timestamp' && (p['state_class'] !== undefined || p['unit_of_measurement'] !== undefined)) out.push('timestamp: no state_class or unit');
  if (p['state_class'] !== undefined && !['measurement', 'total', 'total_increasing'].includes(p['state_class'] as string)) out.push('state_class invalid');
  if (platform === 'select' && (!Array.isArray(p['options']) || p['options'].length === 0)) out.push('select: options must be a non-empty list');
  return out;
}
