// Unit tests of the shared argument helpers: usage errors are UsageError with one clear line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError, expectPositionals, parseCommand, positiveInt, positiveNumber } from '../../../src/cli/args.js';
import { parseOnOff } from '../../../src/cli/cmd-daemon.js';
import { dumpSections } from '../../../src/cli/cmd-dump.js';

test('positiveInt: absent means the fallback, even an unbounded one', () => {
  assert.equal(positiveInt(undefined, '--count', Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
  assert.equal(positiveInt('3', '--count', 1), 3);
  for (const bad of ['2.5', '-1', '0', '', 'x']) assert.throws(() => positiveInt(bad, '--count', 1), UsageError, bad);
});

test('positiveNumber accepts fractions of a second', () => {
  assert.equal(positiveNumber('0.2', '-i', 1), 0.2);
  assert.throws(() => positiveNumber('Infinity', '-i', 1), UsageError);
});

test('parseCommand: unknown options and missing values are one-line UsageErrors; -h is always known', () => {
  assert.equal(parseCommand(['-h'], {}).values.help, true);
  const unknown = (() => { try { parseCommand(['--bogus'], {}); } catch (e) { return e; } return null; })();
  assert.ok(unknown instanceof UsageError);
  assert.equal(unknown.message, "unknown option '--bogus'");
  assert.throws(() => parseCommand(['-c'], { count: { type: 'string', short: 'c' } }), (e: unknown) =>
    e instanceof UsageError && !e.message.includes('\n'));
});

test('expectPositionals counts', () => {
  const p = parseCommand(['a', 'b'], {});
  assert.deepEqual(expectPositionals(p, 1, 2, 'u'), ['a', 'b']);
  assert.throws(() => expectPositionals(p, 0, 1, 'u'), /unexpected argument 'b'/);
  assert.throws(() => expectPositionals(parseCommand([], {}), 1, 1, 'u'), /missing argument/);
});

test('dump sections and on/off words', () => {
  assert.deepEqual(dumpSections(undefined), ['links', 'addrs', 'routes', 'rules', 'nexthops']);
  assert.deepEqual(dumpSections('nexthops'), ['nexthops']);
  assert.deepEqual(dumpSections('routes'), ['routes']);
  assert.throws(() => dumpSections('arp'), UsageError);
  assert.equal(parseOnOff('ON'), true);
  assert.equal(parseOnOff('off'), false);
  assert.throws(() => parseOnOff('maybe'), UsageError);
});
