// Hooks: admin-configured programs run on events (switch, link_down, link_up, all_down, degraded).
// One at a time, in event order, through a bounded queue: a bus publish only enqueues, so a hook
// that sleeps, fails or floods never delays failover. Exit status is logged at info (failure at
// warn), output at debug, a timeout at warn.
import type { EventBus } from '../bus/event-bus.js';
import type { Extension } from '../bus/extension.js';
import type { HookConfig } from '../config/notify.js';
import { hookEnv, toNotifyEvent, type NotifyEvent } from './notify-event.js';
import type { HookSpawner } from './hook-process.js';
import { SerialQueue } from './serial-queue.js';

export interface NotifyLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Backlog bound: at one event per check per link this is minutes of events. */
export const HOOK_QUEUE_LIMIT = 64;
/** At stop: from SIGTERM to SIGKILL of a running hook's process group, then this much more for it to exit. */
export const HOOK_KILL_GRACE_MS = 2_000;
const STOP_SLACK_MS = 1_000;

interface Job {
  hook: HookConfig;
  event: NotifyEvent;
}

export class HooksExtension implements Extension {
  readonly name = 'hooks';
  private queue: SerialQueue<Job> | null = null;
  private off: (() => void) | null = null;
  /** Aborted at stop: the running hook's process group is killed before stop() resolves. */
  private stopping = new AbortController();

  constructor(private readonly deps: { bus: EventBus; hooks: readonly HookConfig[]; spawn: HookSpawner; log: NotifyLog;
    queueLimit?: number; killGraceMs?: number }) {}

  async start(): Promise<void> {
    if (this.off || this.deps.hooks.length === 0) return;
    this.stopping = new AbortController();
    const log = this.deps.log;
    this.queue = new SerialQueue<Job>(this.deps.queueLimit ?? HOOK_QUEUE_LIMIT, (job) => this.run(job), {
      dropped: (depth) => log.warn({ queued: depth }, 'hook queue full; dropping events until it drains'),
      recovered: (count) => log.warn({ dropped: count }, 'hook queue accepts events again'),
      failed: (error) => log.error({ error }, 'hook runner failed'),
    });
    const queue = this.queue;
    this.off = this.deps.bus.on((e) => {
      const n = toNotifyEvent(e);
      if (n === null) return;
      for (const hook of this.deps.hooks) if (hook.events.includes(n.event)) queue.push({ hook, event: n });
    });
  }

  /**
   * The backlog is dropped and a hook still running is killed with its process group (SIGTERM,
   * SIGKILL after the grace), so no hook outlives the daemon; resolves once it has exited, bounded.
   */
  async stop(): Promise<void> {
    this.off?.();
    this.off = null;
    const queue = this.queue;
    if (!queue) return;
    queue.close();
    this.stopping.abort();
    const graceMs = this.deps.killGraceMs ?? HOOK_KILL_GRACE_MS;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), graceMs + STOP_SLACK_MS); });
    const r = await Promise.race([queue.idle(), bound]);
    clearTimeout(timer);
    if (r === 'late') this.deps.log.warn({ waitedMs: graceMs + STOP_SLACK_MS }, 'a hook did not exit after SIGKILL; stopping anyway');
  }

  /** For tests: resolves when every queued hook has run. */
  idle(): Promise<void> {
    return this.queue?.idle() ?? Promise.resolve();
  }

  private async run({ hook, event }: Job): Promise<void> {
    const log = this.deps.log;
    const r = await this.deps.spawn({ path: hook.path, args: hook.args, env: hookEnv(event),
      stdin: `${JSON.stringify(event)}\n`, timeoutMs: hook.timeoutMs, signal: this.stopping.signal,
      killGraceMs: this.deps.killGraceMs ?? HOOK_KILL_GRACE_MS });
    const where = { hook: hook.path, event: event.event, link: event.link, durationMs: r.durationMs };
    if (r.stdout || r.stderr) log.debug({ ...where, stdout: r.stdout, stderr: r.stderr }, 'hook output');
    if (r.spawnError !== null) log.error({ ...where, errno: r.spawnError }, 'hook could not be started');
    else if (this.stopping.signal.aborted && r.code === null) log.warn({ ...where, signal: r.signal }, 'hook killed: the daemon is stopping');
    else if (r.timedOut) log.warn({ ...where, timeoutMs: hook.timeoutMs, signal: r.signal }, 'hook timed out; killed');
    else if (r.code === 0) log.info({ ...where, exitCode: 0 }, 'hook ran');
    else log.warn({ ...where, exitCode: r.code, signal: r.signal }, 'hook failed');
  }
}
