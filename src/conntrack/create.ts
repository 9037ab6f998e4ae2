// Composition of the conntrack flush for main.ts: the extension over a real ctnetlink client.
import type { EventBus } from '../bus/event-bus.js';
import type { Extension } from '../bus/extension.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/types.js';
import { ConntrackExtension, type ConntrackLog } from './conntrack-extension.js';
import { CtnetlinkClient } from './ctnetlink-client.js';
import { flushModeOf } from './flush-mode.js';

export function createConntrackExtension(deps: {
  bus: EventBus;
  clock: Clock;
  log: ConntrackLog;
  /** The running config (follows SIGHUP reloads): conntrack_flush is read at each switch. */
  config(): Config;
}): Extension {
  return new ConntrackExtension({
    bus: deps.bus, clock: deps.clock, log: deps.log,
    openPort: () => new CtnetlinkClient(),
    modeOf: (link) => flushModeOf(deps.config(), link),
  });
}
