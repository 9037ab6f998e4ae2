// Types of the failover policy: its decision state, the facts it reads, the events it consumes and
// the effects it asks for. The policy is pure and depends on nothing outside this folder; one
// instance runs per address family (the family is a parameter, not a fork of the code).

/**
 * A link's health, the one type for it (status and events use it too). up: probes pass; degraded:
 * they pass, quality is poor; down: declared down (probes, quality, carrier or interface gone);
 * unknown: not judged yet.
 */
export type Health = 'up' | 'degraded' | 'down' | 'unknown';

/**
 * Why the default route moves. failover: the active link went down on probes; carrier: it lost
 * carrier or vanished; recovery: back to a more preferred link; manual: the operator; initial: no
 * route was ours yet.
 */
export type SwitchReason = 'failover' | 'carrier' | 'recovery' | 'manual' | 'initial';

/** Kinds of the records the policy asks to be logged (a subset of the status event ring's types). */
export type PolicyRecordType = 'down' | 'recovery' | 'carrier' | 'error' | 'config';

export interface PolicyConfig {
  failureThreshold: number;
  recoveryThreshold: number;
  minSecondaryTimeMs: number;
  /**
   * Each link's tier and weight (src/config/balance.ts linkPlaces). Absent, or every link in a tier
   * of its own: the original's failover, unchanged. A tier of two links or more balances (balance.ts).
   */
  places?: ReadonlyArray<{ name: string; tier: number; weight: number }>;
}

/** What the policy reads about a link, owned by the link facts store (never copied into the state). */
export interface LinkFactsView {
  /** The interface exists. */
  present: boolean;
  /** IFF_LOWER_UP and IFF_UP; null until known. */
  carrier: boolean | null;
  /** A gateway of this family is known. */
  gatewayKnown: boolean;
  /** The interface holds an address of this family (a route via it can be installed). */
  hasAddress: boolean;
  /**
   * Metered links (src/metered/), composed by the daemon. awaitingProbe: its health is from sparse
   * standby probes; the route moves there only after a fresh full round. lastResort: the data cap
   * is reached; it carries traffic only while no other link is eligible (later: the lowest tier).
   */
  awaitingProbe?: boolean;
  lastResort?: boolean;
}

export type FactsView = (link: string) => LinkFactsView;

/** Decision state of one link. */
export interface LinkDecision {
  name: string;
  /** display_name, for messages. */
  label: string;
  health: Health;
  consecutiveFailures: number;
  consecutiveSuccesses: number;
  gatewayReachable: boolean;
  /** Monotonic ms until which the link is passed over because the kernel refused its route; null = not. */
  routeFailingUntilMs: number | null;
  /** Monotonic ms since `health` holds its value (for the degraded hold); null = never judged. */
  healthSinceMs?: number | null;
  /** The last quality verdict over the window (continuous probing with quality:), and why. */
  quality?: Health;
  qualityReason?: string | null;
}

export interface PolicyState {
  /** Preference order: links[0] is the most preferred. */
  links: LinkDecision[];
  /** Desired: the link that should carry the default route (balancing: the largest share); null = none chosen yet. */
  active: string | null;
  /**
   * Desired: the links that carry the default route, in preference order. Failover: [active] (or []).
   * Balancing: the up links of the first tier that has one.
   */
  carrying?: string[];
  /**
   * Balancing: monotonic ms since which a link (down, or no longer carrying) must wait before it
   * carries again, once it passed recovery_threshold rounds and min_secondary_time. No entry: at once.
   */
  rejoinSinceMs?: Record<string, number>;
  /** Monotonic ms since the active link was chosen (for min_secondary_time). */
  activeSinceMs: number | null;
  auto: boolean;
  /** A manual switch holds this link until it fails or the operator decides again. */
  manualHold: string | null;
  allDown: boolean;
}

export type PolicyEvent =
  /** At start: the link(s) the current default route already uses (a restart must not flap). */
  | { kind: 'adopt'; link: string | null; carrying?: string[] }
  | { kind: 'probe'; link: string; healthy: boolean; gatewayReachable: boolean;
      /** The link's quality verdict over the window (continuous probing with quality:); absent = none. */
      quality?: Health; qualityReason?: string | null }
  /** Carrier changed (the facts store already holds the new value). */
  | { kind: 'carrier'; link: string; up: boolean }
  /** The interface appeared or vanished (the facts store already holds the new value). */
  | { kind: 'present'; link: string; present: boolean }
  /** Another fact of the link changed (gateway, addresses): decide again. */
  | { kind: 'facts'; link: string }
  /** Operator's choice; validated beforehand with checkManual(). */
  | { kind: 'manual'; link: string }
  | { kind: 'auto'; enabled: boolean }
  /** The kernel keeps refusing the default route via `link` (the reconciler retries with backoff). */
  | { kind: 'route-failing'; link: string; error: string }
  /** The default route via `link` is installed. */
  | { kind: 'route-ok'; link: string }
  | { kind: 'tick' };

export type LogLevelName = 'info' | 'warn' | 'error';

export type PolicyEffect =
  | { kind: 'switch'; from: string | null; to: string; reason: string; cause: SwitchReason }
  /** Balancing: the carrying set changed (the lead may not have). */
  | { kind: 'carrying'; before: string[]; after: string[]; reason: string; cause: SwitchReason }
  | { kind: 'event'; type: PolicyRecordType; level: LogLevelName; link: string | null; message: string };

export interface StepResult {
  state: PolicyState;
  effects: PolicyEffect[];
}
