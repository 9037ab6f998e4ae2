// The pure decision about an existing lab of the same prefix: nothing there -> build; no process
// left -> remove it and say so; processes alive -> refuse, saying how to remove it or pick another prefix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideExistingLab, downCommand } from '../../../lab/lab-reuse.js';
import { parseLabArgs, LabUsageError } from '../../../lab/lab-args.js';

const NS = ['wflab-r', 'wflab-isp1', 'wflab-isp2', 'wflab-net'];

test('no namespaces of the prefix: build fresh', () => {
  assert.deepEqual(decideExistingLab({ prefix: 'wflab', namespaces: [], processes: [] }, 'wflab'), { kind: 'fresh' });
});

test('namespaces without a process: stale, removed with a note naming them', () => {
  const d = decideExistingLab({ prefix: 'wflab', namespaces: NS, processes: [] }, 'wflab');
  assert.equal(d.kind, 'remove-stale');
  if (d.kind !== 'remove-stale') return;
  assert.deepEqual(d.namespaces, [...NS].sort());
  assert.match(d.note, /stale lab "wflab"/);
  assert.match(d.note, /wflab-isp1/);
});

test('a process alive in any namespace: refused, with the down command and the --prefix way out', () => {
  const d = decideExistingLab({ prefix: 'wflab', namespaces: NS, processes: [{ pid: 4242, ns: 'wflab-r', name: 'node' }] }, 'wflab');
  assert.equal(d.kind, 'refuse');
  if (d.kind !== 'refuse') return;
  assert.match(d.message, /in use/);
  assert.match(d.message, /4242 node in wflab-r/);
  assert.match(d.message, /'npm run lab -- down'/);
  assert.match(d.message, /--prefix NAME/);
});

test('a non-default prefix: the down command carries it; long process lists are cut', () => {
  const processes = Array.from({ length: 8 }, (_, i) => ({ pid: 100 + i, ns: 'mine-r', name: '' }));
  const d = decideExistingLab({ prefix: 'mine', namespaces: ['mine-r'], processes }, 'wflab');
  assert.equal(d.kind, 'refuse');
  if (d.kind !== 'refuse') return;
  assert.match(d.message, /'npm run lab -- down --prefix mine'/);
  assert.match(d.message, /and 3 more/);
  assert.equal(downCommand('wflab', 'wflab'), 'npm run lab -- down');
});

test('--prefix is parsed for every lab command and validated', () => {
  assert.deepEqual(parseLabArgs(['down', '--prefix', 'other']), { cmd: 'down', prefix: 'other' });
  assert.deepEqual(parseLabArgs(['--prefix', 'x1', 'heal', '2']), { cmd: 'heal', link: 2, prefix: 'x1' });
  assert.equal(parseLabArgs(['up']).prefix, 'wflab');
  assert.throws(() => parseLabArgs(['up', '--prefix', 'Bad Name']), LabUsageError);
  assert.throws(() => parseLabArgs(['up', '--prefix']), LabUsageError);
});
