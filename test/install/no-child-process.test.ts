// The shipped daemon is netlink-native: it never runs `ip`, `ping` or any other program, except
// hooks the admin configured (src/notify/hook-process.ts, the one adapter allowed to spawn).
// Scans the built product (dist/src) for any use of node:child_process elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const ALLOWED = new Set(['notify/hook-process.js']);

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    (e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
}

test('only the hook adapter imports child_process in the shipped product', () => {
  const files = jsFiles(SRC);
  assert.ok(files.length > 50, `the product was found (${files.length} files under ${SRC})`);
  const users = files.filter((f) => /\bchild_process\b/.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f)).sort();
  assert.deepEqual(users, [...ALLOWED]);
});
