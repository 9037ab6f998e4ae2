// What the lab drivers share (scripts a test launches inside a namespace through `ip netns exec`,
// which print one JSON line and exit): their flags, and a main that only acts when launched with
// --driver, so a test runner globbing dist/test/ finds a harmless no-op.

/** The value after `--name` on the command line. */
export function driverArg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** Runs `main` when launched as a driver: exit 0 when it resolves, 1 (with the stack) when it throws, 3 past `maxLifetimeMs`. */
export function runAsDriver(main: () => Promise<void>, maxLifetimeMs: number): void {
  if (!process.argv.includes('--driver')) return;
  // Hard cap so a stuck driver never outlives its caller.
  setTimeout(() => process.exit(3), maxLifetimeMs).unref();
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
