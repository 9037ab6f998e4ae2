// Unit tests of the colour decision: only on a TTY, never with NO_COLOR set (no-color.org).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colourWanted, makePainter } from '../../../src/cli/io.js';

test('colour only on a TTY and without NO_COLOR', () => {
  assert.equal(colourWanted({}, true), true);
  assert.equal(colourWanted({}, false), false);
  assert.equal(colourWanted({ NO_COLOR: '1' }, true), false);
  // no-color.org: an empty NO_COLOR does not count as set.
  assert.equal(colourWanted({ NO_COLOR: '' }, true), true);
});

test('a disabled painter is the identity; an enabled one wraps and resets', () => {
  const off = makePainter(false);
  assert.equal(off.red('x') + off.bold('y') + off.dim('z'), 'xyz');
  const on = makePainter(true);
  assert.equal(on.green('ok'), '\u001b[32mok\u001b[39m');
  assert.equal(on.bold('b'), '\u001b[1mb\u001b[22m');
});
