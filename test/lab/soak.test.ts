// A short soak in CI: one minute of seeded random faults on the real daemon in a wfs- lab, run as
// the real entry (`node dist/lab/soak.js --minutes 1 --json`); asserts exit 0 and a clean report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { notRoot } from './support.js';

const SOAK_JS = fileURLToPath(new URL('../../lab/soak.js', import.meta.url));
/** One minute of faults plus lab build, daemon start, settling and teardown, with room for a slow CI box. */
const DEADLINE_MS = 180_000;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runSoak(args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SOAK_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-20_000)));
    // SIGTERM first: the soak's exit guard then tears its lab down; SIGKILL only if that hangs.
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      reject(new Error(`soak did not finish within ${DEADLINE_MS} ms; stderr: ${stderr.slice(-2000)}`));
    }, DEADLINE_MS);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const ourNamespaces = (): string[] =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith('wfs-'));

test('one-minute soak: zero invariant violations, no crash, API always up, lab torn down', { skip: notRoot, timeout: DEADLINE_MS + 20_000 }, async () => {
  const before = new Set(ourNamespaces());
  const out = await runSoak(['--minutes', '1', '--json']);
  const report = JSON.parse(out.stdout) as Record<string, any>;
  const why = `failures: ${JSON.stringify(report.failures)}; violations: ${JSON.stringify(report.violation_samples)}; stderr: ${out.stderr.slice(-2000)}`;
  assert.equal(report.violations, 0, why);
  assert.equal(out.code, 0, why);
  assert.equal(report.ok, true);
  assert.ok(report.faults_total > 0, 'faults were injected');
  assert.ok(report.samples.route >= 100, 'the route was sampled continuously (~4/s)');
  assert.equal(report.samples.api_failures, 0);
  assert.equal(report.daemon.samePid, true);
  assert.equal(report.daemon.crashed, null);
  assert.ok(report.rss_kib.samples > 0 && report.fds.samples > 0);
  const left = ourNamespaces().filter((n) => n.startsWith(`${report.lab}-`) && !before.has(n));
  assert.deepEqual(left, [], 'the soak deleted its namespaces');
});

test('soak usage errors exit 2 without building anything', { timeout: 30_000 }, async () => {
  const out = await runSoak(['--minutes', 'soon']);
  assert.equal(out.code, 2);
  assert.match(out.stderr, /usage:/);
});
