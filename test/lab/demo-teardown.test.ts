// Root-only: the demo as a user runs it (`node dist/lab/main.js`, what `npm run lab` starts), as a
// child process with its own unique prefix. Ctrl-C (SIGINT to the demo) in the middle of the story
// leaves no namespace of its prefix and no process it started; `--keep` gives the prompt back (the
// process exits) with the lab running, and `down` removes it all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run } from '../../lab/exec.js';
import { destroyLab } from '../../lab/topology.js';
import { labNamespaces, parseNetnsList } from '../../lab/lab-plan.js';

const notRoot = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : false;
const LAB_MAIN = fileURLToPath(new URL('../../lab/main.js', import.meta.url));
/** The whole story takes about 20 s; bounds are generous for a loaded machine. */
const STORY_BOUND_MS = 150_000;

interface Demo {
  child: ChildProcess;
  out: () => string;
  /** Resolves with the first stdout match of re; rejects when the demo exits first or after timeoutMs. */
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (null: killed by a signal) or rejects after timeoutMs. */
  exited(timeoutMs: number): Promise<{ code: number | null; signal: string | null }>;
}

function startDemo(args: readonly string[]): Demo {
  const child = spawn(process.execPath, [LAB_MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const listeners = new Set<() => void>();
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
      for (const l of [...listeners]) l();
    });
  });
  const onData = (d: Buffer): void => {
    text += d.toString('utf8');
    for (const l of [...listeners]) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const bounded = <T>(p: Promise<T>, timeoutMs: number, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const t = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${timeoutMs} ms; output so far:\n${text}`)), timeoutMs);
    });
    return Promise.race([p, t]).finally(() => clearTimeout(timer));
  };
  return {
    child,
    out: () => text,
    waitFor: (re, timeoutMs) =>
      bounded(new Promise((resolve, reject) => {
        const check = (): void => {
          const m = re.exec(text);
          if (m !== null) {
            listeners.delete(check);
            resolve(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            listeners.delete(check);
            reject(new Error(`demo exited before printing ${re}; output:\n${text}`));
          }
        };
        listeners.add(check);
        check();
      }), timeoutMs, `no ${re}`),
    exited: (timeoutMs) => bounded(exit, timeoutMs, 'the demo did not exit'),
  };
}

async function namespacesOf(prefix: string): Promise<string[]> {
  return labNamespaces(prefix, parseNetnsList((await run('ip', ['netns', 'list'])).stdout));
}

async function pidsIn(namespaces: readonly string[]): Promise<number[]> {
  const pids: number[] = [];
  for (const ns of namespaces) {
    const { stdout } = await run('ip', ['netns', 'pids', ns]).catch(() => ({ stdout: '' }));
    pids.push(...stdout.split(/\s+/).filter((p) => /^[0-9]+$/.test(p)).map(Number));
  }
  return pids;
}

/** Alive and not a zombie (a killed child of the demo is reaped by init a moment later). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The pids still alive after a bounded wait for them to go (50 x 100 ms). */
async function survivors(pids: readonly number[]): Promise<number[]> {
  for (let i = 0; i < 50 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(alive);
}

/** Whatever a failed test left: the demo process, the lab's processes and namespaces. */
async function cleanup(demo: Demo | null, prefix: string): Promise<void> {
  if (demo !== null && demo.child.exitCode === null && demo.child.signalCode === null) demo.child.kill('SIGKILL');
  await destroyLab(prefix);
  await run('rm', ['-rf', `/run/${prefix}`]);
}

test('Ctrl-C in the middle of the story tears everything down: no namespace, no daemon, no child left', { skip: notRoot, timeout: 240_000 }, async () => {
  const prefix = `wfdemo-c${randomBytes(2).toString('hex')}`;
  let demo: Demo | null = null;
  try {
    demo = startDemo(['--prefix', prefix]);
    const daemonPid = Number((await demo.waitFor(/daemon pid ([0-9]+) in /, STORY_BOUND_MS))[1]);
    // Mid-story: the first failover happened, wan1 is held broken, the daemon and the LAN run.
    await demo.waitFor(/<<< default route on wan2/, STORY_BOUND_MS);
    const namespaces = await namespacesOf(prefix);
    assert.ok(namespaces.length >= 4, `the lab is up: ${namespaces.join(', ')}`);
    const inLab = await pidsIn(namespaces);
    assert.ok(inLab.includes(daemonPid), `the daemon ${daemonPid} runs in the lab (${inLab.join(', ')})`);
    assert.ok(inLab.length >= 3, `daemon, echo server, LAN client and agent run in the lab: ${inLab.join(', ')}`);
    demo.child.kill('SIGINT');
    const { code } = await demo.exited(60_000);
    assert.equal(code, 130, `exit status of an interrupted demo; output:\n${demo.out()}`);
    assert.match(demo.out(), /SIGINT: lab torn down/);
    assert.deepEqual(await namespacesOf(prefix), [], 'no namespace of the prefix left');
    assert.deepEqual(await survivors(inLab), [], 'no process the demo started is alive');
  } finally {
    await cleanup(demo, prefix);
  }
});

test('--keep gives the prompt back with the lab running; down removes it', { skip: notRoot, timeout: 300_000 }, async () => {
  const prefix = `wfdemo-k${randomBytes(2).toString('hex')}`;
  let demo: Demo | null = null;
  try {
    demo = startDemo(['--keep', '--prefix', prefix]);
    // The process ends by itself: nothing it left running holds it open.
    const { code } = await demo.exited(STORY_BOUND_MS);
    assert.equal(code, 0, `the kept demo exits 0; output:\n${demo.out()}`);
    const kept = /lab kept: daemon pid ([0-9]+)/.exec(demo.out());
    assert.ok(kept !== null, `says it kept the lab:\n${demo.out()}`);
    const daemonPid = Number(kept[1]);
    assert.match(demo.out(), new RegExp(`npm run lab -- down --prefix ${prefix}`), 'says how to tear it down');
    const namespaces = await namespacesOf(prefix);
    assert.deepEqual([...namespaces].sort(), [`${prefix}-isp1`, `${prefix}-isp2`, `${prefix}-lan`, `${prefix}-net`, `${prefix}-r`]);
    assert.ok(alive(daemonPid), 'the kept daemon runs');
    assert.ok((await pidsIn([`${prefix}-r`])).includes(daemonPid), 'in the router namespace');
    const echo = await pidsIn([`${prefix}-net`]);
    assert.equal(echo.length, 1, 'the LAN echo service still runs, detached, in the internet namespace');

    const down = startDemo(['down', '--prefix', prefix]);
    const downExit = await down.exited(60_000);
    assert.equal(downExit.code, 0, down.out());
    assert.match(down.out(), /lab down: removed/);
    assert.deepEqual(await namespacesOf(prefix), [], 'down removed every namespace');
    assert.deepEqual(await survivors([daemonPid, ...echo]), [], 'down ended the daemon and the echo service');
  } finally {
    await cleanup(demo, prefix);
  }
});
