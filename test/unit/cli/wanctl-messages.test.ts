// wanctl's wording, as an operator reads it (issue 27): one prefix per line, --version, a count
// line after check-config's errors, where status looked for its config (sub-millisecond RTTs:
// format-status.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CONFIG_PATH } from '../../../src/cli/cli-config.js';

const WANCTL = fileURLToPath(new URL('../../../src/cli/wanctl.js', import.meta.url));
const PACKAGE = fileURLToPath(new URL('../../../../package.json', import.meta.url));

interface Run { code: number; stdout: string; stderr: string }

function wanctl(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [WANCTL, ...args], { timeout: 20_000, env: { ...process.env, NO_COLOR: '' } }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wanctl-msg-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('usage errors carry the command name once', async () => {
  const auto = await wanctl(['auto', 'maybe']);
  assert.equal(auto.code, 2);
  assert.equal(auto.stderr, "wanctl auto: expected on or off, got 'maybe' (see 'wanctl auto --help')\n");
  const dump = await wanctl(['dump', 'rout']);
  assert.equal(dump.code, 2);
  assert.equal(dump.stderr, "wanctl dump: unknown section 'rout', expected links, addrs, routes, rules, nexthops or all (see 'wanctl dump --help')\n");
});

test('wanctl --version and -V print the package version', async () => {
  const { version } = JSON.parse(readFileSync(PACKAGE, 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const r = await wanctl([flag]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `wanctl ${version}\n`);
  }
  assert.match((await wanctl(['--help'])).stdout, /wanctl --version/);
});

test('check-config with errors ends with a count line, as a good file ends with "ok: FILE"', withDir(async (dir) => {
  const f = join(dir, 'bad.yaml');
  writeFileSync(f, [
    'primary: { name: primary, interface: wan0 }',
    'secondary: { name: secondary, interface: wan0 }',
    'check_interval: -1',
    'faliure_threshold: 2',
    '',
  ].join('\n'));
  const r = await wanctl(['check-config', f]);
  assert.equal(r.code, 1);
  const lines = r.stderr.trimEnd().split('\n');
  assert.ok(lines.includes(`${f}: secondary.interface: got "wan0", expected an interface not already used by primary`), r.stderr);
  assert.ok(lines.some((l) => l.includes('unknown key "faliure_threshold" ignored (did you mean `failure_threshold`?')), r.stderr);
  assert.equal(lines.at(-1), `failed: ${f} (2 errors, 1 warning; the daemon would not start with it)`);
  const missing = await wanctl(['check-config', join(dir, 'nope.yaml')]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr.trimEnd().split('\n').at(-1), `failed: ${join(dir, 'nope.yaml')} (1 error; the daemon would not start with it)`);
}));

test('status without a config names the file it looked for and how to point elsewhere', { skip: existsSync(DEFAULT_CONFIG_PATH) ? `${DEFAULT_CONFIG_PATH} exists here` : false }, async () => {
  const r = await wanctl(['status']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `wanctl status: no config at ${DEFAULT_CONFIG_PATH} (the default path; wanctl reads the daemon's ` +
    `api_host, api_port and api_key from it): give the daemon's config with -c FILE\n`);
  assert.doesNotMatch(r.stderr, /ENOENT/);
});
