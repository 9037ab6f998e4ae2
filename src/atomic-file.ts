// The one writer of the small files other programs read (the VRRP track file for keepalived, the
// resolv file for dnsmasq): the text goes to a temporary file in the same directory, which is then
// renamed over the target (rename(2) is atomic within a file system), so a reader never sees half
// a file. Synchronous on purpose: the value is on disk in the same turn as
// the change that caused it. No fsync: readers need atomicity, not durability (the usual place,
// /run, is a tmpfs, and after a reboot the daemon writes the file anew).
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export type WriteFileAtomically = (path: string, text: string) => void;

export const writeFileAtomically: WriteFileAtomically = (path, text) => {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    // 0644: keepalived and dnsmasq read it whatever the daemon's UMask; the content is no secret.
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
};
