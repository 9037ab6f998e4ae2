// The logger: one JSON object per line, ISO times, secrets never written, file output
// best effort, run-time level changes reaching children.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLogger, redactUrl, setLevel } from '../../src/log.js';

type Line = Record<string, unknown>;

/** Runs `fn` with a fresh temporary directory, removed afterwards whatever happens. */
async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wf-log-test-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function capture(): { dest: { write(s: string): void }; lines(): Line[]; raw(): string } {
  const chunks: string[] = [];
  return {
    dest: { write: (s: string) => void chunks.push(s) },
    raw: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Line),
  };
}

test('each line is a JSON object with level label, ISO time and fields', async () => {
  const out = capture();
  const { logger, close } = createLogger({ level: 'info', file: null }, out.dest);
  logger.info({ link: 'primary', from: 'a', to: 'b' }, 'default route switched');
  logger.debug('not shown at info');
  await close();
  const lines = out.lines();
  assert.equal(lines.length, 1);
  const l = lines[0] as Line;
  assert.equal(l['level'], 'info');
  assert.equal(l['msg'], 'default route switched');
  assert.equal(l['link'], 'primary');
  assert.match(String(l['time']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});

test('authorization headers and API keys never reach the output', async () => {
  const out = capture();
  const { logger, close } = createLogger({ level: 'trace', file: null }, out.dest);
  logger.info({ req: { method: 'GET', url: '/api/status?api_key=SECRET1&x=1', headers: { authorization: 'Bearer SECRET2' } } }, 'req');
  logger.info({ headers: { Authorization: 'Bearer SECRET3' } }, 'h');
  logger.info({ api_key: 'SECRET4', apiKey: 'SECRET5', config: { apiKey: 'SECRET6' } }, 'cfg');
  logger.info({ deep: { api: { api_key: 'SECRET7' } } }, 'deep');
  logger.child({ component: 'api' }).info({ authorization: 'Bearer SECRET8' }, 'child');
  await close();
  const raw = out.raw();
  assert.ok(!/SECRET\d/.test(raw), raw);
  const lines = out.lines();
  const req = (lines[0] as { req: { url: string; headers: Record<string, string> } }).req;
  assert.equal(req.url, '/api/status?api_key=[REDACTED]&x=1');
  assert.equal(req.headers['authorization'], '[REDACTED]');
  assert.equal((lines[2] as Line)['api_key'], '[REDACTED]');
});

test('redactUrl replaces only the api_key parameter', () => {
  assert.equal(redactUrl('/api/status'), '/api/status');
  assert.equal(redactUrl('/api/status?api_key=abc'), '/api/status?api_key=[REDACTED]');
  assert.equal(redactUrl('/a?x=1&api_key=abc&y=2'), '/a?x=1&api_key=[REDACTED]&y=2');
  assert.equal(redactUrl('http://h:8780/a?API_KEY=abc#frag'), 'http://h:8780/a?API_KEY=[REDACTED]#frag');
  assert.equal(redactUrl('/a?api%5Fkey=abc'), '/a?api%5Fkey=[REDACTED]');
  assert.equal(redactUrl('/a?api_key'), '/a?api_key=[REDACTED]');
  assert.equal(redactUrl('/a?not_api_key=1'), '/a?not_api_key=1');
  assert.equal(redactUrl('/a?x=%E0%A4%A'), '/a?x=%E0%A4%A');
});

test('setLevel changes the level of the logger and of children made before', async () => {
  const out = capture();
  const { logger, close } = createLogger({ level: 'info', file: null }, out.dest);
  const child = logger.child({ component: 'probe' });
  child.debug('hidden');
  setLevel(logger, 'debug');
  child.debug('shown');
  logger.debug('shown too');
  setLevel(logger, 'error');
  child.warn('hidden again');
  await close();
  assert.deepEqual(out.lines().map((l) => l['msg']), ['shown', 'shown too']);
});

test('a log file gets the same lines, its directory is created', async () => {
  await inTempDir(async (dir) => {
    const file = join(dir, 'sub', 'dir', 'wan-failover.log');
    const out = capture();
    const { logger, close } = createLogger({ level: 'info', file }, out.dest);
    logger.info({ apiKey: 'SECRET9' }, 'to both');
    await close();
    await close(); // idempotent
    const fileLines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
    assert.equal(fileLines.length, 1);
    assert.equal(fileLines[0]?.['msg'], 'to both');
    assert.equal(fileLines[0]?.['apiKey'], '[REDACTED]');
    assert.equal(out.lines().length, 1);
  });
});

test('a log file that cannot be opened gives one warning and logging goes on', async () => {
  await inTempDir(async (dir) => {
    const notADir = join(dir, 'plain-file');
    writeFileSync(notADir, 'x');
    const out = capture();
    const { logger, close } = createLogger({ level: 'info', file: join(notADir, 'sub', 'x.log') }, out.dest);
    logger.info('still logging');
    await close();
    const lines = out.lines();
    assert.equal(lines.length, 2);
    assert.equal(lines[0]?.['level'], 'warn');
    assert.equal(lines[0]?.['code'], 'ENOTDIR');
    assert.equal(lines[1]?.['msg'], 'still logging');
  });
});

test('a log file under /proc does not hang or throw', async () => {
  const out = capture();
  const { logger, close } = createLogger({ level: 'info', file: '/proc/wf-no-such-dir/x.log' }, out.dest);
  logger.info('ok');
  await close();
  assert.equal(out.lines().at(-1)?.['msg'], 'ok');
});

test('reopen() after logrotate moved the file: new lines go to a new file at the same path', async () => {
  await inTempDir(async (dir) => {
    const file = join(dir, 'wan-failover.log');
    const out = capture();
    const { logger, close, reopen } = createLogger({ level: 'info', file }, out.dest);
    logger.info('before rotation');
    renameSync(file, `${file}.1`);
    logger.info('after the move, before the signal');
    reopen();
    logger.info('after reopen');
    await close();
    const msgs = (f: string): unknown[] => readFileSync(f, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as Line)['msg']);
    assert.deepEqual(msgs(`${file}.1`), ['before rotation', 'after the move, before the signal']);
    assert.deepEqual(msgs(file), ['after reopen']);
  });
});

test('reopen() opens a file that could not be opened at start, once its directory exists', async () => {
  await inTempDir(async (dir) => {
    const blocker = join(dir, 'logs');
    writeFileSync(blocker, 'x'); // a file where the directory should be: ENOTDIR
    const file = join(blocker, 'x.log');
    const out = capture();
    const { logger, close, reopen } = createLogger({ level: 'info', file }, out.dest);
    reopen(); // still failing: no second warning in the same streak
    rmSync(blocker);
    mkdirSync(blocker);
    reopen();
    logger.info('into the file');
    await close();
    assert.equal(out.lines().filter((l) => l['level'] === 'warn').length, 1);
    assert.ok(out.lines().some((l) => l['msg'] === 'log file open again'));
    assert.deepEqual(readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as Line)['msg']), ['log file open again', 'into the file']);
  });
});
