// The systemd watchdog's liveness rule: pet only while the probe loop finishes rounds, so a hung
// loop gets the daemon restarted. The stall bound is derived (config/timing.ts) from the config the
// daemon runs on *now*, on every tick: a SIGHUP that raises check_interval to 60 s must not get a
// healthy daemon killed by WatchdogSec=30 (issue 20).
import type { Clock } from '../clock.js';
import { watchdogStallMs } from '../config/timing.js';
import type { Config } from '../config/types.js';
import type { Notifier } from './sd-notify.js';

export interface ProgressSource {
  /** Monotonic ms of the last finished probe round. */
  lastProgressMs(): number;
  /** The running config. */
  config(): Config;
}

/** True while the last round ended less than the running config's stall bound ago. */
export function progressAlive(clock: Clock, engine: ProgressSource): () => boolean {
  return () => clock.nowMs() - engine.lastProgressMs() < watchdogStallMs(engine.config());
}

export function startProgressWatchdog(notifier: Pick<Notifier, 'startWatchdog'>, clock: Clock, engine: ProgressSource): void {
  notifier.startWatchdog(progressAlive(clock, engine));
}
