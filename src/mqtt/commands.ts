// Pure: a message on a command topic -> the engine call it asks for, or why it is ignored.
// The select sends the option (a link name, both families); scripts may send
// {"target": "...", "force": true, "family": "ipv6"} on the same topic, as POST /api/switch takes it.
import { SWITCH_FAMILIES, type SwitchFamily } from '../engine/types.js';
import { OFF, ON } from './discovery.js';

export type MqttCommand =
  | { kind: 'switch'; target: string; force: boolean; family?: SwitchFamily }
  | { kind: 'auto'; enabled: boolean }
  | { kind: 'resume-auto' }
  | { kind: 'ignored'; why: string };

export interface CommandTopics {
  setActive: string;
  setAuto: string;
  resumeAuto: string;
}

/** Longer payloads are not ours (a link name is at most 32 characters). */
export const MAX_COMMAND_BYTES = 1024;

function parseSwitch(text: string): MqttCommand {
  if (text.startsWith('{')) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { kind: 'ignored', why: 'invalid JSON' };
    }
    const o = body as Record<string, unknown>;
    if (typeof o['target'] !== 'string' || o['target'] === '') return { kind: 'ignored', why: 'JSON without a "target" string' };
    if (o['force'] !== undefined && typeof o['force'] !== 'boolean') return { kind: 'ignored', why: '"force" is not true or false' };
    const family = o['family'];
    if (family !== undefined && !SWITCH_FAMILIES.includes(family as SwitchFamily)) {
      return { kind: 'ignored', why: `"family" is not one of ${SWITCH_FAMILIES.join(', ')}` };
    }
    return { kind: 'switch', target: o['target'], force: o['force'] === true, ...(family !== undefined ? { family: family as SwitchFamily } : {}) };
  }
  return text === '' ? { kind: 'ignored', why: 'empty payload' } : { kind: 'switch', target: text, force: false };
}

export function parseCommand(topics: CommandTopics, topic: string, payload: Buffer): MqttCommand {
  if (payload.length > MAX_COMMAND_BYTES) return { kind: 'ignored', why: `payload over ${MAX_COMMAND_BYTES} bytes` };
  const text = payload.toString('utf8').trim();
  if (topic === topics.setActive) return parseSwitch(text);
  if (topic === topics.setAuto) {
    const v = text.toUpperCase();
    if (v === ON || v === 'TRUE' || v === '1') return { kind: 'auto', enabled: true };
    if (v === OFF || v === 'FALSE' || v === '0') return { kind: 'auto', enabled: false };
    return { kind: 'ignored', why: `expected ${ON} or ${OFF}` };
  }
  if (topic === topics.resumeAuto) return { kind: 'resume-auto' };
  return { kind: 'ignored', why: 'unknown command topic' };
}
