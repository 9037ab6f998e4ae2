// Build step of the status page (npm run build): copies src/page/static and uPlot's browser files
// from node_modules into dist/src/page/static, and writes a gzip -9 copy of each beside it, so the
// daemon serves the page offline (no CDN) and small (page-route.ts sends the .gz when accepted).
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'dist', 'src', 'page', 'static');
const src = join(root, 'src', 'page', 'static');
const uplotDir = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');

mkdirSync(out, { recursive: true });
const files = [
  ...readdirSync(src).map((f) => [join(src, f), f]),
  [join(uplotDir, 'uPlot.iife.min.js'), 'uPlot.iife.min.js'],
  [join(uplotDir, 'uPlot.min.css'), 'uPlot.min.css'],
];
for (const [from, name] of files) {
  const to = join(out, name);
  copyFileSync(from, to);
  writeFileSync(`${to}.gz`, gzipSync(readFileSync(to), { level: constants.Z_BEST_COMPRESSION }));
}
