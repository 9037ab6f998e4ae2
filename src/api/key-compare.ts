// Constant-time API key comparison shared by the Bearer header and the ?api_key= query path.
// Hashing both sides first gives equal-length buffers, so neither content nor length leaks by timing.
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** A checker for one key: its digest is taken once, so a request costs one hash, not two. */
export function keyChecker(expected: string): (given: string) => boolean {
  const want = digest(expected);
  return (given) => timingSafeEqual(want, digest(given));
}
