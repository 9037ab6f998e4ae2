// Defaults that code outside the config loader needs too, spelled once (the schema uses them).

/** route_metric6: below the kernel's router-advertised routes (1024), so the daemon's route wins. */
export const ROUTE_METRIC6_DEFAULT = 1;
