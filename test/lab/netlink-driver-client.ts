// Test-side client of netlink-driver.ts: JSON-line requests with bounded waits, and the list
// of NetlinkEvents the adapter delivered inside the namespace.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { NetlinkEvent } from '../../src/netlink/types.js';
import { nodeInNetns } from './netlink-netns.js';

const DRIVER = new URL('./netlink-driver.js', import.meta.url).pathname;
const CALL_TIMEOUT_MS = 15_000;

export interface DriverError { code?: string; details?: Record<string, unknown>; message: string }

export class DriverClient {
  readonly events: NetlinkEvent[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, (r: { ok: boolean; result?: unknown; error?: DriverError }) => void>();
  private readonly waiters = new Set<() => void>();
  private nextId = 1;
  stderr = '';

  constructor(ns: string, extraArgs: string[] = []) {
    this.child = nodeInNetns(ns, DRIVER, ['--driver', ...extraArgs]);
    this.child.stderr.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as { id?: number; ok?: boolean; result?: unknown; error?: DriverError; event?: NetlinkEvent };
      if (msg.event) {
        this.events.push(msg.event);
        for (const w of this.waiters) w();
      } else if (msg.id !== undefined) {
        this.pending.get(msg.id)?.({ ok: msg.ok === true, result: msg.result, error: msg.error });
        this.pending.delete(msg.id);
      }
    });
  }

  /** Resolves with the result, rejects with the driver's serialized error (code/details kept). */
  call<T>(op: string, args?: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new Error(`driver ${op} timed out; stderr: ${this.stderr}`)); }, CALL_TIMEOUT_MS);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        if (r.ok) resolve(r.result as T);
        else reject(Object.assign(new Error(r.error?.message ?? 'driver error'), { code: r.error?.code, details: r.error?.details }));
      });
      this.child.stdin.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  }

  /** First event (already seen or future) matching `pred`, or null after `timeoutMs`. */
  waitForEvent(pred: (e: NetlinkEvent) => boolean, timeoutMs: number): Promise<NetlinkEvent | null> {
    const found = this.events.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const check = (): void => {
        const e = this.events.find(pred);
        if (e) done(e);
      };
      const done = (e: NetlinkEvent | null): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(e);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      this.waiters.add(check);
    });
  }

  /** False once the driver process exited or was killed (e.g. aborted by a native crash). */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGSTOP/SIGCONT of our own child (by its pid): lets a test overflow the driver's socket buffer. */
  suspend(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  /** Asks the driver to exit, then kills our own child by pid if it lingers. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.stdin.write(`${JSON.stringify({ id: 0, op: 'exit' })}\n`);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}
