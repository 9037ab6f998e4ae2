// A throwaway Mosquitto broker for tests and the bench: its own config in a temp dir, a random
// loopback port (optionally inside a lab namespace, where the daemon runs), and a Unix socket
// listener so a test in the root namespace reaches the same broker (a socket path crosses network
// namespaces; 127.0.0.1 does not). Stopped by pid; restartable on the same port and socket.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunning, run, spawnInNs, terminate } from './exec.js';

export interface BrokerUser {
  username: string;
  password: string;
}

export interface BrokerOptions {
  /** Run inside this network namespace (the daemon's), listening on its 127.0.0.1. */
  ns?: string;
  /** Require these users (password_file); default anonymous access. */
  users?: BrokerUser[];
}

export interface Broker {
  /** mqtt://127.0.0.1:<port>, valid inside `ns` (or the root namespace without one). */
  readonly url: string;
  readonly port: number;
  /** Unix socket of the same broker, reachable from any namespace. */
  readonly socketPath: string;
  readonly pid: number;
  /** What the broker logged (last 64 KiB). */
  log(): string;
  /** SIGTERM, then SIGKILL; idempotent. The temp dir stays until dispose(). */
  stop(): Promise<void>;
  /** Starts it again on the same port and socket (retained messages are not persisted: a real restart loses them). */
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT: a broker that accepts TCP (kernel backlog) but never answers. */
  freeze(): void;
  thaw(): void;
  dispose(): Promise<void>;
}

const READY_TIMEOUT_MS = 5_000;

function configText(port: number, socketPath: string, passwordFile: string | null): string {
  return [
    // mosquitto.conf(5): run as root keeps root; else it switches to user "mosquitto", which cannot
    // read our 0700 temp dir.
    'user root',
    'per_listener_settings false',
    `listener ${port} 127.0.0.1`,
    // mosquitto.conf(5), listener: port 0 with a path is a Unix socket listener (2.0 and later).
    `listener 0 ${socketPath}`,
    passwordFile ? `password_file ${passwordFile}` : 'allow_anonymous true',
    ...(passwordFile ? ['allow_anonymous false'] : []),
    'persistence false',
    'log_dest stdout',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'connection_messages true',
    '',
  ].join('\n');
}

function canConnect(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const done = (ok: boolean): void => { s.destroy(); resolve(ok); };
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    setTimeout(() => done(false), 500).unref();
  });
}

class MosquittoBroker implements Broker {
  private child: ChildProcess | null = null;
  private text = '';

  constructor(readonly port: number, readonly socketPath: string, private readonly dir: string,
    private readonly confPath: string, private readonly ns: string | undefined) {}

  get url(): string { return `mqtt://127.0.0.1:${this.port}`; }
  get pid(): number { return this.child?.pid ?? -1; }
  log(): string { return this.text; }

  async launch(): Promise<void> {
    const args = ['-c', this.confPath];
    const child = this.ns ? spawnInNs(this.ns, 'mosquitto', args) : spawn('mosquitto', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (d: Buffer): void => { this.text = (this.text + d.toString('utf8')).slice(-65536); };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (let i = 0; i < 100 && Date.now() < deadline; i++) {
      if (!isRunning(child)) throw new Error(`mosquitto exited (${child.exitCode}): ${this.text.trim().slice(-500)}`);
      if (existsSync(this.socketPath) && (await canConnect(this.socketPath))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    await terminate(child, 'SIGKILL', 1000);
    throw new Error(`mosquitto not ready within ${READY_TIMEOUT_MS} ms: ${this.text.trim().slice(-500)}`);
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c) return;
    if (c.signalCode === null && c.exitCode === null) c.kill('SIGCONT');
    await terminate(c, 'SIGTERM', 3000);
    this.child = null;
    await rm(this.socketPath, { force: true });
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  freeze(): void { this.child?.kill('SIGSTOP'); }
  thaw(): void { this.child?.kill('SIGCONT'); }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Starts a broker on a random port (retries a taken one, a few times). */
export async function startBroker(opts: BrokerOptions = {}): Promise<Broker> {
  const dir = await mkdtemp(join(tmpdir(), 'wf-mosquitto-'));
  try {
    let passwordFile: string | null = null;
    if (opts.users && opts.users.length > 0) {
      passwordFile = join(dir, 'passwd');
      await writeFile(passwordFile, '', { mode: 0o600 });
      for (const u of opts.users) await run('mosquitto_passwd', ['-b', passwordFile, u.username, u.password]);
    }
    const socketPath = join(dir, 'mqtt.sock');
    let lastError: unknown = null;
    for (let attempt = 0; attempt < 4; attempt++) {
      const port = 20_000 + Math.floor(Math.random() * 40_000);
      const confPath = join(dir, 'mosquitto.conf');
      await writeFile(confPath, configText(port, socketPath, passwordFile), { mode: 0o600 });
      const broker = new MosquittoBroker(port, socketPath, dir, confPath, opts.ns);
      try {
        await broker.launch();
        return broker;
      } catch (err) {
        lastError = err;
        await broker.stop();
      }
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
