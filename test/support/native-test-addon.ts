// Loads the TEST-ONLY addon (native/src/test-addon.cc, binding.gyp target wan_failover_test): the
// receiving end of a unix datagram socket. It is built beside the product addon but named
// *.test-node, so neither node-gyp-build nor install.sh ever picks it up; process.dlopen loads a
// native module from any file name.
import { existsSync } from 'node:fs';
import { NATIVE_DIR } from '../../src/systemd/native.js';
import path from 'node:path';

export interface TestAddon {
  /** Bind a unix datagram socket ('@name' = abstract namespace); returns its fd. */
  bindDgram(socketPath: string): number;
  /** Wait up to timeoutMs (at most 10 s) for one datagram; null on timeout. Blocks the thread. */
  recvDgram(fd: number, timeoutMs: number): string | null;
  /** Close an fd bindDgram returned (any other fd: TypeError). */
  closeFd(fd: number): void;
}

export const TEST_ADDON_PATH: string = path.join(NATIVE_DIR, 'build', 'Release', 'wan_failover_test.test-node');

/** The test addon, or the reason it cannot be loaded (for a test's `skip`). */
export function loadTestAddon(file: string = TEST_ADDON_PATH): TestAddon | string {
  if (!existsSync(file)) return `test addon not built (${file} missing): npm run build:native`;
  const mod = { exports: {} as Record<string, unknown> };
  process.dlopen(mod, file);
  const e = mod.exports;
  if (typeof e.bindDgram !== 'function' || typeof e.recvDgram !== 'function' || typeof e.closeFd !== 'function') {
    return `${file} does not export bindDgram/recvDgram/closeFd`;
  }
  return e as unknown as TestAddon;
}
