// PURE: billing periods of a metered link. A period starts on cap_reset_day (1-28) at local
// midnight, as carriers bill; 28 is the highest day every month has. The local time zone is the
// process's (TZ, /etc/localtime): Date's local-time constructor resolves midnight across DST.

/** Local midnight of the reset day that starts the period holding `atMs`. */
export function periodStartFor(atMs: number, resetDay: number): number {
  const d = new Date(atMs);
  const thisMonth = new Date(d.getFullYear(), d.getMonth(), resetDay).getTime();
  return thisMonth <= atMs ? thisMonth : new Date(d.getFullYear(), d.getMonth() - 1, resetDay).getTime();
}

/**
 * The first reset after `periodStartMs`. A first period starts whenever the daemon first saw the
 * link (not on a reset day), so this is the reset day following that instant.
 */
export function nextPeriodStart(periodStartMs: number, resetDay: number): number {
  const start = periodStartFor(periodStartMs, resetDay);
  const d = new Date(start);
  return new Date(d.getFullYear(), d.getMonth() + 1, resetDay).getTime();
}
