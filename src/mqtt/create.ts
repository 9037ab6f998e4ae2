// Composition of the MQTT extension for main.ts: null when the config has no `mqtt:` section.
import { hostname } from 'node:os';
import type { EventBus } from '../bus/event-bus.js';
import type { Extension } from '../bus/extension.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/types.js';
import type { Engine } from '../engine/types.js';
import { connectMqtt } from './mqtt-client.js';
import { MqttExtension, type MqttLog } from './mqtt-extension.js';

export function createMqttExtension(deps: {
  config: Config;
  engine: Engine;
  bus: EventBus;
  clock: Clock;
  log: MqttLog;
  version: string;
  /** The running check_interval in ms (follows SIGHUP reloads). */
  intervalMs(): number;
}): Extension | null {
  const mqtt = deps.config.mqtt;
  if (!mqtt) return null;
  return new MqttExtension({
    config: mqtt, engine: deps.engine, bus: deps.bus, clock: deps.clock, log: deps.log, connect: connectMqtt,
    hostname: hostname(), version: deps.version, intervalMs: deps.intervalMs,
  });
}
