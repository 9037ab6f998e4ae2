#!/usr/bin/env node
// `npm run build:native`: runs `node-gyp rebuild` only when an addon is missing or older than
// binding.gyp or a file under native/src, so `npm test` and `npm run lab` right after setup do
// not recompile (about 25 s on a small router). `--force` always rebuilds. Quiet: nothing when up
// to date, one line when it builds; node-gyp's and the compiler's output only when the build fails,
// so the first screen of `npm run lab` is the demo's.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// The build products of binding.gyp's targets (the test addon's extension is .test-node).
const OUTPUTS = ['build/Release/wan_failover_native.node', 'build/Release/wan_failover_test.test-node'];

function newestSourceMs(dir) {
  let newest = statSync(join(here, 'binding.gyp')).mtimeMs;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(dir);
  return newest;
}

function stale() {
  const outputs = OUTPUTS.map((o) => join(here, o));
  if (outputs.some((o) => !existsSync(o))) return 'an addon is missing';
  const oldest = Math.min(...outputs.map((o) => statSync(o).mtimeMs));
  return newestSourceMs(join(here, 'src')) > oldest ? 'native sources changed' : null;
}

const why = process.argv.includes('--force') ? 'forced' : stale();
if (why !== null) {
  process.stdout.write(`building the native addon (${why}) ...\n`);
  const r = spawnSync('node-gyp', ['rebuild', '--directory', here], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `${r.error.message}\n` : ''}`);
    process.stderr.write(`native addon build failed (node-gyp exit ${r.status ?? r.signal}); its output is above\n`);
  }
  process.exit(r.status ?? 1);
}
