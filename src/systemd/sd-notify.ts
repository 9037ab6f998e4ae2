// sd_notify protocol for systemd Type=notify: READY/STATUS/STOPPING/WATCHDOG messages
// to $NOTIFY_SOCKET. A no-op outside systemd; never throws into the daemon.
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { notify as nativeNotify } from './native.js';
import { parseWatchdog } from './watchdog-env.js';

export type SendFn = (socketPath: string, message: string) => void;

export interface NotifierOptions {
  /** Called with every send failure (and a bad NOTIFY_SOCKET); the notifier itself never throws. */
  onError?: (err: Error) => void;
  /** Transport; defaults to the native addon. Tests inject a recorder. */
  send?: SendFn;
  /** Our pid, compared with WATCHDOG_PID; defaults to process.pid. */
  pid?: number;
}

export interface Notifier {
  /** True when NOTIFY_SOCKET is set to a usable address. */
  readonly enabled: boolean;
  /** Watchdog ping period (WATCHDOG_USEC / 2) in ms, or null when systemd asked for no watchdog. */
  readonly watchdogIntervalMs: number | null;
  ready(): void;
  status(text: string): void;
  reloading(): void;
  stopping(): void;
  /**
   * Send WATCHDOG=1 now and then every watchdogIntervalMs (unref'd timer), but only while `alive()`
   * holds (the probe loop makes progress), so a hung daemon is restarted. No-op without a watchdog.
   */
  startWatchdog(alive?: () => boolean): void;
  /** Stop the watchdog timer. Idempotent. */
  stop(): void;
}

// STATUS is one key=value line; a newline would start a bogus second assignment.
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

export function createNotifier(
  env: NodeJS.ProcessEnv = process.env,
  clock: Clock = systemClock,
  options: NotifierOptions = {},
): Notifier {
  const socketPath = env.NOTIFY_SOCKET ?? '';
  const onError = options.onError ?? (() => undefined);
  const send = options.send ?? nativeNotify;
  const usable = socketPath.startsWith('/') || socketPath.startsWith('@');
  if (socketPath !== '' && !usable) {
    onError(new Error(`unsupported NOTIFY_SOCKET address: ${socketPath}`));
  }
  const watchdogIntervalMs = usable ? parseWatchdog(env, options.pid ?? process.pid) : null;
  let timer: TimerHandle | null = null;
  let alive: () => boolean = () => true;

  function emit(message: string): void {
    if (!usable) return;
    try {
      send(socketPath, message);
    } catch (e) {
      onError(asError(e));
    }
  }

  function tick(): void {
    if (alive()) emit('WATCHDOG=1');
    schedule();
  }

  function schedule(): void {
    if (watchdogIntervalMs === null) return;
    timer = clock.setTimer(watchdogIntervalMs, tick);
    // A pending watchdog ping must not keep the process alive on shutdown.
    const id = timer.id as { unref?: () => void } | null;
    if (id && typeof id.unref === 'function') id.unref();
  }

  return {
    enabled: usable,
    watchdogIntervalMs,
    ready: () => emit('READY=1'),
    status: (text: string) => emit(`STATUS=${oneLine(text)}`),
    reloading: () => emit('RELOADING=1'),
    stopping: () => emit('STOPPING=1'),
    startWatchdog(isAlive?: () => boolean): void {
      if (isAlive) alive = isAlive;
      if (watchdogIntervalMs === null || timer !== null) return;
      tick();
    },
    stop(): void {
      if (timer !== null) clock.clearTimer(timer);
      timer = null;
    },
  };
}
