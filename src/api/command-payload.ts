// PURE: the seed's reply bodies for the two commands, built from the engine's outcome.
import type { EngineStatus, SwitchOutcome } from '../engine/types.js';

export type SwitchPayload = { success: true; active: string; message?: string };
export type AutoPayload = { success: true; auto_enabled: boolean };

export function toSwitchPayload(outcome: SwitchOutcome, status: EngineStatus): SwitchPayload {
  if (outcome.result === 'switched') return { success: true, active: outcome.link };
  const display = status.links.find((l) => l.name === outcome.link)?.displayName ?? outcome.link;
  // Same wording as the seed, which Home Assistant automations may match on.
  return { success: true, message: `Already on ${display}`, active: outcome.link };
}

export function toAutoPayload(enabled: boolean): AutoPayload {
  return { success: true, auto_enabled: enabled };
}
