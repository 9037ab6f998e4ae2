// strerror text back to errno names, as the raw-socket adapter needs for its send errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { errnoFromMessage } from '../../../src/probe/errno-text.js';

describe('errnoFromMessage', () => {
  it('knows the glibc wording of the usual sendto errors', () => {
    assert.equal(errnoFromMessage('Network is unreachable'), 'ENETUNREACH');
    assert.equal(errnoFromMessage('No route to host'), 'EHOSTUNREACH');
    assert.equal(errnoFromMessage('Operation not permitted'), 'EPERM');
    assert.equal(errnoFromMessage('No such device'), 'ENODEV');
  });

  it("falls back to libuv's table, then to EIO", () => {
    assert.equal(errnoFromMessage('connection refused'), 'ECONNREFUSED');
    assert.equal(errnoFromMessage('something odd happened'), 'EIO');
  });
});
