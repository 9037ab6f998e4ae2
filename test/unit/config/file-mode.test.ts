// Config file modes (issue 19, defect 9): a config with secrets or hooks that group or others may
// read or write is warned about (the loader, so --check, check-config and start all say it); hooks
// from a file or directory others may write are refused with a clear error, the rest runs, and
// check-config exits 1. Real temp files with real modes.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCheckConfig } from '../../../src/cli/cmd-check-config.js';
import { judgeFileMode } from '../../../src/config/file-mode.js';
import { loadConfigReport } from '../../../src/config/load.js';
import { makePainter } from '../../../src/cli/io.js';
import { systemClock } from '../../../src/clock.js';

const dir = mkdtempSync(join(tmpdir(), 'wf-mode-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const KEY = 'k3y-for-tests-0123456789abcdef0123456789abcdef';
const BASE = `primary: { interface: wan1 }\nsecondary: { interface: wan2 }\nping_targets: [198.51.100.1]\n`;

function file(name: string, body: string, mode: number, inDir = dir): string {
  const p = join(inDir, name);
  writeFileSync(p, body);
  chmodSync(p, mode);
  return p;
}

const modeLines = (p: string) => loadConfigReport(p).warnings.filter((w) => w.key === '(file)' || w.key === 'hooks');

test('a 0644 config with api_key warns (naming the key, never its value); 0600 does not', () => {
  const open = file('open.yaml', `${BASE}api_key: "${KEY}"\n`, 0o644);
  const w = modeLines(open);
  assert.equal(w.length, 1);
  assert.match(w[0]!.message, /is readable or writable by others \(mode 0644\) and holds api_key: chmod 600/);
  assert.ok(!JSON.stringify(w).includes(KEY));
  assert.deepEqual(modeLines(file('closed.yaml', `${BASE}api_key: "${KEY}"\n`, 0o600)), []);
  assert.deepEqual(modeLines(file('nosecret.yaml', BASE, 0o644)), [], 'nothing secret, nothing to say');
});

test('0640 with an MQTT password and webhook headers: the group may read it, and it says so', () => {
  const p = file('group.yaml', `${BASE}mqtt: { url: "mqtt://127.0.0.1:1883", username: ha, password: "pw" }\n`
    + 'webhooks:\n  - url: "http://127.0.0.1:9/x"\n    headers: { Authorization: "Bearer t" }\n', 0o640);
  const w = modeLines(p);
  assert.equal(w.length, 1);
  assert.match(w[0]!.message, /readable or writable by its group \(mode 0640\) and holds mqtt\.password, webhooks\[0\]\.headers/);
});

test('hooks in a 0666 file are refused: the config runs without them, one error says why, check-config exits 1', async () => {
  const p = file('hooks.yaml', `${BASE}api_key: "${KEY}"\nhooks: [/usr/local/bin/on-switch]\n`, 0o666);
  const r = loadConfigReport(p);
  assert.deepEqual(r.config.hooks, [], 'no hook from a file everyone may write');
  const refused = r.warnings.filter((w) => w.severity === 'error');
  assert.equal(refused.length, 1);
  assert.match(refused[0]!.message, /^hooks refused: .*hooks\.yaml is writable by everyone \(mode 0666\).*runs without its 1 hook/);
  const out: string[] = [];
  const io = { out: (l: string) => { out.push(l); }, err: (l: string) => { out.push(l); }, paint: makePainter(false) };
  const code = await runCheckConfig([p], { io, clock: systemClock, signal: new AbortController().signal });
  assert.equal(code, 1);
  assert.ok(out.some((l) => l.startsWith(`${p}: error: hooks refused`)), out.join('\n'));
  assert.match(out.at(-1)!, /^refused in part: /);
  // The same hooks from a 0600 file run.
  const ok = file('hooks-ok.yaml', `${BASE}api_key: "${KEY}"\nhooks: [/usr/local/bin/on-switch]\n`, 0o600);
  assert.equal(loadConfigReport(ok).config.hooks?.length, 1);
  assert.deepEqual(modeLines(ok), []);
});

test('hooks in a 0600 file inside a directory everyone may write are refused; a sticky directory is fine', () => {
  const open = join(dir, 'open-dir');
  mkdirSync(open);
  chmodSync(open, 0o777);
  const p = file('h.yaml', `${BASE}hooks: [/usr/local/bin/on-switch]\n`, 0o600, open);
  assert.deepEqual(loadConfigReport(p).config.hooks, []);
  assert.match(modeLines(p)[0]!.message, /its directory .*open-dir is writable by everyone \(mode 0777\)/);
  chmodSync(open, 0o1777);
  assert.equal(loadConfigReport(p).config.hooks?.length, 1);
});

test('judgeFileMode: a file owned by another user is refused for hooks; a group-writable one too', () => {
  const holds = { secrets: [], hooks: 2 };
  const v = judgeFileMode('/etc/wf.yaml', { mode: 0o600, uid: 1000 }, { mode: 0o755, uid: 0 }, holds, 0);
  assert.match(v.hooksRefused ?? '', /owned by uid 1000, not root/);
  assert.match(judgeFileMode('/etc/wf.yaml', { mode: 0o620, uid: 0 }, null, holds, 0).hooksRefused ?? '', /writable by its group \(mode 0620\)/);
  assert.equal(judgeFileMode('/etc/wf.yaml', { mode: 0o600, uid: 0 }, { mode: 0o755, uid: 0 }, holds, 0).hooksRefused, null);
  assert.equal(judgeFileMode('/home/me/wf.yaml', { mode: 0o600, uid: 1000 }, { mode: 0o700, uid: 1000 }, holds, 1000).hooksRefused, null,
    'a daemon run by that user owns it');
});
