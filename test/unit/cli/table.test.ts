// Unit tests of the pure aligned-table renderer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnWidths, renderTable } from '../../../src/cli/table.js';

test('columns are as wide as their widest cell, header included', () => {
  const lines = renderTable([{ header: 'NAME' }, { header: 'MTU', align: 'right' }, { header: 'STATE' }],
    [['lo', '65536', 'UNKNOWN'], ['wan0', '1500', 'UP']]);
  assert.deepEqual(lines, [
    'NAME    MTU  STATE',
    'lo    65536  UNKNOWN',
    'wan0   1500  UP',
  ]);
});

test('no line ends in blanks, also with an empty last cell', () => {
  const lines = renderTable([{ header: 'A' }, { header: 'OURS' }], [['x', ''], ['yyyy', '*']]);
  for (const l of lines) assert.equal(l, l.trimEnd());
  assert.deepEqual(lines, ['A     OURS', 'x', 'yyyy  *']);
});

test('paint is applied after padding: escapes do not change the alignment', () => {
  const red = (s: string): string => `\u001b[31m${s}\u001b[39m`;
  const lines = renderTable([{ header: 'H' }, { header: 'X' }], [[{ text: 'ab', paint: red }, '1'], ['abcd', '2']]);
  const strip = (s: string): string => s.replace(/\u001b\[\d+m/g, '');
  assert.deepEqual(lines.map(strip), ['H     X', 'ab    1', 'abcd  2']);
  assert.ok(lines[1].startsWith('\u001b[31mab  \u001b[39m'));
});

test('noHeader hides the header and ignores its width; short rows get empty cells', () => {
  assert.deepEqual(columnWidths([{ header: 'LONGHEADER' }], [['a']], false), [1]);
  const lines = renderTable([{ header: 'LONGHEADER' }, { header: 'B' }, { header: 'C' }], [['a'], ['bb', 'x', 'y']],
    { noHeader: true, gap: 1 });
  assert.deepEqual(lines, ['a', 'bb x y']);
});

test('headerPaint styles the header row only', () => {
  const lines = renderTable([{ header: 'A' }], [['x']], { headerPaint: (s) => `<${s}>` });
  assert.deepEqual(lines, ['<A>', 'x']);
});
