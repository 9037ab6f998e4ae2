// Runs the compiled wanctl as a child process: exit codes, one-line usage errors, help for every
// subcommand, check-config, and status/switch/auto against a fake daemon API on loopback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STATUS_FIXTURE } from './status-fixture.js';

const WANCTL = fileURLToPath(new URL('../../../src/cli/wanctl.js', import.meta.url));
const SEED = fileURLToPath(new URL('../../../../fixtures/config/seed.yaml', import.meta.url));
const KEY = 'a3f1c9e07b6d4e2f8a1b0c9d8e7f6a5b';

interface Run { code: number; stdout: string; stderr: string }

/** Async on purpose: the fake API lives in this process and must keep answering meanwhile. */
function wanctl(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [WANCTL, ...args], { timeout: 20_000, env: { ...process.env, NO_COLOR: '', ...env } },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      });
  });
}

function assertOneLineError(r: Run, code: number, prefix: string): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `one stderr line, got: ${r.stderr}`);
  assert.ok(lines[0].startsWith(prefix), lines[0]);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

let dir = '';

function configFile(name: string, port: number, key = KEY): string {
  const file = join(dir, name);
  writeFileSync(file, [
    'primary: { name: primary, interface: wan0, display_name: Telekom }',
    'secondary: { name: secondary, interface: wan1, display_name: Digi }',
    'ping_targets: [198.51.100.10, 203.0.113.10]',
    'api_host: "127.0.0.1"', `api_port: ${port}`, `api_key: "${key}"`, '',
  ].join('\n'));
  return file;
}

before(() => { dir = mkdtempSync(join(tmpdir(), 'wanctl-test-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

// Independent processes: run them side by side to keep the suite short on a busy machine.
describe('usage', { concurrency: 4 }, () => {
  test('no command: exit 2, one line', async () => {
    assertOneLineError(await wanctl([]), 2, 'wanctl: missing command');
  });

  test('unknown command: exit 2', async () => {
    assertOneLineError(await wanctl(['frobnicate']), 2, "wanctl: unknown command 'frobnicate'");
  });

  const bad: Array<[string[], string]> = [
    [['dump', '--bogus'], 'wanctl dump:'],
    [['dump', 'everything'], 'wanctl dump:'],
    [['dump', 'links', 'routes'], 'wanctl dump:'],
    [['monitor', '--count', '0'], 'wanctl monitor:'],
    [['monitor', '--timeout', 'soon'], 'wanctl monitor:'],
    [['probe'], 'wanctl probe:'],
    [['probe', 'wan0'], 'wanctl probe:'],
    [['probe', 'wan0', 'not-an-ip'], 'wanctl probe:'],
    [['probe', 'wan0', 'tcp://dns.example:53'], 'wanctl probe:'],
    [['probe', 'wan0', 'tcp://198.51.100.1'], 'wanctl probe:'],
    [['probe', 'wan0', 'tcp://198.51.100.1:443', '--insecure'], 'wanctl probe:'],
    [['probe', 'wan0', '198.51.100.1', '--host', 'check.example'], 'wanctl probe:'],
    [['probe', 'wan0', 'http://198.51.100.1/', '--expect-status', 'ok'], 'wanctl probe:'],
    [['probe', 'wan0', '198.51.100.1', '-c', '1.5'], 'wanctl probe:'],
    [['probe', 'wan0', '198.51.100.1', '-W'], 'wanctl probe:'],
    [['status', 'extra'], 'wanctl status:'],
    [['switch'], 'wanctl switch:'],
    [['auto'], 'wanctl auto:'],
    [['auto', 'maybe'], 'wanctl auto:'],
    [['check-config', 'a', 'b'], 'wanctl check-config:'],
  ];
  for (const [args, prefix] of bad) {
    test(`${args.join(' ')}: exit 2, one line`, async () => {
      const r = await wanctl(args);
      assertOneLineError(r, 2, prefix);
      assert.match(r.stderr, /see 'wanctl \S+ --help'/);
    });
  }

  test('lab is not a wanctl command (the lab is not part of the installed product)', async () => {
    const r = await wanctl(['lab', 'up']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'lab'/);
    assert.doesNotMatch((await wanctl(['--help'])).stdout, /^  lab /m);
  });

  test('top-level help: exit 0 on stdout, lists every command', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const r = await wanctl([flag]);
      assert.equal(r.code, 0);
      assert.equal(r.stderr, '');
      for (const c of ['status', 'switch', 'auto', 'dump', 'monitor', 'probe', 'check-config']) {
        assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'), c);
      }
    }
  });

  for (const c of ['dump', 'monitor', 'probe', 'status', 'switch', 'auto', 'check-config']) {
    test(`${c} --help and -h: exit 0, usage on stdout`, async () => {
      for (const flag of ['--help', '-h']) {
        const r = await wanctl([c, flag]);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(r.stdout.startsWith(`usage: wanctl ${c}`), r.stdout);
      }
    });
  }

  test('help COMMAND is COMMAND --help', async () => {
    const r = await wanctl(['help', 'probe']);
    assert.equal(r.code, 0);
    assert.ok(r.stdout.startsWith('usage: wanctl probe'));
  });
});

describe('check-config', () => {
  test('a valid file: exit 0, "ok: FILE" last; interfaces missing on this machine are warnings', async () => {
    const f = configFile('ok.yaml', 8780);
    const r = await wanctl(['check-config', f]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trimEnd().split('\n');
    assert.ok(lines.at(-1)?.startsWith(`ok: ${f}`), r.stdout);
    // wan0/wan1 are not interfaces of the test machine's own namespace.
    if (!existsSync('/sys/class/net/wan0')) assert.ok(lines.some((l) => l.includes('warning: primary.interface: "wan0" does not exist')), r.stdout);
  });

  test('-c FILE works as the positional', async () => {
    const f = configFile('ok-c.yaml', 8780);
    assert.equal((await wanctl(['check-config', '-c', f])).code, 0);
  });

  test("the original's example with its placeholder key: exit 0, a warning that the API stays off", async () => {
    const r = await wanctl(['check-config', SEED]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${SEED.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: warning: api_key is still the example placeholder: the REST API is off`));
    assert.ok(!r.stdout.includes('CHANGE_ME_TO_A_RANDOM_STRING'), 'the key is not echoed');
    assert.match(r.stdout.trimEnd().split('\n').at(-1) ?? '', /^ok: .*warning/);
  });

  test('ping_timeout >= check_interval: exit 0, the effective period in the warning', async () => {
    const f = join(dir, 'timing.yaml');
    writeFileSync(f, `primary: { interface: lo }\nsecondary: { interface: wan1 }\napi_key: "${KEY}"\ncheck_interval: 1\nping_timeout: 1\n`);
    const r = await wanctl(['check-config', f]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /effective check period max\(check_interval, ping_timeout\) = 1 s/);
  });

  test('an invalid file: exit 1, the problems name the key and the file', async () => {
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'pign_targets: [198.51.100.1]\nping_timeout: -1\n');
    const r = await wanctl(['check-config', f]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /pign_targets/);
    assert.match(r.stderr, /ping_timeout/);
    assert.ok(r.stderr.includes(f));
  });

  test('a missing file: exit 1', async () => {
    const r = await wanctl(['check-config', join(dir, 'nope.yaml')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nope\.yaml/);
  });
});

describe('status, switch, auto against a fake daemon API', () => {
  let server: Server;
  let port = 0;
  let cfg = '';
  const seen: Array<{ method: string; url: string; auth: string | undefined; body: string }> = [];

  function reply(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
    if (req.headers.authorization !== `Bearer ${KEY}`) {
      reply(res, 401, { success: false, error: 'unauthorized', code: 'WAN_ERR_UNAUTHORIZED' });
    } else if (req.method === 'GET' && req.url === '/api/status') {
      reply(res, 200, STATUS_FIXTURE);
    } else if (req.method === 'POST' && req.url === '/api/switch') {
      const { target, family } = JSON.parse(body) as { target: string; family?: string };
      if (family === 'ipv6') reply(res, 200, { success: true, active: target, active_ipv6: target, ipv6_result: 'switched' });
      else if (family === 'both' && target === 'primary') {
        reply(res, 200, { success: true, active: 'primary', active_ipv6: 'secondary', ipv6_result: 'not_moved', ipv6_reason: 'Telekom has no known IPv6 gateway' });
      } else if (target === 'primary') reply(res, 200, { success: true, active: 'primary' });
      else if (target === 'secondary') reply(res, 200, { success: true, message: 'Already on Digi', active: 'secondary' });
      else reply(res, 400, { success: false, error: `unknown link: ${target}`, code: 'WAN_ERR_UNKNOWN_LINK', valid: ['primary', 'secondary'] });
    } else if (req.method === 'POST' && req.url === '/api/auto') {
      reply(res, 200, { success: true, auto_enabled: (JSON.parse(body) as { enabled: boolean }).enabled });
    } else {
      reply(res, 404, { success: false, error: 'not found', code: 'WAN_ERR_NOT_FOUND' });
    }
  }

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => handle(req, res, body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    cfg = configFile('api.yaml', port);
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('status: the human page with the key sent as a bearer token', async () => {
    const r = await wanctl(['status', '-c', cfg]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^active: secondary \(Digi\) via wan1, gateway 203\.0\.113\.1$/m);
    assert.match(r.stdout, /^\*\s+secondary\s+Digi\s+wan1\s+up\s/m);
    assert.match(r.stdout, /switched to Digi$/m);
    assert.doesNotMatch(r.stdout, /\u001b\[/, 'no colour into a pipe');
    const last = seen.at(-1);
    assert.equal(last?.url, '/api/status');
    assert.equal(last?.auth, `Bearer ${KEY}`);
  });

  test('status --json: the daemon\'s JSON as is', async () => {
    const r = await wanctl(['status', '--json', '-c', cfg]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), JSON.parse(JSON.stringify(STATUS_FIXTURE)));
  });

  test('switch: success and already-active both exit 0', async () => {
    const a = await wanctl(['switch', 'primary', '--force', '-c', cfg]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, 'switched to primary\n');
    assert.deepEqual(JSON.parse(seen.at(-1)?.body ?? ''), { target: 'primary', force: true });
    const b = await wanctl(['switch', 'secondary', '-c', cfg]);
    assert.equal(b.code, 0);
    assert.equal(b.stdout, 'Already on Digi\n');
  });

  test('switch --family: sent as asked; each family\'s outcome on its own line; a bad value is a usage error', async () => {
    const v6 = await wanctl(['switch', 'secondary', '--family', 'ipv6', '-c', cfg]);
    assert.equal(v6.code, 0, v6.stderr);
    assert.equal(v6.stdout, 'switched IPv6 to secondary\n');
    assert.deepEqual(JSON.parse(seen.at(-1)?.body ?? ''), { target: 'secondary', family: 'ipv6' });
    const both = await wanctl(['switch', 'primary', '--family', 'both', '-c', cfg]);
    assert.equal(both.code, 0, both.stderr);
    assert.equal(both.stdout, 'switched to primary\nIPv6 stays on secondary: Telekom has no known IPv6 gateway\n');
    const before = seen.length;
    assertOneLineError(await wanctl(['switch', 'primary', '--family', 'ipv5', '-c', cfg]), 2,
      "wanctl switch: --family: expected ipv4, ipv6 or both, got 'ipv5'");
    assert.equal(seen.length, before, 'nothing sent');
  });

  test('switch to an unknown link: exit 1, the server\'s error in one line with the valid names', async () => {
    const r = await wanctl(['switch', 'lte', '-c', cfg]);
    assertOneLineError(r, 1, 'wanctl switch: unknown link: lte (valid: primary, secondary)');
  });

  test('auto off/on', async () => {
    const off = await wanctl(['auto', 'off', '-c', cfg]);
    assert.equal(off.code, 0, off.stderr);
    assert.equal(off.stdout, 'auto failover disabled\n');
    assert.deepEqual(JSON.parse(seen.at(-1)?.body ?? ''), { enabled: false });
    const on = await wanctl(['auto', 'on', '-c', cfg]);
    assert.equal(on.stdout, 'auto failover enabled\n');
  });

  test('a wrong key: exit 1 with the server\'s text', async () => {
    const wrong = configFile('wrong-key.yaml', port, 'b'.repeat(32));
    assertOneLineError(await wanctl(['status', '-c', wrong]), 1, 'wanctl status: unauthorized');
  });

  test('no daemon listening: exit 1, says where it tried', async () => {
    // A loopback port that was just free: nothing listens there, the connection is refused at once.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const free = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const none = configFile('none.yaml', free);
    assertOneLineError(await wanctl(['status', '-c', none]), 1,
      `wanctl status: cannot reach the daemon at http://127.0.0.1:${free}: ECONNREFUSED`);
  });

  test('a broken config: exit 1 in one line naming the file', async () => {
    const f = join(dir, 'broken.yaml');
    writeFileSync(f, 'api_port: banana\n');
    const r = await wanctl(['status', '-c', f]);
    assertOneLineError(r, 1, 'wanctl status:');
    assert.ok(r.stderr.includes(f));
  });
});
