// Last-resort teardown: while a lab lives, process 'exit', SIGINT and SIGTERM run its synchronous
// cleanup (kill our children, delete our namespaces) so an interrupted demo or test leaves nothing.
type SyncCleanup = () => void;

const cleanups = new Set<SyncCleanup>();
let installed = false;

function runAll(): void {
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // Best effort at exit: one failing cleanup must not stop the others.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  const had = cleanups.size;
  runAll();
  if (had > 0) process.stderr.write(`\n${signal}: lab torn down\n`);
  uninstall();
  // Conventional exit status for death by signal: 128 + signal number.
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', runAll);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

/** Registers a cleanup; the returned function unregisters it (and the listeners when none remain). */
export function guardExit(fn: SyncCleanup): () => void {
  cleanups.add(fn);
  install();
  return () => {
    cleanups.delete(fn);
    if (cleanups.size === 0) uninstall();
  };
}
