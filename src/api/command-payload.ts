// PURE: the seed's reply bodies for the two commands, built from the engine's outcome.
import type { EngineStatus, SwitchFamily, SwitchOutcome } from '../engine/types.js';

export type SwitchPayload = {
  success: true;
  active: string;
  message?: string;
  active_ipv6?: string | null;
  ipv6_result?: 'switched' | 'already_active' | 'not_moved';
  ipv6_reason?: string;
};
export type AutoPayload = { success: true; auto_enabled: boolean };

/**
 * `active` is the link the asked family is on now: IPv4 for "both"/"ipv4" (the seed's meaning), IPv6
 * for "ipv6". The IPv6 keys come only when the engine manages IPv6.
 */
export function toSwitchPayload(outcome: SwitchOutcome, status: EngineStatus, family: SwitchFamily = 'both'): SwitchPayload {
  const payload: SwitchPayload = { success: true, active: outcome.link };
  if (outcome.result === 'already_active') {
    const display = status.links.find((l) => l.name === outcome.link)?.displayName ?? outcome.link;
    // Same wording as the seed, which Home Assistant automations may match on.
    payload.message = `Already on ${display}${family === 'ipv6' ? ' (IPv6)' : ''}`;
  }
  const v6 = outcome.ipv6;
  if (v6 !== undefined) {
    payload.active_ipv6 = v6.active;
    if (v6.result !== undefined) payload.ipv6_result = v6.result;
    if (v6.reason !== undefined) payload.ipv6_reason = v6.reason;
  }
  return payload;
}

export function toAutoPayload(enabled: boolean): AutoPayload {
  return { success: true, auto_enabled: enabled };
}
