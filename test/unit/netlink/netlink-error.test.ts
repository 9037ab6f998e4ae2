import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WanError } from '../../../src/errors.js';
import { errnoName, errnoOf, netlinkError, wrapSocketError } from '../../../src/netlink/netlink-error.js';

test('errnoName accepts the kernel negative errno and positive values', () => {
  assert.equal(errnoName(-1), 'EPERM');
  assert.equal(errnoName(17), 'EEXIST');
  assert.equal(errnoName(-3), 'ESRCH');
});

test('netlinkError is a WAN_ERR_NETLINK WanError carrying errno and op', () => {
  const e = netlinkError('addRule', 'EPERM', { errnoNumber: 1 });
  assert.ok(e instanceof WanError);
  assert.equal(e.code, 'WAN_ERR_NETLINK');
  assert.equal(e.status, 500);
  assert.deepEqual(e.details, { errno: 'EPERM', op: 'addRule', errnoNumber: 1 });
  assert.equal(errnoOf(e), 'EPERM');
});

test('wrapSocketError keeps code and syscall of library errors', () => {
  const lib = Object.assign(new Error('Error when receiving'), { code: 'ENOBUFS', errno: 105, syscall: 'recvmsg' });
  const e = wrapSocketError('dump links', lib);
  assert.equal(e.details.errno, 'ENOBUFS');
  assert.equal(e.details.syscall, 'recvmsg');
  assert.equal(errnoOf(new Error('x')), null);
  assert.equal(wrapSocketError('x', e), e);
});
