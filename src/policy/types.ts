// Types of the failover policy: its state, the events it consumes and the effects it asks for.
// The policy is pure; the daemon turns netlink, probe and API input into PolicyEvents.
import type { EngineEventType, LinkHealthState } from '../engine/types.js';
import type { SwitchReason } from '../bus/events.js';

export interface PolicyConfig {
  failureThreshold: number;
  recoveryThreshold: number;
  minSecondaryTimeMs: number;
}

export interface LinkPolicyState {
  name: string;
  /** display_name, for messages. */
  label: string;
  health: LinkHealthState;
  /** IFF_LOWER_UP as netlink reported it; null until known. */
  carrier: boolean | null;
  /** The interface exists. */
  present: boolean;
  gatewayKnown: boolean;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  gatewayReachable: boolean;
}

export interface PolicyState {
  /** Preference order: links[0] is the most preferred. */
  links: LinkPolicyState[];
  active: string | null;
  /** Monotonic ms since the active link was chosen (for min_secondary_time). */
  activeSinceMs: number | null;
  auto: boolean;
  /** A manual switch holds this link until it fails or the operator decides again. */
  manualHold: string | null;
  allDown: boolean;
}

export type PolicyEvent =
  /** At start: the link the current default route already uses (a restart must not flap). */
  | { kind: 'adopt'; link: string | null }
  | { kind: 'probe'; link: string; healthy: boolean; gatewayReachable: boolean }
  | { kind: 'carrier'; link: string; up: boolean }
  | { kind: 'present'; link: string; present: boolean }
  | { kind: 'gateway'; link: string; known: boolean }
  /** Operator's choice; validated beforehand with checkManual(). */
  | { kind: 'manual'; link: string }
  | { kind: 'auto'; enabled: boolean }
  /** The route change asked for could not be carried out: go back to `from`. */
  | { kind: 'switch-failed'; from: string | null; to: string; error: string }
  | { kind: 'tick' };

export type LogLevelName = 'info' | 'warn' | 'error';

export type PolicyEffect =
  | { kind: 'switch'; from: string | null; to: string; reason: string; cause: SwitchReason }
  | { kind: 'event'; type: EngineEventType; level: LogLevelName; link: string | null; message: string };

export interface StepResult {
  state: PolicyState;
  effects: PolicyEffect[];
}
