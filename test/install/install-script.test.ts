// install.sh into a scratch root (--root, --no-build): files and modes, config kept with the
// same api_key on re-run, --uninstall keeps only the config. Uses the checkout's built dist/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INSTALL_DIR, REPO_ROOT } from './paths.js';
import { parseDaemonLaunch } from '../../lab/daemon-launch.js';

const PLACEHOLDER = 'CHANGE_ME_TO_A_RANDOM_STRING';
const LINKED = ['package.json', 'package-lock.json', 'dist', 'native', 'node_modules', 'install', 'README.md'];

function missingBuild(): string | false {
  const native = path.join(REPO_ROOT, 'native/build/Release');
  if (!existsSync(path.join(native, 'wan_failover_native.node'))) {
    return 'native addon not built (npm run build:native)';
  }
  if (!existsSync(path.join(REPO_ROOT, 'dist/src'))) return 'dist/src missing (npm run build)';
  return false;
}

// A source tree of symlinks into the checkout, plus a config.example.yaml of our own when
// the checkout has none yet (it is written by another part of the project).
function makeSource(): string {
  const src = mkdtempSync(path.join(tmpdir(), 'wfi-src-'));
  for (const name of LINKED) symlinkSync(path.join(REPO_ROOT, name), path.join(src, name));
  const example = path.join(REPO_ROOT, 'config.example.yaml');
  if (existsSync(example)) symlinkSync(example, path.join(src, 'config.example.yaml'));
  else writeFileSync(path.join(src, 'config.example.yaml'), `api_port: 8780\napi_key: ${PLACEHOLDER}\nlinks: []\n`);
  return src;
}

function install(src: string, root: string, ...extra: string[]): string {
  const r = spawnSync('sh', [path.join(src, 'install/install.sh'), '--root', root, '--no-build', ...extra], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  assert.equal(r.status, 0, `install.sh ${extra.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Relative imports (static and dynamic) of the .js files under dir that resolve outside dir. */
function importsLeaving(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) {
        const text = readFileSync(p, 'utf8');
        for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
          const target = path.resolve(path.dirname(p), m[1] ?? '');
          if (path.relative(dir, target).startsWith('..')) found.push(`${path.relative(dir, p)} -> ${m[1] ?? ''}`);
        }
      }
    }
  };
  walk(dir);
  return found;
}

const mode = (p: string): number => statSync(p).mode & 0o777;
// The example config carries a trailing comment on the api_key line.
const apiKey = (text: string): string => /^api_key:\s*"?([^"\s#]+)"?\s*(?:#.*)?$/m.exec(text)?.[1] ?? '';

test('install.sh --root: install, re-run keeps config, uninstall keeps only config', { skip: missingBuild() }, () => {
  const src = makeSource();
  // --root creates its directory (it does not exist yet).
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'wfi-root-')), 'new', 'root');
  const at = (p: string): string => path.join(root, p);
  try {
    install(src, root);
    // The unit's Documentation= names a file the installer installs.
    const doc = /^Documentation=file:\/\/(\S+)$/m.exec(readFileSync(path.join(INSTALL_DIR, 'wan-failover.service'), 'utf8'))?.[1];
    assert.ok(doc !== undefined && existsSync(at(doc)), `Documentation= target ${doc} is installed`);
    const rotate = at('etc/logrotate.d/wan-failover');
    assert.equal(readFileSync(rotate, 'utf8'), readFileSync(path.join(INSTALL_DIR, 'logrotate'), 'utf8'));

    const conf = at('etc/wan-failover/config.yaml');
    const confText = readFileSync(conf, 'utf8');
    assert.equal(mode(conf), 0o600);
    assert.ok(!confText.includes(PLACEHOLDER), 'placeholder replaced');
    assert.match(confText, /^# EDIT BEFORE STARTING: primary\/secondary interface/m, 'the generated config says what still needs editing');
    assert.match(apiKey(confText), /^[0-9a-f]{64}$/);
    const keyLine = /^api_key:.*$/m.exec(confText)?.[0] ?? '';
    assert.doesNotMatch(keyLine, /change this/i, 'no "change this!" beside the freshly generated key');

    // The daemon is launched as install/daemon-launch says (the same file the lab and bench read); wanctl plainly.
    const launch = parseDaemonLaunch(readFileSync(path.join(INSTALL_DIR, 'daemon-launch'), 'utf8'));
    assert.ok(launch.flags.includes('--max-semi-space-size=1'), launch.flags.join(' '));
    assert.ok(launch.env.includes('MALLOC_ARENA_MAX=1'), launch.env.join(' '));
    const wrappers: Array<[string, string, string]> = [
      ['wan-failover', 'dist/src/main.js', `exec env ${launch.env.join(' ')} \\S+ ${launch.flags.join(' ')} `],
      ['wanctl', 'dist/src/cli/wanctl.js', 'exec \\S+ '],
    ];
    for (const [name, entry, pre] of wrappers) {
      const wrapper = at(`usr/local/bin/${name}`);
      assert.equal(mode(wrapper), 0o755, name);
      assert.match(readFileSync(wrapper, 'utf8'), new RegExp(`^${pre}/opt/wan-failover/${entry} "\\$@"$`, 'm'));
    }
    const hook = at('etc/dhcp/dhclient-exit-hooks.d/wan-failover');
    assert.equal(readFileSync(hook, 'utf8'), readFileSync(path.join(INSTALL_DIR, 'dhclient-exit-hook'), 'utf8'));
    const unit = at('etc/systemd/system/wan-failover.service');
    assert.equal(readFileSync(unit, 'utf8'), readFileSync(path.join(INSTALL_DIR, 'wan-failover.service'), 'utf8'));
    assert.equal(mode(unit), 0o644);

    const app = at('opt/wan-failover');
    for (const f of ['package.json', 'package-lock.json', 'dist/src', 'node_modules/fastify', 'node_modules/node-gyp-build']) {
      assert.ok(existsSync(path.join(app, f)), f);
    }
    assert.deepEqual(readdirSync(path.join(app, 'native/build/Release')), ['wan_failover_native.node'], 'the product addon only');
    assert.ok(!existsSync(path.join(app, 'node_modules/typescript')), 'dev dependencies pruned');
    // The status page ships with its vendored chart library (gzip beside each file), no CDN.
    for (const f of ['index.html', 'index.html.gz', 'app.js', 'uPlot.iife.min.js', 'uPlot.iife.min.js.gz']) {
      assert.ok(existsSync(path.join(app, 'dist/src/page/static', f)), `status page asset ${f}`);
    }
    assert.ok(!existsSync(path.join(app, 'dist/test')), 'tests are not installed');
    for (const dev of ['dist/lab', 'dist/bench', 'dist/src/lab']) assert.ok(!existsSync(path.join(app, dev)), `${dev} is not installed`);
    assert.deepEqual(importsLeaving(path.join(app, 'dist/src')), [], 'the installed code imports nothing outside dist/src');
    assert.ok(existsSync(at('var/lib/wan-failover')));

    // Second run: an upgrade in place that keeps the config byte for byte.
    const out = install(src, root);
    assert.match(out, /keeping existing/);
    assert.equal(readFileSync(conf, 'utf8'), confText);
    assert.equal(mode(conf), 0o600);
    assert.deepEqual(readdirSync(at('opt')), ['wan-failover'], 'no staging dirs left');

    install(src, root, '--uninstall');
    assert.equal(readFileSync(conf, 'utf8'), confText);
    for (const gone of ['opt/wan-failover', 'usr/local/bin/wan-failover', 'usr/local/bin/wanctl',
      'etc/dhcp/dhclient-exit-hooks.d/wan-failover', 'etc/systemd/system/wan-failover.service', 'var/lib/wan-failover',
      'etc/logrotate.d/wan-failover']) {
      assert.ok(!existsSync(at(gone)), gone);
    }
  } finally {
    rmSync(path.dirname(path.dirname(root)), { recursive: true, force: true });
    rmSync(src, { recursive: true, force: true });
  }
});

test('install.sh rejects unknown options', () => {
  const r = spawnSync('sh', [path.join(INSTALL_DIR, 'install.sh'), '--bogus'], { encoding: 'utf8', timeout: 10_000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /unknown option: --bogus/);
});
