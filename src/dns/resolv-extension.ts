// The resolv-file extension (issue 22): keeps dns.resolv_file holding the DNS servers of the links
// that carry the default route (resolv-content.ts decides), for dnsmasq's resolv-file= (which polls
// it). It only listens on the bus: a `carrying` event comes from the reconciler's "applied", so the
// route change is already in the kernel when the file is written, in a microtask of the same turn.
// A failing write (read-only directory, ENOSPC) is logged once per failure streak and retried with
// bounded backoff; failover never waits on it. The file is rewritten only when its content changes,
// and left as it is at stop (like the default route). The path is read from the running config at
// each write, so a SIGHUP that sets, moves or unsets it applies in place.
import type { Clock } from '../clock.js';
import type { EventBus } from '../bus/event-bus.js';
import type { BackoffPolicy } from '../bus/extension-host.js';
import type { Extension } from '../bus/extension.js';
import { TurnWriter } from '../bus/turn-writer.js';
import { describeError } from '../errors.js';
import { Streak } from '../log-streak.js';
import { writeFileAtomically, type WriteFileAtomically } from '../atomic-file.js';
import { resolvContent, type ResolvLink } from './resolv-content.js';

export interface ResolvLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ResolvDeps {
  bus: EventBus;
  /** dns.resolv_file of the running config; null = off. */
  file(): string | null;
  /** The links in preference order with what they carry and their servers (Daemon.resolvLinks). */
  links(): readonly ResolvLink[];
  clock: Clock;
  log: ResolvLog;
  /** Injected by tests; default write + rename in the file's directory. */
  write?: WriteFileAtomically;
  backoff?: BackoffPolicy;
}

export const RESOLV_BACKOFF: BackoffPolicy = { firstMs: 1_000, maxMs: 60_000 };

interface Failure { file: string; error: string }

export class ResolvExtension implements Extension {
  readonly name = 'resolv';
  /** What this run last wrote, per path (a moved path is written anew). */
  private written: { file: string; text: string } | null = null;
  private running = false;
  private readonly failures: Streak<Failure>;
  private readonly turns: TurnWriter;

  constructor(private readonly deps: ResolvDeps) {
    this.turns = new TurnWriter(deps.clock, deps.backoff ?? RESOLV_BACKOFF, () => this.sync());
    this.failures = new Streak<Failure>({
      began: (f) => deps.log.warn({ file: f.file, error: f.error }, 'resolv: cannot write the resolv file; retrying with backoff'),
      ended: (count, f) => deps.log.info({ file: f.file, attempts: count }, 'resolv: resolv file written again'),
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    // One write per engine step: a step publishes its events in one synchronous burst.
    const b = this.deps.bus;
    // carrying: the kernel's default route moved; link-dns: a link's servers; link-state: the fallback's
    // usable links; record start/config: the first write and a reload (a new path or static list).
    this.turns.start((changed) => [b.onKind('carrying', changed), b.onKind('link-dns', changed), b.onKind('link-state', changed),
      b.onKind('record', (e) => { if (e.type === 'start' || e.type === 'config') changed(); })]);
    this.sync();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.turns.stop();
    this.failures.close();
  }

  /** Runs outside the bus's own isolation (a microtask, a timer): nothing may escape it. */
  private sync(): void {
    if (!this.running) return;
    let file: string | null = null;
    try {
      file = this.deps.file();
      const want = file === null ? null : resolvContent(this.deps.links());
      if (file === null || want === null) return;
      if (this.written?.file === file && this.written.text === want.text) {
        this.succeeded();
        return;
      }
      (this.deps.write ?? writeFileAtomically)(file, want.text);
      this.written = { file, text: want.text };
      this.deps.log.info({ file, servers: want.servers, links: want.links, fallback: want.fallback }, 'resolv: resolv file written');
      this.succeeded();
    } catch (err) {
      this.failures.hit({ file: file ?? '', error: describeError(err) });
      this.turns.failed();
    }
  }

  private succeeded(): void {
    this.failures.end();
    this.turns.succeeded();
  }
}
