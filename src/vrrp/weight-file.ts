// The track file's one writer: the text goes to a temporary file in the same directory, which is
// then renamed over the target (rename(2) is atomic within a file system), so keepalived never
// reads a half-written number. Synchronous on purpose: the value is on disk in the same turn as
// the change that caused it. No fsync: readers need atomicity, not durability (the usual place,
// /run, is a tmpfs, and after a reboot the daemon writes the file anew).
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export type WriteWeightFile = (path: string, text: string) => void;

export const writeFileAtomically: WriteWeightFile = (path, text) => {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    // 0644: keepalived (root) reads it whatever the daemon's UMask; the content is no secret.
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
};
