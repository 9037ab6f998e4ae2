// `wanctl status --check` (issue 25): its verdict from the status JSON, and the real wanctl process
// against a fake daemon API on loopback and with nothing listening: exit 0 (a link carries
// traffic), 1 (all down), 3 (no answer / no verdict), 2 (usage), one line each; and the modules it
// loads (no convict, netlink, fastify or pino: keepalived runs it every second).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkVerdict } from '../../../src/cli/status-check.js';
import type { StatusJson } from '../../../src/cli/status-json.js';
import { STATUS_FIXTURE } from './status-fixture.js';

const WANCTL = fileURLToPath(new URL('../../../src/cli/wanctl.js', import.meta.url));
const KEY = 'c0ffee0123456789abcdef0123456789';

interface Run { code: number; stdout: string; stderr: string }

function wanctl(args: string[], nodeArgs: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...nodeArgs, WANCTL, ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

const withStates = (allDown: boolean, ...states: Array<'up' | 'degraded' | 'down' | 'unknown'>): StatusJson => ({
  ...STATUS_FIXTURE,
  all_down: allDown,
  links: STATUS_FIXTURE.links.slice(0, states.length).map((l, i) => ({ ...l, state: states[i]!, healthy: states[i] === 'up' || states[i] === 'degraded' })),
} as StatusJson);

describe('checkVerdict', () => {
  test('0 while at least one link carries traffic', () => {
    assert.equal(checkVerdict(withStates(false, 'down', 'up')).code, 0);
    assert.equal(checkVerdict(withStates(false, 'degraded', 'down')).code, 0);
  });
  test('1 when every link is down', () => {
    const v = checkVerdict(withStates(true, 'down', 'down'));
    assert.equal(v.code, 1);
    assert.match(v.line, /^down: all 2 links are down$/);
  });
  test('1 from a seed daemon (no state, no all_down) whose links are all unhealthy', () => {
    const seed = { active_link: 'primary', auto_enabled: true, links: [{ name: 'primary', healthy: false }, { name: 'secondary', healthy: false }] } as StatusJson;
    assert.equal(checkVerdict(seed).code, 1);
  });
  test('3 while no link is judged yet (a daemon that just started)', () => {
    assert.equal(checkVerdict(withStates(false, 'unknown', 'unknown')).code, 3);
  });
});

let dir = '';
let server: Server;
let port = 0;
let body: unknown = null;
let statusCode = 200;

function config(name: string, p: number, key = KEY): string {
  const file = join(dir, name);
  writeFileSync(file, ['links: [{name: a, interface: wan0}, {name: b, interface: wan1}]', 'api_host: "127.0.0.1"', `api_port: ${p}`, `api_key: "${key}"`, ''].join('\n'));
  return file;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wanctl-check-'));
  server = createServer((req, res) => {
    const ok = req.url === '/api/status' && req.headers.authorization === `Bearer ${KEY}`;
    res.writeHead(ok ? statusCode : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? body : { success: false, error: 'Unauthorized' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function assertOneLine(r: Run, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code; stdout: ${r.stdout} stderr: ${r.stderr}`);
  const lines = (r.stdout + r.stderr).split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `one line, got: ${r.stdout}${r.stderr}`);
  assert.match(lines[0]!, pattern);
}

// The fake API is one shared server: these run one after another.
describe('wanctl status --check (process)', () => {
  test('exit 0 while a link carries traffic', async () => {
    body = withStates(false, 'down', 'up');
    statusCode = 200;
    assertOneLine(await wanctl(['status', '--check', '-c', config('ok.yaml', port)]), 0, /^ok: 1 of 2 links carry traffic \(secondary\)/);
  });

  test('exit 1 when every link is down', async () => {
    body = withStates(true, 'down', 'down');
    statusCode = 200;
    assertOneLine(await wanctl(['status', '--check', '-c', config('down.yaml', port)]), 1, /^down: all 2 links are down$/);
  });

  test('exit 3 when the daemon answers 401 (wrong key) or 503 (API off)', async () => {
    body = withStates(false, 'up', 'up');
    assertOneLine(await wanctl(['status', '--check', '-c', config('key.yaml', port, 'wrong-key-wrong-key-wrong-key-00')]), 3, /^no answer: .*HTTP 401: Unauthorized/);
    statusCode = 503;
    assertOneLine(await wanctl(['status', '--check', '-c', config('503.yaml', port)]), 3, /^no answer: .*HTTP 503/);
    statusCode = 200;
  });

  test('exit 3 with nothing listening', async () => {
    const idle = createServer();
    await new Promise<void>((r) => idle.listen(0, '127.0.0.1', () => r()));
    const free = (idle.address() as AddressInfo).port;
    await new Promise((r) => idle.close(r));
    assertOneLine(await wanctl(['status', '--check', '-c', config('none.yaml', free)]), 3, /^no answer: the daemon at http:\/\/127\.0\.0\.1:\d+ does not answer: .*ECONNREFUSED/);
  });

  test('exit 3 when the config cannot be read, naming the file', async () => {
    assertOneLine(await wanctl(['status', '--check', '-c', join(dir, 'missing.yaml')]), 3, /^no answer: .*missing\.yaml: cannot read config file \(ENOENT\)/);
  });

  test('exit 2 on a usage error (2 stays the usage error)', async () => {
    for (const args of [['status', '--check', 'extra'], ['status', '--check', '--json'], ['status', '--check', '--timeout', 'soon']]) {
      const r = await wanctl(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.split('\n').filter((l) => l !== '').length, 1);
    }
  });

  test('--check --help documents the exit codes', async () => {
    const r = await wanctl(['status', '--check', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^usage: wanctl status --check/);
    for (const c of ['0', '1', '2', '3']) assert.match(r.stdout, new RegExp(`^  ${c}  `, 'm'));
  });

  test('loads no config loader, netlink, fastify, pino or convict', async () => {
    body = withStates(false, 'up', 'up');
    const log = join(dir, 'loaded.txt');
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(hooks, [
      "import { appendFileSync } from 'node:fs';",
      'export async function resolve(specifier, context, next) {',
      '  const r = await next(specifier, context);',
      `  appendFileSync(${JSON.stringify(log)}, r.url + '\\n');`,
      '  return r;',
      '}', ''].join('\n'));
    const register = join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    const r = await wanctl(['status', '--check', '-c', config('loads.yaml', port)], ['--import', pathToFileURL(register).href]);
    assert.equal(r.code, 0, r.stderr);
    const loaded = readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
    assert.ok(loaded.some((u) => u.endsWith('/cli/cmd-status-check.js')), `the hook saw the check module: ${loaded.join(' ')}`);
    for (const heavy of [/\/node_modules\/convict\//, /\/node_modules\/fastify\//, /\/node_modules\/netlink\//, /\/node_modules\/pino\//,
      /\/src\/config\/load\.js$/, /\/src\/netlink\/adapter\.js$/, /\/src\/cli\/cmd-daemon\.js$/]) {
      assert.ok(!loaded.some((u) => heavy.test(u)), `${heavy} not loaded; loaded: ${loaded.filter((u) => heavy.test(u)).join(' ')}`);
    }
  });
});
