// The one queue of operator commands (issue 19, defect 3): every switch and auto from the REST API,
// wanctl (through the API) and MQTT runs here, one at a time, in arrival order. Two switches at
// once used to race: the first, once the reconciler was idle, found the kernel on the second's
// link and answered 500 although every kernel change had succeeded. Here a command runs alone, so
// what it finds when it is done is its own doing. A command still waiting when a later one covers
// it (a switch of the same families or more, an auto after an auto) is answered at once with 409
// WAN_ERR_SUPERSEDED naming the command that won; the running one is never cut short, so the last
// command always runs and the route ends where it asked. Every answer says what became of the
// command: done (with its number), superseded (by which), or refused (the engine's own 4xx).
// Waiting commands are bounded by construction: at most one per kind (switch ipv4/ipv6/both, auto).
import { WanError } from '../errors.js';
import type {
  AutoOptions, AutoOutcome, CommandSource, Engine, EngineStatus, SwitchFamily, SwitchOptions, SwitchOutcome,
} from './types.js';

export type CommandSpec =
  | { kind: 'switch'; target: string; force: boolean; family: SwitchFamily }
  | { kind: 'auto'; enabled: boolean };

/** A command as it is named in answers and logs. */
export type CommandRef = CommandSpec & { command: number; source: CommandSource };

/** PURE: does `later` make `earlier` (still waiting) pointless? A switch never covers an auto, nor the reverse. */
export function supersedes(later: CommandSpec, earlier: CommandSpec): boolean {
  if (later.kind === 'auto' || earlier.kind === 'auto') return later.kind === earlier.kind;
  return later.family === 'both' || later.family === earlier.family;
}

/** PURE: "#17 (switch to wan2, via api)". */
export function describeCommand(c: CommandRef): string {
  const what = c.kind === 'auto' ? `auto ${c.enabled ? 'on' : 'off'}`
    : `switch${c.family === 'both' ? '' : ` ${c.family}`} to ${c.target}${c.force ? ' (force)' : ''}`;
  return `#${c.command} (${what}, via ${c.source})`;
}

export function supersededError(lost: CommandRef, won: CommandRef): WanError {
  return new WanError('WAN_ERR_SUPERSEDED', `command ${describeCommand(lost)} was superseded by the later command ${describeCommand(won)} before it ran`,
    { command: lost.command, supersededBy: won });
}

interface Waiting {
  ref: CommandRef;
  run: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** An Engine whose commands are serialized; status() is the engine's own. */
export class CommandQueue implements Engine {
  private next = 1;
  private readonly waiting: Waiting[] = [];
  private running: Promise<void> | null = null;

  constructor(private readonly engine: Engine) {}

  status(): EngineStatus {
    return this.engine.status();
  }

  async switchTo(target: string, opts: SwitchOptions): Promise<SwitchOutcome> {
    const { source = 'api', ...engineOpts } = opts;
    const ref = this.ref({ kind: 'switch', target, force: opts.force, family: opts.family ?? 'both' }, source);
    const outcome = await this.submit(ref, () => this.engine.switchTo(target, engineOpts));
    return { ...outcome, command: ref.command };
  }

  async setAuto(enabled: boolean, opts: AutoOptions = {}): Promise<AutoOutcome> {
    const ref = this.ref({ kind: 'auto', enabled }, opts.source ?? 'api');
    await this.submit(ref, () => this.engine.setAuto(enabled));
    return { command: ref.command };
  }

  /** Commands waiting (not counting the one running). */
  get depth(): number {
    return this.waiting.length;
  }

  /** Resolves when nothing waits or runs. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private ref(spec: CommandSpec, source: CommandSource): CommandRef {
    return { ...spec, command: this.next++, source };
  }

  private submit<T>(ref: CommandRef, run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      for (let i = this.waiting.length - 1; i >= 0; i--) {
        const w = this.waiting[i]!;
        if (!supersedes(ref, w.ref)) continue;
        this.waiting.splice(i, 1);
        w.reject(supersededError(w.ref, ref));
      }
      this.waiting.push({ ref, run, resolve: resolve as (v: unknown) => void, reject });
      this.running ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      for (let w = this.waiting.shift(); w !== undefined; w = this.waiting.shift()) {
        try {
          w.resolve(await w.run());
        } catch (err) {
          w.reject(err);
        }
      }
    } finally {
      this.running = null;
    }
  }
}
