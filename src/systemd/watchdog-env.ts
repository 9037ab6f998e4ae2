// PURE: reads systemd's WATCHDOG_USEC / WATCHDOG_PID into a ping period, following
// sd_watchdog_enabled(): the watchdog is ours only when WATCHDOG_PID is unset or our pid.

/** Ping period in ms (half of WATCHDOG_USEC), or null when the watchdog is off or not for us. */
export function parseWatchdog(env: NodeJS.ProcessEnv, pid: number): number | null {
  const usecText = env.WATCHDOG_USEC;
  if (usecText === undefined || !/^\d+$/.test(usecText)) return null;
  const usec = Number(usecText);
  if (!Number.isSafeInteger(usec) || usec <= 0) return null;
  const pidText = env.WATCHDOG_PID;
  if (pidText !== undefined && pidText !== '') {
    if (!/^\d+$/.test(pidText) || Number(pidText) !== pid) return null;
  }
  // At least 1 ms so a tiny WATCHDOG_USEC cannot become a busy loop.
  return Math.max(1, Math.floor(usec / 2000));
}
